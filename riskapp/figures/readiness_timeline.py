"""The readiness timeline: occurrences due against evidence collected, cumulative per month."""

from __future__ import annotations

import plotly.graph_objects as go

from ..domain.testing.readiness import Timeline


def timeline_figure(found: Timeline, today_month: str | None = None) -> str:
    """Return the timeline as plotly JSON: two cumulative lines over the period's months."""
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=list(found.months),
            y=list(found.due),
            name="Occurrences due",
            mode="lines+markers",
            line={"color": "#6b7280", "dash": "dot"},
        )
    )
    fig.add_trace(
        go.Scatter(
            x=list(found.months),
            y=list(found.collected),
            name="Evidence collected",
            mode="lines+markers",
            line={"color": "#1e7b47"},
        )
    )
    if today_month and today_month in found.months:
        fig.add_vline(x=today_month, line={"color": "#b3261e", "width": 1})
    fig.update_layout(
        height=320,
        margin={"l": 40, "r": 10, "t": 20, "b": 40},
        font={"size": 11},
        plot_bgcolor="#ffffff",
        legend={"orientation": "h", "y": -0.2},
        xaxis={"type": "category", "fixedrange": True},
        yaxis={"rangemode": "tozero", "fixedrange": True, "title": "occurrences (cumulative)"},
    )
    return str(fig.to_json())
