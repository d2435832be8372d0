"""Server-side log-in sessions: what lets a reload keep a person logged in, and no longer.

A session is a random token held by the browser (in an HttpOnly cookie) and, in
the store, only as its SHA-256, so a copy of the database logs nobody in. Each row
remembers the account's name and its stamp at log-in: the dashboard resumes a
session only while the account still has that stamp (`store.accounts.session_account`),
so changing a role, prisons, password or e-mail, or disabling the account, ends
every session of it at once, in every process sharing the database.

Idle expiry is kept here too (`last_seen_at`), not in a process's memory, so it
holds across processes and restarts. The browser gets its cookie from a route of
the dashboard's web server, which the logged-in page asks with a one-time,
short-lived, encrypted grant (`make_grant`, `read_grant`, `grant_cookie`). Core code:
no Streamlit here.
"""

from __future__ import annotations

import base64
import hashlib
import os
import secrets
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken
from sqlalchemy import Connection, Engine, select, update
from sqlalchemy.exc import SQLAlchemyError

from store.db import StoreError, write_transaction
from store.schema import sessions

IDLE_ENV = "PRISON_MONITOR_SESSION_IDLE_MINUTES"
DEFAULT_IDLE_MINUTES = 30
# A longer idle time would let a forgotten browser stay logged in for a working day.
MAX_IDLE_MINUTES = 24 * 60
KEY_ENV = "PRISON_MONITOR_SESSION_KEY"
MIN_KEY_CHARS = 32
KEY_FILE = Path("var") / "session-key"
KEY_BYTES = 32
TOKEN_BYTES = 32
# A grant only carries the browser from the log-in page to the cookie route.
GRANT_SECONDS = 60
GRANT_KEY_CONTEXT = b"prison-monitor session grant\x00"
# A grant is a Fernet token of one session token: about 180 characters.
MAX_GRANT_CHARS = 1000
# last_seen_at is written at most this often: one write a minute, not one per click.
TOUCH_INTERVAL = timedelta(seconds=60)


class SessionSettingError(Exception):
    """A session setting of the deployment is wrong; one plain sentence."""


@dataclass(frozen=True)
class Session:
    """Who a live session belongs to: the account's name and its stamp at log-in."""

    user_name: str
    stamp: str


def idle_minutes(environ: Mapping[str, str] = os.environ) -> int:
    """The idle time after which a session ends, from the deployment's setting."""
    raw = environ.get(IDLE_ENV, "").strip()
    if not raw:
        return DEFAULT_IDLE_MINUTES
    if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= MAX_IDLE_MINUTES:
        raise SessionSettingError(
            f"{IDLE_ENV} is '{raw[:20]}'; set it to a whole number of minutes from 1 to "
            f"{MAX_IDLE_MINUTES}, or leave it unset for {DEFAULT_IDLE_MINUTES}."
        )
    return int(raw)


@contextmanager
def _recorded(engine: Engine, *, write: bool = True) -> Iterator[Connection]:
    """A write transaction (or a read) whose failure, say a database locked by a long
    ingest, is one sentence: a session not recorded is a log-in refused, never a traceback."""
    try:
        if write:
            with write_transaction(engine) as conn:
                yield conn
        else:
            with engine.connect() as conn:
                yield conn
    except SQLAlchemyError as exc:
        first = str(getattr(exc, "orig", exc)).strip().splitlines()[:1] or ["unknown error"]
        raise StoreError(
            f"The log-in session could not be recorded in the database ({first[0][:200]}); "
            "try again in a moment."
        ) from None


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _now(now: datetime | None) -> datetime:
    return now or datetime.now(UTC)


def _aware(moment: datetime) -> datetime:
    """SQLite gives back naive datetimes; every one stored here is UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def start(engine: Engine, user_name: str, stamp: str, *, now: datetime | None = None) -> str:
    """A new session for the account; returns its token (the store keeps only its hash)."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    moment = _now(now)
    with _recorded(engine) as conn:
        conn.execute(
            sessions.insert().values(
                token_hash=token_hash(token),
                user_name=user_name,
                stamp=str(stamp),
                created_at=moment,
                last_seen_at=moment,
            )
        )
    return token


