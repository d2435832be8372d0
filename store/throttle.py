"""Log-in throttling: failed log-ins per name slow down, then lock that name for a while.

The count is kept per name typed, whether or not an account has it, so neither the
answer nor its timing tells a real name from an invented one. It lives in the
store (`login_attempts`), so every dashboard process on every machine shares it,
and it is read and changed inside the transaction that decides the log-in.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Connection, delete, select
from sqlalchemy.dialects import postgresql, sqlite

from store.schema import login_attempts

# The first few failures (typing slips) cost nothing more than the hash check.
FREE_FAILURES = 3
# Then each failure waits DELAY_BASE_SECONDS, doubling, up to MAX_DELAY_SECONDS.
DELAY_BASE_SECONDS = 1.0
MAX_DELAY_SECONDS = 8.0
# This many failures in a row lock the name for LOCK_MINUTES.
LOCK_AFTER_FAILURES = 10
LOCK_MINUTES = 15
# Failures older than this are forgotten, and their rows removed.
FORGET_AFTER = timedelta(days=1)


@dataclass(frozen=True)
class Attempts:
    failures: int
    locked_until: datetime | None


def name_key(name: str) -> str:
    """The row key of a typed name: its sha256, so any text fits and none is stored."""
    return hashlib.sha256(name.encode("utf-8", "surrogatepass")).hexdigest()


def delay_after(failures: int) -> float:
    """Seconds to wait before answering the `failures`-th failure in a row."""
    if failures <= FREE_FAILURES:
        return 0.0
    return min(MAX_DELAY_SECONDS, DELAY_BASE_SECONDS * 2 ** (failures - FREE_FAILURES - 1))


def minutes_left(locked_until: datetime, now: datetime) -> int:
    return max(1, math.ceil((locked_until - now).total_seconds() / 60))


def _aware(value: datetime | None) -> datetime | None:
    """SQLite gives back naive datetimes; every time here is UTC."""
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=UTC)


def _insert(conn: Connection):  # type: ignore[no-untyped-def]
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    return dialect.insert(login_attempts)


def current(conn: Connection, key: str, now: datetime) -> Attempts:
    """The failures in a row and the lock of a name, row-locked until the transaction ends.

    A lock that has run out, or failures older than FORGET_AFTER, count as a fresh start.
    """
    conn.execute(
        _insert(conn)
        .values(name_key=key, failures=0, last_failure_at=now, locked_until=None)
        .on_conflict_do_nothing(index_elements=["name_key"])
    )
    row = conn.execute(
        select(login_attempts).where(login_attempts.c.name_key == key).with_for_update()
    ).one()
    locked_until = _aware(row.locked_until)
    last = _aware(row.last_failure_at)
    if locked_until is not None and locked_until <= now:
        return Attempts(0, None)
    if locked_until is None and last is not None and now - last > FORGET_AFTER:
        return Attempts(0, None)
    return Attempts(row.failures, locked_until)


def record_failure(conn: Connection, key: str, before: Attempts, now: datetime) -> Attempts:
    """One more failure; locks the name when it reaches LOCK_AFTER_FAILURES."""
    failures = before.failures + 1
    locked_until = (
        now + timedelta(minutes=LOCK_MINUTES) if failures >= LOCK_AFTER_FAILURES else None
    )
    conn.execute(
        login_attempts.update()
        .where(login_attempts.c.name_key == key)
        .values(failures=failures, last_failure_at=now, locked_until=locked_until)
    )
    conn.execute(
        delete(login_attempts).where(
            login_attempts.c.last_failure_at < now - FORGET_AFTER,
            login_attempts.c.name_key != key,
        )
    )
    return Attempts(failures, locked_until)


def reset(conn: Connection, key: str) -> None:
    """A success (or an operator enabling the account) starts the count again."""
    conn.execute(delete(login_attempts).where(login_attempts.c.name_key == key))
