"""One prison: every indicator against the benchmark, and its hepatitis C cascade."""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard import auth, charts, data, exports, filters
from indicators.registry import load_registry

CASCADE = (
    ("Tested at reception", "hcv_testing_coverage", "numerator"),
    ("Antibody-positive", "hcv_antibody_positivity", "numerator"),
    ("RNA-positive", "hcv_treatment_uptake", "denominator"),
    ("Started treatment", "hcv_treatment_uptake", "numerator"),
)


def render() -> None:
    account = auth.current_account()
    assert account is not None
    registry = load_registry()
    benchmark = filters.benchmark()
    table = data.indicator_table(account, benchmark)
    prisons = data.prisons()
    codes = prisons["prison_code"].to_list()
    if not codes or table.height == 0:
        st.title("Prison profile")
        st.info("No data yet.")
        return
    default = sorted(account.prisons)[0] if account.prisons else codes[0]
    names = dict(zip(prisons["prison_code"], prisons["name"], strict=True))
    code = filters.choice(
        "Prison", codes, "prison", default, format_func=lambda c: f"{c} – {names.get(c, '')}"
    )
    periods = sorted(table["period"].unique().to_list())
    period = filters.quarter("Quarter", periods, periods[-1])
    st.title(f"{names.get(code, code)} ({code}), {period}")
    quarter = table.filter(pl.col("period") == period)
    mine = quarter.filter((pl.col("level") == "prison") & (pl.col("prison_code") == code))
    spread = (
        quarter.filter((pl.col("level") == "prison") & ~pl.col("suppressed"))
        .group_by("indicator")
        .agg(
            pl.col("value").min().alias("minimum"),
            pl.col("value").quantile(0.25).alias("q1"),
            pl.col("value").quantile(0.75).alias("q3"),
            pl.col("value").max().alias("maximum"),
        )
    )
    order = {ind.id: n for n, ind in enumerate(registry)}
    rows = (
        mine.join(spread, on="indicator", how="left")
        .with_columns(
            pl.col("indicator").replace_strict(order, return_dtype=pl.Int64).alias("order"),
            pl.col("indicator")
            .replace_strict({i.id: f"{i.title} ({i.unit})" for i in registry})
            .alias("label"),
            pl.struct("significance", "indicator")
            .map_elements(
                lambda r: charts.judgement(r["significance"], registry[r["indicator"]].polarity),
                return_dtype=pl.String,
            )
            .alias("judgement"),
        )
        .sort("order")
    )
    st.caption(
        "Each indicator's value for this prison (dot) against the "
        f"{'national value' if benchmark == 'national' else 'region'} (centre line), with the "
        "spread of all prisons (grey: lowest to highest, darker: middle half); colour says "
        "whether the prison is significantly better, worse or similar (95% interval)."
    )
    context = exports.ExportContext(
        title=f"{names.get(code, code)} ({code}): indicators against the benchmark",
        period=period,
        filters=filters.describe(),
        benchmark="national value" if benchmark == "national" else "the prison's own region",
    )
    drawable = rows.filter(pl.col("value").is_not_null() & pl.col("benchmark").is_not_null())
    if drawable.height:
        fig = charts.spine_chart(drawable, f"{code}: indicators against the benchmark, {period}")
        st.plotly_chart(fig, width="stretch")
        exports.chart_downloads(fig, f"profile-{code}-{period}", context)
    shown = rows.select(
        "label",
        "numerator",
        "denominator",
        "value",
        "lower_95",
        "upper_95",
        "benchmark",
        "significance",
        "judgement",
        "suppressed",
    ).rename({"label": "indicator"})
    st.dataframe(shown, hide_index=True, width="stretch")
    exports.table_downloads(shown, f"profile-{code}-{period}", context)

    st.subheader("Hepatitis C cascade")
    steps = []
    for label, indicator, column in CASCADE:
        row = mine.filter(pl.col("indicator") == indicator)
        value = row[column].item() if row.height else None
        steps.append((label, None if value is None else float(value)))
    fig = charts.cascade_chart(steps, f"{code}: hepatitis C cascade, {period}")
    st.plotly_chart(fig, width="stretch")
    exports.chart_downloads(fig, f"hcv-cascade-{code}-{period}", context)


render()
