"""Which prisons differ? One indicator, one quarter: every prison against the benchmark."""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard import charts, data, exports, filters
from indicators.funnel_curve import funnel_curve


def render() -> None:
    account, ind, benchmark, table = filters.indicator_rows("Compare prisons")
    if table is None:
        return
    periods = sorted(table["period"].unique().to_list())
    period = filters.quarter("Quarter", periods, periods[-1])
    prisons = data.prisons()
    rows = table.filter((pl.col("level") == "prison") & (pl.col("period") == period)).join(
        prisons.select("prison_code", "name", "prison_type"), on="prison_code", how="left"
    )
    rows = filters.prison_filter(rows)
    label = "national value" if benchmark == "national" else "the prison's region"
    st.caption(
        f"{ind.definition} Each prison's value with its 95% confidence interval, against "
        f"{label} for {period}; a prison is similar when the benchmark lies inside its "
        "interval. Suppressed figures (about 1–4 persons) are listed without a value."
    )
    view = st.segmented_control(
        "View", ["Intervals", "Funnel plot"], default="Intervals", key="compare_view"
    )
    context = exports.ExportContext(
        title=ind.title,
        period=period,
        filters=filters.describe(),
        indicator_id=ind.id,
        unit=ind.unit,
        benchmark=label,
    )
    if view == "Funnel plot":
        funnel = data.funnel(account, ind.id, period).join(
            rows.select("prison_code", "suppressed"), on="prison_code", how="inner"
        )
        if funnel["benchmark"].drop_nulls().len() == 0:
            st.info("The national figure of this quarter is suppressed, so no funnel is drawn.")
        else:
            bench = funnel["benchmark"].drop_nulls()[0]
            dens = funnel["denominator"].drop_nulls()
            limits = funnel_curve(ind, bench, dens.min() * 0.8, dens.max() * 1.2)
            fig = charts.funnel_chart(funnel, limits, ind, bench)
            st.plotly_chart(fig, width="stretch")
            exports.chart_downloads(fig, f"funnel-{ind.id}-{period}", context)
    else:
        fig = charts.compare_chart(rows, ind, label)
        st.plotly_chart(fig, width="stretch")
        exports.chart_downloads(fig, f"compare-{ind.id}-{period}", context)
    shown = (
        rows.with_columns(
            pl.struct("significance")
            .map_elements(
                lambda s: charts.judgement(s["significance"], ind.polarity), return_dtype=pl.String
            )
            .alias("judgement")
        )
        .select(
            "prison_code",
            "name",
            "region",
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
            "suppressed",
        )
        .sort("value", descending=True, nulls_last=True)
    )
    st.subheader("Table")
    st.dataframe(shown, hide_index=True, width="stretch")
    exports.table_downloads(shown, f"compare-{ind.id}-{period}", context)


render()
