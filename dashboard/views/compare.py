"""Which prisons differ? One indicator, one quarter: every prison against the benchmark."""

from __future__ import annotations

from dataclasses import replace

import polars as pl
import streamlit as st

from dashboard import charts, data, exports, filters, markup, tables
from dashboard.columns import FIGURE_COLUMNS
from dashboard.report_button import report_button
from data_contracts.contract import translated
from i18n import N_, _
from indicators.availability import footnotes
from indicators.country_views import countries_in, country_grid, international_words, of_country
from indicators.grids import funnel_groups
from indicators.readings import (
    benchmark_label,
    benchmark_words,
    compare_rows,
    group_noun,
    is_group_benchmark,
    with_funnel_judgement,
    with_judgement,
)
from indicators.registry import load_registry

SHOWN_COLUMNS = (
    "prison_code",
    "name",
    "region",
    *FIGURE_COLUMNS,
    "judgement",
    "lower_998",
    "upper_998",
)


FUNNEL = N_("Funnel plot")
PRISON_VIEWS = (N_("Intervals"), FUNNEL)
COUNTRIES = N_("Countries")


def render() -> None:
    account, ind, benchmark, table = filters.indicator_rows(None)
    st.title(_("Compare: {indicator}").format(indicator=translated(ind, "title")), anchor=False)
    if table is None:  # indicator_rows said so
        return
    countries = countries_in(table)
    views = [*(PRISON_VIEWS if account.sees_prison_rows else ()), *compared(countries)]
    view = st.segmented_control(
        _("View"), views, default=views[0], key="compare_view", format_func=_
    )
    view = view or views[0]
    registry = load_registry()
    periods = sorted(table["period"].unique().to_list())
    period = filters.quarter(_("Quarter"), periods, periods[-1])
    if view == COUNTRIES:
        _countries(account, ind, period, table, countries)
        return
    country = filters.country(countries, account)
    table = of_country(table, country)
    prisons = filters.prison_filter(of_country(data.prisons(), country))
    rows = compare_rows(table, prisons, period, ind.id, benchmark, registry)
    _report_button(account, prisons, period, benchmark)
    against = benchmark_words(benchmark)
    st.caption(
        translated(ind, "definition")
        + " "
        + (
            _(
                "Each prison's value with its 95% confidence interval, against the {benchmark} "
                "for {period} (a tick on each prison’s line); a prison is similar when its "
                "benchmark lies inside its interval. A prison without a value keeps its line, "
                "with a symbol saying why."
            )
            if benchmark == "region"
            else _(
                "Each prison's value with its 95% confidence interval, against the {benchmark} "
                "for {period}; a prison is similar when its benchmark lies inside its interval. "
                "A prison without a value keeps its line, with a symbol saying why."
            )
        ).format(benchmark=against, period=period)
    )
    notes = footnotes(rows["state"].to_list())
    context = filters.indicator_context(ind, period, against, notes)
    if view == FUNNEL:
        _funnel(account, ind, period, benchmark, rows, context)
    else:
        fig = charts.compare_chart(
            rows,
            ind,
            benchmark_words(benchmark),
            per_row_benchmark=is_group_benchmark(benchmark),
            highlight=account.prisons,
        )
        st.plotly_chart(fig, width="stretch")
        exports.chart_downloads(fig, f"compare-{ind.id}-{period}", context)
    tables.notes(notes)
    shown = rows.select(SHOWN_COLUMNS).sort("value", descending=True, nulls_last=True)
    st.subheader(_("Table"))
    tables.show(shown, f"compare-{ind.id}-{period}", context)


def _report_button(account, prisons, period: str, benchmark: str) -> None:  # type: ignore[no-untyped-def]
    """The bulletin of the region (or country) compared, as `prison-monitor report
    bulletin` makes it for this person."""
    from data_contracts.languages import current_language
    from reports import make
    from reports.bulletin import area_shown

    area = area_shown(prisons)
    if area is None:
        return
    vintage, language = data.vintage(), current_language()
    report_button(
        f"bulletin-{area.name}-{period}.pdf".replace(" ", "_"),
        lambda progress: make.bulletin(
            data.engine(),
            account,
            area,
            period,
            vintage=vintage,
            benchmark=benchmark,
            language=language,
            progress=progress,
        ),
        ("bulletin", area, period, benchmark, vintage, language, account.name),
    )


