"""Where do we stand? Each indicator's national value in the latest quarter, at a glance."""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard import auth, charts, data, exports, filters, tables
from dashboard.profile_charts import spine_chart
from indicators.availability import SHOWN, STATES, SUPPRESSED, footnotes, row_state
from indicators.changes import CHANGE_TESTS, DECREASE, INCREASE, significant_changes
from indicators.compute import judgements
from indicators.grids import judgement_table
from indicators.readings import profile_rows
from indicators.registry import load_registry

# st.metric's colours: green for a rise where high is good, for a fall where low is good.
ARROWS = {"high_is_good": "normal", "low_is_good": "inverse", "no_judgement": "off"}
SIGNIFICANT = (INCREASE, DECREASE)


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
    moves = significant_changes(national, registry=registry).filter(pl.col("period") == latest)
    if account.prisons:
        _own_prisons(account, table, latest, registry)
    st.subheader(f"The nation, {latest}")
    st.caption(
        f"National values for {latest}: sums of the numerators and denominators of the prisons "
        "that reported both; change on the previous quarter and on the same quarter a year "
        "before, in the indicator's unit (percentage points for percentages). A change is "
        f"coloured only when it is significant at 95% ({CHANGE_TESTS}); otherwise it is grey. "
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
        state = current.select(row_state())[0, 0] if current.height else "not reported"
        suppressed = state == SUPPRESSED
        previous = move["change_on_previous_quarter"].item() if move.height else None
        year = move["change_on_year_before"].item() if move.height else None
        verdict = move["previous_quarter_change"].item() if move.height else None
        year_verdict = move["year_before_change"].item() if move.height else None
        prisons = current["prisons"].item() if current.height else 0
        with columns[n % 2].container(border=True):
            visible = series.filter(~pl.col("suppressed") & pl.col("value").is_not_null())
            st.metric(
                f"{ind.title} ({ind.unit})",
                fmt(value, ind.unit) if state == SHOWN else STATES[state].word,
                delta=None
                if previous is None
                else f"{previous:+.1f} on previous quarter ({verdict or 'not tested'})",
                delta_color=ARROWS[ind.polarity] if verdict in SIGNIFICANT else "off",
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
            yoy = (
                f" · {year:+.1f} on a year before ({year_verdict or 'not tested'})"
                if year is not None
                else ""
            )
            st.caption(f"{ci}{prisons} prisons reported{yoy}")
        rows.append(
            {
                "indicator": ind.title,
                "unit": ind.unit,
                "value": None if suppressed else value,
                "lower_95": lower,
                "upper_95": upper,
                "change_on_previous_quarter": previous,
                "previous_quarter_change": verdict,
                "change_on_year_before": year,
                "year_before_change": year_verdict,
                "prisons": prisons,
                "suppressed": suppressed,
            }
        )
    with st.expander("The same as tables"):
        st.dataframe(
            judgement_table(counts),
            hide_index=True,
        )
        frame = pl.DataFrame(rows)
        tables.show(frame, f"overview-{latest}", context)


def _own_prisons(account, table, period, registry) -> None:  # type: ignore[no-untyped-def]
    """A director's own prison(s) first: every indicator against the national value."""
    prisons = data.prisons()
    for code in sorted(account.prisons):
        rows = profile_rows(table, prisons, code, period, registry)
        st.subheader(f"Your prison, {code}, against the national value, {period}")
        context = exports.ExportContext(
            title=f"{code}: indicators against the national value",
            period=period,
            filters=filters.describe(),
            benchmark="national value",
            notes=tuple(footnotes(rows["state"].to_list())),
        )
        fig = spine_chart(rows, f"{code}: indicators against the national value, {period}")
        st.plotly_chart(fig, width="stretch", key=f"own-{code}")
        exports.chart_downloads(fig, f"overview-{code}-{period}", context)
        tables.notes(list(context.notes))


render()
