"""The dashboard's web server: Streamlit's st.App running dashboard/app.py, plus our routes.

Run it with `streamlit run dashboard/server.py` (what `prison-monitor serve` does):
Streamlit sees the `app` below and serves it with uvicorn, on the same port and with
the same .streamlit/config.toml as `streamlit run dashboard/app.py` would. The extra
routes (the session cookie, log-out) and the security headers are in dashboard/web.py;
docs/deploy.md says how they behave behind a proxy.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from dashboard.web import MIDDLEWARE, ROUTES

SCRIPT = Path(__file__).with_name("app.py")

app = st.App(SCRIPT, routes=ROUTES, middleware=MIDDLEWARE)
