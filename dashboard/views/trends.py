"""Is it getting better? One indicator over the quarters for chosen prisons, with trend markers."""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard import charts, data, exports, filters
from data_contracts.periods import period_index, period_label

MAX_PRISONS = 7


def render() -> None:
    account, ind, benchmark, table = filters.indicator_rows("Trends")
    if table is None:
        return
    periods = sorted(table["period"].unique().to_list())
    last = period_index(periods[-1])
    first, last = filters.quarter_range(max(period_index(periods[0]), last - 11), last)
    codes = sorted(table.filter(pl.col("level") == "prison")["prison_code"].unique().to_list())
    default = sorted(account.prisons) if account.prisons else codes[:3]
    chosen = filters.choices(
        "Prisons (up to 7)", codes, "prison", max_selections=MAX_PRISONS, default=default
    )
    window = table.filter(
        pl.col("period").is_between(pl.lit(period_label(first)), pl.lit(period_label(last)))
    )
    rows = window.filter((pl.col("level") == "prison") & pl.col("prison_code").is_in(chosen))
    if benchmark == "national":
        bench = window.filter(pl.col("level") == "national")
    else:
        regions = rows["region"].unique().to_list()
        bench = window.filter((pl.col("level") == "region") & pl.col("region").is_in(regions))
    bench = bench.filter(~pl.col("suppressed")).select("period", "value").sort("period")
    markers = data.trends(account, period_label(last), benchmark)
    marker = {
        r["prison_code"]: r["trend"]
        for r in markers.filter(
            (pl.col("level") == "prison") & (pl.col("indicator") == ind.id)
        ).iter_rows(named=True)
    }
    st.caption(
        f"{ind.definition} Bands are 95% confidence intervals; the dashed line is the "
        f"{'national value' if benchmark == 'national' else 'region'}. Trend markers test the "
        f"last five quarters up to {period_label(last)} (chi-square test for linear trend for "
        "percentages, weighted regression for rates; 99.8% level)."
    )
    if not chosen:
        st.info("Choose one or more prisons in the sidebar.")
        return
    context = exports.ExportContext(
        title=ind.title,
        period=f"{period_label(first)} to {period_label(last)}",
        filters=filters.describe(),
        indicator_id=ind.id,
        unit=ind.unit,
        benchmark="national value" if benchmark == "national" else "each prison's own region",
    )
    fig = charts.trend_chart(rows, bench, ind, marker)
    st.plotly_chart(fig, width="stretch")
    exports.chart_downloads(fig, f"trend-{ind.id}", context)
    shown = rows.select(
        "prison_code",
        "period",
        "numerator",
        "denominator",
        "value",
        "lower_95",
        "upper_95",
        "benchmark",
        "significance",
        "suppressed",
    ).with_columns(
        pl.col("prison_code")
        .replace_strict(marker, default="cannot be calculated")
        .alias("recent_trend")
    )
    st.dataframe(shown, hide_index=True, width="stretch")
    exports.table_downloads(shown, f"trend-{ind.id}", context)


render()
