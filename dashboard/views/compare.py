"""Which prisons differ? One indicator, one quarter: every prison against the benchmark."""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard import charts, data, exports, filters, tables
from indicators.availability import footnotes, prison_grid
from indicators.readings import (
    benchmark_words,
    own_benchmark,
    with_funnel_judgement,
    with_judgement,
)
from indicators.registry import load_registry

SHOWN_COLUMNS = (
    "prison_code",
    "name",
    "region",
    "state",
    "numerator",
    "denominator",
    "value",
    "lower_95",
    "upper_95",
    "lower_998",
    "upper_998",
    "benchmark",
    "significance",
    "judgement",
)


def render() -> None:
    account, ind, benchmark, table = filters.indicator_rows("Compare prisons")
    if table is None:
        return
    registry = load_registry()
    periods = sorted(table["period"].unique().to_list())
    period = filters.quarter("Quarter", periods, periods[-1])
    prisons = filters.prison_filter(data.prisons())
    grid = prison_grid(
        table, prisons, [period], prisons=prisons["prison_code"].to_list(), indicators=[ind.id]
    )
    rows = own_benchmark(
        with_judgement(grid, registry).join(
            prisons.select("prison_code", "name", "prison_type"), on="prison_code", how="left"
        ),
        table,
        benchmark,
    )
    against = benchmark_words(benchmark)
    st.caption(
        f"{ind.definition} Each prison's value with its 95% confidence interval, against the "
        f"{against} for {period}"
        f"{' (a tick on each prison’s line)' if benchmark == 'region' else ''}; a prison is "
        "similar when its benchmark lies inside its interval. A prison without a value keeps "
        "its line, with a symbol saying why."
    )
    view = st.segmented_control(
        "View", ["Intervals", "Funnel plot"], default="Intervals", key="compare_view"
    )
    notes = footnotes(rows["state"].to_list())
    context = exports.ExportContext(
        title=ind.title,
        period=period,
        filters=filters.describe(),
        indicator_id=ind.id,
        unit=ind.unit,
        benchmark=against,
        notes=tuple(notes),
    )
    if view == "Funnel plot":
        _funnel(account, ind, period, benchmark, rows, context)
    else:
        fig = charts.compare_chart(
            rows,
            ind,
            "national value" if benchmark == "national" else "own region's value",
            per_row_benchmark=benchmark == "region",
            highlight=account.prisons,
        )
        st.plotly_chart(fig, width="stretch")
        exports.chart_downloads(fig, f"compare-{ind.id}-{period}", context)
    tables.notes(notes)
    shown = rows.select(SHOWN_COLUMNS).sort("value", descending=True, nulls_last=True)
    st.subheader("Table")
    tables.show(shown, f"compare-{ind.id}-{period}", context)


def _funnel(account, ind, period, benchmark, rows, context) -> None:  # type: ignore[no-untyped-def]
    from indicators.funnel_curve import funnel_curve

    funnel = data.funnel(account, ind.id, period).join(
        rows.select("prison_code"), on="prison_code", how="semi"
    )
    funnel = with_funnel_judgement(funnel, ind.id, load_registry()).with_columns(
        pl.lit("national").alias("group")
    )
    if funnel["benchmark"].drop_nulls().len() == 0:
        st.info("The benchmark of this quarter is suppressed, so no funnel is drawn.")
        return
    bench = funnel["benchmark"].drop_nulls()[0]
    dens = funnel["denominator"].drop_nulls()
    curve = funnel_curve(ind, bench, dens.min() * 0.8, dens.max() * 1.2).with_columns(
        pl.lit("national").alias("group")
    )
    fig = charts.funnel_chart(
        funnel,
        curve,
        ind,
        groups={"national": bench},
        title=f"{ind.title} ({ind.unit}), {period}: funnel plot against the national value",
        highlight=account.prisons,
    )
    st.plotly_chart(fig, width="stretch")
    exports.chart_downloads(fig, f"funnel-{ind.id}-{period}", context)


render()
