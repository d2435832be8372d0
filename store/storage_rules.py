"""What governance forbids at storage time (governance.md §1, §2), asked inside ingest's
write transaction so no concurrent lock or approval slips between the check and the write:
a locked quarter refuses every file that holds it (`period.locked`, every role), and an
approved prison-quarter refuses its replacement (`submission.approved`) unless the ministry
replaces it with a reason (else `submission.reason`)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, and_

from store.governance import refusal
from store.locks import locked
from store.review import APPROVED, review_states
from store.schema import submissions


def _when(at: Any) -> str:
    return at.strftime("%Y-%m-%d %H:%M UTC") if at is not None else "at an unknown time"


def storage_refusal(
    conn: Connection, account: Any, rows: list[tuple[str, str, int]], reason: str | None
) -> str | None:
    """The sentence refusing a file of these (prison_code, period, period_index) rows, or None."""
    indexes = sorted({index for _, _, index in rows})
    locks = locked(conn, indexes)
    for _, period, index in rows:
        if index in locks:
            lock = locks[index]
            return str(refusal("period.locked", period=period, by=lock.by, at=_when(lock.at)))
    codes = sorted({code for code, _, _ in rows})
    states = review_states(
        conn, and_(submissions.c.prison_code.in_(codes), submissions.c.period_index.in_(indexes))
    )
    for code, period, index in rows:
        review = states.get((code, index))
        if review is None or review.state != APPROVED:
            continue
        fields = {"prison_code": code, "period": period, "by": review.by, "at": _when(review.at)}
        if not account.manages:
            return str(refusal("submission.approved", **fields))
        if not (reason or "").strip():
            return str(refusal("submission.reason", **fields))
    return None