def _funnel(account, ind, period, benchmark, rows, context) -> None:  # type: ignore[no-untyped-def]
    from indicators.funnel_curve import funnel_curve

    overdispersion = filters.choice(
        _("Overdispersion"),
        list(OVERDISPERSION_WORDS),
        "od",
        "none",
        format_func=lambda k: _(OVERDISPERSION_WORDS[k]),
        sidebar=False,
        help=_(
            "Spiegelhalter (2005): widen the control limits when prisons vary more than "
            "chance alone would make them (multiplicative phi, or additive tau²). It only ever "
            "widens the limits."
        ),
    )
    funnel = data.funnel(account, ind.id, period, benchmark, overdispersion).join(
        rows.select("prison_code"), on="prison_code", how="semi"
    )
    funnel = with_funnel_judgement(funnel, ind.id, load_registry())
    groups, curves, used = {}, [], []
    for g in funnel_groups(funnel).iter_rows(named=True):
        groups[g["group"]] = g["benchmark"]
        used.append(f"{g['group']}: {g['overdispersion']}")
        if g["benchmark"] is not None and g["low"] is not None:
            curve = funnel_curve(
                ind,
                g["benchmark"],
                g["low"],
                g["high"],
                overdispersion=overdispersion,
                phi=g["phi"],
                tau2=g["tau2"],
            )
            curves.append(curve.with_columns(pl.lit(g["group"]).alias("group")))
    if not curves:
        st.info(_("The benchmark of this quarter is suppressed, so no funnel is drawn."))
        return
    groups = dict(sorted(groups.items(), key=lambda g: str(g[0])))
    grouped = is_group_benchmark(benchmark)
    method = "; ".join(used) if grouped else used[0].split(": ", 1)[1]
    note = (  # the region names are the register's text: escaped where shown (below)
        _("Overdispersion: {method}.").format(method=method)
        if overdispersion != "none"
        else _("No overdispersion adjustment.")
    )
    limits = (
        _("Control limits at 95% and 99.8% around the {benchmark}, one funnel per {group}.")
        if grouped
        else _("Control limits at 95% and 99.8% around the {benchmark}.")
    )
    st.caption(
        limits.format(
            benchmark=benchmark_words(benchmark), group=group_noun(benchmark) if grouped else ""
        )
        + " "
        + markup.text(note)
    )
    fig = charts.funnel_chart(
        funnel,
        pl.concat(curves),
        ind,
        groups=groups,
        title=_("{indicator} ({unit}), {period}: funnel plot against the {benchmark}").format(
            indicator=translated(ind, "title"),
            unit=ind.unit,
            period=period,
            benchmark=benchmark_words(benchmark),
        ),
        highlight=account.prisons,
    )
    st.plotly_chart(fig, width="stretch")
    exports.chart_downloads(
        fig, f"funnel-{ind.id}-{period}", replace(context, notes=(*context.notes, note))
    )


def compared(countries: list[str]) -> list[str]:
    """The countries view, where there are countries to set side by side."""
    return [COUNTRIES] if len(countries) > 1 else []


def _countries(account, ind, period, table, countries) -> None:  # type: ignore[no-untyped-def]
    """The countries side by side for one indicator and quarter, each with its 95%
    interval, against the value of all the countries shown."""
    registry = load_registry()
    pooled = data.international(account)
    rows = with_judgement(country_grid(table, pooled, ind.id, [period], countries), registry)
    rows = rows.with_columns(benchmark_label("national").alias("benchmark_label"))
    st.caption(
        translated(ind, "definition")
        + " "
        + _(
            "Each country's national value (the sum over its prisons that reported both "
            "figures) with its 95% confidence interval, against the {benchmark} for {period} "
            "(their pooled figure, dashed); a country is similar when that value lies inside "
            "its interval."
        ).format(benchmark=international_words(), period=period)
    )
    notes = footnotes(rows["state"].to_list())
    context = filters.indicator_context(
        ind,
        period,
        international_words(),
        notes,
        title=_("{indicator}: countries").format(indicator=translated(ind, "title")),
    )
    fig = charts.compare_chart(rows, ind, international_words(), noun=_("Country"))
    st.plotly_chart(fig, width="stretch")
    exports.chart_downloads(fig, f"compare-countries-{ind.id}-{period}", context)
    tables.notes(notes)
    shown = rows.select(COUNTRY_COLUMNS).sort("value", descending=True, nulls_last=True)
    st.subheader(_("Table"))
    tables.show(shown, f"compare-countries-{ind.id}-{period}", context)


COUNTRY_COLUMNS = ("country", "name", *FIGURE_COLUMNS, "judgement", "lower_998", "upper_998")


OVERDISPERSION_WORDS = {
    "none": N_("None (exact limits)"),
    "multiplicative": N_("Multiplicative (phi)"),
    "additive": N_("Additive (tau²)"),
}


render()
