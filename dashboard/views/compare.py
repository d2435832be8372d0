"""Which prisons differ? One indicator, one quarter: every prison against the benchmark."""

from __future__ import annotations

from dataclasses import replace

import polars as pl
import streamlit as st

from dashboard import charts, data, exports, filters, markup, tables
from dashboard.columns import FIGURE_COLUMNS
from indicators.availability import footnotes, prison_grid
from indicators.grids import funnel_groups
from indicators.readings import (
    benchmark_words,
    group_noun,
    is_group_benchmark,
    own_benchmark,
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
            benchmark_words(benchmark),
            per_row_benchmark=is_group_benchmark(benchmark),
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

    overdispersion = filters.choice(
        "Overdispersion",
        list(OVERDISPERSION_WORDS),
        "od",
        "none",
        format_func=OVERDISPERSION_WORDS.get,
        sidebar=False,
        help="Spiegelhalter (2005): widen the control limits when prisons vary more than "
        "chance alone would make them (multiplicative phi, or additive tau²). It only ever "
        "widens the limits.",
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
        st.info("The benchmark of this quarter is suppressed, so no funnel is drawn.")
        return
    groups = dict(sorted(groups.items(), key=lambda g: str(g[0])))
    grouped = is_group_benchmark(benchmark)
    method = "; ".join(used) if grouped else used[0].split(": ", 1)[1]
    note = (  # the region names are the register's text: escaped where shown (below)
        f"Overdispersion: {method}."
        if overdispersion != "none"
        else "No overdispersion adjustment."
    )
    st.caption(
        f"Control limits at 95% and 99.8% around the {benchmark_words(benchmark)}"
        f"{f', one funnel per {group_noun(benchmark)}' if grouped else ''}. {markup.text(note)}"
    )
    fig = charts.funnel_chart(
        funnel,
        pl.concat(curves),
        ind,
        groups=groups,
        title=f"{ind.title} ({ind.unit}), {period}: funnel plot against the "
        f"{benchmark_words(benchmark)}",
        highlight=account.prisons,
    )
    st.plotly_chart(fig, width="stretch")
    exports.chart_downloads(
        fig, f"funnel-{ind.id}-{period}", replace(context, notes=(*context.notes, note))
    )


OVERDISPERSION_WORDS = {
    "none": "None (exact limits)",
    "multiplicative": "Multiplicative (phi)",
    "additive": "Additive (tau²)",
}


render()