def resume(
    engine: Engine, token: str, idle: timedelta, *, now: datetime | None = None
) -> Session | None:
    """The session of `token` if it is live: not ended and not idle for longer than `idle`.

    A session found idle too long is ended here, so it cannot come back; a live one
    has its last_seen_at moved on (at most once per TOUCH_INTERVAL).
    """
    if not token:
        return None
    moment = _now(now)
    key = token_hash(token)
    with _recorded(engine, write=False) as conn:
        row = (
            conn.execute(
                select(sessions.c.user_name, sessions.c.stamp, sessions.c.last_seen_at).where(
                    sessions.c.token_hash == key, sessions.c.ended_at.is_(None)
                )
            )
            .mappings()
            .first()
        )
    if row is None:
        return None
    last_seen = _aware(row["last_seen_at"])
    if moment - last_seen > idle:
        end(engine, token, now=moment)
        return None
    if moment - last_seen >= TOUCH_INTERVAL:
        with _recorded(engine) as conn:
            conn.execute(
                update(sessions)
                .where(sessions.c.token_hash == key, sessions.c.ended_at.is_(None))
                .values(last_seen_at=moment)
            )
    return Session(row["user_name"], row["stamp"])


def end(engine: Engine, token: str, *, now: datetime | None = None) -> None:
    """End the session of `token` (log-out, idle, account changed); the row stays, dated."""
    if not token:
        return
    with _recorded(engine) as conn:
        conn.execute(
            update(sessions)
            .where(sessions.c.token_hash == token_hash(token), sessions.c.ended_at.is_(None))
            .values(ended_at=_now(now))
        )


def grant_cookie(engine: Engine, token: str, *, now: datetime | None = None) -> bool:
    """Whether the cookie route may set `token` as this session's cookie: once only.

    The grant that carries the token (encrypted) is a URL the browser fetches, which a
    log may keep for its minute of life; a second use finds the cookie granted already.
    """
    if not token:
        return False
    with _recorded(engine) as conn:
        result = conn.execute(
            update(sessions)
            .where(
                sessions.c.token_hash == token_hash(token),
                sessions.c.ended_at.is_(None),
                sessions.c.cookie_granted_at.is_(None),
            )
            .values(cookie_granted_at=_now(now))
        )
    return result.rowcount == 1


# ---------------------------------------------------------------- signed grants


def signing_key(environ: Mapping[str, str] = os.environ, key_file: Path = KEY_FILE) -> bytes:
    """The key that signs grants: the deployment's setting, else a file made once (0600).

    Several machines behind one proxy must share the setting (a grant signed on one may
    be redeemed on another); one machine can rely on the file, which survives restarts.
    """
    configured = environ.get(KEY_ENV, "")
    if configured:
        if len(configured) < MIN_KEY_CHARS:
            raise SessionSettingError(
                f"{KEY_ENV} is too short; set it to at least {MIN_KEY_CHARS} random "
                "characters (e.g. the output of `openssl rand -hex 32`)."
            )
        return configured.encode("utf-8")
    try:
        return key_file.read_bytes()
    except FileNotFoundError:
        pass
    key_file.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(KEY_BYTES).encode("ascii")
    try:
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it first: use theirs
        return key_file.read_bytes()
    with os.fdopen(fd, "wb") as out:
        out.write(key)
    return key


def _fernet(key: bytes) -> Fernet:
    """Grants are encrypted and authenticated (Fernet) with a key derived from the signing key."""
    derived = hashlib.sha256(GRANT_KEY_CONTEXT + key).digest()
    return Fernet(base64.urlsafe_b64encode(derived))


def make_grant(token: str, key: bytes, *, now: float | None = None) -> str:
    """A one-time pass that lets the cookie route set this session's cookie, for a minute.

    The token inside is encrypted: the grant travels in a URL, the token must not."""
    moment = int(time.time() if now is None else now)
    return _fernet(key).encrypt_at_time(token.encode("utf-8"), moment).decode("ascii")


def read_grant(grant: str, key: bytes, *, now: float | None = None) -> str | None:
    """The session token a grant carries, or None if it is forged, malformed or expired."""
    if not grant or len(grant) > MAX_GRANT_CHARS or not grant.isascii():
        return None
    moment = int(time.time() if now is None else now)
    try:
        token = _fernet(key).decrypt_at_time(grant.encode("ascii"), GRANT_SECONDS, moment)
    except InvalidToken:
        return None
    return token.decode("utf-8", errors="replace")
