"""The "Report (PDF)" button of the Prison profile and Compare pages (reports.md §2): the
same file as `prison-monitor report` for the person logged in, made with a progress bar
when the button is pressed, then offered for download."""

from __future__ import annotations

import logging
from collections.abc import Callable

import streamlit as st

from i18n import _

MADE = "pm_report"  # the session's last report: (what it is, its bytes)
Make = Callable[[Callable[[float, str], None]], bytes]


def report_button(file_name: str, make: Make, what: tuple) -> None:  # type: ignore[type-arg]
    """``what``: everything the report depends on (page, prison or area, quarter, benchmark,
    release, language, account); a report made for another ``what`` is not offered."""
    made = st.session_state.get(MADE)
    if st.button(_("Report (PDF)"), icon=":material/picture_as_pdf:", key=f"report-{file_name}"):
        bar = st.progress(0.0, text=_("Making the report…"))
        try:
            content = make(lambda share, words: bar.progress(min(share, 1.0), text=words))
        except Exception:  # never a traceback on the page; the log has it
            logging.getLogger(__name__).exception("making a report failed")
            bar.empty()
            st.error(
                _("The report could not be made. Try again; if it fails again, tell the team.")
            )
            return
        bar.empty()
        made = (what, content)
        st.session_state[MADE] = made
    if made is not None and made[0] == what:
        st.download_button(
            _("Download {file}").format(file=file_name),
            data=made[1],
            file_name=file_name,
            mime="application/pdf",
            icon=":material/download:",
            key=f"report-download-{file_name}",
            on_click="ignore",
        )
