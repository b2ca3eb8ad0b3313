"""The coverage heatmaps: criteria × selected controls, and series × coverage status.

Both builders take domain data (a `Coverage`, the selected controls) and plain
link lists, and return a plotly figure; nothing here knows Flask. Text that a
user may have written (custom control titles) is HTML-escaped, because plotly
reads a few tags in labels and hover text.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import Any

import plotly.graph_objects as go

from ..domain.assessment.model import IMPLEMENTED, NOT_APPLICABLE, PARTIAL, PLANNED
from ..domain.coverage.columns import ColumnControl
from ..domain.coverage.report import COVERAGE_STATUSES, Coverage
from ..domain.coverage.report import STATUS_LABELS as CRITERION_LABELS

CELL = 16  # pixels per heatmap cell, both ways
STATUS_LABELS = {
    IMPLEMENTED: "implemented",
    PARTIAL: "partially implemented",
    PLANNED: "planned",
    NOT_APPLICABLE: "not applicable",
}
# cell code → (strength, status, colour); the code orders the colour scale
CELL_CODES: tuple[tuple[str, str, str], ...] = (
    ("any", NOT_APPLICABLE, "#c3c8d0"),
    ("supporting", PLANNED, "#d6e6f7"),
    ("supporting", PARTIAL, "#94bde8"),
    ("supporting", IMPLEMENTED, "#4a8bd1"),
    ("primary", PLANNED, "#f6c667"),
    ("primary", PARTIAL, "#7cc49a"),
    ("primary", IMPLEMENTED, "#1e7b47"),
)
STATUS_COLOURS = {
    "covered": ["#eef7f1", "#1e7b47"],
    "partial": ["#fdf5e3", "#c98a00"],
    "gap": ["#fbeceb", "#b3261e"],
    "not_applicable": ["#f2f3f5", "#6b7280"],
    "carved_out": ["#f1eefa", "#6a4fb3"],
}


def cell_code(strength: str, status: str) -> int:
    """Return the colour-scale code of one mapping: its strength and implementation status."""
    if status == NOT_APPLICABLE:
        return 0
    for code, (s, st, _colour) in enumerate(CELL_CODES):
        if s == strength and st == status:
            return code
    raise ValueError(f"unknown mapping {strength}/{status}")


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


def _link(text: str, url: str) -> str:
    return f'<a href="{escape(url)}" target="_self">{escape(text)}</a>' if url else escape(text)


def coverage_heatmap_figure(
    coverage: Coverage,
    controls: Sequence[ColumnControl],
    criterion_urls: Sequence[str] = (),
) -> go.Figure:
    """Return the criteria (rows, by series) × controls (columns, by domain) heatmap.

    A cell is blank where the control does not map to the criterion, else it
    is coloured by the mapping's strength and the control's implementation
    status; its hover names the criterion, the control and both facts.
    `controls` must already be in column order (grouped by domain).
    """
    rows = coverage.criteria
    column = {c.ref: j for j, c in enumerate(controls)}
    z: list[list[int | None]] = [[None] * len(controls) for _ in rows]
    hover: list[list[list[str] | None]] = [[None] * len(controls) for _ in rows]
    for i, item in enumerate(rows):
        criterion = escape(f"{item.ref} {item.title}")
        for mapped in item.controls:
            j = column.get(mapped.ref)
            if j is None:
                continue
            z[i][j] = cell_code(mapped.strength, mapped.status)
            c = controls[j]
            hover[i][j] = [
                criterion,
                escape(f"{c.ref} {c.title}"),
                f"{mapped.strength} · {STATUS_LABELS.get(mapped.status, mapped.status)}",
                f"criterion {item.status}",
            ]
    urls = list(criterion_urls) or [""] * len(rows)
    codes = {status: code for code, status in enumerate(COVERAGE_STATUSES)}
    status_trace = go.Heatmap(
        z=[[codes[item.status]] for item in rows],
        x=["status"],
        y=list(range(len(rows))),
        customdata=[
            [[escape(f"{item.ref} {item.title}"), CRITERION_LABELS[item.status],
              escape(_status_note(item))]]
            for item in rows
        ],
        hovertemplate="<b>%{customdata[0]}</b><br>%{customdata[1]}<br>%{customdata[2]}<extra></extra>",
        colorscale=_status_scale(),
        zmin=-0.5,
        zmax=len(COVERAGE_STATUSES) - 0.5,
        showscale=False,
        xaxis="x2",
        ygap=1,
    )  # fmt: skip
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=list(range(len(controls))),
            y=list(range(len(rows))),
            customdata=hover,
            hovertemplate=(
                "<b>%{customdata[0]}</b><br>%{customdata[1]}<br>"
                "%{customdata[2]}; %{customdata[3]}<extra></extra>"
            ),
            hoverongaps=False,
            colorscale=_discrete_scale(),
            zmin=-0.5,
            zmax=len(CELL_CODES) - 0.5,
            showscale=False,
            xgap=1,
            ygap=1,
        )
    )
    fig.add_trace(status_trace)
    shapes, annotations = _group_marks(coverage, controls)
    top, left, bottom = 70, 70, _label_room([c.domain for c in controls])
    width = max(left + CELL * (len(controls) + 2) + 44, 480)
    strip = CELL / max(width - left - 44, 1)  # the status column's share of the plot width
    fig.update_layout(
        width=width,
        height=top + CELL * max(len(rows), 1) + bottom,
        margin={"l": left, "r": 44, "t": top, "b": bottom},
        font={"size": 10},
        plot_bgcolor="#ffffff",
        shapes=shapes,
        annotations=annotations,
        xaxis={
            "side": "top",
            "tickmode": "array",
            "tickvals": list(range(len(controls))),
            "ticktext": [_link(c.ref, c.url) for c in controls],
            "tickangle": -90,
            "showgrid": False,
            "zeroline": False,
            "fixedrange": True,
            "domain": [0, 1 - 2 * strip],
        },
        xaxis2={
            "side": "top",
            "anchor": "y",
            "domain": [1 - strip, 1],
            "tickangle": -90,
            "showgrid": False,
            "zeroline": False,
            "fixedrange": True,
        },
        yaxis={
            "autorange": "reversed",
            "tickmode": "array",
            "tickvals": list(range(len(rows))),
            "ticktext": [_link(item.ref, url) for item, url in zip(rows, urls, strict=False)],
            "showgrid": False,
            "zeroline": False,
            "fixedrange": True,
        },
    )
    return fig


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
             text=escape(key.replace("-", " ")), showarrow=False, textangle=-90,
             xanchor="center", yanchor="top", font=GROUP_FONT)
        for key, first, last in domains
    ]  # fmt: skip
    annotations += [
        dict(x=1, xref="paper", xshift=4, y=(first + last) / 2, yref="y", text=escape(key),
             showarrow=False, xanchor="left", font=GROUP_FONT)
        for key, first, last in series
    ]  # fmt: skip
    return shapes, annotations


def _in_column(
    values: Sequence[object], column: int, width: int, blank: object = None
) -> list[list[object]]:
    """Return rows holding each value in `column` and `blank` elsewhere."""
    return [[v if j == column else blank for j in range(width)] for v in values]


def series_status_figure(coverage: Coverage, series_titles: dict[str, str]) -> go.Figure:
    """Return the summary heatmap: one row per series, one column per coverage status.

    Each cell shows how many of the series' in-scope criteria have that status,
    and is shaded by that share (0–100 %) in the status's own colour. Each
    status is its own trace spanning all three columns (blank outside its own)
    so that every trace has its colour scale and the cells line up.
    """
    refs = list(coverage.by_series)
    labels = [escape(f"{ref} {series_titles.get(ref, '')}".strip()) for ref in refs]
    statuses = list(COVERAGE_STATUSES)
    width = len(statuses)
    fig = go.Figure()
    for column, status in enumerate(statuses):
        totals = [coverage.by_series[ref] for ref in refs]
        counts = [getattr(t, status) for t in totals]
        fig.add_trace(
            go.Heatmap(
                z=_in_column([t.percent(status) for t in totals], column, width),
                x=statuses,
                y=labels,
                text=_in_column([str(n) for n in counts], column, width, ""),
                texttemplate="%{text}",
                customdata=_in_column(
                    [f"{n} of {t.total}" for n, t in zip(counts, totals, strict=True)],
                    column,
                    width,
                    "",
                ),
                hovertemplate="%{y}<br>%{x}: %{customdata} criteria (%{z}%)<extra></extra>",
                hoverongaps=False,
                colorscale=[[0, STATUS_COLOURS[status][0]], [1, STATUS_COLOURS[status][1]]],
                zmin=0,
                zmax=100,
                showscale=False,
                xgap=2,
                ygap=2,
            )
        )
    fig.update_layout(
        height=90 + 24 * max(len(refs), 1),
        margin={"l": 10, "r": 10, "t": 40, "b": 10},
        font={"size": 11},
        plot_bgcolor="#ffffff",
        xaxis={"side": "top", "fixedrange": True},
        yaxis={"autorange": "reversed", "automargin": True, "fixedrange": True},
    )
    return fig


def coverage_page_figures(
    coverage: Coverage,
    columns: Sequence[ColumnControl],
    criterion_links: Sequence[str],
    series_titles: dict[str, str],
) -> dict[str, Any]:
    """Return the coverage page's two figures (as plotly JSON) and their legends."""
    return {
        "figure": coverage_heatmap_figure(coverage, columns, criterion_links).to_json(),
        "summary_figure": series_status_figure(coverage, series_titles).to_json(),
        "legend": legend(),
        "status_legend": status_legend(),
    }
