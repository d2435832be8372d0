"""The dashboard's entry point: `streamlit run dashboard/app.py` (or `prison-monitor serve`).

Log-in first; then the pages a role may open, through st.navigation. Pages
(dashboard/views/*.py, each a small script) are thin: they read widgets, call
the core through dashboard.data, and draw.
"""

from __future__ import annotations

import streamlit as st

from dashboard import auth

st.set_page_config(page_title="prison-monitor", page_icon=":material/monitoring:", layout="wide")


def page(name: str, title: str, icon: str, **kwargs) -> st.Page:  # type: ignore[no-untyped-def]
    return st.Page(f"views/{name}.py", title=title, icon=f":material/{icon}:", **kwargs)


account = auth.current_account()
indicators = [
    page("overview", "Overview", "dashboard", default=True),
    page("compare", "Compare prisons", "bar_chart"),
    page("trends", "Trends", "show_chart"),
    page("profile", "Prison profile", "apartment"),
]
data = [page("completeness", "Data completeness", "grid_on")]
if account is None or account.may_submit_anything:
    data.append(page("upload", "Upload", "upload_file"))
data += [page("history", "History", "history"), page("definitions", "Definitions", "menu_book")]
# Every page is registered before log-in too, so a shared link (its page and its filters in
# the URL) survives the log-in form and opens where it pointed.
navigation = st.navigation(
    {"Indicators": indicators, "Data": data}, position="sidebar" if account else "hidden"
)
if account is None:
    auth.login_form()
else:
    auth.sidebar(account)
    navigation.run()
