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


def login_form() -> None:
    """The log-in page: local account, or the organisation's OpenID Connect provider."""
    data.warm_up()
    st.title("prison-monitor")
    st.write(
        "Monitoring indicators for drug services in prisons: opioid substitution treatment, "
        "drug treatment, overdoses, hepatitis C and continuity of care after release."
    )
    with st.form("login"):
        name = st.text_input("Username")
        password = st.text_input("Password", type="password")
        submitted = st.form_submit_button("Log in", type="primary")
    if submitted:
        if log_in(name.strip(), password) is not None:
            st.rerun()
        st.error("Unknown username or wrong password. Check both and try again.")
    if oidc_configured():
        st.divider()
        if st.button("Log in with your organisation", icon=":material/key:"):
            st.login()
        if st.user.is_logged_in and current_account() is None:
            st.warning(
                f"{st.user.get('email')} has no account here yet; ask the ministry to add it."
            )


def sidebar(account: Account) -> None:
    with st.sidebar:
        prisons = f" · {', '.join(sorted(account.prisons))}" if account.prisons else ""
        st.caption(f"Logged in as **{account.name}** ({account.role}{prisons})")
        if st.button("Log out", icon=":material/logout:"):
            st.session_state.pop(SESSION_KEY, None)
            if oidc_configured() and st.user.is_logged_in:
                st.logout()
            st.rerun()
