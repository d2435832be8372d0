"""Governance refusals as data (store/governance.yaml): one sentence per rule, and the
exception every governance path raises with it."""

from __future__ import annotations

from collections.abc import Iterator
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
