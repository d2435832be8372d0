"""Who is logged in: local accounts (the default) or OpenID Connect through st.login.

The account (and so the role) always comes from the store; OpenID Connect
only proves an e-mail address, which is mapped to an account.
"""

from __future__ import annotations

import streamlit as st

from dashboard import data
from store.accounts import Account

SESSION_KEY = "account"


def oidc_configured() -> bool:
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file at all
        return False


def current_account() -> Account | None:
    account = st.session_state.get(SESSION_KEY)
    if account is not None:
        return account
    if oidc_configured() and st.user.is_logged_in:
        email = str(st.user.get("email") or "")
        account = data.account_by_email(email) if email else None
        if account is not None:
            st.session_state[SESSION_KEY] = account
            data.audit_login(account, "oidc")
        return account
    return None


def log_in(name: str, password: str) -> Account | None:
    account = data.authenticate(name, password)
    if account is not None:
        st.session_state[SESSION_KEY] = account
        data.audit_login(account, "password")
    return account


def sidebar(account: Account) -> None:
    with st.sidebar:
        prisons = f" · {', '.join(sorted(account.prisons))}" if account.prisons else ""
        st.caption(f"Logged in as **{account.name}** ({account.role}{prisons})")
        if st.button("Log out", icon=":material/logout:"):
            st.session_state.pop(SESSION_KEY, None)
            if oidc_configured() and st.user.is_logged_in:
                st.logout()
            st.rerun()
