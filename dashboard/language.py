"""The language picker (international.md §3): each person reads the dashboard in their
own language, kept with their account (store.account_language).

Its label is written in every language at once, so a person who landed in a language
they do not read still finds it. Choosing a language is kept at once and the page is
drawn again in it; nothing else about the session changes.
"""

from __future__ import annotations

import streamlit as st

from dashboard import data
from data_contracts.languages import LANGUAGE_NAMES, LANGUAGES
from store.account_language import language_of, set_language
from store.accounts import Account

# "Language" in each language, so that anyone finds the picker.
LABEL = " · ".join(("Language", "Langue", "Taal", "Sprache"))
PICKER_KEY = "pm_language"


def _keep(account_name: str) -> None:
    set_language(data.engine(), account_name, st.session_state[PICKER_KEY])


def language_picker(account: Account) -> None:
    """The picker in the sidebar, showing the account's language."""
    current = language_of(account)
    st.session_state[PICKER_KEY] = current
    st.sidebar.selectbox(
        LABEL,
        LANGUAGES,
        format_func=LANGUAGE_NAMES.__getitem__,
        key=PICKER_KEY,
        on_change=_keep,
        args=(account.name,),
    )
