"""The coverage heatmaps: criteria × selected controls, and series × coverage status.

Both builders take domain data (a `Coverage`, the selected controls) and plain
link lists, and return a plotly figure as plain JSON data (no plotly objects:
validating a 5,000-control grid through them took most of the page); nothing
here knows Flask. Text that a user may have written (custom control titles)
is HTML-escaped, because plotly reads a few tags in labels and hover text.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from functools import lru_cache
from html import escape
from typing import Any

from ..domain.assessment.model import NOT_APPLICABLE
from ..domain.coverage.columns import ColumnControl
from ..domain.coverage.report import COVERAGE_STATUSES, Coverage
from ..domain.coverage.report import STATUS_LABELS as CRITERION_LABELS
from .coverage_cells import (  # noqa: F401  (cell_code is part of this module's interface)
    CELL_CODES,
    STATUS_LABELS,
    cell_code,
    control_cells,
    domain_cells,
)

CELL = 16  # pixels per heatmap cell, both ways
STATUS_COLOURS = {
    "covered": ["#eef7f1", "#1e7b47"],
    "partial": ["#fdf5e3", "#c98a00"],
    "gap": ["#fbeceb", "#b3261e"],
    "not_applicable": ["#f2f3f5", "#6b7280"],
    "carved_out": ["#f1eefa", "#6a4fb3"],
}


def legend() -> list[dict[str, str]]:
    """Return the legend entries of the criteria × controls heatmap, in colour-scale order."""
    return [
        {
            "code": str(code),
            "colour": colour,
            "label": "not applicable (counts for nothing)"
            if status == NOT_APPLICABLE
            else f"{strength} · {STATUS_LABELS[status]}",
        }
        for code, (strength, status, colour) in enumerate(CELL_CODES)
    ]


def status_legend() -> list[dict[str, str]]:
    """Return the legend of the criterion status column: one colour per coverage status."""
    return [
        {"status": status, "colour": STATUS_COLOURS[status][1], "label": CRITERION_LABELS[status]}
        for status in COVERAGE_STATUSES
    ]


def _status_scale() -> list[list[object]]:
    n = len(COVERAGE_STATUSES)
    scale: list[list[object]] = []
    for code, status in enumerate(COVERAGE_STATUSES):
        colour = STATUS_COLOURS[status][1]
        scale += [[code / n, colour], [(code + 1) / n, colour]]
    return scale


def _status_note(item: object) -> str:
    exclusion = getattr(item, "exclusion", None)
    if exclusion is None:
        return ""
    if exclusion.carved_out:
        note = f"carved out to {exclusion.vendor}: {exclusion.reason}"
        return note + (f" ({exclusion.warning})" if exclusion.warning else "")
    return f"not applicable: {exclusion.reason}"


def _discrete_scale() -> list[list[object]]:
    n = len(CELL_CODES)
    scale: list[list[object]] = []
    for code, (_s, _st, colour) in enumerate(CELL_CODES):
        scale += [[code / n, colour], [(code + 1) / n, colour]]
    return scale


def _groups(keys: Sequence[str]) -> list[tuple[str, int, int]]:
    """Return (key, first index, last index) for each run of equal keys."""
    runs: list[tuple[str, int, int]] = []
    for i, key in enumerate(keys):
        if runs and runs[-1][0] == key:
            runs[-1] = (key, runs[-1][1], i)
        else:
            runs.append((key, i, i))
    return runs


@lru_cache(maxsize=32768)
def _escaped(text: str) -> str:
    """Return `text` HTML-escaped, kept: the labels are the library's and recur on every view."""
    return escape(text)


def _link(text: str, url: str) -> str:
    return (
        f'<a href="{_escaped(url)}" target="_self">{_escaped(text)}</a>' if url else _escaped(text)
    )


