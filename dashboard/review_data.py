"""The review's data for the dashboard (governance.md §1): the queue cached by data version
(a review or lock changes it), a submission's values beside its prison's last quarters, and
the review action itself, taken as the account the store has now."""

from __future__ import annotations

from typing import Any

import polars as pl

from dashboard.data import FRAMES, _still_current, engine, version
from store import accounts


@FRAMES(show_spinner=False, max_entries=8)
def _review_queue(key: tuple[str, int, int], state: str | None) -> list[dict[str, Any]]:
    from store.review_queue import review_queue

    return review_queue(engine(), state)


def review_queue(state: str | None) -> list[dict[str, Any]]:
    """The review queue (the ministry's page only)."""
    return _review_queue(version(), state)


QUEUE_COLUMNS = (
    "prison_code",
    "period",
    "submission_id",
    "version",
    "state",
    "warnings",
    "submitted_by",
    "submitted_at",
    "comment",
)


def queue_table(queue: list[dict[str, Any]]) -> pl.DataFrame:
    """The queue as its table: a count of warnings, the time sent as a time."""
    from store.review_queue import queue_summary

    return (
        pl.DataFrame(queue_summary(queue, QUEUE_COLUMNS), infer_schema_length=None)
        .with_columns(
            pl.col("submission_id").cast(pl.String),
            pl.col("submitted_at").str.to_datetime(time_zone="UTC"),
        )
        .rename({"state": "review_state"})
    )


def values_beside(prison: str, period: str) -> pl.DataFrame:
    from store.review_queue import values_beside as beside

    return beside(engine(), prison, period)


def review(
    account: accounts.Account,
    action: str,
    prison: str,
    period: str,
    submission_id: int,
    comment: str | None,
) -> str | None:
    """Approve, return or reopen as `account`; None when done, else the refusal's sentence."""
    from store.governance import GovernanceRefused
    from store.review import act

    account = _still_current(account)
    try:
        act(engine(), account, action, prison, period, submission_id=submission_id, comment=comment)
    except GovernanceRefused as exc:
        return str(exc)
    return None
