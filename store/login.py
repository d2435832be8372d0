"""Logging in: passwords (throttled per name) and OpenID Connect, each audited before it counts.

The audit entry of a log-in is written in the transaction that decides it, so
no session is granted that the log does not show; a store that cannot take
that entry refuses the log-in with one sentence.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime

from sqlalchemy import Engine, select
from sqlalchemy.exc import SQLAlchemyError

from store import audit, throttle
from store.account_model import NAME_RE, LoginResult, read_account, shown_name
from store.db import StoreError, write_transaction
from store.passwords import verify_password
from store.schema import users

REFUSED = "Unknown username or wrong password. Check both and try again."
LOCKED = (
    "Too many failed log-ins with this username; try again in {minutes} minute(s), "
    "or ask the ministry if you have forgotten your password."
)
UNVERIFIED = (
    "Your organisation's log-in did not confirm that your e-mail address is verified, so it "
    "cannot be used here; ask your organisation's IT service."
)
NO_ACCOUNT_FOR_EMAIL = "{email} has no account here yet; ask the ministry to add it."
DISABLED = "The account for {email} is disabled; ask the ministry to enable it."


def _not_recorded(exc: SQLAlchemyError) -> StoreError:
    lines = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    reason = lines[0] if lines else type(exc).__name__
    return StoreError(
        f"The log-in could not be recorded, so nobody was logged in ({reason}); try again in a "
        "moment, and if it goes on, tell whoever runs the dashboard."
    )


def _password_hash(engine: Engine, name: str) -> str | None:
    if not NAME_RE.match(name):
        return None
    with engine.connect() as conn:
        return conn.execute(select(users.c.password_hash).where(users.c.name == name)).scalar()


def authenticate(
    engine: Engine,
    name: str,
    password: str,
    *,
    clock: Callable[[], datetime] = audit.now,
    sleep: Callable[[float], None] = time.sleep,
) -> LoginResult:
    """A password log-in, throttled per name, audited before the account is handed back.

    An unknown name and a wrong password get the same answer after the same hash check; each
    failure waits longer (store.throttle), and LOCK_AFTER_FAILURES in a row lock the name.
    """
    shown = shown_name(name)
    try:
        stored = _password_hash(engine, name)
        matches = verify_password(stored, password)
        with write_transaction(engine) as conn:
            now = clock()
            key = throttle.name_key(name)
            attempts = throttle.current(conn, key, now)
            if attempts.locked_until is not None:
                audit.record(conn, shown, "login.failed", shown, method="password", reason="locked")
                locked = LOCKED.format(minutes=throttle.minutes_left(attempts.locked_until, now))
                return LoginResult(None, locked)
            account = read_account(conn, name)
            # decided here, on what the store holds now: the hash checked is still the hash
            unchanged = (
                account is not None
                and stored
                == conn.execute(
                    select(users.c.password_hash).where(users.c.name == account.name)
                ).scalar()
            )
            if matches and unchanged and account is not None and not account.disabled:
                throttle.reset(conn, key)
                audit.record(conn, account.name, "login", account.name, method="password")
                return LoginResult(account, None)
            reason = (
                "unknown name"
                if account is None
                else "disabled"
                if matches and account.disabled
                else "wrong password"
            )
            attempts = throttle.record_failure(conn, key, attempts, now)
            audit.record(
                conn,
                shown,
                "login.failed",
                shown,
                method="password",
                reason=reason,
                failures=attempts.failures,
            )
            if attempts.locked_until is not None:
                audit.record(
                    conn,
                    shown,
                    "login.locked",
                    shown,
                    failures=attempts.failures,
                    until=attempts.locked_until.isoformat(),
                )
    except SQLAlchemyError as exc:
        raise _not_recorded(exc) from None
    sleep(throttle.delay_after(attempts.failures))
    if attempts.locked_until is not None:
        return LoginResult(None, LOCKED.format(minutes=throttle.LOCK_MINUTES))
    return LoginResult(None, REFUSED)


def email_is_verified(email_verified: object) -> bool:
    """Only a provider's explicit yes counts: the bool True, or the string "true"."""
    if email_verified is True:
        return True
    return isinstance(email_verified, str) and email_verified.strip().lower() == "true"


def login_oidc(engine: Engine, email: str, email_verified: object) -> LoginResult:
    """An OpenID Connect log-in: a verified e-mail address mapped to an enabled account."""
    address = email.strip().lower()
    shown = shown_name(address)
    try:
        with write_transaction(engine) as conn:
            if not email_is_verified(email_verified):
                audit.record(conn, shown, "login.failed", shown, method="oidc", reason="unverified")
                return LoginResult(None, UNVERIFIED)
            # an address with control characters is nobody's (and PostgreSQL refuses NUL)
            query = select(users.c.name).where(users.c.email == address)
            name = conn.execute(query).scalar() if address.isprintable() else None
            account = read_account(conn, name) if name else None
            if account is None or account.disabled:
                reason = "no account" if account is None else "disabled"
                audit.record(conn, shown, "login.failed", shown, method="oidc", reason=reason)
                message = NO_ACCOUNT_FOR_EMAIL if account is None else DISABLED
                return LoginResult(None, message.format(email=shown))
            audit.record(conn, account.name, "login", account.name, method="oidc")
            return LoginResult(account, None)
    except SQLAlchemyError as exc:
        raise _not_recorded(exc) from None
