"""Plotly figures, built from frames the core computed: no Streamlit, no statistics here.

Colours are the Okabe–Ito palette (safe for the common colour-vision
deficiencies), and colour is never the only signal: significance is also
written in the hover text and the tables beside each chart. Every chart has
a title and axis titles with units.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import plotly.graph_objects as go
import polars as pl

BETTER, SIMILAR, WORSE = "#0072B2", "#8C8C8C", "#D55E00"
HIGHER, LOWER = "#56B4E9", "#CC79A7"  # compared, but the indicator makes no judgement
NEUTRAL, BAND = "#4D4D4D", "rgba(0, 114, 178, 0.15)"
LIMIT_95, LIMIT_998 = "#E69F00", "#009E73"
STATUS_COLOURS = {
    "submitted": "#0072B2",
    "resubmitted": "#56B4E9",
    "late": "#E69F00",
    "missing": "#D55E00",
    "not open": "#E6E6E6",
}
JUDGEMENT_COLOURS = {
    "better": BETTER,
    "similar": SIMILAR,
    "worse": WORSE,
    "higher": HIGHER,
    "lower": LOWER,
    "not compared": NEUTRAL,
}
FONT = {"family": "Source Sans Pro, Arial, sans-serif", "size": 13}
# Above this many prisons a chart cannot give each its own labelled line: the comparison
# becomes a ranked caterpillar without labels (the hover and the table name them), and the
# completeness grid shows the prisons with the most missing or late quarters.
LABELLED_PRISONS = 60


def judgement(significance: str | None, polarity: str) -> str:
    """better / worse / similar, or higher / lower where the indicator makes no judgement."""
    if significance in (None, ""):
        return "not compared"
    if significance == "similar" or polarity == "no_judgement":
        return significance
    good = "higher" if polarity == "high_is_good" else "lower"
    return "better" if significance == good else "worse"


def funnel_judgement(label: str | None, polarity: str) -> str:
    """PHEindicatormethods' funnel label as better / worse / similar (or higher / lower)."""
    if not label:
        return "not compared"
    side = (
        "higher" if label.startswith("High") else "lower" if label.startswith("Low") else "similar"
    )
    return judgement(side, polarity)


def _layout(fig: go.Figure, title: str, x: str, y: str, height: int = 480) -> go.Figure:
    fig.update_layout(
        title={"text": title, "x": 0, "xanchor": "left"},
        xaxis_title=x,
        yaxis_title=y,
        font=FONT,
        height=height,
        template="plotly_white",
        margin={"l": 10, "r": 10, "t": 60, "b": 40},
        legend={"orientation": "h", "y": -0.15},
    )
    return fig


def axis_label(meta: Any) -> str:
    return f"{meta.title} ({meta.unit})"


