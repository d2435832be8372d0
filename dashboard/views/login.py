"""Log in with a local account (or the organisation's OpenID Connect provider, if configured)."""

from __future__ import annotations

import streamlit as st

from dashboard import auth


def render() -> None:
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
        if auth.log_in(name.strip(), password) is not None:
            st.rerun()
        st.error("Unknown username or wrong password. Check both and try again.")
    if auth.oidc_configured():
        st.divider()
        if st.button("Log in with your organisation", icon=":material/key:"):
            st.login()
        if st.user.is_logged_in and auth.current_account() is None:
            st.warning(
                f"{st.user.get('email')} has no account here yet; ask the ministry to add it."
            )


render()
