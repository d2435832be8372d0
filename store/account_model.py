"""What an account is and what its role may do: the data the rest of the store passes around.

Authorisation lives here, in the core, so the dashboard and the command line
cannot differ: a director submits only for their own prison(s), evaluators
submit nothing, and who sees which figures unsuppressed is decided by
`Account.unsuppressed_scope` (every prison, its own prisons, none), which
`Account.sees_unsuppressed` and the exports' wording follow. An account's
`stamp` changes with everything a session depends on (role, prisons, password
hash, e-mail, disabled).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, NamedTuple

from sqlalchemy import Connection, select

from store.schema import user_countries, user_prisons, users

ROLES = ("ministry", "director", "evaluator", "international")
# The roles whose accounts may be bound to countries (international.md §2): a director is
# bound to prisons, and an international account sees every country's national rows.
COUNTRY_ROLES = ("ministry", "evaluator")
# The levels of the indicator table an international account may read (no prison, region
# or peer-group row: international.md §2).
INTERNATIONAL_LEVELS = ("national", "international")
NAME_RE = re.compile(r"^[A-Za-z0-9._@-]{1,100}$")
# What a typed name may take up in the audit log (it may be anything, even very long).
SHOWN_NAME_LIMIT = 100
STAMP_LENGTH = 32


class Unsuppressed(Enum):
    """Whose figures an account sees unsuppressed (`Account.unsuppressed_scope`)."""

    EVERY_PRISON = "every prison"  # every prison's figures and the aggregates
    OWN_PRISONS = "own prisons"  # its own prisons' figures; others' and aggregates suppressed
    NONE = "none"  # every figure suppressed


class AccountError(Exception):
    """An account cannot be added, changed or used as asked; one plain sentence."""


@dataclass(frozen=True)
class Account:
    name: str
    role: str
    prisons: frozenset[str] = field(default_factory=frozenset)
    email: str | None = None
    disabled: bool = False
    # changes whenever the role, prisons, countries, password hash, e-mail or disabled change
    stamp: str = ""
    # the countries a ministry or evaluator account works for; empty: every country
    countries: frozenset[str] = field(default_factory=frozenset)
    language: str | None = None  # None: the deployment's default language

    def sees_country(self, country: str | None) -> bool:
        """Whether anything of `country` (None: of no one country) reaches this account: a
        ministry or evaluator bound to countries sees only theirs (authz.country); a
        director and an international account see every country's (as their role allows)."""
        if not self.countries:
            return True
        return country is not None and country in self.countries

    @property
    def every_country(self) -> bool:
        """Bound to no country: may act on what spans countries (locks, releases)."""
        return not self.countries

    @property
    def sees_prison_rows(self) -> bool:
        """Whether prison, region and peer-group figures reach this account: not for an
        international account, which reads national and international rows only."""
        return self.role != "international"

    def reads_level(self, level: str) -> bool:
        """Whether this account may read the rows of an indicator-table level."""
        return self.sees_prison_rows or level in INTERNATIONAL_LEVELS

    def may_submit(self, prison_code: str, country: str | None) -> bool:
        """Whether this account may store figures for the prison `prison_code` of `country`."""
        if self.submits_for_every_prison:
            return self.sees_country(country)
        return self.role == "director" and prison_code in self.prisons

    @property
    def submits_for_every_prison(self) -> bool:
        return self.role == "ministry"

    def submittable(self, prisons: Mapping[str, str | None]) -> list[str]:
        """The prisons of `prisons` (code: country) this account may submit for, in order."""
        return [code for code, country in prisons.items() if self.may_submit(code, country)]

    def sees_history_of(self, prison_code: str | None, country: str | None) -> bool:
        """Whether this account sees a prison's submission history (files, versions, who).

        Directors see their own prisons'; the ministry and evaluators every prison's of
        their countries (the history holds no figures); an international account none."""
        if self.role == "director":
            return prison_code in self.prisons
        return self.sees_prison_rows and self.sees_country(country)

    @property
    def reads_releases_by_default(self) -> bool:
        """Sees the latest release unless they pick another (governance.md §3): evaluators,
        who cite figures; the ministry and directors see the latest data by default."""
        return self.role == "evaluator"

    @property
    def reads_audit(self) -> bool:
        """May open the audit trail (governance.md §4): the ministry all of it, a director
        what concerns their prisons."""
        return self.role in ("ministry", "director")

    def sees_audit_entry(self, prison_code: str | None, actor: str, country: str | None) -> bool:
        """Whether an audit entry (about `prison_code` of `country`, None: no prison; done by
        `actor`) reaches this account: a ministry for every country every entry, one bound
        to countries those about its countries' prisons and its own actions, a director
        those about their prisons and their own actions, anyone else none."""
        if self.role == "ministry":
            if self.every_country or actor == self.name:
                return True
            return prison_code is not None and self.sees_country(country)
        if self.role == "director":
            return actor == self.name or (prison_code is not None and prison_code in self.prisons)
        return False

    @property
    def may_submit_anything(self) -> bool:
        return self.role in ("ministry", "director")

    @property
    def manages(self) -> bool:
        """May change the register and the accounts."""
        return self.role == "ministry"

    @property
    def unsuppressed_scope(self) -> Unsuppressed:
        """Whose figures reach this account unsuppressed: the ministry sees every prison's
        (of its countries: nothing else reaches it), a director its own prisons', an
        evaluator and an international account none."""
        if self.role == "ministry":
            return Unsuppressed.EVERY_PRISON
        if self.role == "director":
            return Unsuppressed.OWN_PRISONS
        return Unsuppressed.NONE

    def sees_unsuppressed(self, prison_code: str | None) -> bool:
        """Whether a prison's figures (None: an aggregate) reach this account unsuppressed."""
        scope = self.unsuppressed_scope
        if scope is Unsuppressed.EVERY_PRISON:
            return True
        return scope is Unsuppressed.OWN_PRISONS and prison_code in self.prisons


class LoginResult(NamedTuple):
    account: Account | None  # None: refused
    message: str | None  # the one sentence to show when refused


def shown_name(name: str) -> str:
    """A typed name as the audit log keeps it: control characters escaped, cut to a limit."""
    text = "".join(c if c.isprintable() else c.encode("unicode_escape").decode() for c in name)
    return text[:SHOWN_NAME_LIMIT]


def account_stamp(
    row: Mapping[str, Any], prisons: frozenset[str], countries: frozenset[str] = frozenset()
) -> str:
    """A digest of everything a session depends on: any change ends the sessions."""
    content = [row["role"], sorted(prisons), row["password_hash"], row["email"], row["disabled"]]
    if countries:  # accounts of every country keep the stamps they had before countries
        content.append(sorted(countries))
    return hashlib.sha256(json.dumps(content).encode()).hexdigest()[:STAMP_LENGTH]


def read_account(conn: Connection, name: str) -> Account | None:
    """The account with its prisons and stamp, read on `conn` (inside a caller's transaction)."""
    if not NAME_RE.match(name):  # no account has such a name; PostgreSQL refuses NUL in text
        return None
    row = conn.execute(select(users).where(users.c.name == name)).mappings().first()
    if row is None:
        return None
    prisons = frozenset(
        conn.execute(
            select(user_prisons.c.prison_code).where(user_prisons.c.user_name == name)
        ).scalars()
    )
    countries = frozenset(
        conn.execute(
            select(user_countries.c.country).where(user_countries.c.user_name == name)
        ).scalars()
    )
    return Account(
        row["name"],
        row["role"],
        prisons,
        row["email"],
        bool(row["disabled"]),
        account_stamp(row, prisons, countries),
        countries,
        row["language"],
    )
