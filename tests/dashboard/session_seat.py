"""Log an account in for an AppTest as the log-in page does: a server-side session, the
account's name and stamp in the session state (dashboard.auth keeps nothing else)."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from dashboard import auth
from store import sessions
from store.accounts import get_account
from store.db import get_engine


def seat(at: AppTest, name: str) -> AppTest:
    """`at` logged in as the stored account `name` (PRISON_MONITOR_DB names the database)."""
    engine = get_engine()
    account = get_account(engine, name)
    assert account is not None, f"no account {name!r} in the test database"
    at.session_state[auth.NAME_KEY] = account.name
    at.session_state[auth.STAMP_KEY] = account.stamp
    at.session_state[auth.TOKEN_KEY] = sessions.start(engine, account.name, account.stamp)
    at.session_state[auth.METHOD_KEY] = "password"
    return at


def seated_on(app: str, name: str, page: str) -> AppTest:
    """The app script `app` run under AppTest as the stored account `name`, on `page` (its
    views/ slug)."""
    at = AppTest.from_file(app, default_timeout=120)
    seat(at, name)
    at.run()
    return at.switch_page(f"views/{page}.py").run()
