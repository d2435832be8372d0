"""Accounts: adding, changing, disabling and naming them; the one entry point of the core.

Everything about accounts is imported from here (the model in
store.account_model, the log-ins in store.login, the password rules in
store.passwords). Local passwords are kept only as argon2 hashes and are never
logged, printed or audited. `session_account` is the one rule for "this
session may go on".
"""

from __future__ import annotations

import hmac
from typing import Any

from sqlalchemy import Connection, Engine, func, select
from sqlalchemy.exc import IntegrityError

from store import audit, throttle
from store.account_countries import check_countries, require_within, write_countries
from store.account_model import (
    NAME_RE,
    ROLES,
    Account,
    AccountError,
    LoginResult,
    read_account,
    shown_name,
)
from store.db import write_transaction
from store.login import authenticate, email_is_verified, login_oidc
from store.passwords import (
    DEMO_PASSWORD,
    MIN_PASSWORD_LENGTH,
    PasswordRuleError,
    demo_password_flags,
    hash_password,
)
from store.passwords import check_password as _check_password
from store.schema import prisons as prisons_table
from store.schema import user_prisons, users

__all__ = [
    "MIN_PASSWORD_LENGTH",
    "NAME_RE",
    "ROLES",
    "Account",
    "AccountError",
    "LoginResult",
    "account_by_email",
    "account_rows",
    "authenticate",
    "check_password",
    "demo_password_accounts",
    "email_is_verified",
    "get_account",
    "list_accounts",
    "login_oidc",
    "require_actor",
    "save_account",
    "save_demo_account",
    "session_account",
    "set_disabled",
    "setup_version",
]

# submit: files; manage: the register and accounts; act: any enabled account, whose role the
# governance rules judge where it acts (authz.role, store/governance.py).
ACTIONS = ("submit", "manage", "act")


def check_password(password: str, *, name: str) -> None:
    """AccountError with one sentence when a person may not choose this password."""
    try:
        _check_password(password, name=name)
    except PasswordRuleError as exc:
        raise AccountError(str(exc)) from None


def get_account(engine: Engine, name: str) -> Account | None:
    """The account (disabled ones too), or None."""
    with engine.connect() as conn:
        return read_account(conn, name)


def session_account(engine: Engine, name: str, stamp: str) -> Account | None:
    """The account while it exists, is enabled and is unchanged since `stamp`; else None."""
    account = get_account(engine, name)
    if account is None or account.disabled or not hmac.compare_digest(account.stamp, stamp):
        return None
    return account


def _enabled_ministries(conn: Connection) -> list[str]:
    """Enabled ministry accounts, row-locked so two demotions cannot both pass."""
    query = (
        select(users.c.name)
        .where(users.c.role == "ministry", users.c.disabled.is_(False))
        .with_for_update()
    )
    return list(conn.execute(query).scalars())


def _keep_a_ministry(conn: Connection, name: str) -> None:
    if _enabled_ministries(conn) == [name]:
        raise AccountError(
            f"'{name}' is the last enabled ministry account; add or enable another ministry "
            "account first, so that someone can still manage the accounts."
        )


def save_account(
    engine: Engine,
    name: str,
    role: str,
    *,
    prisons: list[str] | None = None,
    password: str | None = None,
    email: str | None = None,
    countries: list[str] | None = None,
    actor: str,
) -> tuple[Account, bool]:
    """Add or update a local account; returns it and whether it was created.

    `countries`: what a ministry or evaluator account works for (none: every country). An
    actor that is an account bound to countries manages only accounts within them
    (authz.country, store.governance.require_account_within).

    A password is checked with `check_password` (15 characters, not common, not the name)
    before anything is written, whoever calls: the command line, and later pages.
    """
    if password is not None:
        check_password(password, name=name)
    return _save(
        engine,
        name,
        role,
        prisons=prisons,
        password=password,
        email=email,
        countries=countries,
        actor=actor,
    )


def save_demo_account(
    engine: Engine,
    name: str,
    role: str,
    *,
    prisons: list[str],
    actor: str,
    countries: list[str] | None = None,
) -> Account:
    """A demo account of `init --sample` with the public demo password: the one path that
    sets a password outside the rules (`serve` warns while any account still has it)."""
    account, _ = _save(
        engine,
        name,
        role,
        prisons=prisons,
        password=DEMO_PASSWORD,
        email=None,
        countries=countries,
        actor=actor,
    )
    return account


