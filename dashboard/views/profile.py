"""One prison: every indicator against the benchmark, and its hepatitis C cascade."""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard import auth, data, exports, filters, markup, tables
from dashboard.columns import FIGURE_COLUMNS
from dashboard.profile_charts import cascade_chart, spine_chart
from indicators.availability import footnotes
from indicators.readings import benchmark_words, profile_rows
from indicators.registry import load_registry

# (step, indicator, which of its counts) of the hepatitis C cascade.
CASCADE = (
    ("Tested at reception", "hcv_testing_coverage", "numerator"),
    ("Antibody-positive", "hcv_antibody_positivity", "numerator"),
    ("RNA-positive", "hcv_treatment_uptake", "denominator"),
    ("Started treatment", "hcv_treatment_uptake", "numerator"),
)
SHOWN_COLUMNS = (
    "label",
    *FIGURE_COLUMNS,
    "judgement",
)


def render() -> None:
    account = auth.current_account()
    assert account is not None
    registry = load_registry()
    benchmark = filters.benchmark(account)
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
    name = names.get(code, code)
    st.title(f"{markup.text(name)} ({code}), {period}", anchor=False)
    rows = profile_rows(table, prisons, code, period, registry)
    against = benchmark_words(benchmark)
    st.caption(
        f"Each indicator's value for this prison (dot) against the {against} (centre line), "
        "with the spread of all prisons shown (grey: lowest to highest, darker: middle half); "
        "colour says whether the prison is significantly better, worse or similar (95% "
        "interval). An indicator without a value says why."
    )
    notes = footnotes(rows["state"].to_list())
    context = exports.ExportContext(
        title=f"{name} ({code}): indicators against the {against}",
        period=period,
        filters=filters.describe(),
        benchmark=against,
        notes=tuple(notes),
    )
    fig = spine_chart(rows, f"{code}: indicators against the {against}, {period}")
    st.plotly_chart(fig, width="stretch")
    exports.chart_downloads(fig, f"profile-{code}-{period}", context)
    tables.notes(notes)
    shown = rows.select(SHOWN_COLUMNS).rename({"label": "indicator"})
    tables.show(shown, f"profile-{code}-{period}", context)

    st.subheader("Hepatitis C cascade")
    steps = []
    for label, indicator, column in CASCADE:
        row = rows.filter(pl.col("indicator") == indicator).row(0, named=True)
        value = row[column]
        state = row["state"] if value is None else "shown"
        steps.append((label, None if value is None else float(value), state))
    cascade = exports.ExportContext(
        title=f"{name} ({code}): hepatitis C cascade (persons)",
        period=period,
        filters=filters.describe(),
        notes=tuple(footnotes([s[2] for s in steps])),
    )
    fig = cascade_chart(steps, f"{code}: hepatitis C cascade, {period}")
    st.plotly_chart(fig, width="stretch")
    exports.chart_downloads(fig, f"hcv-cascade-{code}-{period}", cascade)
    tables.notes(list(cascade.notes))


render()
