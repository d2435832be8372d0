"""Prisons × quarters: one status each (governance.md §6), the share of expected elements
reported, versions and review state apart, and which elements a prison-quarter lacks."""

from __future__ import annotations

from datetime import date

import streamlit as st

from dashboard import auth, completeness_charts, exports, filters
from dashboard import review_data as data
from dashboard.chart_style import LABELLED_PRISONS
from data_contracts.periods import last_ended_quarter, period_label
from i18n import N_, _, ngettext
from i18n.formats import number
from indicators import grids
from store.completeness import (
    DEFAULT_DEADLINE_DAYS,
    LATE,
    MISSING,
    NOT_DUE,
    NOT_OPEN,
    ON_TIME,
    PARTIAL,
    STATUS_MEANINGS,
    STATUS_WORDS,
    STATUSES,
)

MAX_DEADLINE_DAYS = 365
DEADLINE_STEP = 5  # days the deadline's buttons add or take away
# The status counts' headings (the statuses themselves are the data's words)
STATUS_HEADINGS = {
    NOT_DUE: N_("Not due"),
    MISSING: N_("Missing"),
    PARTIAL: N_("Partial"),
    LATE: N_("Late"),
    ON_TIME: N_("On time"),
    NOT_OPEN: N_("Not open"),
}


def render() -> None:
    st.title(_("Data completeness"))
    last = last_ended_quarter(date.today())
    first, last = filters.quarter_range(default_first=last - 11, default_last=last)
    deadline = filters.number(
        _("Deadline (days after the quarter ends)"),
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
        col.metric(_(STATUS_HEADINGS[status]), number(counts[status]))
    st.caption(
        ngettext(
            "{count} prison, {first} to {last}; the deadline is {days} days after the quarter "
            "ends.",
            "{count} prisons, {first} to {last}; the deadline is {days} days after the quarter "
            "ends.",
            n_prisons,
        ).format(
            count=n_prisons,
            first=period_label(first),
            last=period_label(last),
            days=deadline,
        )
        + " "
        + "; ".join(
            _("**{status}**: {meaning}").format(
                status=_(STATUS_WORDS[s]), meaning=_(STATUS_MEANINGS[s])
            )
            for s in STATUSES
        )
        + ". "
        + _("Resubmissions are counted apart (versions), never hiding lateness.")
    )
    context = exports.ExportContext(
        title=_("Data completeness"),
        period=_("{first} to {last}").format(first=period_label(first), last=period_label(last)),
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
            title = ngettext(
                "The {count} prison with the most missing or late quarters",
                "The {count} prisons with the most missing or late quarters",
                shown,
            ).format(count=shown)
            figure = completeness_charts.completeness_grid(worst, title)
            st.caption(
                _(
                    "{title}, of {count}; every prison is in the table below (narrow the "
                    "prisons in the sidebar to see them in the grid)."
                ).format(title=title, count=number(n_prisons))
            )
            st.plotly_chart(figure, width="stretch")
            exports.chart_downloads(figure, "completeness-attention", context)
        else:
            st.success(
                _("All {count} prisons submitted every quarter on time.").format(
                    count=number(n_prisons)
                )
            )
    with st.expander(_("The same as a table")):
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
                "share": st.column_config.NumberColumn(_("share (%)"), format="%.0f%%"),
                "state": st.column_config.TextColumn(_("review state")),
            },
        )
        exports.table_downloads(table, "completeness", context)
    _element_detail(grid)


def _element_detail(grid) -> None:  # type: ignore[no-untyped-def]
    """Which expected elements one prison-quarter's file lacks (partial or missing ones)."""
    st.subheader(_("Which elements are missing"))
    lacking = grids.rows_with_status(grid, (PARTIAL, MISSING))
    if lacking.height == 0:
        st.caption(_("No prison-quarter shown is partial or missing."))
        return
    options = [f"{c} {p}" for c, p in lacking.select("prison_code", "period").iter_rows()]
    chosen = filters.choice(_("Prison and quarter"), options, "detail", options[0], sidebar=False)
    code, period = chosen.split(" ", 1)
    missing = data.missing_elements(code, period)
    if not missing:
        st.caption(
            _("{prison_quarter}: every expected element is reported.").format(prison_quarter=chosen)
        )
        return
    st.markdown(
        ngettext(
            "{prison_quarter}: {count} expected element not reported:",
            "{prison_quarter}: {count} expected elements not reported:",
            len(missing),
        ).format(prison_quarter=chosen, count=number(len(missing)))
        + "\n"
        + "\n".join(f"- {title} (`{c}`)" for c, title in missing)
    )


render()
