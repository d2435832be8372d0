"""The audit trail (governance.md §4): every entry the reader may see (the ministry all, a
director those about their prisons and their own actions), filtered by time, actor, action
and prison, and exported as shown. Thin: store.audit_trail reads, narrows and filters."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import streamlit as st

from dashboard import auth, exports, filters
from dashboard import review_data as data
from dashboard.tables import blank_text, column_config
from i18n import _
from store.audit_trail import action_family, filter_frame


def render() -> None:
    account = auth.current_account()
    assert account is not None
    st.title(_("Audit trail"))
    log = data.audit_trail(account)
    st.caption(
        "Every change kept by the system, oldest first: who did what, when, with their "
        "comment or reason. "
        + (
            "You see every entry."
            if account.manages
            else "You see the entries about your prisons and your own actions."
        )
        + " Times are in UTC."
    )
    if log.height == 0:
        st.info("No entry yet.")
        return
    col1, col2, col3, col4, col5 = st.columns([1, 1, 1.3, 1.3, 1.3])
    first_day, last_day = log["at"].min().date(), log["at"].max().date()  # type: ignore[union-attr]
    since = col1.date_input("From", first_day, min_value=first_day, max_value=last_day)
    until = col2.date_input("To", last_day, min_value=first_day, max_value=last_day)
    actors = col3.multiselect("Who", sorted(log["actor"].unique()))
    families = col4.multiselect(
        "Action", sorted({action_family(a) for a in log["action"].unique()})
    )
    prisons = col5.multiselect("Prison", sorted(log["prison_code"].drop_nulls().unique()))
    start = datetime.combine(since, time.min, UTC)
    end = datetime.combine(until, time.min, UTC) + timedelta(days=1) - timedelta(microseconds=1)
    shown = filter_frame(
        log, since=start, until=end, actors=actors, families=families, prisons=prisons
    )
    st.caption(f"{shown.height:,} of {log.height:,} entries.")
    st.dataframe(
        blank_text(shown),
        hide_index=True,
        width="stretch",
        column_config={
            **column_config(shown, None),
            "at": st.column_config.DatetimeColumn("When (UTC)", format="D MMM YYYY, HH:mm:ss"),
            "detail": st.column_config.TextColumn("Detail (comment, reason, …)", width="large"),
        },
    )
    words = [f"from {since} to {until}"]
    for name, chosen in (("by", actors), ("actions", families), ("prisons", prisons)):
        if chosen:
            words.append(f"{name} {', '.join(chosen)}")
    context = exports.ExportContext(
        title="Audit trail", period="; ".join(words), filters=filters.describe()
    )
    exports.table_downloads(shown, "audit-trail", context)


render()
