"""Plotly figures of the comparison pages, built from frames the core computed.

No Streamlit and no statistics here: the rows come with their values, intervals,
benchmarks, judgements and states (indicators.readings, indicators.availability). The
shared look (colours, symbols, layout) is dashboard.chart_style; trends are
dashboard.time_charts, a prison's profile dashboard.profile_charts.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

import plotly.graph_objects as go
import polars as pl
from plotly.subplots import make_subplots

from dashboard.chart_style import (
    HIGHLIGHT,
    JUDGEMENT_COLOURS,
    LABELLED_PRISONS,
    LIMIT_95,
    LIMIT_998,
    NEUTRAL,
    STATE_SYMBOLS,
    absent_marker,
    axis_label,
    bold,
    judgement_word,
    layout,
    state_word,
)
from dashboard.markup import plotly_text
from data_contracts.contract import translated
from i18n import _, ngettext
from i18n.formats import number
from indicators.availability import SHOWN, STATES
from indicators.registry import unit_label

__all__ = ["compare_chart", "funnel_chart", "judgements_chart"]

# Prisons per funnel panel up to which each point carries its code as a label.
LABELLED_FUNNEL_POINTS = 40
# Room left of the values for the symbols of absent figures (in pads of 6% of the span),
# and where the symbols stand in it (a share of the whole axis).
ABSENT_PADS = 3
ABSENT_INSET = 0.04
# Per-row benchmark markers: a vertical tick at each prison's own group's value.
BENCHMARK_TICK = "line-ns-open"
JUDGEMENT_ROW_PX = 28  # height of one indicator in the judgements chart


def _hover_code(rows: pl.DataFrame) -> list[str]:
    return [plotly_text(str(c)) for c in rows["prison_code"].to_list()]


def _x_range(rows: pl.DataFrame, columns: tuple[str, ...]) -> tuple[float, float]:
    """The value axis: every interval and benchmark, with room on the left for the symbols of
    prisons without a value."""
    values = pl.concat([rows[c].cast(pl.Float64) for c in columns]).drop_nulls()
    low, high = (float(values.min()), float(values.max())) if values.len() else (0.0, 1.0)
    pad = (high - low) * 0.06 or 1.0
    return low - ABSENT_PADS * pad, high + pad


def _absent_traces(fig: go.Figure, rows: pl.DataFrame, x: float, y: str, **where: Any) -> None:
    """One trace per kind of absent figure: its symbol at ``x``, its word in the legend."""
    for state in STATE_SYMBOLS:
        part = rows.filter(pl.col("state") == state)
        if part.height == 0:
            continue
        fig.add_trace(
            go.Scatter(
                x=[x] * part.height,
                y=part[y].to_list(),
                mode="markers",
                name=state_word(STATES[state].word),
                legendgroup=state,
                marker=absent_marker(state),
                customdata=_hover_code(part),
                hovertemplate=f"%{{customdata}}: {state_word(STATES[state].word)}<extra></extra>",
            ),
            **where,
        )


def compare_chart(
    rows: pl.DataFrame,
    meta: Any,
    benchmark_label: str,
    *,
    per_row_benchmark: bool = False,
    highlight: Collection[str] = (),
    noun: str | None = None,
) -> go.Figure:
    """Each prison's value with its 95% interval against the benchmark, sorted by value
    (``noun``: what a row is, the axis title, "Prison" unless given; countries are drawn
    the same way).

    ``rows``: prison rows of one indicator and quarter with ``state`` and ``judgement``
    (indicators.readings); a prison without a value keeps its line and shows the symbol of
    its state. With ``per_row_benchmark`` (a regional benchmark) each prison's own
    benchmark is a tick on its line; otherwise one dashed line. Prisons in ``highlight``
    (a director's own) are ringed and their labels bold.
    """
    rows = rows.sort("value", descending=False, nulls_last=False)
    many = rows.height > LABELLED_PRISONS
    # Many prisons: y is the rank (1 = lowest value), the prison's code is in the hover.
    rows = rows.with_columns(pl.int_range(1, pl.len() + 1).alias("_rank"))
    y = "_rank" if many else "prison_code"
    low, high = _x_range(rows, ("lower_95", "upper_95", "benchmark"))
    # The symbols of prisons without a value stand inside the axis, left of every interval.
    absent_at = low + (high - low) * ABSENT_INSET
    fig = go.Figure()
    shown = rows.filter(pl.col("state") == SHOWN)
    for kind in JUDGEMENT_COLOURS:  # the legend reads better, similar, worse
        part = shown.filter(pl.col("judgement") == kind)
        if part.height == 0:
            continue
        colour = JUDGEMENT_COLOURS[kind]
        fig.add_trace(
            go.Scatter(
                x=part["value"],
                y=part[y],
                mode="markers",
                name=judgement_word(kind),
                marker={
                    "color": colour,
                    "size": 4 if many else 10,
                    "line": {"width": 0 if many else 1},
                },
                error_x={
                    "type": "data",
                    "symmetric": False,
                    "array": (part["upper_95"] - part["value"]).to_list(),
                    "arrayminus": (part["value"] - part["lower_95"]).to_list(),
                    "color": colour,
                    "thickness": 1 if many else 2,
                    "width": 0 if many else 4,
                },
                customdata=part.select(
                    "lower_95", "upper_95", "numerator", "denominator", "benchmark"
                ).rows(),
                text=_hover_code(part),
                hovertemplate=(
                    _("{prison}: {value} (95% CI {lower}–{upper})").format(
                        prison="%{text}",
                        value="%{x:.1f}",
                        lower="%{customdata[0]:.1f}",
                        upper="%{customdata[1]:.1f}",
                    )
                    + "<br>%{customdata[2]:,.0f} / %{customdata[3]:,.1f}<br>"
                    + _("{judgement} against {benchmark}").format(
                        judgement=judgement_word(kind), benchmark="%{customdata[4]:.1f}"
                    )
                    + "<extra></extra>"
                ),
            )
        )
    if not many:
        _absent_traces(fig, rows.filter(pl.col("state") != SHOWN), absent_at, y)
    mine = shown.filter(pl.col("prison_code").is_in(list(highlight)))
    if mine.height:
        fig.add_trace(
            go.Scatter(
                x=mine["value"],
                y=mine[y],
                mode="markers",
                name=_("your prison"),
                marker={
                    "symbol": "circle-open",
                    "size": 18,
                    "color": HIGHLIGHT,
                    "line": {"width": 2},
                },
                hoverinfo="skip",
            )
        )
    benchmarks = rows.filter(pl.col("benchmark").is_not_null())
    if per_row_benchmark and benchmarks.height:
        fig.add_trace(
            go.Scatter(
                x=benchmarks["benchmark"],
                y=benchmarks[y],
                mode="markers",
                name=benchmark_label,
                marker={
                    "symbol": BENCHMARK_TICK,
                    "size": 16,
                    "color": HIGHLIGHT,
                    "line": {"width": 2},
                },
                # "region <name>": the register's text, escaped for Plotly
                text=[plotly_text(t) for t in benchmarks["benchmark_label"]]
                if "benchmark_label" in rows.columns
                else None,
                hovertemplate="%{text}: %{x:.1f}<extra></extra>",
            )
        )
    elif benchmarks.height:
        value = benchmarks["benchmark"][0]
        fig.add_vline(
            x=value,
            line={"color": NEUTRAL, "dash": "dash"},
            annotation_text=f"{benchmark_label} {number(value, 1)}",
            annotation_position="top",
        )
    fig.update_xaxes(range=[low, high])
    if many:
        hidden = rows.height - shown.height
        fig.update_yaxes(range=[0, rows.height + 1], showticklabels=False, showgrid=False)
        label = ngettext(
            "{count} prison, ranked by value", "{count} prisons, ranked by value", rows.height
        ).format(count=number(rows.height))
        if hidden:
            label = _("{ranked} ({hidden} without a value, at the bottom)").format(
                ranked=label, hidden=number(hidden)
            )
        return layout(fig, translated(meta, "title"), axis_label(meta), label, 720)
    codes = rows["prison_code"].to_list()
    fig.update_yaxes(
        categoryorder="array",
        categoryarray=codes,
        tickmode="array",
        tickvals=codes,
        ticktext=[bold(c) if c in highlight else c for c in codes],
    )
    height = max(360, 22 * rows.height + 120)
    return layout(fig, translated(meta, "title"), axis_label(meta), noun or _("Prison"), height)


def _funnel_panel(
    fig: go.Figure,
    rows: pl.DataFrame,
    curve: pl.DataFrame,
    benchmark: float | None,
    highlight: Collection[str],
    *,
    first: bool,
    where: dict[str, int],
) -> None:
    for column, colour, name, dash in (
        ("lower_998", LIMIT_998, _("99.8% limits"), "solid"),
        ("upper_998", LIMIT_998, None, "solid"),
        ("lower_95", LIMIT_95, _("95% limits"), "dot"),
        ("upper_95", LIMIT_95, None, "dot"),
    ):
        if curve.height:
            fig.add_trace(
                go.Scatter(
                    x=curve["denominator"],
                    y=curve[column],
                    mode="lines",
                    line={"color": colour, "dash": dash, "width": 1.5},
                    name=name or column,
                    legendgroup=name or column.split("_")[1],
                    showlegend=first and name is not None,
                    hoverinfo="skip",
                ),
                **where,
            )
    if benchmark is not None and curve.height:
        fig.add_trace(
            go.Scatter(
                x=[curve["denominator"].min(), curve["denominator"].max()],
                y=[benchmark, benchmark],
                mode="lines",
                line={"color": NEUTRAL, "dash": "dash"},
                name=_("benchmark"),
                legendgroup="benchmark",
                showlegend=first,
                hovertemplate=_("benchmark {value}").format(value=number(benchmark, 1))
                + "<extra></extra>",
            ),
            **where,
        )
    shown = rows.filter(pl.col("value").is_not_null())
    labelled = shown.height <= LABELLED_FUNNEL_POINTS
    for kind in JUDGEMENT_COLOURS:
        part = shown.filter(pl.col("judgement") == kind)
        if part.height == 0:
            continue
        codes = _hover_code(part)
        fig.add_trace(
            go.Scatter(
                x=part["denominator"],
                y=part["value"],
                mode="markers+text" if labelled else "markers",
                name=judgement_word(kind),
                legendgroup=kind,
                showlegend=first or judgement_word(kind) not in _legend_names(fig),
                marker={
                    "color": JUDGEMENT_COLOURS[kind],
                    "size": 10,
                    "line": {
                        "width": [3 if c in highlight else 1 for c in part["prison_code"]],
                        "color": [
                            HIGHLIGHT if c in highlight else "white" for c in part["prison_code"]
                        ],
                    },
                },
                text=[bold(c) if c in highlight else c for c in codes],
                textposition="top center",
                textfont={"size": 10, "color": NEUTRAL},
                customdata=part.select("funnel_significance").rows(),
                hovertemplate=(
                    "%{text}: %{y:.1f} (n = %{x:,.1f})<br>%{customdata[0]}<extra></extra>"
                ),
            ),
            **where,
        )


def _legend_names(fig: go.Figure) -> set[str]:
    return {t.name for t in fig.data if t.showlegend is not False}


def funnel_chart(
    rows: pl.DataFrame,
    curves: pl.DataFrame,
    meta: Any,
    *,
    groups: Mapping[str, float | None],
    title: str,
    highlight: Collection[str] = (),
) -> go.Figure:
    """Funnel plot(s): value against denominator with 95% and 99.8% control limits.

    ``groups`` maps each benchmark group (``"national"``, or each region) to its
    benchmark value; with more than one group, one panel per group. ``rows`` and
    ``curves`` carry a ``group`` column; rows carry ``judgement`` and ``funnel_significance``.
    """
    names = list(groups)
    columns = 1 if len(names) == 1 else min(3, len(names))
    lines = -(-len(names) // columns)
    fig = make_subplots(
        rows=lines,
        cols=columns,
        subplot_titles=None if len(names) == 1 else [plotly_text(n) for n in names],
        shared_yaxes=True,
        horizontal_spacing=0.04,
        vertical_spacing=0.12 if lines > 1 else 0.0,
    )
    for n, name in enumerate(names):
        where = {"row": n // columns + 1, "col": n % columns + 1}
        _funnel_panel(
            fig,
            rows.filter(pl.col("group") == name),
            curves.filter(pl.col("group") == name),
            groups[name],
            highlight,
            first=n == 0,
            where=where,
        )
    denominator = _("person-years") if meta.statistic == "rate" else _("denominator (persons)")
    height = 480 if lines == 1 else 330 * lines + 80
    fig = layout(fig, title, "", "", height)
    fig.update_xaxes(title_text=denominator, row=lines)
    # One panel: the whole title; several rows of panels: the unit alone on each row (the
    # chart's title names the indicator), so no title runs into the next row.
    fig.update_yaxes(title_text=axis_label(meta) if lines == 1 else unit_label(meta.unit), col=1)
    return fig


def judgements_chart(counts: pl.DataFrame, registry: Any, period: str) -> go.Figure:
    """Per indicator, how many prisons are better, similar or worse than the benchmark; the
    indicators grouped by domain, each group under a row naming its domain.

    (A two-level plotly axis said the same but kept the browser busy for half a second
    longer before the Overview's first chart was drawn.)"""
    order = ["better", "similar", "worse", "higher", "lower", "not compared"]
    present = set(counts["indicator"].to_list())
    rows: list[tuple[str, str | None]] = []  # (axis label, indicator id; None: a domain row)
    for domain, inds in registry.by_domain().items():
        shown = [ind for ind in inds if ind.id in present]
        if shown:
            rows.append((f"<b>{plotly_text(translated(domain, 'title'))}</b>", None))
            rows += [(translated(ind, "title"), ind.id) for ind in shown]
    fig = go.Figure()
    for kind in order:
        part = counts.filter(pl.col("judgement") == kind)
        if part.height == 0:
            continue
        by_id = dict(zip(part["indicator"], part["prisons"], strict=True))
        fig.add_trace(
            go.Bar(
                y=[label for label, _id in rows],
                x=[None if i is None else by_id.get(i, 0) for _label, i in rows],
                orientation="h",
                name=judgement_word(kind),
                marker={"color": JUDGEMENT_COLOURS[kind]},
                hovertemplate=_("{indicator}: {count} prisons {judgement}").format(
                    indicator="%{y}", count="%{x}", judgement=judgement_word(kind)
                )
                + "<extra></extra>",
            )
        )
    fig.update_layout(barmode="stack", legend_traceorder="normal")
    fig.update_yaxes(autorange="reversed")
    return layout(
        fig,
        _("Prisons against the benchmark, {period} (95% intervals)").format(period=period),
        _("Number of prisons"),
        "",
        max(320, JUDGEMENT_ROW_PX * len(rows) + 140),
    )