def _save(
    engine: Engine,
    name: str,
    role: str,
    *,
    prisons: list[str] | None,
    password: str | None,
    email: str | None,
    countries: list[str] | None,
    actor: str,
) -> tuple[Account, bool]:
    prisons = sorted(set(prisons or []))
    countries = sorted({c.strip().upper() for c in countries or []})
    email = email.strip().lower() if email else None
    if not NAME_RE.match(name):
        raise AccountError(
            f"'{shown_name(name)}' is not a valid account name; use letters, digits, "
            "'.', '_', '-' or '@'."
        )
    if role not in ROLES:
        raise AccountError(f"'{role}' is not a role; choose one of {', '.join(ROLES)}.")
    if role == "director" and not prisons:
        raise AccountError("A director must be given their prison(s) with --prison CODE.")
    if role != "director" and prisons:
        raise AccountError(f"Only directors are tied to prisons; a {role} sees every prison.")
    check_countries(role, countries)
    require_within(engine, actor, name, role, countries, prisons)
    try:
        with write_transaction(engine) as conn:
            created = _write_account(conn, name, role, prisons, countries, password, email, actor)
    except IntegrityError:  # a concurrent change took the e-mail address first
        raise AccountError(_email_taken(email or "", None)) from None
    account = get_account(engine, name)
    assert account is not None
    return account, created


def _email_taken(email: str, owner: str | None) -> str:
    who = f"account '{owner}'" if owner else "another account"
    return f"The e-mail address {email} is already used by {who}; each account needs its own."


def _write_account(
    conn: Connection,
    name: str,
    role: str,
    prisons: list[str],
    countries: list[str],
    password: str | None,
    email: str | None,
    actor: str,
) -> bool:
    known = set(conn.execute(select(prisons_table.c.code)).scalars())
    unknown = [p for p in prisons if p not in known]
    if unknown:
        raise AccountError(
            f"{', '.join(unknown)} {'is' if len(unknown) == 1 else 'are'} not in the prison "
            "register; import the register first or correct the code."
        )
    if email is not None:
        owner = conn.execute(
            select(users.c.name).where(users.c.email == email, users.c.name != name)
        ).scalar()
        if owner is not None:
            raise AccountError(_email_taken(email, owner))
    old = conn.execute(select(users).where(users.c.name == name)).mappings().first()
    if old is not None and old["role"] == "ministry" and role != "ministry":
        _keep_a_ministry(conn, name)
    now = audit.now()
    values: dict[str, Any] = {"role": role, "updated_at": now}
    if email is not None:
        values["email"] = email
    if password is not None:
        values["password_hash"] = hash_password(password)
    if old is None:
        conn.execute(users.insert().values(name=name, created_at=now, **values))
    else:
        conn.execute(users.update().where(users.c.name == name).values(**values))
    old_prisons = set(
        conn.execute(
            select(user_prisons.c.prison_code).where(user_prisons.c.user_name == name)
        ).scalars()
    )
    if old_prisons != set(prisons):
        conn.execute(user_prisons.delete().where(user_prisons.c.user_name == name))
        if prisons:
            conn.execute(
                user_prisons.insert(), [{"user_name": name, "prison_code": p} for p in prisons]
            )
    old_countries = write_countries(conn, name, countries)
    audit.record(
        conn,
        actor,
        "account.add" if old is None else "account.update",
        name,
        role=role,
        previous_role=None if old is None else old["role"],
        prisons=prisons,
        previous_prisons=sorted(old_prisons),
        countries=countries,
        previous_countries=old_countries,
        password_changed=password is not None,
        email=email,
    )
    return old is None


