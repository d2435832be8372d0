"""Governance refusals as data (store/governance.yaml): one sentence per rule, and the
exception every governance path raises with it."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import Engine

RULES_PATH = Path(__file__).with_name("governance.yaml")


class GovernanceRefused(Exception):
    """Refused by a governance rule: `rule` is its id, str(exc) the sentence to show."""

    def __init__(self, rule: str, message: str):
        super().__init__(message)
        self.rule = rule


@cache
def rules() -> dict[str, dict[str, str]]:
    raw = yaml.safe_load(RULES_PATH.read_text("utf-8"))
    return {r["id"]: r for r in raw["rules"]}


def refusal(rule: str, **fields: Any) -> GovernanceRefused:
    """The refusal of `rule` with its message filled in."""
    return GovernanceRefused(rule, rules()[rule]["message"].format(**fields))


def require_ministry(account: Any, what: str) -> None:
    """authz.role unless `account` is a ministry account."""
    if not account.manages:  # the ministry (store.account_model: who may do what)
        raise refusal("authz.role", user=account.name, role=account.role, what=what)


def require_country(account: Any, country: str | None, what: str, subject: str) -> None:
    """authz.country unless `account` works for `country` (the country of `subject`)."""
    if not account.sees_country(country):
        raise _country_refusal(
            account, what, f"{subject} is of {country or 'no registered country'}"
        )


def require_every_country(account: Any, what: str) -> None:
    """authz.country unless `account` works for every country: what it would change spans
    the countries (a quarter's lock, a release of everything stored)."""
    if not account.every_country:
        raise _country_refusal(
            account,
            what,
            "it concerns every country of this deployment; a ministry account bound to no "
            "country does it",
        )


def require_account_within(
    by: Any, name: str, role: str, countries: Iterable[str], prison_countries: Iterable[str]
) -> None:
    """authz.country unless `by` (a ministry account) works for everything the account
    `name` would see: an account bound to countries manages only accounts bound to some of
    its countries, and directors of its countries' prisons (`prison_countries`: the
    countries of the director's prisons); never an international account."""
    if by.every_country:
        return
    mine = by.countries
    what = f"manage the account '{name}'"
    if role == "international":
        raise _country_refusal(by, what, "an international account sees every country")
    reach = set(prison_countries) if role == "director" else set(countries)
    if not reach or not reach <= mine:
        shown = ", ".join(sorted(reach)) or "every country"
        raise _country_refusal(by, what, f"that account would work for {shown}")


def _country_refusal(account: Any, what: str, why: str) -> GovernanceRefused:
    return refusal(
        "authz.country",
        user=account.name,
        countries=", ".join(sorted(account.countries)),
        what=what,
        why=why,
    )


@contextmanager
def refusals_audited(engine: Engine, account: Any, action: str, subject: str) -> Iterator[None]:
    """Run a governance action: a GovernanceRefused inside is audited (`ACTION.refused`, with
    its rule and sentence) in a transaction of its own, then raised on."""
    from store import audit
    from store.db import write_transaction

    try:
        yield
    except GovernanceRefused as exc:
        with write_transaction(engine) as conn:
            audit.record(
                conn, account.name, f"{action}.refused", subject, rule=exc.rule, reason=str(exc)
            )
        raise
