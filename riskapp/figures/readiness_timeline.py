"""The readiness timeline: occurrences due against evidence collected, cumulative per month.

The figure is written as plotly JSON directly (two line traces): it is drawn
on every readiness page, and building it through plotly's validating objects
costs more than the rest of the page's chart work.
"""

from __future__ import annotations

import json

from ..domain.testing.readiness import Timeline


def timeline_figure(found: Timeline, today_month: str | None = None) -> str:
    """Return the timeline as plotly JSON: two cumulative lines over the period's months."""
    months = list(found.months)
    shapes = []
    if today_month and today_month in found.months:
        shapes.append(
            {
                "type": "line",
                "xref": "x",
                "yref": "paper",
                "x0": today_month,
                "x1": today_month,
                "y0": 0,
                "y1": 1,
                "line": {"color": "#b3261e", "width": 1},
            }
        )
    figure = {
        "data": [
            {
                "type": "scatter",
                "x": months,
                "y": list(found.due),
                "name": "Occurrences due",
                "mode": "lines+markers",
                "line": {"color": "#6b7280", "dash": "dot"},
            },
            {
                "type": "scatter",
                "x": months,
                "y": list(found.collected),
                "name": "Evidence collected",
                "mode": "lines+markers",
                "line": {"color": "#1e7b47"},
            },
        ],
        "layout": {
            "height": 320,
            "margin": {"l": 40, "r": 10, "t": 20, "b": 40},
            "font": {"size": 11},
            "plot_bgcolor": "#ffffff",
            "legend": {"orientation": "h", "y": -0.2},
            "xaxis": {"type": "category", "fixedrange": True},
            "yaxis": {
                "rangemode": "tozero",
                "fixedrange": True,
                "title": {"text": "occurrences (cumulative)"},
            },
            "shapes": shapes,
        },
    }
    return json.dumps(figure)
