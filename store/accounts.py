"""Accounts, roles and what each role may do.

Authorisation lives here, in the core, so the dashboard and the command line
cannot differ: a director submits only for their own prison(s), evaluators
submit nothing, and who sees which figures unsuppressed is decided by
`Account.sees_unsuppressed`. Local passwords are kept only as argon2 hashes
and are never logged, printed or audited.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Engine, func, select

from store import audit
from store.db import write_transaction
from store.schema import prisons as prisons_table
from store.schema import user_prisons, users

ROLES = ("ministry", "director", "evaluator")
NAME_RE = re.compile(r"^[A-Za-z0-9._@-]{1,100}$")
_HASHER = PasswordHasher()


class AccountError(Exception):
    """An account cannot be added or changed as asked; one plain sentence."""


@dataclass(frozen=True)
class Account:
    name: str
    role: str
    prisons: frozenset[str] = field(default_factory=frozenset)
    email: str | None = None

    def may_submit(self, prison_code: str) -> bool:
        if self.role == "ministry":
            return True
        return self.role == "director" and prison_code in self.prisons

    @property
    def may_submit_anything(self) -> bool:
        return self.role in ("ministry", "director")

    @property
    def manages(self) -> bool:
        """May change the register and the accounts."""
        return self.role == "ministry"

    def sees_unsuppressed(self, prison_code: str | None) -> bool:
        """Whether a prison's figures (None: an aggregate) reach this account unsuppressed."""
        if self.role == "ministry":
            return True
        return self.role == "director" and prison_code in self.prisons


def hash_password(password: str) -> str:
    return _HASHER.hash(password)


def save_account(
    engine: Engine,
    name: str,
    role: str,
    *,
    prisons: list[str] | None = None,
    password: str | None = None,
    email: str | None = None,
    actor: str,
) -> tuple[Account, bool]:
    """Add or update a local account; returns it and whether it was created."""
    prisons = sorted(set(prisons or []))
    if not NAME_RE.match(name):
        raise AccountError(
            f"'{name}' is not a valid account name; use letters, digits, '.', '_', '-' or '@'."
        )
    if role not in ROLES:
        raise AccountError(f"'{role}' is not a role; choose one of {', '.join(ROLES)}.")
    if role == "director" and not prisons:
        raise AccountError("A director must be given their prison(s) with --prison CODE.")
    if role != "director" and prisons:
        raise AccountError(f"Only directors are tied to prisons; a {role} sees every prison.")
    if password is not None and len(password) < 4:
        raise AccountError("The password is too short; use at least 4 characters.")
    with write_transaction(engine) as conn:
        known = set(conn.execute(select(prisons_table.c.code)).scalars())
        unknown = [p for p in prisons if p not in known]
        if unknown:
            raise AccountError(
                f"{', '.join(unknown)} {'is' if len(unknown) == 1 else 'are'} not in the prison "
                "register; import the register first or correct the code."
            )
        old = conn.execute(select(users).where(users.c.name == name)).mappings().first()
        now = audit.now()
        values = {"role": role, "updated_at": now}
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
        audit.record(
            conn,
            actor,
            "account.add" if old is None else "account.update",
            name,
            role=role,
            previous_role=None if old is None else old["role"],
            prisons=prisons,
            previous_prisons=sorted(old_prisons),
            password_changed=password is not None,
            email=email,
        )
    return Account(name, role, frozenset(prisons), email), old is None


def get_account(engine: Engine, name: str) -> Account | None:
    with engine.connect() as conn:
        row = conn.execute(select(users).where(users.c.name == name)).mappings().first()
        if row is None:
            return None
        prisons = conn.execute(
            select(user_prisons.c.prison_code).where(user_prisons.c.user_name == name)
        ).scalars()
        return Account(row["name"], row["role"], frozenset(prisons), row["email"])


def account_by_email(engine: Engine, email: str) -> Account | None:
    """The account an OpenID Connect log-in maps to, by its verified e-mail address."""
    with engine.connect() as conn:
        name = conn.execute(
            select(users.c.name).where(users.c.email == email.strip().lower())
        ).scalar()
    return get_account(engine, name) if name else None


def authenticate(engine: Engine, name: str, password: str) -> Account | None:
    """The account if the password is right; None otherwise (no hint which part was wrong)."""
    with engine.connect() as conn:
        stored = conn.execute(select(users.c.password_hash).where(users.c.name == name)).scalar()
    if not stored:
        _HASHER.hash(password)  # spend the same time, so a wrong name is not told apart
        return None
    try:
        _HASHER.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return None
    return get_account(engine, name)


def list_accounts(engine: Engine) -> list[Account]:
    with engine.connect() as conn:
        names = conn.execute(select(users.c.name).order_by(users.c.name)).scalars().all()
    return [a for a in (get_account(engine, n) for n in names) if a is not None]


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
