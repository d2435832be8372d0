"""The governance pages' data (governance.md): the review queue, completeness, the audit
trail and the review action itself, taken as the account the store has now.

Cached in two layers, so that a review costs what it changes: what changes only with a
submission or the register (the queue's entries and warnings, the completeness grid) is
keyed by dashboard.data.version(); the review states are read once per review
(review_key(), every submission's latest review) and put on it. The audit trail is read
once per account and then only its newer entries.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import date
from typing import Any

import polars as pl

from dashboard.data import (
    FRAMES,
    _still_current,
    database_url,
    engine,
    prison_countries,
    review_key,
    version,
)
from data_contracts.languages import current_language
from i18n import _
from store import accounts
from store import completeness as completeness_model
from store.prisons import list_prisons


@FRAMES(show_spinner=False, max_entries=2)
def _reviews(key: tuple[str, int, int]) -> dict:  # type: ignore[type-arg]
    from store.review import latest_reviews

    with engine().connect() as conn:
        return latest_reviews(conn)


def reviews(key: tuple[str, int, int] | None = None) -> dict:  # type: ignore[type-arg]
    """Every submission's latest review, by submission id (store.review.latest_reviews),
    as of `key` (a review_key; default: now)."""
    return _reviews(key or review_key())


@dataclass(frozen=True)
class _Entries:
    """Every current submission's queue entry (store.review_queue.queue_entries) by
    submission id, and their table without reviews (queue_frame)."""

    by_id: dict[int, dict[str, Any]]
    frame: pl.DataFrame


@FRAMES(show_spinner=False, max_entries=2)
def _queue_entries(key: tuple[str, int, int]) -> _Entries:
    from store.review_queue import queue_entries, queue_frame

    entries = queue_entries(engine())
    return _Entries({e["submission_id"]: e for e in entries}, queue_frame(entries))


# The queue's table, in this order (dashboard.columns names them).
QUEUE_COLUMNS = (
    "prison_code",
    "period",
    "submission_id",
    "version",
    "review_state",
    "warnings",
    "submitted_by",
    "submitted_at",
    "comment",
)


@dataclass(frozen=True)
class Queue:
    """The review queue in one state: its table and the label of each row's submission
    (the page's choice), with the submission id each label names."""

    table: pl.DataFrame
    labels: dict[str, int]


@FRAMES(show_spinner=False, max_entries=8)
def _queue(
    key: tuple[str, int, int], state: str | None, _entries: _Entries, language: str
) -> Queue:
    """(`language`: the labels' words are in it, so each language has its own entry.)"""
    from store.review_queue import frame_in_state

    shown = frame_in_state(_entries.frame, reviews(key), state)
    words = _("{prison} {quarter} (submission {number})")
    labels = {
        words.format(prison=code, quarter=period, number=number): number
        for code, period, number in shown.select(
            "prison_code", "period", "submission_id"
        ).iter_rows()
    }
    table = shown.rename({"state": "review_state"}).select(QUEUE_COLUMNS)
    return Queue(table.with_columns(pl.col("submission_id").cast(pl.String)), labels)


def review_queue(state: str | None, account: Any) -> Queue:
    """The review queue (the ministry's page only), of `account`'s countries' prisons."""
    from store.reading_scope import prisons_in_scope

    key = version()
    queue = _queue(review_key(key), state, _queue_entries(key), current_language())
    if account.every_country:
        return queue
    table = prisons_in_scope(queue.table, account, prison_countries())
    shown = set(table["submission_id"].cast(pl.Int64))
    return Queue(table, {label: n for label, n in queue.labels.items() if n in shown})


def queue_entry(submission_id: int) -> dict[str, Any]:
    """One submission's entry with its review (store.review_queue.with_review)."""
    from store.review_queue import with_review

    key = version()
    entry = _queue_entries(key).by_id[submission_id]
    return with_review(entry, reviews(review_key(key)))


class _Trail:
    """The audit entries one account may see, read once and then only the newer ones (the
    trail is only ever appended to): a review adds one entry, not a re-read of all."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.through = 0
        self.frame: pl.DataFrame | None = None

    def up_to(self, latest: int, account: accounts.Account) -> pl.DataFrame:
        from store.audit_trail import appended, audit_entries, audit_frame

        with self.lock:
            if self.frame is None or latest > self.through:
                newer = audit_entries(engine(), account=account, ids=(self.through, latest))
                base = audit_frame([]) if self.frame is None else self.frame
                self.frame = appended(base, newer)  # a new frame: never changed in place
                self.through = latest
            return self.frame


@FRAMES(show_spinner=False, max_entries=8)
def _audit_trail(url: str, name: str, stamp: str) -> _Trail:
    return _Trail()


def audit_trail(account: accounts.Account) -> pl.DataFrame:
    """The audit entries `account` (as auth.current_account read it this run) may see,
    oldest first (store.audit_trail), read afresh only as far as the newest entry (an
    account changed since has another stamp, so another trail)."""
    from store.audit_trail import audit_frame, latest_entry_id

    if not account.reads_audit:
        return audit_frame([])
    trail = _audit_trail(database_url(), account.name, account.stamp)
    return trail.up_to(latest_entry_id(engine()), account)


@FRAMES(show_spinner=False, max_entries=16)
def _completeness_grid(
    key: tuple[str, int, int], first: int, last: int, deadline_days: int, today: date
) -> pl.DataFrame:
    return completeness_model.completeness_without_reviews(
        engine(), first=first, last=last, deadline_days=deadline_days, today=today
    )


@FRAMES(show_spinner=False, max_entries=16)
def _completeness(
    key: tuple[str, int, int],
    first: int,
    last: int,
    deadline_days: int,
    today: date,
    _grid: pl.DataFrame,  # that of the same data version: key holds it
) -> pl.DataFrame:
    return completeness_model.with_review_states(_grid, reviews(key))


def completeness(first: int, last: int, deadline_days: int, account: Any) -> pl.DataFrame:
    """The completeness grid (store.completeness) of `account`'s countries' prisons: the
    heavy part kept while reviews go on, the review states put on it per review."""
    from store.reading_scope import prisons_in_scope

    today = date.today()
    key = version()
    grid = _completeness_grid(key, first, last, deadline_days, today)
    grid = _completeness(review_key(key), first, last, deadline_days, today, grid)
    return prisons_in_scope(grid, account, prison_countries())


@FRAMES(show_spinner=False, max_entries=32)
def _missing_elements(key: tuple[str, int, int], code: str, period: str) -> list[tuple[str, str]]:
    prison = next((p for p in list_prisons(engine()) if p.code == code), None)
    return [] if prison is None else completeness_model.missing_elements(engine(), prison, period)


def missing_elements(code: str, period: str) -> list[tuple[str, str]]:
    """The expected elements (code, title) a prison-quarter's current file does not report."""
    return _missing_elements(version(), code, period)


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
