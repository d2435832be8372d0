"""Sessions follow the account (AppTest): a change, a disable or idle time ends them on the
next run; password log-in can be switched off; an unverified OIDC e-mail is refused."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, update
from streamlit.testing.v1 import AppTest

from dashboard import auth, markup
from store import sessions
from store.accounts import save_account, set_disabled
from store.db import get_engine
from store.login import UNVERIFIED
from store.schema import audit_log
from store.schema import sessions as sessions_table

APP = str(Path(__file__).resolve().parents[2] / "dashboard" / "app.py")
DEMO_PASSWORD = "demo"
OIDC_SECRETS = {
    "auth": {
        "redirect_uri": "http://localhost:8501/oauth2callback",
        "cookie_secret": "not-a-secret-for-tests",
        "client_id": "client",
        "client_secret": "secret",
        "server_metadata_url": "https://id.example/.well-known/openid-configuration",
    }
}


@pytest.fixture
def db(sample_db, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("PRISON_MONITOR_DB", sample_db)
    monkeypatch.delenv(auth.PASSWORD_LOGIN_ENV, raising=False)
    monkeypatch.delenv(sessions.IDLE_ENV, raising=False)
    return get_engine(sample_db)


def logged_in(name: str) -> AppTest:
    """Through the log-in form, as a person does (the store audits it and starts a session)."""
    at = AppTest.from_file(APP, default_timeout=120).run()
    at.text_input[0].input(name)
    at.text_input[1].input(DEMO_PASSWORD)
    at.button[0].click().run()
    assert [e.value for e in at.exception] == []
    assert at.session_state[auth.NAME_KEY] == name
    assert not at.text_input, "still on the log-in page"
    return at


def on_login_page(at: AppTest) -> bool:
    return [t.label for t in at.text_input][:2] == ["Username", "Password"]


def test_the_session_keeps_only_the_name_stamp_and_token(db) -> None:
    at = logged_in("evaluator")
    kept = [at.session_state[k] for k in (auth.NAME_KEY, auth.STAMP_KEY, auth.TOKEN_KEY)]
    assert all(isinstance(v, str) and v for v in kept)
    assert "account" not in at.session_state  # the Account object it used to keep


def test_a_role_change_ends_the_session_on_the_next_run(db) -> None:
    at = logged_in("director")
    save_account(db, "director", "evaluator", actor="test")
    try:
        at.run()
        assert on_login_page(at)
        assert markup.text(auth.CHANGED) in [w.value for w in at.warning]
        assert auth.NAME_KEY not in at.session_state
    finally:
        save_account(db, "director", "director", prisons=["NM-WFP"], actor="test")


def test_disabling_the_account_ends_the_session_on_the_next_run(db) -> None:
    at = logged_in("evaluator")
    set_disabled(db, "evaluator", True, actor="test")
    try:
        at.run()
        assert on_login_page(at)
        assert markup.text(auth.CHANGED) in [w.value for w in at.warning]
    finally:
        set_disabled(db, "evaluator", False, actor="test")


def test_an_account_changed_just_before_a_store_is_stopped_there(db) -> None:
    """The Upload page's store call re-reads the account: nothing is stored after a change."""
    from dashboard import data, upload_data

    account = auth.data.session_account("director", "")  # a stale stamp
    assert account is None
    at = logged_in("director")
    fresh = data.session_account("director", at.session_state[auth.STAMP_KEY])
    save_account(db, "director", "evaluator", actor="test")
    try:
        with pytest.raises(data.AccountChanged):
            upload_data.store_upload(b"x", "f.csv", fresh, replace=False)
    finally:
        save_account(db, "director", "director", prisons=["NM-WFP"], actor="test")


