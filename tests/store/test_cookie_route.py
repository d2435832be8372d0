"""The cookie route of dashboard/web.py over HTTP: a grant of the logged-in page sets the
session's cookie once, and nothing else ever does (forged, expired, replayed, ended)."""

from __future__ import annotations

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from dashboard import web
from store import sessions
from store.accounts import get_account

KEY = "r" * sessions.MIN_KEY_CHARS


@pytest.fixture
def client(engine, store_url, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("PRISON_MONITOR_DB", store_url)
    monkeypatch.setenv(sessions.KEY_ENV, KEY)
    app = Starlette(routes=web.ROUTES, middleware=web.MIDDLEWARE)
    with TestClient(app) as test_client:
        yield test_client


def _token(engine) -> str:  # type: ignore[no-untyped-def]
    account = get_account(engine, "dir")
    assert account is not None
    return sessions.start(engine, account.name, account.stamp)


def _ask(client, grant: str):  # type: ignore[no-untyped-def]
    client.cookies.clear()
    return client.get(web.session_url(grant), follow_redirects=False)


def test_a_grant_sets_the_pages_own_session_as_an_httponly_cookie_once(client, engine) -> None:
    token = _token(engine)
    grant = sessions.make_grant(token, KEY.encode())
    first = _ask(client, grant)
    assert first.status_code == 204 and first.headers["cache-control"] == "no-store"
    cookie = first.headers["set-cookie"]
    assert cookie.startswith(f"{web.COOKIE}={token};")
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/" in cookie
    assert first.headers["x-frame-options"] == "DENY"
    again = _ask(client, grant)
    assert again.status_code == 204 and "set-cookie" not in again.headers


def test_forged_junk_and_ended_grants_set_nothing(client, engine) -> None:
    token = _token(engine)
    other_key = sessions.make_grant(token, b"o" * sessions.MIN_KEY_CHARS)
    ended = _token(engine)
    sessions.end(engine, ended)
    for grant in (other_key, "", "junk", token, sessions.make_grant(ended, KEY.encode())):
        response = _ask(client, grant)
        assert response.status_code == 204 and "set-cookie" not in response.headers, grant
    # the forged ones did not use up the real grant
    assert "set-cookie" in _ask(client, sessions.make_grant(token, KEY.encode())).headers
