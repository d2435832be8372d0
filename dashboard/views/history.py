"""Submissions of every prison-quarter, filterable (the audit trail has its own page).

The statuses are the command line's (`history --json`): current, superseded,
refused (the contract accepted the file; storing was not allowed, see reason)
and rejected (the contract found errors).
"""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard import auth, data, exports
from dashboard.tables import blank_text, column_config
from i18n import _
from i18n.formats import number
from store.history import SHOWN_COLUMNS, STATUSES, visible_history


def render() -> None:
    account = auth.current_account()
    assert account is not None
    st.title(_("History"))
    history = data.history()
    history = visible_history(history, account, data.prison_countries())
    _submissions(history)


def _submissions(history: pl.DataFrame) -> None:
    col1, col2, col3, col4 = st.columns(4)
    prisons = col1.multiselect(_("Prison"), sorted(history["prison_code"].drop_nulls().unique()))
    periods = col2.multiselect(_("Period"), sorted(history["period"].drop_nulls().unique()))
    statuses = col3.multiselect(_("Status"), list(STATUSES))
    senders = col4.multiselect(_("Sent by"), sorted(history["submitted_by"].unique()))
    shown = history
    for column, chosen in (
        ("prison_code", prisons),
        ("period", periods),
        ("status", statuses),
        ("submitted_by", senders),
    ):
        if chosen:
            shown = shown.filter(pl.col(column).is_in(chosen))
    counts = shown["status"].value_counts().sort("status")
    st.caption(
        " · ".join(
            _("{status}: {count}").format(status=r["status"], count=number(r["count"]))
            for r in counts.iter_rows(named=True)
        )
        or _("No submissions yet.")
    )
    table = (
        shown.select(*SHOWN_COLUMNS, "reason", "errors", "warnings", "sha256")
        .sort("submitted_at", descending=True)
        .rename({"state": "review_state"})
    )
    st.dataframe(
        blank_text(table),
        hide_index=True,
        width="stretch",
        column_config=column_config(table, None),
    )
    st.download_button(
        _("Download (CSV)"),
        lambda: exports.csv_bytes(table),  # made when pressed, not on every run
        file_name="submission-history.csv",
        mime="text/csv",
        icon=":material/download:",
        on_click="ignore",
    )


render()