def compare_chart(rows: pl.DataFrame, meta: Any, benchmark_label: str) -> go.Figure:
    """Each prison's value with its 95% interval against the benchmark, sorted by value.

    `rows`: prison rows of one indicator and quarter (the indicator table's columns
    plus `name`); suppressed rows are listed on the axis without a value.
    """
    rows = rows.sort("value", descending=False, nulls_last=False)
    many = rows.height > LABELLED_PRISONS
    # Many prisons: y is the rank (1 = lowest value), the prison's code is in the hover.
    rows = rows.with_columns(pl.int_range(1, pl.len() + 1).alias("_rank"))
    y = "_rank" if many else "prison_code"
    fig = go.Figure()
    shown = rows.filter(~pl.col("suppressed") & pl.col("value").is_not_null())
    kinds = [judgement(s, meta.polarity) for s in shown["significance"].to_list()]
    for kind in dict.fromkeys(kinds):
        part = shown.filter(pl.Series(kinds) == kind)
        fig.add_trace(
            go.Scatter(
                x=part["value"],
                y=part[y],
                mode="markers",
                name=kind,
                marker={
                    "color": JUDGEMENT_COLOURS[kind],
                    "size": 4 if many else 10,
                    "line": {"width": 0 if many else 1},
                },
                error_x={
                    "type": "data",
                    "symmetric": False,
                    "array": (part["upper_95"] - part["value"]).to_list(),
                    "arrayminus": (part["value"] - part["lower_95"]).to_list(),
                    "color": JUDGEMENT_COLOURS[kind],
                    "thickness": 1 if many else 2,
                    "width": 0 if many else 4,
                },
                customdata=part.select(
                    "lower_95",
                    "upper_95",
                    "numerator",
                    "denominator",
                    "significance",
                    "prison_code",
                ).rows(),
                hovertemplate=(
                    "%{customdata[5]}: %{x:.1f} (95% CI %{customdata[0]:.1f}–%{customdata[1]:.1f})"
                    "<br>%{customdata[2]:,.0f} / %{customdata[3]:,.1f}"
                    f"<br>{kind} (%{{customdata[4]}})<extra></extra>"
                ),
            )
        )
    hidden = rows.filter(pl.col("suppressed") | pl.col("value").is_null())
    if hidden.height and not many:
        fig.add_trace(
            go.Scatter(
                x=[None] * hidden.height,
                y=hidden["prison_code"],
                mode="markers",
                name="suppressed or not computable",
                marker={"color": NEUTRAL, "symbol": "x-thin"},
                showlegend=True,
            )
        )
    benchmark = rows["benchmark"].drop_nulls()
    if benchmark.len():
        fig.add_vline(
            x=benchmark[0],
            line={"color": NEUTRAL, "dash": "dash"},
            annotation_text=f"{benchmark_label} {benchmark[0]:.1f}",
        )
    if many:
        fig.update_yaxes(range=[0, rows.height + 1], showticklabels=False, showgrid=False)
        label = f"{rows.height:,} prisons, ranked by value"
        if hidden.height:
            label += f" ({hidden.height:,} suppressed or not computable, at the bottom)"
        return _layout(fig, meta.title, axis_label(meta), label, 720)
    fig.update_yaxes(categoryorder="array", categoryarray=rows["prison_code"].to_list())
    height = max(360, 22 * rows.height + 120)
    return _layout(fig, meta.title, axis_label(meta), "Prison", height)


def funnel_chart(
    rows: pl.DataFrame, limits: pl.DataFrame, meta: Any, benchmark: float
) -> go.Figure:
    """Funnel plot: value against denominator with 95% and 99.8% control limits."""
    fig = go.Figure()
    for column, colour, name, dash in (
        ("lower_998", LIMIT_998, "99.8% limits", "solid"),
        ("upper_998", LIMIT_998, None, "solid"),
        ("lower_95", LIMIT_95, "95% limits", "dot"),
        ("upper_95", LIMIT_95, None, "dot"),
    ):
        fig.add_trace(
            go.Scatter(
                x=limits["denominator"],
                y=limits[column],
                mode="lines",
                line={"color": colour, "dash": dash, "width": 1.5},
                name=name or column,
                showlegend=name is not None,
                hoverinfo="skip",
            )
        )
    fig.add_hline(y=benchmark, line={"color": NEUTRAL, "dash": "dash"})
    shown = rows.filter(pl.col("value").is_not_null())
    kinds = [funnel_judgement(s, meta.polarity) for s in shown["funnel_significance"].to_list()]
    for kind in dict.fromkeys(kinds):
        part = shown.filter(pl.Series(kinds) == kind)
        fig.add_trace(
            go.Scatter(
                x=part["denominator"],
                y=part["value"],
                mode="markers",
                name=f"{kind} (funnel)",
                marker={"color": JUDGEMENT_COLOURS[kind], "size": 10, "line": {"width": 1}},
                text=part["prison_code"],
                customdata=part.select("funnel_significance").rows(),
                hovertemplate=(
                    "%{text}: %{y:.1f} (n = %{x:,.1f})<br>%{customdata[0]}<extra></extra>"
                ),
            )
        )
    denominator = "person-years" if meta.statistic == "rate" else "denominator (persons)"
    return _layout(fig, f"{meta.title}: funnel plot", denominator, axis_label(meta))


