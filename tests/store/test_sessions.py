"""Server-side sessions (store.sessions) on SQLite and PostgreSQL: start, resume, idle
expiry, end, the one-time cookie grant, encrypted grants and the signing key's file."""

from __future__ import annotations

import stat
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from store import sessions
from store.accounts import get_account
from store.schema import sessions as sessions_table

IDLE = timedelta(minutes=sessions.DEFAULT_IDLE_MINUTES)
T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
KEY = b"k" * sessions.MIN_KEY_CHARS


def _start(engine, name: str = "dir", now: datetime = T0) -> str:  # type: ignore[no-untyped-def]
    account = get_account(engine, name)
    assert account is not None
    return sessions.start(engine, account.name, account.stamp, now=now)


def test_only_the_tokens_hash_is_stored(engine) -> None:
    token = _start(engine)
    with engine.connect() as conn:
        stored = conn.execute(select(sessions_table.c.token_hash)).scalars().all()
    assert stored == [sessions.token_hash(token)]
    assert token not in stored


def test_resume_gives_the_name_and_stamp_while_live(engine) -> None:
    token = _start(engine)
    session = sessions.resume(engine, token, IDLE, now=T0 + IDLE - timedelta(seconds=1))
    assert session == sessions.Session("dir", get_account(engine, "dir").stamp)


def test_idle_longer_than_the_setting_ends_the_session_for_good(engine) -> None:
    token = _start(engine)
    assert sessions.resume(engine, token, IDLE, now=T0 + IDLE + timedelta(seconds=1)) is None
    # ended, not just too old: even a clock going back cannot bring it back
    assert sessions.resume(engine, token, IDLE, now=T0) is None


def test_activity_moves_the_idle_clock_on(engine) -> None:
    token = _start(engine)
    step = IDLE - timedelta(minutes=1)
    assert sessions.resume(engine, token, IDLE, now=T0 + step) is not None
    assert sessions.resume(engine, token, IDLE, now=T0 + 2 * step) is not None


def test_end_and_unknown_tokens(engine) -> None:
    token = _start(engine)
    sessions.end(engine, token, now=T0)
    assert sessions.resume(engine, token, IDLE, now=T0) is None
    assert sessions.resume(engine, "not-a-token", IDLE, now=T0) is None
    assert sessions.resume(engine, "", IDLE, now=T0) is None


def test_a_cookie_is_granted_once_and_only_for_a_live_session(engine) -> None:
    token = _start(engine)
    assert sessions.grant_cookie(engine, token, now=T0)
    assert not sessions.grant_cookie(engine, token, now=T0), "a grant redeemed twice"
    assert sessions.resume(engine, token, IDLE, now=T0).user_name == "dir"  # page and cookie
    ended = _start(engine)
    sessions.end(engine, ended, now=T0)
    assert not sessions.grant_cookie(engine, ended, now=T0)
    assert not sessions.grant_cookie(engine, "not-a-token", now=T0)
    assert not sessions.grant_cookie(engine, "", now=T0)


def test_a_grant_carries_its_token_hidden_for_a_minute_and_cannot_be_forged() -> None:
    grant = sessions.make_grant("tok-secret", KEY, now=1000.0)
    assert "tok-secret" not in grant and len(grant) <= sessions.MAX_GRANT_CHARS
    assert sessions.read_grant(grant, KEY, now=1000.0 + sessions.GRANT_SECONDS) == "tok-secret"
    assert sessions.read_grant(grant, KEY, now=1001.0 + sessions.GRANT_SECONDS) is None
    assert sessions.read_grant(grant, b"x" * sessions.MIN_KEY_CHARS, now=1000.0) is None
    flipped = grant[:40] + ("A" if grant[40] != "A" else "B") + grant[41:]
    assert sessions.read_grant(flipped, KEY, now=1000.0) is None
    for junk in ("", "a.b", "a.١٢٣.c", "é" * 10, "A" * (sessions.MAX_GRANT_CHARS + 1)):
        assert sessions.read_grant(junk, KEY, now=1000.0) is None


def test_the_signing_key_file_is_made_once_private(tmp_path) -> None:
    path = tmp_path / "var" / "session-key"
    first = sessions.signing_key({}, path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert sessions.signing_key({}, path) == first
    assert len(first) >= sessions.MIN_KEY_CHARS


def test_the_key_setting_wins_and_must_be_long(tmp_path) -> None:
    path = tmp_path / "session-key"
    configured = "s" * sessions.MIN_KEY_CHARS
    assert sessions.signing_key({sessions.KEY_ENV: configured}, path) == configured.encode()
    assert not path.exists()
    with pytest.raises(sessions.SessionSettingError, match=sessions.KEY_ENV):
        sessions.signing_key({sessions.KEY_ENV: "short"}, path)


@pytest.mark.parametrize(
    ("raw", "minutes"), [(None, sessions.DEFAULT_IDLE_MINUTES), ("5", 5), (" 45 ", 45)]
)
def test_idle_minutes_setting(raw, minutes) -> None:
    environ = {} if raw is None else {sessions.IDLE_ENV: raw}
    assert sessions.idle_minutes(environ) == minutes


@pytest.mark.parametrize("raw", ["0", "-5", "ten", "١٠", str(sessions.MAX_IDLE_MINUTES + 1)])
def test_a_bad_idle_setting_is_one_sentence(raw) -> None:
    with pytest.raises(sessions.SessionSettingError, match=sessions.IDLE_ENV):
        sessions.idle_minutes({sessions.IDLE_ENV: raw})