def coverage_heatmap_figure(
    coverage: Coverage,
    controls: Sequence[ColumnControl],
    criterion_urls: Sequence[str] = (),
    domains: Sequence[tuple[str, str]] | None = None,
) -> dict[str, Any]:
    """Return the criteria (rows, by series) × controls (columns, by domain) heatmap as data.

    A cell is blank where the control does not map to the criterion, else it
    is coloured by the mapping's strength and the control's implementation
    status; its hover names the criterion, the control and both facts.
    `controls` must already be in column order (grouped by domain). With
    `domains` ((key, link) pairs) the columns are those domains instead, each
    cell counting the domain's selected controls mapped to the criterion.

    The figure is plain data, not a plotly object: the heatmap trace lists
    only its filled cells (`cells`, with hover tables in `hover`) and our
    static charts.js expands them into plotly's grid in the browser.
    """
    rows = coverage.criteria
    if domains is not None:
        keys = [key for key, _link in domains]
        cells, labels = domain_cells(coverage, controls, keys)
        column_text = [_escaped(key.replace("-", " ")) for key in keys]
        ticktext = [_link(key.replace("-", " "), link) for key, link in domains]
        shapes, annotations = _group_marks(coverage, [])  # series marks only
    else:
        cells, labels = control_cells(coverage, controls)
        column_text = [_escaped(f"{c.ref} {c.title}") for c in controls]
        ticktext = [_link(c.ref, c.url) for c in controls]
        shapes, annotations = _group_marks(coverage, controls)
    n_columns = len(column_text)
    urls = list(criterion_urls) or [""] * len(rows)
    codes = {status: code for code, status in enumerate(COVERAGE_STATUSES)}
    heatmap = {
        "type": "heatmap",
        "x": list(range(n_columns)),
        "y": list(range(len(rows))),
        "cells": cells,
        "hover": {
            "rows": [_escaped(f"{item.ref} {item.title}") for item in rows],
            "columns": column_text,
            "labels": labels,
            "status": [f"criterion {item.status}" for item in rows],
        },
        "hovertemplate": (
            "<b>%{customdata[0]}</b><br>%{customdata[1]}<br>"
            "%{customdata[2]}; %{customdata[3]}<extra></extra>"
        ),
        "hoverongaps": False,
        "colorscale": _discrete_scale(),
        "zmin": -0.5,
        "zmax": len(CELL_CODES) - 0.5,
        "showscale": False,
        "xgap": 1,
        "ygap": 1,
    }
    status_trace = {
        "type": "heatmap",
        "z": [[codes[item.status]] for item in rows],
        "x": ["status"],
        "y": list(range(len(rows))),
        "customdata": [
            [[_escaped(f"{item.ref} {item.title}"), CRITERION_LABELS[item.status],
              _escaped(_status_note(item))]]
            for item in rows
        ],
        "hovertemplate": (
            "<b>%{customdata[0]}</b><br>%{customdata[1]}<br>%{customdata[2]}<extra></extra>"
        ),
        "colorscale": _status_scale(),
        "zmin": -0.5,
        "zmax": len(COVERAGE_STATUSES) - 0.5,
        "showscale": False,
        "xaxis": "x2",
        "ygap": 1,
    }  # fmt: skip
    bottom = _label_room([c.domain for c in controls]) if domains is None else 60
    top, left = 70, 70
    width = max(left + CELL * (n_columns + 2) + 44, 480)
    strip = CELL / max(width - left - 44, 1)  # the status column's share of the plot width
    layout = {
        "width": width,
        "height": top + CELL * max(len(rows), 1) + bottom,
        "margin": {"l": left, "r": 44, "t": top, "b": bottom},
        "font": {"size": 10},
        "plot_bgcolor": "#ffffff",
        "shapes": shapes,
        "annotations": annotations,
        "xaxis": {
            "side": "top",
            "tickmode": "array",
            "tickvals": list(range(n_columns)),
            "ticktext": ticktext,
            "tickangle": -90,
            "showgrid": False,
            "zeroline": False,
            "fixedrange": True,
            "domain": [0, 1 - 2 * strip],
        },
        "xaxis2": {
            "side": "top",
            "anchor": "y",
            "domain": [1 - strip, 1],
            "tickangle": -90,
            "showgrid": False,
            "zeroline": False,
            "fixedrange": True,
        },
        "yaxis": {
            "autorange": "reversed",
            "tickmode": "array",
            "tickvals": list(range(len(rows))),
            "ticktext": [_link(item.ref, url) for item, url in zip(rows, urls, strict=False)],
            "showgrid": False,
            "zeroline": False,
            "fixedrange": True,
        },
    }
    return {"data": [heatmap, status_trace], "layout": layout}


LABEL_CHAR = 5.5  # pixels a character of a 10 px group label takes, with room to spare


def _label_room(domains: Sequence[str]) -> int:
    """Return the pixels below the cells that the longest domain label, turned upright, needs."""
    longest = max((len(d) for d in domains), default=0)
    return max(60, round(16 + LABEL_CHAR * longest))


SEPARATOR = {"color": "#5b6474", "width": 1}
GROUP_FONT = {"size": 10, "color": "#5b6474"}


