"""Whose figures an account sees unsuppressed: one scope per account, and the rule that
suppression asks (Account.sees_unsuppressed) follows it."""

from __future__ import annotations

import pytest

from dashboard.provenance import suppression_words
from store.account_model import ROLES, Account, Unsuppressed

OWN, OTHER = "NM-WFP", "NM-TMP"
# What a scope unsuppresses: (its own prison, another prison, an aggregate).
SEEN = {
    Unsuppressed.EVERY_PRISON: (True, True, True),
    Unsuppressed.OWN_PRISONS: (True, False, False),
    Unsuppressed.NONE: (False, False, False),
}
# cli-and-roles.md: the ministry sees every figure, a director their prisons', evaluators none.
SCOPES = {
    "ministry": Unsuppressed.EVERY_PRISON,
    "director": Unsuppressed.OWN_PRISONS,
    "evaluator": Unsuppressed.NONE,
    # international.md §2: national and international rows, suppressed
    "international": Unsuppressed.NONE,
}


def test_every_role_has_its_scope() -> None:
    assert set(SCOPES) == set(ROLES)
    assert {Account("a", role).unsuppressed_scope for role in ROLES} == set(Unsuppressed)


@pytest.mark.parametrize("role", ROLES)
def test_sees_unsuppressed_follows_the_scope(role: str) -> None:
    account = Account("a", role, frozenset({OWN}))
    assert account.unsuppressed_scope is SCOPES[role]
    seen = tuple(account.sees_unsuppressed(code) for code in (OWN, OTHER, None))
    assert seen == SEEN[account.unsuppressed_scope]


@pytest.mark.parametrize("role", ROLES)
def test_the_exports_words_say_what_the_account_sees(role: str) -> None:
    account = Account("a", role, frozenset({OWN}))
    words = suppression_words(account.unsuppressed_scope)
    own, other, aggregate = (account.sees_unsuppressed(code) for code in (OWN, OTHER, None))
    assert words.startswith("unsuppressed") == (other and aggregate)
    assert ("your own prisons unsuppressed" in words) == (own and not other)
    assert ("suppressed for other prisons and for aggregates" in words) == (own and not other)
    assert (words.startswith("figures about") and "own prisons" not in words) == (not own)
