"""Governance refusals as data (store/governance.yaml): one sentence per rule, and the
exception every governance path raises with it.

Each sentence, and each phrase the code puts into one (`phrase`), is translated beside its
English text (`message_fr`, `text_nl`, …: docs/languages.md); a refusal is written in the
current language (data_contracts.languages.current_language), English by default."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from data_contracts.languages import in_language, texts_of
from data_contracts.yaml_files import load_yaml

RULES_PATH = Path(__file__).with_name("governance.yaml")


class GovernanceRefused(Exception):
    """Refused by a governance rule: `rule` is its id, str(exc) the sentence to show."""

    def __init__(self, rule: str, message: str):
        super().__init__(message)
        self.rule = rule


@cache
def _raw() -> dict[str, Any]:
    return load_yaml(RULES_PATH.read_text("utf-8"))


@cache
def rules() -> dict[str, dict[str, str]]:
    return {r["id"]: r for r in _raw()["rules"]}


@cache
def phrases() -> dict[str, dict[str, str]]:
    """The words the code puts into the messages, by id: {id: {language: text}}."""
    return {p["id"]: texts_of(p, "text") for p in _raw()["phrases"]}


def phrase(phrase_id: str, /, **fields: Any) -> str:
    """The phrase `phrase_id` in the current language, its fields filled in."""
    return in_language(phrases()[phrase_id]).format(**fields)


def refusal(rule: str, **fields: Any) -> GovernanceRefused:
    """The refusal of `rule` in the current language, its message filled in."""
    return GovernanceRefused(rule, in_language(texts_of(rules()[rule], "message")).format(**fields))


def require_ministry(account: Any, what: str) -> None:
    """authz.role unless `account` is a ministry account (`what`: a `what.` phrase, in the
    current language)."""
    if not account.manages:  # the ministry (store.account_model: who may do what)
        raise refusal("authz.role", user=account.name, role=account.role, what=what)


def require_country(account: Any, country: str | None, what: str, subject: str) -> None:
    """authz.country unless `account` works for `country` (the country of `subject`)."""
    if not account.sees_country(country):
        why = (
            phrase("why.of_country", subject=subject, country=country)
            if country
            else phrase("why.of_no_country", subject=subject)
        )
        raise _country_refusal(account, what, why)


def require_every_country(account: Any, what: str) -> None:
    """authz.country unless `account` works for every country: what it would change spans
    the countries (a quarter's lock, a release of everything stored)."""
    if not account.every_country:
        raise _country_refusal(account, what, phrase("why.every_country"))


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
    what = phrase("what.manage_account", name=name)
    if role == "international":
        raise _country_refusal(by, what, phrase("why.international"))
    reach = set(prison_countries) if role == "director" else set(countries)
    if not reach or not reach <= mine:
        why = (
            phrase("why.would_work_for", countries=", ".join(sorted(reach)))
            if reach
            else phrase("why.would_work_for_every_country")
        )
        raise _country_refusal(by, what, why)


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