def test_idle_longer_than_the_setting_ends_the_session(db, monkeypatch) -> None:
    monkeypatch.setenv(sessions.IDLE_ENV, "5")
    at = logged_in("evaluator")
    key = sessions.token_hash(at.session_state[auth.TOKEN_KEY])
    with db.begin() as conn:
        seen = conn.execute(
            select(sessions_table.c.last_seen_at).where(sessions_table.c.token_hash == key)
        ).scalar_one()
        conn.execute(
            update(sessions_table)
            .where(sessions_table.c.token_hash == key)
            .values(last_seen_at=seen - timedelta(minutes=6))
        )
    at.run()
    assert on_login_page(at)
    assert markup.text(auth.ENDED.format(minutes=5)) in [w.value for w in at.warning]
    with db.connect() as conn:
        ended = conn.execute(
            select(sessions_table.c.ended_at).where(sessions_table.c.token_hash == key)
        ).scalar_one()
    assert ended is not None


def test_log_out_ends_the_server_side_session(db) -> None:
    at = logged_in("evaluator")
    key = sessions.token_hash(at.session_state[auth.TOKEN_KEY])
    at.sidebar.button[0].click().run()  # ends it; the next run sends the browser to log-out
    at.run()  # ... and stops there (the browser leaves); AppTest stays: run once more
    assert on_login_page(at)
    with db.connect() as conn:
        ended = conn.execute(
            select(sessions_table.c.ended_at).where(sessions_table.c.token_hash == key)
        ).scalar_one()
    assert ended is not None


def _logins(db) -> int:  # type: ignore[no-untyped-def]
    with db.connect() as conn:
        return len(conn.execute(select(audit_log.c.id).where(audit_log.c.action == "login")).all())


def test_password_login_off_hides_the_form_and_refuses_a_forged_one(db, monkeypatch) -> None:
    monkeypatch.setenv(auth.PASSWORD_LOGIN_ENV, "off")
    at = AppTest.from_file(APP, default_timeout=120).run()
    assert not at.text_input
    assert auth.NO_WAY_IN in [e.value for e in at.error]
    before = _logins(db)
    assert auth.log_in("ministry", DEMO_PASSWORD) == auth.PASSWORD_OFF
    assert _logins(db) == before


@pytest.mark.parametrize("value", ["OFF", "false", "no", "0"])
def test_password_login_setting_words(value) -> None:
    assert auth.password_login_enabled({auth.PASSWORD_LOGIN_ENV: value}) is False
    assert auth.password_login_enabled({}, secret=False) is False
    assert auth.password_login_enabled({}) is True


def test_a_password_login_setting_not_understood_shuts_the_form(db, monkeypatch) -> None:
    monkeypatch.setenv(auth.PASSWORD_LOGIN_ENV, "maybe")
    with pytest.raises(auth.LoginSettingError, match=auth.PASSWORD_LOGIN_ENV):
        auth.password_login_enabled()
    at = AppTest.from_file(APP, default_timeout=120).run()
    assert not at.text_input
    assert [e.value for e in at.exception] == []


def _oidc_app(email: str, verified: object) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.secrets = OIDC_SECRETS
    at.user = {"is_logged_in": True, "email": email, "email_verified": verified}
    return at.run()


@pytest.mark.parametrize("verified", [False, None, "false", "yes", 1])
def test_an_unverified_oidc_email_is_refused(db, verified) -> None:
    save_account(db, "evaluator", "evaluator", email="eva@ministry.example", actor="test")
    at = _oidc_app("eva@ministry.example", verified)
    assert [e.value for e in at.exception] == []
    assert auth.NAME_KEY not in at.session_state
    assert markup.text(UNVERIFIED) in [w.value for w in at.warning]


def test_a_verified_oidc_email_logs_in_its_account(db) -> None:
    save_account(db, "evaluator", "evaluator", email="eva@ministry.example", actor="test")
    at = _oidc_app("eva@ministry.example", True)
    assert [e.value for e in at.exception] == []
    assert at.session_state[auth.NAME_KEY] == "evaluator"
    assert at.session_state[auth.METHOD_KEY] == "oidc"