def trend_chart(
    rows: pl.DataFrame, benchmark: pl.DataFrame, meta: Any, trends: Mapping[str, str]
) -> go.Figure:
    """Value over the quarters for each chosen prison, with its 95% band and the benchmark."""
    palette = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"]
    fig = go.Figure()
    for i, (code, part) in enumerate(
        rows.sort("period").group_by("prison_code", maintain_order=True)
    ):
        colour = palette[i % len(palette)]
        code = code[0]
        part = part.filter(~pl.col("suppressed"))
        fig.add_trace(
            go.Scatter(
                x=part["period"].to_list() + part["period"].to_list()[::-1],
                y=part["upper_95"].to_list() + part["lower_95"].to_list()[::-1],
                fill="toself",
                fillcolor=_rgba(colour, 0.15),
                line={"width": 0},
                hoverinfo="skip",
                showlegend=False,
            )
        )
        fig.add_trace(
            go.Scatter(
                x=part["period"],
                y=part["value"],
                mode="lines+markers",
                name=f"{code} ({trends.get(code, 'trend not computed')})",
                line={"color": colour},
                customdata=part.select("lower_95", "upper_95").rows(),
                hovertemplate=(
                    f"{code} %{{x}}: %{{y:.1f}} (95% CI %{{customdata[0]:.1f}}–"
                    "%{customdata[1]:.1f})<extra></extra>"
                ),
            )
        )
    if benchmark.height:
        fig.add_trace(
            go.Scatter(
                x=benchmark["period"],
                y=benchmark["value"],
                mode="lines",
                name="benchmark",
                line={"color": NEUTRAL, "dash": "dash"},
            )
        )
    return _layout(fig, f"{meta.title} over time", "Quarter", axis_label(meta))


def _rgba(hex_colour: str, alpha: float) -> str:
    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r}, {g}, {b}, {alpha})"


def sparkline(periods: list[str], values: list[float | None], unit: str) -> go.Figure:
    fig = go.Figure(
        go.Scatter(
            x=periods,
            y=values,
            mode="lines+markers",
            line={"color": BETTER, "width": 2},
            marker={"size": 4},
            hovertemplate=f"%{{x}}: %{{y:.1f}} {unit}<extra></extra>",
        )
    )
    fig.update_layout(
        height=70,
        margin={"l": 0, "r": 0, "t": 0, "b": 0},
        template="plotly_white",
        xaxis={"visible": False, "title": "Quarter"},
        yaxis={"visible": False, "title": unit},
        showlegend=False,
    )
    return fig


def spine_chart(rows: pl.DataFrame, title: str) -> go.Figure:
    """Fingertips-style spine: each indicator's spread of prisons, centred on the benchmark.

    `rows` has per indicator: label, value, benchmark, minimum, q1, q3, maximum,
    judgement. Positions are scaled so the prison farthest from the benchmark on
    either side sits at ±1, so indicators of different units share one axis.
    """
    fig = go.Figure()
    labels = rows["label"].to_list()
    half = [
        max(abs(r["benchmark"] - r["minimum"]), abs(r["maximum"] - r["benchmark"])) or 1.0
        for r in rows.iter_rows(named=True)
    ]

    def pos(column: str) -> list[float | None]:
        return [
            None
            if r[column] is None or r["benchmark"] is None
            else (r[column] - r["benchmark"]) / h
            for r, h in zip(rows.iter_rows(named=True), half, strict=True)
        ]

    low, q1, q3, high = pos("minimum"), pos("q1"), pos("q3"), pos("maximum")
    for start, end, colour, name in (
        (low, q1, "#D9D9D9", "lowest to 25th percentile"),
        (q1, q3, "#A6A6A6", "25th to 75th percentile"),
        (q3, high, "#D9D9D9", "75th percentile to highest"),
    ):
        fig.add_trace(
            go.Bar(
                y=labels,
                x=[
                    (e - s) if s is not None and e is not None else None
                    for s, e in zip(start, end, strict=True)
                ],
                base=start,
                orientation="h",
                marker={"color": colour},
                name=name,
                hoverinfo="skip",
            )
        )
    kinds = rows["judgement"].to_list()
    fig.add_trace(
        go.Scatter(
            y=labels,
            x=pos("value"),
            mode="markers",
            marker={
                "color": [JUDGEMENT_COLOURS.get(k, NEUTRAL) for k in kinds],
                "size": 13,
                "line": {"width": 1, "color": "white"},
            },
            name="this prison",
            customdata=rows.select("value", "benchmark", "judgement").rows(),
            hovertemplate=(
                "%{y}: %{customdata[0]:.1f} (benchmark %{customdata[1]:.1f}; "
                "%{customdata[2]})<extra></extra>"
            ),
        )
    )
    fig.add_vline(x=0, line={"color": NEUTRAL})
    fig.update_layout(barmode="overlay")
    fig.update_xaxes(range=[-1.1, 1.1], showticklabels=False)
    return _layout(
        fig,
        title,
        "Lower ← benchmark → higher (scaled per indicator)",
        "Indicator",
        max(360, 48 * len(labels) + 120),
    )


