"""The dashboard's entry point: `streamlit run dashboard/app.py` (or `prison-monitor serve`).

Log-in first; then the pages a role may open, through st.navigation. Pages
are thin: they read widgets, call the core through dashboard.data, and draw.
"""

from __future__ import annotations

import streamlit as st

from dashboard import auth
from dashboard.views import (
    compare,
    completeness,
    definitions,
    history,
    login,
    overview,
    profile,
    trends,
    upload,
)

st.set_page_config(page_title="prison-monitor", page_icon=":material/monitoring:", layout="wide")

account = auth.current_account()
if account is None:
    page = st.navigation([st.Page(login.render, title="Log in", icon=":material/login:")])
else:
    analysis = [
        st.Page(overview.render, title="Overview", icon=":material/dashboard:", default=True),
        st.Page(compare.render, title="Compare prisons", icon=":material/bar_chart:"),
        st.Page(trends.render, title="Trends", icon=":material/show_chart:"),
        st.Page(profile.render, title="Prison profile", icon=":material/apartment:"),
    ]
    data = [st.Page(completeness.render, title="Data completeness", icon=":material/grid_on:")]
    if account.may_submit_anything:
        data.append(st.Page(upload.render, title="Upload", icon=":material/upload_file:"))
    data += [
        st.Page(history.render, title="History", icon=":material/history:"),
        st.Page(definitions.render, title="Definitions", icon=":material/menu_book:"),
    ]
    page = st.navigation({"Indicators": analysis, "Data": data})
    auth.sidebar(account)
page.run()
