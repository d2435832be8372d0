"""Locked quarters (governance.md §2): while a quarter is locked nothing is stored for it.

Append-only like the rest: each lock and unlock is a row of `period_locks`, and a quarter is
locked while its latest row says `lock`. Ingest asks `locked` inside its write transaction,
for every role and every path (dashboard, command line, bulk ingest).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, func, select

from data_contracts.periods import period_index
from store import audit
from store.audit import as_utc
from store.db import write_transaction
from store.governance import (
    phrase,
    refusal,
    refusals_audited,
    require_every_country,
    require_ministry,
)
from store.schema import period_locks

LOCK, UNLOCK = "lock", "unlock"


@dataclass(frozen=True)
class Lock:
    period: str
    by: str
    at: datetime | None
    reason: str | None


def locked(conn: Connection, indexes: Iterable[int] | None = None) -> dict[int, Lock]:
    """The locked quarters (by period_index) among `indexes` (all when None)."""
    latest = select(period_locks.c.period_index, func.max(period_locks.c.id).label("id"))
    if indexes is not None:
        latest = latest.where(period_locks.c.period_index.in_(list(indexes)))
    last = latest.group_by(period_locks.c.period_index).subquery("last")
    rows = conn.execute(select(period_locks).join(last, last.c.id == period_locks.c.id)).mappings()
    return {
        r["period_index"]: Lock(r["period"], r["actor"], as_utc(r["at"]), r["reason"])
        for r in rows
        if r["action"] == LOCK
    }


def set_lock(
    engine: Engine, account: Any, period: str, *, lock: bool, reason: str | None = None
) -> None:
    """Lock or unlock `period` as `account` (unlocking needs a reason). GovernanceRefused:
    authz.role, review.comment, period.state; refusals are audited too."""
    action = LOCK if lock else UNLOCK
    reason = (reason or "").strip() or None
    with refusals_audited(engine, account, f"period.{action}", period):
        require_ministry(account, phrase("what.lock_quarters"))
        require_every_country(account, phrase("what.lock_a_quarter"))
        if not lock and reason is None:
            raise refusal("review.comment", what=phrase("comment.unlock"))
        index = period_index(period)
        with write_transaction(engine) as conn:
            if (index in locked(conn, [index])) == lock:
                state = phrase("state.locked" if lock else "state.not_locked")
                raise refusal("period.state", period=period, state=state)
            conn.execute(
                period_locks.insert().values(
                    period=period,
                    period_index=index,
                    action=action,
                    actor=account.name,
                    at=audit.now(),
                    reason=reason,
                )
            )
            detail = {"reason": reason} if reason else {}
            audit.record(conn, account.name, f"period.{action}", period, **detail)
