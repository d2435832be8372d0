"""A prison's profile: the spine chart of every indicator, and its care cascades.

Every indicator keeps its row in the spine: one without a value says why (suppressed, not
computable, not reported, not in service) in its label and with its symbol at the centre.
"""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl

from dashboard.chart_style import (
    BETTER,
    HIGHER,
    JUDGEMENT_COLOURS,
    LOWER,
    NEUTRAL,
    STATE_SYMBOLS,
    absent_marker,
    judgement_word,
    layout,
    state_word,
)
from i18n import N_, _
from i18n.formats import number
from indicators.availability import SHOWN, STATES

SPREAD_BANDS = (
    ("minimum", "q1", "#D9D9D9", N_("lowest to 25th percentile")),
    ("q1", "q3", "#A6A6A6", N_("25th to 75th percentile")),
    ("q3", "maximum", "#D9D9D9", N_("75th percentile to highest")),
)
NO_BENCHMARK = N_("no benchmark")
# What the spine shows, under it on the Prison profile and in the profile report.
SPINE_CAPTION = N_(
    "Each indicator's value for this prison (dot) against the {benchmark} (centre "
    "line), with the spread of all prisons shown (grey: lowest to highest, darker: "
    "middle half); colour says whether the prison is significantly better, worse or "
    "similar (95% interval). An indicator without a value says why."
)
# px per indicator of the spine (the screen's; a printed page takes rows closer together) and
# around its rows (title, axis title, margins); never shorter than SPINE_MIN_HEIGHT.
SPINE_ROW, SPINE_AROUND, SPINE_MIN_HEIGHT = 40, 140, 360
CASCADE_COLOURS = (BETTER, HIGHER, LOWER, "#009E73", "#E69F00", "#56B4E9")


def _position(row: dict, column: str) -> float | None:
    """Where a figure sits on the spine: its distance from the benchmark, scaled so that the
    prison farthest from it on either side is at ±1 (indicators of different units share
    one axis)."""
    if row[column] is None or row["benchmark"] is None or row["minimum"] is None:
        return None
    half = max(abs(row["benchmark"] - row["minimum"]), abs(row["maximum"] - row["benchmark"]))
    return (row[column] - row["benchmark"]) / (half or 1.0)


def spine_label(row: dict) -> str:
    label = row["label"]
    if row["state"] != SHOWN:
        return f"{label} — {state_word(STATES[row['state']].word)}"
    if row["benchmark"] is None:
        return f"{label} — {_(NO_BENCHMARK)}"
    return label


def spine_chart(rows: pl.DataFrame, title: str, row_height: int = SPINE_ROW) -> go.Figure:
    """Fingertips-style spine: each indicator's spread of prisons, centred on the benchmark.

    ``rows`` is indicators.readings.profile_rows: per indicator label, state, value,
    benchmark, minimum, q1, q3, maximum, judgement, in the order to show.
    """
    records = list(rows.iter_rows(named=True))
    labels = [spine_label(r) for r in records]
    fig = go.Figure()
    for start, end, colour, name in SPREAD_BANDS:
        lows = [_position(r, start) for r in records]
        highs = [_position(r, end) for r in records]
        fig.add_trace(
            go.Bar(
                y=labels,
                x=[
                    None if a is None or b is None else b - a
                    for a, b in zip(lows, highs, strict=True)
                ],
                base=lows,
                orientation="h",
                marker={"color": colour},
                name=_(name),
                hoverinfo="skip",
            )
        )
    drawn = [r for r in records if r["state"] == SHOWN and _position(r, "value") is not None]
    fig.add_trace(
        go.Scatter(
            y=[spine_label(r) for r in drawn],
            x=[_position(r, "value") for r in drawn],
            mode="markers",
            marker={
                "color": [JUDGEMENT_COLOURS.get(r["judgement"], NEUTRAL) for r in drawn],
                "size": 13,
                "line": {"width": 1, "color": "white"},
            },
            name=_("this prison (colour: better, similar, worse)"),
            customdata=[
                (r["value"], r["benchmark"], judgement_word(r["judgement"])) for r in drawn
            ],
            hovertemplate=_("{indicator}: {value} (benchmark {benchmark}; {judgement})").format(
                indicator="%{y}",
                value="%{customdata[0]:.1f}",
                benchmark="%{customdata[1]:.1f}",
                judgement="%{customdata[2]}",
            )
            + "<extra></extra>",
        )
    )
    for state in STATE_SYMBOLS:
        absent = [spine_label(r) for r in records if r["state"] == state]
        if absent:
            fig.add_trace(
                go.Scatter(
                    y=absent,
                    x=[0.0] * len(absent),
                    mode="markers",
                    marker=absent_marker(state, 13),
                    name=state_word(STATES[state].word),
                    hovertemplate="%{y}<extra></extra>",
                )
            )
    fig.add_vline(x=0, line={"color": NEUTRAL})
    fig.update_layout(barmode="overlay")
    fig.update_xaxes(range=[-1.1, 1.1], showticklabels=False)
    fig.update_yaxes(categoryorder="array", categoryarray=labels[::-1], automargin=True)
    return layout(
        fig,
        title,
        _("Lower ← benchmark → higher (scaled per indicator)"),
        "",
        max(SPINE_MIN_HEIGHT, row_height * len(labels) + SPINE_AROUND),
    )


def cascade_chart(steps: pl.DataFrame, title: str) -> go.Figure:
    """A cascade of care: persons at each step (`profile_views.cascade_steps`: step, persons,
    state); a step without a count says why."""
    counts = steps["persons"].to_list()
    fig = go.Figure(
        go.Bar(
            x=steps["step"].to_list(),
            # A step without a count is drawn at 0 with its reason written on it.
            y=[0.0 if c is None else c for c in counts],
            marker={
                "color": [CASCADE_COLOURS[i % len(CASCADE_COLOURS)] for i in range(len(counts))]
            },
            text=[
                state_word(STATES[s].word) if c is None else number(c)
                for c, s in zip(counts, steps["state"], strict=True)
            ],
            textposition="outside",
            hovertemplate="%{x}: %{text}<extra></extra>",
            showlegend=False,
        )
    )
    # Room above the tallest bar for its label.
    highest = max((c for c in counts if c is not None), default=1.0)
    fig.update_yaxes(range=[0, highest * 1.15 or 1.0])
    return layout(fig, title, _("Step of the cascade"), _("Persons"), 380)
