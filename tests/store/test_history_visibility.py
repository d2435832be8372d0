"""Whose submission history an account sees: one rule (Account.sees_history_of), on a frame."""

from __future__ import annotations

import polars as pl

from store.account_model import Account
from store.history import visible_history

HISTORY = pl.DataFrame(
    {"prison_code": ["A", "B", None, "A"], "period": ["2025-Q1"] * 4, "version": [1, 1, 1, 2]},
    schema={"prison_code": pl.String, "period": pl.String, "version": pl.Int64},
)


COUNTRIES = {"A": "BE", "B": "FR"}


def test_a_director_sees_only_their_prisons() -> None:
    got = visible_history(HISTORY, Account("d", "director", frozenset({"A"})), COUNTRIES)
    assert got["prison_code"].to_list() == ["A", "A"]


def test_the_ministry_and_evaluators_see_every_prison_and_files_naming_none() -> None:
    for role in ("ministry", "evaluator"):
        got = visible_history(HISTORY, Account("x", role), COUNTRIES)
        assert got["prison_code"].to_list() == ["A", "B", None, "A"]


def test_an_account_bound_to_a_country_sees_only_its_prisons() -> None:
    for role in ("ministry", "evaluator"):
        account = Account("x", role, countries=frozenset({"FR"}))
        assert visible_history(HISTORY, account, COUNTRIES)["prison_code"].to_list() == ["B"]


def test_an_international_account_sees_no_history() -> None:
    assert visible_history(HISTORY, Account("i", "international"), COUNTRIES).height == 0
