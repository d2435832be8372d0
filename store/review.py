"""The review of prison-quarters (governance.md §1): submitted, returned, approved.

A prison-quarter's state is derived, never stored: the latest review action on its current
submission (`store.versions`) decides it — none or `reopen`: submitted; `return`:
returned; `approve`: approved. A new version is therefore submitted again by itself, and
the reviews table is only ever appended to. Approving or returning names the submission
that was looked at; if it is no longer current, the action is refused (`review.stale`).
Every action is audited with its comment or reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import polars as pl
from sqlalchemy import Connection, Engine, and_, func, select

from data_contracts.periods import period_index
from store import audit
from store.audit import as_utc
from store.db import write_transaction
from store.governance import (
    phrase,
    refusal,
    refusals_audited,
    require_country,
    require_ministry,
)
from store.prisons import prison_countries
from store.schema import period_locks, reviews, submissions
from store.versions import current_submissions

SUBMITTED, RETURNED, APPROVED = "submitted", "returned", "approved"
STATES = (SUBMITTED, RETURNED, APPROVED)
APPROVE, RETURN, REOPEN = "approve", "return", "reopen"
# The state each action leaves, and the past participle a refusal says (in English; a
# refusal says it in the current language: the phrases `done.<action>` and
# `comment.<action>` of store/governance.yaml, whose English texts these are).
STATE_AFTER = {APPROVE: APPROVED, RETURN: RETURNED, REOPEN: SUBMITTED}
DONE = {APPROVE: "approved", RETURN: "returned", REOPEN: "reopened"}
NEEDS_COMMENT = {RETURN: "returning a submission", REOPEN: "reopening an approved quarter"}
# The states an action may start from.
# Above this many prisons the reviews are read whole rather than by a list of prison codes.
MANY = 500
ALLOWED_FROM = {APPROVE: (SUBMITTED, RETURNED), RETURN: (SUBMITTED,), REOPEN: (APPROVED,)}


@dataclass(frozen=True)
class Review:
    submission_id: int
    state: str
    comment: str | None  # the latest reviewer's comment (or reopen reason)
    by: str | None
    at: datetime | None


def latest_reviews(conn: Connection, *where: Any) -> dict[int, Review]:
    """The review of each submission that has one, by submission id, from its latest action
    (one plain query, no grouping: reviews are few, a submission's actions fewer)."""
    query = select(reviews).where(*where).order_by(reviews.c.id)
    out = {}
    for r in conn.execute(query).mappings():
        out[r["submission_id"]] = Review(
            r["submission_id"], STATE_AFTER[r["action"]], r["comment"], r["actor"], as_utc(r["at"])
        )
    return out


REVIEWS_SCHEMA = {
    "submission_id": pl.Int64,
    "state": pl.String,
    "comment": pl.String,
    "reviewed_by": pl.String,
}


def reviews_frame(reviewed: dict[int, Review]) -> pl.DataFrame:
    """Latest reviews (latest_reviews) as a table to join to submissions by their id; a
    submission without a row is `submitted` (fill the joined state with SUBMITTED)."""
    return pl.DataFrame(
        {
            "submission_id": list(reviewed),
            "state": [r.state for r in reviewed.values()],
            "comment": [r.comment for r in reviewed.values()],
            "reviewed_by": [r.by for r in reviewed.values()],
        },
        schema=REVIEWS_SCHEMA,
    )


def review_states(conn: Connection, *where: Any) -> dict[tuple[str, int], Review]:
    """The review of each current submission, keyed by (prison_code, period_index); `where`
    narrows the submissions as in `current_submissions`. Never reviewed: submitted."""
    current = list(conn.execute(current_submissions(*where)).mappings())
    codes = sorted({r["prison_code"] for r in current})
    narrowed = (reviews.c.prison_code.in_(codes),) if where and len(codes) < MANY else ()
    reviewed = latest_reviews(conn, *narrowed)
    return {
        (r["prison_code"], r["period_index"]): reviewed.get(r["id"])
        or Review(r["id"], SUBMITTED, None, None, None)
        for r in current
    }


def review_version(engine: Engine) -> str:
    """Changes whenever a review or a lock is recorded (a cache key, with data_version)."""
    query = select(
        select(func.max(reviews.c.id)).scalar_subquery(),
        select(func.max(period_locks.c.id)).scalar_subquery(),
    )
    with engine.connect() as conn:
        last_review, last_lock = conn.execute(query).one()  # one statement on every page run
    return f"{last_review or 0}.{last_lock or 0}"


def state_of(conn: Connection, prison: str, period: str) -> Review | None:
    """The review of one prison-quarter's current submission (None: nothing accepted)."""
    index = period_index(period)
    found = review_states(
        conn, and_(submissions.c.prison_code == prison, submissions.c.period_index == index)
    )
    return found.get((prison, index))


def act(
    engine: Engine,
    account: Any,
    action: str,
    prison: str,
    period: str,
    *,
    submission_id: int | None = None,
    comment: str | None = None,
) -> Review:
    """Approve, return or reopen a prison-quarter as `account`; its new review.

    Raises GovernanceRefused (authz.role, review.none, review.stale, review.state,
    review.comment); a refusal is audited too, and changes nothing else.
    """
    comment = (comment or "").strip() or None
    with refusals_audited(engine, account, f"review.{action}", f"{prison} {period}"):
        require_ministry(account, phrase("what.review_submissions"))
        country = prison_countries(engine).get(prison)
        require_country(account, country, phrase("what.review_it"), prison)
        if action in (RETURN, REOPEN) and comment is None:
            raise refusal("review.comment", what=phrase(f"comment.{action}"))
        with write_transaction(engine) as conn:
            return _act(conn, account, action, prison, period, submission_id, comment)


def _act(
    conn: Connection,
    account: Any,
    action: str,
    prison: str,
    period: str,
    submission_id: int | None,
    comment: str | None,
) -> Review:
    current = state_of(conn, prison, period)
    if current is None:
        raise refusal("review.none", prison_code=prison, period=period)
    if action != REOPEN and submission_id != current.submission_id:
        version = conn.execute(
            select(submissions.c.version).where(submissions.c.id == current.submission_id)
        ).scalar_one()
        raise refusal(
            "review.stale",
            prison_code=prison,
            period=period,
            asked=submission_id,
            current=current.submission_id,
            version=version,
        )
    if current.state not in ALLOWED_FROM[action]:
        raise refusal(
            "review.state",
            prison_code=prison,
            period=period,
            state=phrase(f"state.{current.state}"),
            done=phrase(f"done.{action}"),
        )
    at = audit.now()
    conn.execute(
        reviews.insert().values(
            submission_id=current.submission_id,
            prison_code=prison,
            period=period,
            period_index=period_index(period),
            action=action,
            actor=account.name,
            at=at,
            comment=comment,
        )
    )
    detail: dict[str, Any] = {"submission_id": current.submission_id}
    if comment is not None:
        detail["reason" if action == REOPEN else "comment"] = comment
    audit.record(conn, account.name, f"review.{action}", f"{prison} {period}", **detail)
    return Review(current.submission_id, STATE_AFTER[action], comment, account.name, at)
