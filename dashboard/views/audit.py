"""The audit trail (governance.md §4): every entry the reader may see (the ministry all, a
director those about their prisons and their own actions), filtered by time, actor, action
and prison, and exported as shown. Thin: store.audit_trail reads, narrows and filters."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import streamlit as st

from dashboard import auth, exports, filters
from dashboard import review_data as data
from dashboard.tables import blank_text, column_config
from i18n import N_, _, ngettext
from i18n.formats import number
from store.audit_trail import action_family, filter_frame

# the filters chosen, as the export's period line says them
BY, ACTIONS, PRISONS = N_("by {names}"), N_("actions {names}"), N_("prisons {names}")


def render() -> None:
    account = auth.current_account()
    assert account is not None
    st.title(_("Audit trail"))
    log = data.audit_trail(account)
    st.caption(
        _(
            "Every change kept by the system, oldest first: who did what, when, with their "
            "comment or reason."
        )
        + " "
        + (
            _("You see every entry.")
            if account.manages
            else _("You see the entries about your prisons and your own actions.")
        )
        + " "
        + _("Times are in UTC.")
    )
    if log.height == 0:
        st.info(_("No entry yet."))
        return
    col1, col2, col3, col4, col5 = st.columns([1, 1, 1.3, 1.3, 1.3])
    first_day, last_day = log["at"].min().date(), log["at"].max().date()  # type: ignore[union-attr]
    since = col1.date_input(_("From"), first_day, min_value=first_day, max_value=last_day)
    until = col2.date_input(_("To"), last_day, min_value=first_day, max_value=last_day)
    actors = col3.multiselect(_("Who"), sorted(log["actor"].unique()))
    families = col4.multiselect(
        _("Action"), sorted({action_family(a) for a in log["action"].unique()})
    )
    prisons = col5.multiselect(_("Prison"), sorted(log["prison_code"].drop_nulls().unique()))
    start = datetime.combine(since, time.min, UTC)
    end = datetime.combine(until, time.min, UTC) + timedelta(days=1) - timedelta(microseconds=1)
    shown = filter_frame(
        log, since=start, until=end, actors=actors, families=families, prisons=prisons
    )
    st.caption(
        ngettext("{shown} of {count} entry.", "{shown} of {count} entries.", log.height).format(
            shown=number(shown.height), count=number(log.height)
        )
    )
    st.dataframe(
        blank_text(shown),
        hide_index=True,
        width="stretch",
        column_config={
            **column_config(shown, None),
            "at": st.column_config.DatetimeColumn(_("When (UTC)"), format="D MMM YYYY, HH:mm:ss"),
            "detail": st.column_config.TextColumn(_("Detail (comment, reason, …)"), width="large"),
        },
    )
    words = [_("from {first} to {last}").format(first=since, last=until)]
    for phrase, chosen in ((BY, actors), (ACTIONS, families), (PRISONS, prisons)):
        if chosen:
            words.append(_(phrase).format(names=", ".join(chosen)))
    context = exports.ExportContext(
        title=_("Audit trail"), period="; ".join(words), filters=filters.describe()
    )
    exports.table_downloads(shown, "audit-trail", context)


render()
