"""Plotly figures of the completeness page: prisons by status per quarter, and the grid of
prisons by quarter. The counts, ranking and layout are indicators.grids; this draws."""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl

from dashboard.chart_style import LABELLED_PRISONS, layout
from i18n import _
from indicators import grids
from store.completeness import (
    LATE,
    MISSING,
    NOT_DUE,
    NOT_OPEN,
    ON_TIME,
    PARTIAL,
    STATUS_WORDS,
    STATUSES,
)

# One colour per status (Okabe-Ito, told apart by colour-blind readers); in STATUSES' order.
STATUS_COLOURS = {
    NOT_DUE: "#CFE3F3",
    MISSING: "#D55E00",
    PARTIAL: "#CC79A7",
    LATE: "#E69F00",
    ON_TIME: "#0072B2",
    NOT_OPEN: "#E6E6E6",
}
assert tuple(STATUS_COLOURS) == STATUSES


def completeness_by_quarter(grid: pl.DataFrame) -> go.Figure:
    """How many prisons had each status, quarter by quarter (stacked bars)."""
    counts = grids.status_by_quarter(grid)
    fig = go.Figure()
    for status, colour in STATUS_COLOURS.items():
        part = counts.filter(pl.col("status") == status)
        fig.add_trace(
            go.Bar(
                x=part["period"],
                y=part["prisons"],
                name=_(STATUS_WORDS[status]),
                marker={"color": colour},
                hovertemplate=_("{quarter}: {count} prisons {status}").format(
                    quarter="%{x}", count="%{y:,}", status=_(STATUS_WORDS[status])
                )
                + "<extra></extra>",
            )
        )
    fig.update_layout(barmode="stack")
    fig.update_xaxes(type="category", categoryorder="category ascending")
    return layout(
        fig, _("Prisons by submission status, per quarter"), _("Quarter"), _("Prisons"), 420
    )


def needing_attention(grid: pl.DataFrame, limit: int = LABELLED_PRISONS) -> pl.DataFrame:
    """The grid of the prisons a chart of one line per prison can hold, those with the most
    missing, then late, quarters (the ranking is indicators.grids.needing_attention)."""
    return grids.needing_attention(grid, limit)


def completeness_grid(grid: pl.DataFrame, title: str | None = None) -> go.Figure:
    """Prisons × quarters, one colour per status (``title``: "Submissions by prison and
    quarter" unless given)."""
    statuses = list(STATUS_COLOURS)
    codes = {s: i for i, s in enumerate(statuses)}
    wide = grids.status_matrix(grid)
    periods = [c for c in wide.columns if c != "prison_code"]
    z = [[codes.get(v) for v in row[1:]] for row in wide.rows()]
    n = len(statuses)
    scale = []
    for i, s in enumerate(statuses):
        scale += [(i / n, STATUS_COLOURS[s]), ((i + 1) / n, STATUS_COLOURS[s])]
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=periods,
            y=wide["prison_code"].to_list(),
            zmin=-0.5,
            zmax=n - 0.5,
            colorscale=scale,
            xgap=2,
            ygap=2,
            customdata=[
                [_(STATUS_WORDS[statuses[v]]) if v is not None else "" for v in row] for row in z
            ],
            hovertemplate="%{y} %{x}: %{customdata}<extra></extra>",
            colorbar={
                "tickvals": list(range(n)),
                "ticktext": [_(STATUS_WORDS[s]) for s in statuses],
                "title": {"text": _("Status")},
            },
        )
    )
    fig.update_yaxes(autorange="reversed")
    return layout(
        fig,
        title or _("Submissions by prison and quarter"),
        _("Quarter"),
        _("Prison"),
        max(360, 20 * wide.height + 140),
    )
