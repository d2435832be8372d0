"""The trend chart: one indicator over the quarters, for a few prisons and their benchmarks.

A line and its 95% band stop where a quarter has no value: nothing is drawn across a gap
(a band bridging a missing quarter would look like a narrow interval there). Each quarter
without a value is marked, under the chart, with the symbol of why it is absent
(suppressed, not computable, not reported, not in service).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import Any

import plotly.graph_objects as go
import polars as pl
from plotly.subplots import make_subplots

from dashboard.chart_style import (
    NEUTRAL,
    SERIES_PALETTE,
    STATE_SYMBOLS,
    absent_marker,
    axis_label,
    bold,
    layout,
    rgba,
    state_word,
)
from dashboard.markup import plotly_text
from i18n import _
from indicators.availability import SHOWN, STATES

BAND_ALPHA = 0.15
STRIP_SHARE = 0.22  # of the plot's height, for the row of absent quarters
BENCHMARK_DASHES = ("dash", "dot", "dashdot", "longdash")


def runs(states: Sequence[str]) -> list[tuple[int, int]]:
    """(first, last) positions of each run of consecutive shown quarters."""
    found, start = [], None
    for i, state in enumerate([*states, None]):
        if state == SHOWN and start is None:
            start = i
        elif state != SHOWN and start is not None:
            found.append((start, i - 1))
            start = None
    return found


def _series(  # type: ignore[no-untyped-def]
    fig: go.Figure,
    part: pl.DataFrame,
    code: str,
    colour: str,
    name: str,
    mine: bool,
    *,
    row: int = 1,
    col: int = 1,
    legend: bool = True,
):
    periods = part["period"].to_list()
    states = part["state"].to_list()
    values = [v if s == SHOWN else None for v, s in zip(part["value"], states, strict=True)]
    lower, upper = part["lower_95"].to_list(), part["upper_95"].to_list()
    for first, last in runs(states):
        xs = periods[first : last + 1]
        if first == last:  # a lone quarter: its interval as an error bar
            fig.add_trace(
                go.Scatter(
                    x=xs,
                    y=[values[first]],
                    mode="markers",
                    marker={"color": colour, "size": 1},
                    error_y={
                        "type": "data",
                        "symmetric": False,
                        "array": [upper[first] - values[first]],
                        "arrayminus": [values[first] - lower[first]],
                        "color": rgba(colour, 0.5),
                        "thickness": 6,
                        "width": 0,
                    },
                    hoverinfo="skip",
                    showlegend=False,
                ),
                row=row,
                col=col,
            )
            continue
        fig.add_trace(
            go.Scatter(
                x=xs + xs[::-1],
                y=upper[first : last + 1] + lower[first : last + 1][::-1],
                mode="lines",  # a band: its corners are not points
                fill="toself",
                fillcolor=rgba(colour, BAND_ALPHA),
                line={"width": 0},
                hoverinfo="skip",
                showlegend=False,
            ),
            row=row,
            col=col,
        )
    fig.add_trace(
        go.Scatter(
            x=periods,
            y=values,
            mode="lines+markers",
            connectgaps=False,
            name=name,
            showlegend=legend,
            line={"color": colour, "width": 3.5 if mine else 2},
            marker={"size": 9 if mine else 6},
            customdata=list(zip(lower, upper, strict=True)),
            hovertemplate=_("{prison} {quarter}: {value} (95% CI {lower}–{upper})").format(
                prison=code,
                quarter="%{x}",
                value="%{y:.1f}",
                lower="%{customdata[0]:.1f}",
                upper="%{customdata[1]:.1f}",
            )
            + "<extra></extra>",
        ),
        row=row,
        col=col,
    )


def _benchmark_line(  # type: ignore[no-untyped-def]
    periods: list[str], part: pl.DataFrame, name: str, dash: str, *, width=None, legend=True
) -> go.Scatter:
    """A benchmark's dashed line over `periods` (`part`: its period and value), broken
    where it has no value."""
    by_period = dict(zip(part["period"], part["value"], strict=True))
    return go.Scatter(
        x=periods,
        y=[by_period.get(p) for p in periods],
        mode="lines",
        connectgaps=False,
        name=plotly_text(name),
        showlegend=legend,
        line={"color": NEUTRAL, "dash": dash, **({"width": width} if width else {})},
        # the name by reference: a region's text is never read as a template
        hovertemplate="%{fullData.name} %{x}: %{y:.1f}<extra></extra>",
    )


def trend_chart(
    grid: pl.DataFrame,
    benchmarks: pl.DataFrame,
    meta: Any,
    trends: Mapping[str, str],
    *,
    title: str,
    highlight: Collection[str] = (),
) -> go.Figure:
    """Value over the quarters for each prison of ``grid``, with its 95% band.

    ``grid``: prison_grid rows (every prison × quarter, with ``state``), one indicator.
    ``benchmarks``: period, label, value — one dashed line per label (the national value,
    or each region's). ``trends``: prison code -> recent trend in words.
    """
    grid = grid.sort("prison_code", "period")
    periods = sorted(grid["period"].unique().to_list())
    absent = grid.filter(pl.col("state") != SHOWN)
    strip = absent.height > 0
    fig = make_subplots(
        rows=2 if strip else 1,
        cols=1,
        shared_xaxes=True,
        row_heights=[1 - STRIP_SHARE, STRIP_SHARE] if strip else None,
        vertical_spacing=0.04,
    )
    codes = list(dict.fromkeys(grid["prison_code"].to_list()))
    for i, code in enumerate(codes):
        part = grid.filter(pl.col("prison_code") == code)
        trend = trends[code] if code in trends else _("trend not computed")
        label = f"{code} ({trend})"
        name = bold(plotly_text(label)) if code in highlight else plotly_text(label)
        colour = SERIES_PALETTE[i % len(SERIES_PALETTE)]
        _series(fig, part, code, colour, name, code in highlight)
    for n, (label, part) in enumerate(
        benchmarks.sort("period").group_by("label", maintain_order=True)
    ):
        dash = BENCHMARK_DASHES[n % len(BENCHMARK_DASHES)]
        fig.add_trace(_benchmark_line(periods, part, str(label[0]), dash), row=1, col=1)
    if strip:
        for state in STATE_SYMBOLS:
            part = absent.filter(pl.col("state") == state)
            if part.height:
                fig.add_trace(
                    go.Scatter(
                        x=part["period"],
                        y=part["prison_code"],
                        mode="markers",
                        name=state_word(STATES[state].word),
                        marker=absent_marker(state),
                        hovertemplate=f"%{{y}} %{{x}}: {state_word(STATES[state].word)}"
                        "<extra></extra>",
                    ),
                    row=2,
                    col=1,
                )
        fig.update_yaxes(
            title_text=_("No value"), type="category", categoryarray=codes[::-1], row=2, col=1
        )
    fig.update_xaxes(type="category", categoryorder="array", categoryarray=periods)
    height = 520 if strip else 480
    fig = layout(fig, title, "", "", height)
    fig.update_xaxes(title_text=_("Quarter"), row=2 if strip else 1, col=1)
    fig.update_yaxes(title_text=axis_label(meta), row=1, col=1)
    return fig


PANEL_COLUMNS = 2
PANEL_HEIGHT = 230  # px per row of panels
PANEL_GAP = 95  # px between rows of panels: the tick labels below, the title above
PANEL_MARGINS = 150  # px of the figure's title and legend around the panels


class _Traces:
    """Traces gathered for one Figure.add_traces call, with their subplot's row and column."""

    def __init__(self) -> None:
        self.traces: list[go.Scatter] = []
        self.rows: list[int] = []
        self.cols: list[int] = []

    def add_trace(self, trace: go.Scatter, row: int, col: int) -> None:
        self.traces.append(trace)
        self.rows.append(row)
        self.cols.append(col)


def trend_panels(
    grid: pl.DataFrame,
    benchmarks: pl.DataFrame,
    titles: Mapping[str, str],
    *,
    title: str,
    benchmark_name: str,
) -> go.Figure:
    """One prison's last quarters, one small panel per indicator (in the order of
    ``titles``: indicator id -> "title (unit)"): its value and 95% band, broken at gaps, the
    benchmark dashed, and each quarter without a value marked on the panel's floor with the
    symbol of why.

    ``grid``: prison_grid rows of one prison (indicator, period, value, lower_95, upper_95,
    state). ``benchmarks``: indicator, period, value (the benchmark it is judged against).
    """
    ids = [i for i in titles if i in set(grid["indicator"].to_list())]
    rows = max(1, -(-len(ids) // PANEL_COLUMNS))
    fig = make_subplots(
        rows=rows,
        cols=PANEL_COLUMNS,
        subplot_titles=[plotly_text(titles[i]) for i in ids],
        vertical_spacing=PANEL_GAP / (PANEL_HEIGHT * rows) if rows > 1 else 0.0,
        horizontal_spacing=0.1,
    )
    # laid out before the traces are added: a template set afterwards is applied to each
    layout(fig, title, "", "", PANEL_HEIGHT * rows + PANEL_MARGINS)
    periods = sorted(grid["period"].unique().to_list())
    seen_states: set[str] = set()
    traces = _Traces()  # added in one call at the end: one add_trace each is quadratic
    for n, indicator in enumerate(ids):
        row, col = n // PANEL_COLUMNS + 1, n % PANEL_COLUMNS + 1
        part = grid.filter(pl.col("indicator") == indicator).sort("period")
        code = part["prison_code"][0]
        _series(
            traces,  # type: ignore[arg-type]
            part,
            code,
            SERIES_PALETTE[0],
            plotly_text(code),
            False,
            row=row,
            col=col,
            legend=n == 0,
        )
        line = benchmarks.filter(pl.col("indicator") == indicator)
        traces.add_trace(
            _benchmark_line(
                periods, line, benchmark_name, BENCHMARK_DASHES[0], width=1.5, legend=n == 0
            ),
            row=row,
            col=col,
        )
        for state in STATE_SYMBOLS:
            absent = part.filter(pl.col("state") == state)
            if absent.height:
                traces.add_trace(
                    go.Scatter(
                        x=absent["period"],
                        y=[0] * absent.height,
                        mode="markers",
                        name=state_word(STATES[state].word),
                        showlegend=state not in seen_states,
                        marker=absent_marker(state, size=9),
                    ),
                    row=row,
                    col=col,
                )
                seen_states.add(state)
    fig.add_traces(traces.traces, rows=traces.rows, cols=traces.cols)
    fig.update_xaxes(
        type="category",
        categoryorder="array",
        categoryarray=periods,
        tickangle=-45,
        tickfont={"size": 11},
    )
    fig.update_yaxes(rangemode="tozero", tickfont={"size": 11})
    fig.update_annotations(font={"size": 12})
    return fig