def cascade_chart(steps: list[tuple[str, float | None]], title: str) -> go.Figure:
    """The HCV cascade: tested, antibody-positive, RNA-positive, treated."""
    fig = go.Figure(
        go.Bar(
            x=[s[0] for s in steps],
            y=[s[1] for s in steps],
            marker={"color": [BETTER, HIGHER, LOWER, "#009E73"]},
            text=["suppressed" if s[1] is None else f"{s[1]:,.0f}" for s in steps],
            textposition="outside",
            hovertemplate="%{x}: %{y:,.0f} persons<extra></extra>",
        )
    )
    return _layout(fig, title, "Step of the cascade", "Persons", 380)


def judgements_chart(counts: pl.DataFrame, titles: Mapping[str, str], period: str) -> go.Figure:
    """Per indicator, how many prisons are better, similar or worse than the benchmark."""
    order = ["better", "similar", "worse", "higher", "lower", "not compared"]
    ids = list(dict.fromkeys(counts["indicator"].to_list()))
    fig = go.Figure()
    for kind in order:
        part = counts.filter(pl.col("judgement") == kind)
        if part.height == 0:
            continue
        by_id = dict(zip(part["indicator"], part["prisons"], strict=True))
        fig.add_trace(
            go.Bar(
                y=[titles[i] for i in ids],
                x=[by_id.get(i, 0) for i in ids],
                orientation="h",
                name=kind,
                marker={"color": JUDGEMENT_COLOURS[kind]},
                hovertemplate=f"%{{y}}: %{{x}} prisons {kind}<extra></extra>",
            )
        )
    fig.update_layout(barmode="stack")
    fig.update_yaxes(autorange="reversed")
    return _layout(
        fig,
        f"Prisons against the benchmark, {period} (95% intervals)",
        "Number of prisons",
        "Indicator",
        max(320, 34 * len(ids) + 140),
    )


def completeness_by_quarter(grid: pl.DataFrame) -> go.Figure:
    """How many prisons had each status, quarter by quarter (stacked bars)."""
    counts = grid.group_by("period", "status").agg(pl.len().alias("prisons")).sort("period")
    fig = go.Figure()
    for status, colour in STATUS_COLOURS.items():
        part = counts.filter(pl.col("status") == status)
        fig.add_trace(
            go.Bar(
                x=part["period"],
                y=part["prisons"],
                name=status,
                marker={"color": colour},
                hovertemplate=f"%{{x}}: %{{y:,}} prisons {status}<extra></extra>",
            )
        )
    fig.update_layout(barmode="stack")
    fig.update_xaxes(type="category", categoryorder="category ascending")
    return _layout(fig, "Prisons by submission status, per quarter", "Quarter", "Prisons", 420)


def needing_attention(grid: pl.DataFrame, limit: int = LABELLED_PRISONS) -> pl.DataFrame:
    """The grid of the `limit` prisons with the most missing, then late, quarters (none if all
    are in order)."""
    ranked = (
        grid.group_by("prison_code")
        .agg(
            (pl.col("status") == "missing").sum().alias("missing"),
            (pl.col("status") == "late").sum().alias("late"),
        )
        .filter((pl.col("missing") + pl.col("late")) > 0)
        .sort(["missing", "late", "prison_code"], descending=[True, True, False])
        .head(limit)
    )
    return grid.join(ranked.select("prison_code"), on="prison_code", how="semi")


def completeness_grid(
    grid: pl.DataFrame, title: str = "Submissions by prison and quarter"
) -> go.Figure:
    """Prisons × quarters, one colour per status."""
    statuses = list(STATUS_COLOURS)
    codes = {s: i for i, s in enumerate(statuses)}
    wide = grid.pivot(on="period", index="prison_code", values="status", sort_columns=True)
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
            customdata=[[statuses[v] if v is not None else "" for v in row] for row in z],
            hovertemplate="%{y} %{x}: %{customdata}<extra></extra>",
            colorbar={
                "tickvals": list(range(n)),
                "ticktext": statuses,
                "title": {"text": "Status"},
            },
        )
    )
    fig.update_yaxes(autorange="reversed")
    return _layout(
        fig,
        title,
        "Quarter",
        "Prison",
        max(360, 20 * wide.height + 140),
    )
