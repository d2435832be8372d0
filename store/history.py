"""The submission history: every attempt at every prison-quarter, oldest first."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import polars as pl
from sqlalchemy import Engine, func, select

from data_contracts.periods import period_index
from store.account_model import Account
from store.audit import as_utc
from store.review import RETURNED, SUBMITTED, Review, latest_reviews
from store.schema import reviews, submissions, uploads
from store.verdict import REFUSED, verdict_of
from store.versions import current_submissions
from store.vintage import LATEST, Vintage

# Every status an attempt can have, in the order a reader meets them.
STATUSES = ("current", "superseded", "refused", "rejected")
# What a reader is shown of each attempt, in this order (the command line and the dashboard).
SHOWN_COLUMNS = (
    "prison_code",
    "period",
    "version",
    "status",
    "submitted_by",
    "submitted_at",
    "file_name",
    "state",
    "comment",
)


def submission_history(
    engine: Engine,
    *,
    prison: str | None = None,
    period: str | None = None,
    vintage: Vintage = LATEST,
) -> list[dict[str, Any]]:
    """One entry per prison-quarter attempt, with the keys of cli-and-roles.md (and more);
    with a `vintage`, the history as it stood then (its uploads, current submissions and
    reviews).

    `status` is derived, never stored: an accepted submission is `current`
    while `store.versions` says so (the highest version of its prison-quarter),
    `superseded` after; an attempt that was not stored is `rejected` when the contract found
    errors and `refused` when the contract accepted it but storing was not
    allowed (no --replace, or not the user's prison), with why in `reason`. Attempts that named no
    readable prison-quarter (an unreadable file) are listed when no filter is
    given.
    """
    query = (
        select(
            submissions.c.id.label("submission_id"),
            uploads.c.id.label("upload_id"),
            submissions.c.prison_code,
            submissions.c.period,
            submissions.c.version,
            submissions.c.accepted,
            uploads.c.submitted_by,
            uploads.c.submitted_at,
            uploads.c.file_name,
            uploads.c.sha256,
        )
        .select_from(uploads)
        .outerjoin(submissions, submissions.c.upload_id == uploads.c.id)
        .order_by(
            uploads.c.submitted_at,
            uploads.c.id,
            submissions.c.prison_code,
            submissions.c.period_index,
        )
    )
    if prison is not None:
        query = query.where(submissions.c.prison_code == prison)
    if period is not None:
        query = query.where(submissions.c.period_index == period_index(period))
    if (known := vintage.uploads_condition()) is not None:
        query = query.where(known)
    kept = vintage.submissions_condition()
    # Which submissions are current, asked once: joined row by row to the grouped query,
    # SQLite scanned it for every submission (four minutes at 80,000 prison-quarters).
    current = current_submissions(*([] if kept is None else [kept])).subquery("current")
    moment = vintage.moment
    with engine.connect() as conn:
        current_ids = set(conn.execute(select(current.c.id)).scalars())
        reviewed = latest_reviews(conn, *([] if moment is None else [reviews.c.at <= moment]))
        rows = [
            {
                **r,
                "current_id": r["submission_id"] if r["submission_id"] in current_ids else None,
                "review": reviewed.get(r["submission_id"]),
            }
            for r in conn.execute(query).mappings()
        ]
        # An upload of many prison-quarters has one report: read and parsed once, not per row.
        reports = _reports(conn, sorted({r["upload_id"] for r in rows}))
    return [_entry(r, reports[r["upload_id"]]) for r in rows]


# Reports are read this many uploads to a query (a back-fill's history has thousands).
REPORT_CHUNK = 5000


def _reports(
    conn: Any, upload_ids: list[int], chunk: int = REPORT_CHUNK
) -> dict[int, dict[str, Any]]:
    counts: dict[int, dict[str, Any]] = {}
    for start in range(0, len(upload_ids), chunk):
        part = upload_ids[start : start + chunk]
        query = select(uploads.c.id, uploads.c.report).where(uploads.c.id.in_(part))
        for upload_id, text in conn.execute(query):
            counts[upload_id] = _report_counts(text)
    return counts


def latest_accepted_at(engine: Engine) -> datetime | None:
    """When the newest accepted file was stored (UTC), or None before the first."""
    query = (
        select(func.max(uploads.c.submitted_at))
        .select_from(uploads.join(submissions, submissions.c.upload_id == uploads.c.id))
        .where(submissions.c.accepted)
    )
    with engine.connect() as conn:
        value = conn.execute(query).scalar()
    return as_utc(value)


def _count(issues: list[dict[str, Any]], totals: dict[str, int] | None) -> int:
    """How many issues a stored report had: reports stored since the cap keep at most so
    many per rule (ValidationReport.to_stored_dict) with every rule's total beside them."""
    if not totals:
        return len(issues)
    return sum(totals.get(rule, 0) for rule in {i.get("rule") for i in issues})


def _report_counts(text: str) -> dict[str, Any]:
    report = json.loads(text)
    errors = report.get("errors", [])
    warnings = report.get("warnings", [])
    refusal = report.get("refusal")
    verdict = verdict_of((e.get("rule") for e in errors), refusal)
    reason = None
    if verdict == REFUSED:
        reason = refusal or " ".join(e.get("message", "") for e in errors)
    return {
        "errors": _count(errors, report.get("totals")),
        "warnings": _count(warnings, report.get("totals")),
        "refusal": refusal,
        "verdict": verdict,
        "reason": reason,
    }


def _entry(r: Any, report: dict[str, Any]) -> dict[str, Any]:
    if r["accepted"]:
        status = "current" if r["current_id"] is not None else "superseded"
    else:
        status = report["verdict"]  # rejected by the contract, or refused at storage
    submitted_at = as_utc(r["submitted_at"])
    return {
        "prison_code": r["prison_code"],
        "period": r["period"],
        "version": r["version"],
        "status": status,
        "submitted_by": r["submitted_by"],
        "submitted_at": submitted_at.isoformat() if submitted_at else None,
        "file_name": r["file_name"],
        "sha256": r["sha256"],
        "submission_id": r["submission_id"],
        "upload_id": r["upload_id"],
        # governance.md §7: the review state and latest comment of a current submission
        **_review_keys(status, r["review"]),
        **{k: v for k, v in report.items() if k != "verdict"},
    }


def _review_keys(status: str, review: Review | None) -> dict[str, str | None]:
    if status != "current":
        return {"state": None, "comment": None}
    if review is None:
        return {"state": SUBMITTED, "comment": None}
    return {"state": review.state, "comment": review.comment}


def visible_history(
    history: pl.DataFrame, account: Account, countries: Mapping[str, str]
) -> pl.DataFrame:
    """The rows of a history table (one per prison-quarter attempt) `account` may see;
    `countries`: each prison's country (store.prisons.prison_countries)."""
    codes = history["prison_code"].drop_nulls().unique().to_list()
    seen = [code for code in codes if account.sees_history_of(code, countries.get(code))]
    code = pl.col("prison_code")
    # a file naming no prison is listed without one: a ministry's of every country to see
    nameless = account.sees_history_of(None, None)
    return history.filter(code.is_in(seen) | (code.is_null() & nameless))


def visible_entries(
    entries: list[dict[str, Any]], account: Account, countries: Mapping[str, str]
) -> list[dict[str, Any]]:
    """The entries of submission_history `account` may see (the rule of visible_history)."""
    code = "prison_code"
    return [e for e in entries if account.sees_history_of(e[code], countries.get(e[code] or ""))]


def returned_to_sender(history: pl.DataFrame) -> pl.DataFrame:
    """The prison-quarters of a history table whose current submission the ministry
    returned for correction, with its comment (oldest quarter first): what a director is
    asked to correct (governance.md §1)."""
    current = (pl.col("status") == "current") & (pl.col("state") == RETURNED)
    return (
        history.filter(current)
        .select("prison_code", "period", "version", "comment")
        .sort("period", "prison_code")
    )
