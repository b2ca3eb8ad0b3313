"""The 5×5 likelihood-by-impact heatmap: inherent and residual counts side by side."""

from __future__ import annotations

from collections.abc import Iterable

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ..domain.library.model import IMPACT_LEVELS, LIKELIHOOD_LEVELS

LEVELS = range(1, 6)


def count_matrix(points: Iterable[tuple[int, int]]) -> list[list[int]]:
    """Return counts[likelihood-1][impact-1] for (likelihood, impact) points."""
    counts = [[0] * 5 for _ in LEVELS]
    for likelihood, impact in points:
        counts[likelihood - 1][impact - 1] += 1
    return counts


def risk_matrix_figure(
    inherent: Iterable[tuple[int, int]], residual: Iterable[tuple[int, int]]
) -> go.Figure:
    """Return the two heatmaps (inherent, residual) counting risks per likelihood × impact cell."""
    fig = make_subplots(
        rows=1, cols=2, subplot_titles=("Inherent", "Residual"), horizontal_spacing=0.12
    )
    impact_labels = [f"{i} {IMPACT_LEVELS[i]}" for i in LEVELS]
    likelihood_labels = [f"{i} {LIKELIHOOD_LEVELS[i]}" for i in LEVELS]
    severity = [[likelihood * impact for impact in LEVELS] for likelihood in LEVELS]
    for col, points in ((1, inherent), (2, residual)):
        counts = count_matrix(points)
        fig.add_trace(
            go.Heatmap(
                z=severity,
                x=impact_labels,
                y=likelihood_labels,
                text=[[str(n) if n else "" for n in row] for row in counts],
                texttemplate="%{text}",
                customdata=counts,
                hovertemplate=(
                    "Likelihood %{y}<br>Impact %{x}<br>%{customdata} risks<extra></extra>"
                ),
                colorscale=[[0, "#e8f5e9"], [0.35, "#fff3c4"], [0.65, "#ffd0a8"], [1, "#f4a3a0"]],
                zmin=1,
                zmax=25,
                showscale=False,
            ),
            row=1,
            col=col,
        )
        fig.update_xaxes(title_text="Impact", row=1, col=col, tickangle=0)
        fig.update_yaxes(title_text="Likelihood" if col == 1 else None, row=1, col=col)
    fig.update_layout(height=380, margin={"l": 110, "r": 20, "t": 40, "b": 60}, font={"size": 11})
    return fig
