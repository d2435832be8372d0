"""Is it getting better? One indicator over the quarters for chosen prisons, with trend markers."""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard import data, exports, filters, tables
from dashboard.chart_style import axis_label
from dashboard.columns import FIGURE_COLUMNS
from dashboard.time_charts import trend_chart
from data_contracts.contract import translated
from data_contracts.periods import period_index, period_label
from i18n import N_, _
from indicators.availability import footnotes, prison_grid
from indicators.country_views import countries_in, country_grid, international_words, of_country
from indicators.pooling import pooled_note
from indicators.readings import benchmark_lines, benchmark_words, group_noun, is_group_benchmark
from indicators.trend import trend_word

MAX_PRISONS = 7

SHOWN_COLUMNS = ("prison_code", "period", *FIGURE_COLUMNS)


PRISONS, COUNTRIES = N_("Prisons"), N_("Countries")


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
    view = (
        st.segmented_control(_("Show"), views, default=views[0], key="trend_view", format_func=_)
        or views[0]
    )
    if view == COUNTRIES:
        _countries(account, ind, table, countries)
        return
    country = filters.country(countries, account)
    table = of_country(table, country)
    pooled = False
    if ind.is_rate:
        pooled = st.sidebar.toggle(
            _("Pool over rolling four quarters"),
            key="pool",
            help=_(
                "Rare events (deaths, overdoses) vary a lot from quarter to quarter: each point "
                "then sums the quarter and the three before it."
            ),
        )
    if pooled:
        table = data.pooled(account, benchmark).filter(pl.col("indicator") == ind.id)
    periods = sorted(table["period"].unique().to_list())
    last = period_index(periods[-1])
    first, last = filters.quarter_range(max(period_index(periods[0]), last - 11), last)
    codes = sorted(table.filter(pl.col("level") == "prison")["prison_code"].unique().to_list())
    default = sorted(account.prisons) if account.prisons else codes[:3]
    chosen = filters.choices(
        _("Prisons (up to {count})").format(count=MAX_PRISONS),
        codes,
        "prison",
        max_selections=MAX_PRISONS,
        default=default,
    )
    quarters = [period_label(i) for i in range(first, last + 1)]
    against = benchmark_words(benchmark)
    grouped = is_group_benchmark(benchmark)
    st.caption(
        translated(ind, "definition")
        + " "
        + (
            _(
                "Bands are 95% confidence intervals; dashed lines are the benchmark (the {group} "
                "of each prison shown)."
            ).format(group=group_noun(benchmark))
            if grouped
            else _(
                "Bands are 95% confidence intervals; dashed lines are the benchmark ({benchmark})."
            ).format(benchmark=against)
        )
        + " "
        + _(
            "A line stops at a quarter without a value; the row under the chart says why it is "
            "absent. Trend markers test the last five quarters up to {period} (chi-square test "
            "for linear trend for percentages, weighted regression for rates; 99.8% level)."
        ).format(period=period_label(last))
    )
    if not chosen:
        st.info(_("Choose one or more prisons in the sidebar."))
        return
    register = of_country(data.prisons(), country)
    grid = prison_grid(table, register, quarters, prisons=chosen, indicators=[ind.id])
    lines = benchmark_lines(table, grid, benchmark)
    markers = data.trends(account, period_label(last), benchmark)
    marker = {
        r["prison_code"]: trend_word(r["trend"])
        for r in markers.filter(
            (pl.col("level") == "prison") & (pl.col("indicator") == ind.id)
        ).iter_rows(named=True)
    }
    notes = footnotes(grid["state"].to_list())
    span = _("{first} to {last}").format(first=quarters[0], last=quarters[-1])
    if pooled:
        span = _("{span}, pooled over rolling four quarters").format(span=span)
        notes = [*notes, pooled_note()]
    context = filters.indicator_context(ind, span, against, notes)
    fig = trend_chart(
        grid,
        lines,
        ind,
        marker,
        title=f"{axis_label(ind)}, {span}",
        highlight=account.prisons,
    )
    st.plotly_chart(fig, width="stretch")
    exports.chart_downloads(fig, f"trend-{ind.id}", context)
    tables.notes(notes)
    shown = grid.select(SHOWN_COLUMNS).with_columns(
        pl.col("prison_code")
        .replace_strict(marker, default=trend_word(None), return_dtype=pl.String)
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
        "period", pl.lit(international_words()).alias("label"), "value"
    )
    st.caption(
        translated(ind, "definition")
        + " "
        + _(
            "Each country's national value with its 95% confidence band; the dashed line is the "
            "{benchmark} (their pooled figure). A line stops at a quarter without a value; the "
            "row under the chart says why it is absent."
        ).format(benchmark=international_words())
    )
    notes = footnotes(grid["state"].to_list())
    span = _("{first} to {last}").format(first=quarters[0], last=quarters[-1])
    context = filters.indicator_context(
        ind,
        span,
        international_words(),
        notes,
        title=_("{indicator}: countries").format(indicator=translated(ind, "title")),
    )
    markers = data.trends(account, period_label(last)).filter(
        (pl.col("level") == "national") & (pl.col("indicator") == ind.id)
    )
    marker = {r["country"]: trend_word(r["trend"]) for r in markers.iter_rows(named=True)}
    fig = trend_chart(
        grid,
        lines,
        ind,
        marker,
        title=f"{axis_label(ind)}, {span}",
    )
    st.plotly_chart(fig, width="stretch")
    exports.chart_downloads(fig, f"trend-countries-{ind.id}", context)
    tables.notes(notes)
    tables.show(
        grid.select("country", "name", "period", *FIGURE_COLUMNS),
        f"trend-countries-{ind.id}",
        context,
    )


render()
