"""Is it getting better? One indicator over the quarters for chosen prisons, with trend markers."""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard import data, exports, filters, tables
from dashboard.columns import FIGURE_COLUMNS
from dashboard.time_charts import trend_chart
from data_contracts.contract import translated
from data_contracts.periods import period_index, period_label
from i18n import _
from indicators.availability import footnotes, prison_grid
from indicators.country_views import INTERNATIONAL_WORDS, countries_in, country_grid, of_country
from indicators.pooling import POOLED_NOTE
from indicators.readings import benchmark_lines, benchmark_words, group_noun, is_group_benchmark

MAX_PRISONS = 7

SHOWN_COLUMNS = ("prison_code", "period", *FIGURE_COLUMNS)


PRISONS, COUNTRIES = "Prisons", "Countries"


def render() -> None:
    account, ind, benchmark, table = filters.indicator_rows(None)
    st.title(_("Trends: {indicator}").format(indicator=translated(ind, "title")), anchor=False)
    if table is None:  # indicator_rows said so
        return
    countries = countries_in(table)
    views = [
        *([PRISONS] if account.sees_prison_rows else []),
        *([COUNTRIES] if len(countries) > 1 or not account.sees_prison_rows else []),
    ]
    view = st.segmented_control("Show", views, default=views[0], key="trend_view") or views[0]
    if view == COUNTRIES:
        _countries(account, ind, table, countries)
        return
    country = filters.country(countries, account)
    table = of_country(table, country)
    pooled = False
    if ind.is_rate:
        pooled = st.sidebar.toggle(
            "Pool over rolling four quarters",
            key="pool",
            help="Rare events (deaths, overdoses) vary a lot from quarter to quarter: each point "
            "then sums the quarter and the three before it.",
        )
    if pooled:
        table = data.pooled(account, benchmark).filter(pl.col("indicator") == ind.id)
    periods = sorted(table["period"].unique().to_list())
    last = period_index(periods[-1])
    first, last = filters.quarter_range(max(period_index(periods[0]), last - 11), last)
    codes = sorted(table.filter(pl.col("level") == "prison")["prison_code"].unique().to_list())
    default = sorted(account.prisons) if account.prisons else codes[:3]
    chosen = filters.choices(
        f"Prisons (up to {MAX_PRISONS})",
        codes,
        "prison",
        max_selections=MAX_PRISONS,
        default=default,
    )
    quarters = [period_label(i) for i in range(first, last + 1)]
    against = benchmark_words(benchmark)
    grouped = is_group_benchmark(benchmark)
    st.caption(
        f"{ind.definition} Bands are 95% confidence intervals; dashed lines are the benchmark "
        f"({f'the {group_noun(benchmark)} of each prison shown' if grouped else against}). "
        "A line stops at a quarter "
        "without a value; the row under the chart says why it is absent. Trend markers test "
        f"the last five quarters up to {period_label(last)} (chi-square test for linear trend "
        "for percentages, weighted regression for rates; 99.8% level)."
    )
    if not chosen:
        st.info("Choose one or more prisons in the sidebar.")
        return
    register = of_country(data.prisons(), country)
    grid = prison_grid(table, register, quarters, prisons=chosen, indicators=[ind.id])
    lines = benchmark_lines(table, grid, benchmark)
    markers = data.trends(account, period_label(last), benchmark)
    marker = {
        r["prison_code"]: r["trend"]
        for r in markers.filter(
            (pl.col("level") == "prison") & (pl.col("indicator") == ind.id)
        ).iter_rows(named=True)
    }
    notes = footnotes(grid["state"].to_list())
    span = f"{quarters[0]} to {quarters[-1]}"
    if pooled:
        span = f"{span}, pooled over rolling four quarters"
        notes = [*notes, POOLED_NOTE]
    context = filters.indicator_context(ind, span, against, notes)
    fig = trend_chart(
        grid,
        lines,
        ind,
        marker,
        title=f"{ind.title} ({ind.unit}), {span}",
        highlight=account.prisons,
    )
    st.plotly_chart(fig, width="stretch")
    exports.chart_downloads(fig, f"trend-{ind.id}", context)
    tables.notes(notes)
    shown = grid.select(SHOWN_COLUMNS).with_columns(
        pl.col("prison_code")
        .replace_strict(marker, default="cannot be calculated", return_dtype=pl.String)
        .alias("recent_trend")
    )
    tables.show(shown, f"trend-{ind.id}", context)


def _countries(account, ind, table, countries) -> None:  # type: ignore[no-untyped-def]
    """Each country's national value over the quarters, with its 95% band, and the value of
    all the countries shown (dashed)."""
    periods = sorted(table["period"].unique().to_list())
    last = period_index(periods[-1])
    first, last = filters.quarter_range(max(period_index(periods[0]), last - 11), last)
    quarters = [period_label(i) for i in range(first, last + 1)]
    pooled = data.international(account)
    grid = country_grid(table, pooled, ind.id, quarters, countries)
    lines = pooled.filter((pl.col("indicator") == ind.id) & pl.col("period").is_in(quarters))
    lines = lines.filter(~pl.col("suppressed")).select(
        "period", pl.lit(INTERNATIONAL_WORDS).alias("label"), "value"
    )
    st.caption(
        f"{ind.definition} Each country's national value with its 95% confidence band; the "
        f"dashed line is the {INTERNATIONAL_WORDS} (their pooled figure). A line stops at a "
        "quarter without a value; the row under the chart says why it is absent."
    )
    notes = footnotes(grid["state"].to_list())
    span = f"{quarters[0]} to {quarters[-1]}"
    context = filters.indicator_context(
        ind, span, INTERNATIONAL_WORDS, notes, title=f"{ind.title}: countries"
    )
    markers = data.trends(account, period_label(last)).filter(
        (pl.col("level") == "national") & (pl.col("indicator") == ind.id)
    )
    marker = {r["country"]: r["trend"] for r in markers.iter_rows(named=True)}
    fig = trend_chart(grid, lines, ind, marker, title=f"{ind.title} ({ind.unit}), {span}")
    st.plotly_chart(fig, width="stretch")
    exports.chart_downloads(fig, f"trend-countries-{ind.id}", context)
    tables.notes(notes)
    tables.show(
        grid.select("country", "name", "period", *FIGURE_COLUMNS),
        f"trend-countries-{ind.id}",
        context,
    )


render()
