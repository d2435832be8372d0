"""What governance forbids at storage time (governance.md §1, §2), asked inside ingest's
write transaction so no concurrent lock or approval slips between the check and the write:
a locked quarter refuses every file that holds it (`period.locked`, every role), and an
approved prison-quarter refuses its replacement (`submission.approved`) unless the ministry
replaces it with a reason (else `submission.reason`)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection

from store.governance import phrase, refusal
from store.locks import locked
from store.review import APPROVED, latest_reviews
from store.schema import reviews

# Submission ids asked about in one statement at most.
IDS_PER_QUERY = 5000


def _when(at: Any) -> str:
    return at.strftime("%Y-%m-%d %H:%M UTC") if at is not None else phrase("at.unknown")


def storage_refusal(
    conn: Connection,
    account: Any,
    rows: list[tuple[str, str, int]],
    latest: dict[tuple[str, int], dict[str, Any]],
    reason: str | None,
) -> str | None:
    """The sentence refusing a file of these (prison_code, period, period_index) rows, or None.

    `latest`: their current submissions (store.versions.latest_versions, read in the same
    transaction); only those can be approved."""
    indexes = sorted({index for _, _, index in rows})
    locks = locked(conn, indexes)
    for _, period, index in rows:
        if index in locks:
            lock = locks[index]
            return str(refusal("period.locked", period=period, by=lock.by, at=_when(lock.at)))
    ids = [latest[(code, index)]["id"] for code, _, index in rows if (code, index) in latest]
    if not ids:
        return None  # nothing stored yet for these prison-quarters: nothing approved
    reviewed = {}
    for start in range(0, len(ids), IDS_PER_QUERY):  # under any database's limit of binds
        part = ids[start : start + IDS_PER_QUERY]
        reviewed.update(latest_reviews(conn, reviews.c.submission_id.in_(part)))
    for code, period, index in rows:
        current = latest.get((code, index))
        review = reviewed.get(current["id"]) if current else None
        if review is None or review.state != APPROVED:
            continue
        fields = {"prison_code": code, "period": period, "by": review.by, "at": _when(review.at)}
        if not account.manages:
            return str(refusal("submission.approved", **fields))
        if not (reason or "").strip():
            return str(refusal("submission.reason", **fields))
    return None