def _group_marks(
    coverage: Coverage, controls: Sequence[ColumnControl]
) -> tuple[list[dict[str, object]], list[dict[str, object]]]:
    """Return separator lines between series and domains, and the group labels.

    Series labels sit right of the rows, domain labels below the columns.
    """
    series = _groups([c.series for c in coverage.criteria])
    domains = _groups([c.domain for c in controls])
    shapes: list[dict[str, object]] = [
        dict(type="line", xref="paper", x0=0, x1=1, yref="y", y0=y - 0.5, y1=y - 0.5,
             line=SEPARATOR)
        for _key, y, _last in series[1:]
    ]  # fmt: skip
    shapes += [
        dict(type="line", yref="paper", y0=0, y1=1, xref="x", x0=x - 0.5, x1=x - 0.5,
             line=SEPARATOR)
        for _key, x, _last in domains[1:]
    ]  # fmt: skip
    annotations: list[dict[str, object]] = [
        dict(x=(first + last) / 2, xref="x", y=0, yref="paper", yshift=-6,
             text=_escaped(key.replace("-", " ")), showarrow=False, textangle=-90,
             xanchor="center", yanchor="top", font=GROUP_FONT)
        for key, first, last in domains
    ]  # fmt: skip
    annotations += [
        dict(x=1, xref="paper", xshift=4, y=(first + last) / 2, yref="y", text=_escaped(key),
             showarrow=False, xanchor="left", font=GROUP_FONT)
        for key, first, last in series
    ]  # fmt: skip
    return shapes, annotations


def _in_column(
    values: Sequence[object], column: int, width: int, blank: object = None
) -> list[list[object]]:
    """Return rows holding each value in `column` and `blank` elsewhere."""
    return [[v if j == column else blank for j in range(width)] for v in values]


def series_status_figure(coverage: Coverage, series_titles: dict[str, str]) -> dict[str, Any]:
    """Return the summary heatmap, as plotly JSON data: one row per series, one column per status.

    Each cell shows how many of the series' in-scope criteria have that status,
    and is shaded by that share (0–100 %) in the status's own colour. Each
    status is its own trace spanning all three columns (blank outside its own)
    so that every trace has its colour scale and the cells line up.
    """
    refs = list(coverage.by_series)
    labels = [_escaped(f"{ref} {series_titles.get(ref, '')}".strip()) for ref in refs]
    statuses = list(COVERAGE_STATUSES)
    width = len(statuses)
    traces: list[dict[str, Any]] = []
    for column, status in enumerate(statuses):
        totals = [coverage.by_series[ref] for ref in refs]
        counts = [getattr(t, status) for t in totals]
        traces.append(
            {
                "type": "heatmap",
                "z": _in_column([t.percent(status) for t in totals], column, width),
                "x": statuses,
                "y": labels,
                "text": _in_column([str(n) for n in counts], column, width, ""),
                "texttemplate": "%{text}",
                "customdata": _in_column(
                    [f"{n} of {t.total}" for n, t in zip(counts, totals, strict=True)],
                    column,
                    width,
                    "",
                ),
                "hovertemplate": "%{y}<br>%{x}: %{customdata} criteria (%{z}%)<extra></extra>",
                "hoverongaps": False,
                "colorscale": [[0, STATUS_COLOURS[status][0]], [1, STATUS_COLOURS[status][1]]],
                "zmin": 0,
                "zmax": 100,
                "showscale": False,
                "xgap": 2,
                "ygap": 2,
            }
        )
    layout = {
        "height": 90 + 24 * max(len(refs), 1),
        "margin": {"l": 10, "r": 10, "t": 40, "b": 10},
        "font": {"size": 11},
        "plot_bgcolor": "#ffffff",
        "xaxis": {"side": "top", "fixedrange": True},
        "yaxis": {"autorange": "reversed", "automargin": True, "fixedrange": True},
    }
    return {"data": traces, "layout": layout}


def _json(figure: dict[str, Any]) -> str:
    # a figure is plain lists and dicts made here, never circular: no check per container
    return json.dumps(figure, separators=(",", ":"), ensure_ascii=False, check_circular=False)


def coverage_page_figures(
    coverage: Coverage,
    columns: Sequence[ColumnControl],
    criterion_links: Sequence[str],
    series_titles: dict[str, str],
    domains: Sequence[tuple[str, str]] | None = None,
) -> dict[str, Any]:
    """Return the coverage page's two figures (as JSON text) and their legends.

    With `domains`, the heatmap's columns are those domains (see `coverage_heatmap_figure`).
    """
    return {
        "figure": _json(coverage_heatmap_figure(coverage, columns, criterion_links, domains)),
        "summary_figure": _json(series_status_figure(coverage, series_titles)),
        "legend": legend(),
        "status_legend": status_legend(),
    }
