"""Where do we stand? Each indicator's national value in the latest quarter, at a glance."""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard import auth, charts, data, exports, filters
from indicators.compute import changes, judgements
from indicators.registry import load_registry

ARROWS = {"high_is_good": "normal", "low_is_good": "inverse", "no_judgement": "off"}


def fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "–"
    return f"{value:.1f}%" if unit == "%" else f"{value:.1f}"


def render() -> None:
    account = auth.current_account()
    assert account is not None
    registry = load_registry()
    table = data.indicator_table(account)
    national = table.filter(pl.col("level") == "national")
    st.title("Overview")
    if national.height == 0:
        st.info("No submissions yet: upload quarterly files (Upload page) to see the indicators.")
        return
    periods = sorted(national["period"].unique().to_list())
    latest = filters.quarter("Quarter", periods, periods[-1])
    moves = changes(national).filter(pl.col("period") == latest)
    st.caption(
        f"National values for {latest}: sums of the numerators and denominators of the prisons "
        "that reported both; change on the previous quarter and on the same quarter a year "
        "before, in the indicator's unit (percentage points for percentages). "
        f"Data as of {data.data_as_of()}."
    )
    counts = judgements(table, latest, registry)
    titles = {ind.id: ind.title for ind in registry}
    context = exports.ExportContext(
        title="Overview: prisons against the benchmark",
        period=latest,
        filters=filters.describe(),
        benchmark="national value",
    )
    figure = charts.judgements_chart(counts, titles, latest)
    st.plotly_chart(figure, width="stretch", key="judgements")
    exports.chart_downloads(figure, f"overview-{latest}", context)
    rows = []
    columns = st.columns(2)
    for n, ind in enumerate(registry):
        series = national.filter(pl.col("indicator") == ind.id).sort("period")
        current = series.filter(pl.col("period") == latest)
        move = moves.filter(pl.col("indicator") == ind.id)
        value = current["value"].item() if current.height else None
        suppressed = bool(current["suppressed"].item()) if current.height else False
        previous = move["change_on_previous_quarter"].item() if move.height else None
        year = move["change_on_year_before"].item() if move.height else None
        prisons = current["prisons"].item() if current.height else 0
        with columns[n % 2].container(border=True):
            visible = series.filter(~pl.col("suppressed") & pl.col("value").is_not_null())
            st.metric(
                f"{ind.title} ({ind.unit})",
                "suppressed" if suppressed else fmt(value, ind.unit),
                delta=None if previous is None else f"{previous:+.1f} on previous quarter",
                delta_color="off"
                if previous is None or round(previous, 1) == 0
                else ARROWS[ind.polarity],
                help=ind.definition,
                # a sparkline drawn by Streamlit itself: ten Plotly charts would keep the
                # browser busy for two seconds before the page is usable
                chart_data=visible["value"].round(2).to_list(),
                chart_type="line",
            )
            lower = current["lower_95"].item() if current.height else None
            upper = current["upper_95"].item() if current.height else None
            ci = (
                f"95% CI {fmt(lower, ind.unit)} to {fmt(upper, ind.unit)} · "
                if lower is not None
                else ""
            )
            yoy = f" · {year:+.1f} on a year before" if year is not None else ""
            st.caption(f"{ci}{prisons} prisons reported{yoy}")
        rows.append(
            {
                "indicator": ind.title,
                "unit": ind.unit,
                "value": None if suppressed else value,
                "lower_95": lower,
                "upper_95": upper,
                "change_on_previous_quarter": previous,
                "change_on_year_before": year,
                "prisons": prisons,
                "suppressed": suppressed,
            }
        )
    with st.expander("The same as tables"):
        st.dataframe(
            counts.pivot(on="judgement", index="indicator", values="prisons").fill_null(0),
            hide_index=True,
        )
        frame = pl.DataFrame(rows)
        st.dataframe(frame, hide_index=True, width="stretch")
        exports.table_downloads(frame, f"overview-{latest}", context)


render()
