"""Prisons × quarters: one status each (governance.md §6), the share of expected elements
reported, versions and review state apart, and which elements a prison-quarter lacks."""

from __future__ import annotations

from datetime import date

import streamlit as st

from dashboard import auth, completeness_charts, exports, filters
from dashboard import review_data as data
from dashboard.chart_style import LABELLED_PRISONS
from data_contracts.periods import last_ended_quarter, period_label
from i18n import _
from indicators import grids
from store.completeness import DEFAULT_DEADLINE_DAYS, MISSING, PARTIAL, STATUS_MEANINGS, STATUSES

MAX_DEADLINE_DAYS = 365
DEADLINE_STEP = 5  # days the deadline's buttons add or take away


def render() -> None:
    st.title(_("Data completeness"))
    last = last_ended_quarter(date.today())
    first, last = filters.quarter_range(default_first=last - 11, default_last=last)
    deadline = filters.number(
        "Deadline (days after the quarter ends)",
        "deadline",
        DEFAULT_DEADLINE_DAYS,
        low=0,
        high=MAX_DEADLINE_DAYS,
        step=DEADLINE_STEP,
    )
    grid = data.completeness(first, last, int(deadline), auth.current_account())
    grid = filters.prison_filter(grid)
    counts = grids.status_counts(grid, STATUSES)
    n_prisons = grid["prison_code"].n_unique()
    cols = st.columns(len(STATUSES))
    for col, status in zip(cols, STATUSES, strict=True):
        col.metric(status.capitalize(), f"{counts[status]:,}")
    st.caption(
        f"{n_prisons} prisons, {period_label(first)} to {period_label(last)}; the deadline is "
        f"{deadline} days after the quarter ends. "
        + "; ".join(f"**{s}**: {STATUS_MEANINGS[s]}" for s in STATUSES)
        + ". Resubmissions are counted apart (versions), never hiding lateness."
    )
    context = exports.ExportContext(
        title="Data completeness",
        period=f"{period_label(first)} to {period_label(last)}",
        filters=filters.describe(),
    )
    if n_prisons <= LABELLED_PRISONS:
        figure = completeness_charts.completeness_grid(grid)
        st.plotly_chart(figure, width="stretch")
        exports.chart_downloads(figure, "completeness", context)
    else:  # too many prisons for one line each: the counts per quarter, then the worst
        figure = completeness_charts.completeness_by_quarter(grid)
        st.plotly_chart(figure, width="stretch")
        exports.chart_downloads(figure, "completeness-by-quarter", context)
        worst = completeness_charts.needing_attention(grid)
        shown = worst["prison_code"].n_unique()
        if shown:
            title = f"The {shown} prisons with the most missing or late quarters"
            figure = completeness_charts.completeness_grid(worst, title)
            st.caption(
                f"{title}, of {n_prisons:,}; every prison is in the table below "
                "(narrow the prisons in the sidebar to see them in the grid)."
            )
            st.plotly_chart(figure, width="stretch")
            exports.chart_downloads(figure, "completeness-attention", context)
        else:
            st.success(f"All {n_prisons:,} prisons submitted every quarter on time.")
    with st.expander("The same as a table"):
        table = grid.select(
            "prison_code",
            "name",
            "region",
            "period",
            "status",
            "expected",
            "reported",
            "share",
            "versions",
            "state",
            "first_submitted_at",
        )
        st.dataframe(
            table,
            hide_index=True,
            width="stretch",
            column_config={
                "share": st.column_config.NumberColumn("share (%)", format="%.0f%%"),
                "state": st.column_config.TextColumn("review state"),
            },
        )
        exports.table_downloads(table, "completeness", context)
    _element_detail(grid)


def _element_detail(grid) -> None:  # type: ignore[no-untyped-def]
    """Which expected elements one prison-quarter's file lacks (partial or missing ones)."""
    st.subheader("Which elements are missing")
    lacking = grids.rows_with_status(grid, (PARTIAL, MISSING))
    if lacking.height == 0:
        st.caption("No prison-quarter shown is partial or missing.")
        return
    options = [f"{c} {p}" for c, p in lacking.select("prison_code", "period").iter_rows()]
    chosen = filters.choice("Prison and quarter", options, "detail", options[0], sidebar=False)
    code, period = chosen.split(" ", 1)
    missing = data.missing_elements(code, period)
    if not missing:
        st.caption(f"{chosen}: every expected element is reported.")
        return
    st.markdown(
        f"{chosen}: {len(missing)} expected element{'s' if len(missing) != 1 else ''} "
        "not reported:\n" + "\n".join(f"- {title} (`{c}`)" for c, title in missing)
    )


render()
