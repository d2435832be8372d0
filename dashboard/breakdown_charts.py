"""A breakdown's shares for one prison: the mix over time (a partition) and the types in
one quarter (an overlapping breakdown, whose shares may add up to more than 100%).

Both take `indicators.profile_views.breakdown_series`; a quarter or share without a value
is drawn with the symbol of its state (suppressed, not computable, not reported) and its
word, never as a zero.
"""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl

from dashboard.chart_style import (
    BETTER,
    HIGHER,
    LIMIT_95,
    LIMIT_998,
    LOWER,
    absent_marker,
    layout,
    state_word,
)
from i18n import _
from indicators.availability import SHOWN, STATES

SHARE_COLOURS = (BETTER, LIMIT_95, LIMIT_998, HIGHER, LOWER, "#8C8C8C")
MIX_HEIGHT = 420
BAR_ROW_PX = 44
ABSENT_ROW = 104.0  # where a quarter's absent shares are marked, above the 100% stack


def _absent_shares(series: pl.DataFrame) -> pl.DataFrame:
    """Per quarter with any share absent: the first absent share's state and, for the hover,
    every absent share with its word."""
    absent = series.filter(pl.col("state") != SHOWN)
    words = {k: state_word(v.word) for k, v in STATES.items()}
    return absent.group_by("period", maintain_order=True).agg(
        pl.col("state").first(),
        pl.concat_str(pl.col("title"), pl.lit(": "), pl.col("state").replace_strict(words))
        .str.join(", ")
        .alias("what"),
    )


def mix_chart(series: pl.DataFrame, title: str, axis: str) -> go.Figure:
    """A partition's shares stacked to 100% per quarter; a quarter without them says why."""
    fig = go.Figure()
    titles = list(dict.fromkeys(series["title"].to_list()))
    for n, name in enumerate(titles):
        part = series.filter(pl.col("title") == name)
        fig.add_trace(
            go.Bar(
                x=part["period"].to_list(),
                y=part["value"].to_list(),
                name=name,
                marker={"color": SHARE_COLOURS[n % len(SHARE_COLOURS)]},
                hovertemplate=f"{name}, %{{x}}: %{{y:.1f}}%<extra></extra>",
            )
        )
    # A quarter with a share absent: its symbol above the bar (the stack falls short of 100%).
    absent = _absent_shares(series)
    for state in absent["state"].unique(maintain_order=True).to_list():
        rows = absent.filter(pl.col("state") == state)
        fig.add_trace(
            go.Scatter(
                x=rows["period"].to_list(),
                y=[ABSENT_ROW] * rows.height,
                mode="markers",
                marker=absent_marker(state),
                name=_("{state} (a share or more)").format(state=state_word(STATES[state].word)),
                customdata=rows["what"].to_list(),
                hovertemplate="%{x}: %{customdata}<extra></extra>",
            )
        )
    fig.update_layout(barmode="stack")
    fig.update_xaxes(type="category", categoryorder="category ascending")
    fig.update_yaxes(range=[0, ABSENT_ROW + 4], tickvals=[0, 20, 40, 60, 80, 100])
    return layout(fig, title, _("Quarter"), axis, MIX_HEIGHT)


def types_chart(series: pl.DataFrame, title: str, axis: str) -> go.Figure:
    """Each share of one quarter with its 95% interval; a share without a value says why."""
    shown = series.filter(pl.col("state") == SHOWN)
    absent = series.filter(pl.col("state") != SHOWN)
    fig = go.Figure(
        go.Bar(
            y=shown["title"].to_list(),
            x=shown["value"].to_list(),
            orientation="h",
            marker={"color": BETTER},
            error_x={
                "type": "data",
                "symmetric": False,
                "array": (shown["upper_95"] - shown["value"]).to_list(),
                "arrayminus": (shown["value"] - shown["lower_95"]).to_list(),
                "color": "#4D4D4D",
            },
            name=_("share (95% CI)"),
            hovertemplate="%{y}: %{x:.1f}%<extra></extra>",
        )
    )
    for state in absent["state"].unique(maintain_order=True).to_list():
        rows = absent.filter(pl.col("state") == state)
        fig.add_trace(
            go.Scatter(
                y=rows["title"].to_list(),
                x=[1.0] * rows.height,
                mode="markers+text",
                marker=absent_marker(state),
                text=[state_word(STATES[state].word)] * rows.height,
                textposition="middle right",
                name=state_word(STATES[state].word),
                hovertemplate=f"%{{y}}: {state_word(STATES[state].word)}<extra></extra>",
            )
        )
    fig.update_yaxes(
        categoryorder="array", categoryarray=series["title"].to_list(), autorange="reversed"
    )
    fig.update_xaxes(range=[0, 100])
    return layout(
        fig,
        title,
        axis,
        "",
        max(320, BAR_ROW_PX * series.height + 140),
    )