def set_disabled(engine: Engine, name: str, disabled: bool, *, actor: str) -> Account:
    """Disable (or enable) an account; audited. The last enabled ministry account stays; an
    actor bound to countries disables only accounts within them (authz.country)."""
    target = get_account(engine, name)
    if target is not None:
        require_within(
            engine, actor, name, target.role, sorted(target.countries), sorted(target.prisons)
        )
    with write_transaction(engine) as conn:
        row = read_account(conn, name)
        if row is None:
            raise AccountError(
                f"There is no account '{shown_name(name)}'; see 'prison-monitor users list'."
            )
        if row.disabled != disabled:
            if disabled and row.role == "ministry":
                _keep_a_ministry(conn, name)
            conn.execute(
                users.update()
                .where(users.c.name == name)
                .values(disabled=disabled, updated_at=audit.now())
            )
            if not disabled:
                throttle.reset(conn, throttle.name_key(name))
            audit.record(conn, actor, "account.disable" if disabled else "account.enable", name)
    account = get_account(engine, name)
    assert account is not None
    return account


def require_actor(engine: Engine, name: str, *, may: str) -> Account:
    """The account named by the command line's --user / --by: it exists, is enabled, may act."""
    if may not in ACTIONS:
        raise ValueError(f"unknown action {may!r}; one of {ACTIONS}")
    account = get_account(engine, name)
    shown = shown_name(name)
    if account is None:
        raise AccountError(
            f"There is no account '{shown}'; add it with 'prison-monitor users add' "
            "or name an existing one (see 'prison-monitor users list')."
        )
    if account.disabled:
        raise AccountError(
            f"The account '{shown}' is disabled; enable it with 'prison-monitor users enable "
            f"{shown}' or name another account."
        )
    if may == "submit" and not account.may_submit_anything:
        raise AccountError(
            f"'{shown}' is an {account.role} and may not submit files; name a ministry or "
            "director account."
        )
    if may == "manage" and not account.manages:
        from store.governance import phrase, refusals_audited, require_ministry

        # authz.role (governance.md §7), audited like every refusal
        with refusals_audited(engine, account, "manage", shown):
            require_ministry(account, phrase("what.change_register_and_accounts"))
    return account


def account_by_email(engine: Engine, email: str) -> Account | None:
    """The account an OpenID Connect log-in maps to, by its verified e-mail address."""
    with engine.connect() as conn:
        name = conn.execute(
            select(users.c.name).where(users.c.email == email.strip().lower())
        ).scalar()
    return get_account(engine, name) if name else None


def list_accounts(engine: Engine) -> list[Account]:
    with engine.connect() as conn:
        names = conn.execute(select(users.c.name).order_by(users.c.name)).scalars().all()
    return [a for a in (get_account(engine, n) for n in names) if a is not None]


def account_rows(engine: Engine) -> list[dict[str, Any]]:
    """Every account as one row (name, role, prisons and countries joined by ', ', e-mail,
    disabled): what
    `users list` prints and the Administration page shows."""
    return [
        {
            "name": a.name,
            "role": a.role,
            "prisons": ", ".join(sorted(a.prisons)),
            "countries": ", ".join(sorted(a.countries)),
            "email": a.email,
            "disabled": a.disabled,
        }
        for a in list_accounts(engine)
    ]


def password_hashes(engine: Engine) -> dict[str, str]:
    """Each account's password hash (accounts without a local password are left out)."""
    with engine.connect() as conn:
        rows = conn.execute(
            select(users.c.name, users.c.password_hash).where(users.c.password_hash.is_not(None))
        ).all()
    return {name: stored for name, stored in rows}


def demo_password_accounts(engine: Engine) -> list[str]:
    """The accounts whose password is the demo password, found by their hashes (not names)."""
    hashes = password_hashes(engine)
    flags = demo_password_flags(list(hashes.values()))
    return [name for name, demo in zip(hashes, flags, strict=True) if demo]


def setup_version(engine: Engine) -> str:
    """Changes whenever the register or an account changes (not when someone logs in).

    Every register import and account change writes `updated_at` (and adds or removes
    rows); a log-in writes neither table, so it leaves the dashboard's caches alone.
    """
    query = select(
        select(func.max(prisons_table.c.updated_at)).scalar_subquery(),
        select(func.count()).select_from(prisons_table).scalar_subquery(),
        select(func.max(users.c.updated_at)).scalar_subquery(),
        select(func.count()).select_from(users).scalar_subquery(),
        select(func.count()).select_from(user_prisons).scalar_subquery(),
    )
    with engine.connect() as conn:
        row = conn.execute(query).one()
    return "|".join("" if v is None else str(v) for v in row)
