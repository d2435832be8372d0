"""The dashboard's script: served by dashboard/server.py (`prison-monitor serve`).

Before every run the session is checked against the store (dashboard/auth.py): a
changed, disabled or idle account is logged out at once. Log-in first; then the pages
of the page registry (dashboard/pages.py) through st.navigation. Pages
(dashboard/views/*.py, each a small script) are thin: they read widgets, call the core
through dashboard.data, and draw. Whatever goes wrong in a page, the browser gets one
plain sentence and the traceback goes to the server's log only.
"""

from __future__ import annotations

import logging

import streamlit as st

from dashboard import auth, data, filters, markup
from dashboard.language import language_picker
from dashboard.pages import FAILED, PAGES, PageSpec
from data_contracts.languages import speaking
from i18n import _
from store.account_language import language_of
from store.accounts import Account
from store.db import StoreError
from store.sessions import SessionSettingError

st.set_page_config(page_title="prison-monitor", page_icon=":material/monitoring:", layout="wide")
LOG = logging.getLogger("prison_monitor.dashboard")
if not LOG.handlers:  # app.py runs on every rerun; one handler for the server's lifetime
    _handler = logging.StreamHandler()  # the server's standard error, i.e. its log
    _handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    LOG.addHandler(_handler)


def refused_page(spec: PageSpec, account) -> st.Page:  # type: ignore[no-untyped-def]
    def refuse() -> None:
        st.title(spec.shown_title)
        st.warning(spec.refusal(account))

    return st.Page(
        refuse,
        title=spec.shown_title,
        icon=f":material/{spec.icon}:",
        url_path=spec.name,
        visibility="hidden",
    )


def build_navigation(account):  # type: ignore[no-untyped-def]
    sections: dict[str, list[st.Page]] = {}
    for spec in PAGES:
        if account is None or spec.opens_for(account):
            page = st.Page(
                f"views/{spec.name}.py",
                title=spec.shown_title,
                icon=f":material/{spec.icon}:",
                default=spec.default,
            )
        else:
            page = refused_page(spec, account)
        sections.setdefault(spec.shown_section, []).append(page)
    # Every page is registered before log-in too, so a shared link (its page and its filters
    # in the URL) survives the log-in form and opens where it pointed.
    return st.navigation(sections, position="sidebar" if account else "hidden")


def _session() -> Account | None:
    """Who is logged in, asked of the store before every run; a setting or store problem
    becomes its one sentence instead of the page."""
    try:
        return auth.check_session()
    except (StoreError, SessionSettingError) as exc:
        st.error(markup.text(str(exc)))
        st.stop()


def run(account: Account | None) -> None:
    navigation = build_navigation(account)
    if account is None:
        auth.login_form()
        return
    auth.sidebar(account)
    language_picker(account)
    try:
        filters.start_page()
        filters.release(account)
        navigation.run()
    except data.AccountChanged:  # changed or disabled during this run (or before a write)
        auth.end_session(_(auth.CHANGED))
        st.rerun()
    except StoreError as exc:  # the store's own sentence (full disk, read-only, file replaced)
        LOG.warning("page %s: %s", navigation.title, exc)
        st.error(markup.text(str(exc)))
    except Exception:  # st.rerun / st.stop are BaseExceptions and pass through
        LOG.exception("page %s failed", navigation.title)
        st.error(_(FAILED))


account = _session()
# The whole run in the person's language (their account's, else the deployment's).
with speaking(language_of(account)):
    run(account)
