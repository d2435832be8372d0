"""The review queue (governance.md §1, §7): every current submission with its state, its
reviewer's latest comment and the warnings its file drew for that prison-quarter, outliers
first (they are what a reviewer checks first)."""

from __future__ import annotations

import json
from typing import Any

import polars as pl
from sqlalchemy import Engine, select

from store.audit import as_utc
from store.review import STATES, SUBMITTED, Review, latest_reviews, reviews_frame
from store.schema import uploads
from store.versions import current_submissions

# Warnings a reviewer reads first; the rest follow in the report's own order.
FIRST_RULES = ("outlier.history",)


def _warnings_of(report: dict[str, Any], prison: str, period: str) -> list[dict[str, Any]]:
    """The warnings of a stored report about this prison-quarter (or about the whole file)."""
    mine = [
        {"rule": w.get("rule"), "message": w.get("message")}
        for w in report.get("warnings", [])
        if w.get("prison_code") in (prison, None) and w.get("period") in (period, None)
    ]
    return sorted(mine, key=lambda w: w["rule"] not in FIRST_RULES)


def queue_entries(engine: Engine) -> list[dict[str, Any]]:
    """One entry per current submission (oldest quarter first), without its review: what
    changes only when a submission is stored (a cache keeps it while reviews go on).

    Keys: prison_code, period, submission_id, version, submitted_by, submitted_at (ISO
    8601), warnings (rule and message, outliers first).
    """
    current = current_submissions().subquery("current")
    query = (
        select(
            current.c.id,
            current.c.prison_code,
            current.c.period,
            current.c.version,
            current.c.upload_id,
            uploads.c.submitted_by,
            uploads.c.submitted_at,
        )
        .select_from(current)
        .join(uploads, uploads.c.id == current.c.upload_id)
        .order_by(current.c.period_index, current.c.prison_code)
    )
    with engine.connect() as conn:
        rows = list(conn.execute(query).mappings())
        ids = sorted({r["upload_id"] for r in rows})
        # An upload of many prison-quarters has one report: parsed once, not per row.
        reports = {
            i: json.loads(text)
            for i, text in conn.execute(
                select(uploads.c.id, uploads.c.report).where(uploads.c.id.in_(ids))
            )
        }
    out = []
    for r in rows:
        at = as_utc(r["submitted_at"])
        out.append(
            {
                "prison_code": r["prison_code"],
                "period": r["period"],
                "submission_id": r["id"],
                "version": r["version"],
                "submitted_by": r["submitted_by"],
                "submitted_at": at.isoformat() if at is not None else None,
                "warnings": _warnings_of(reports[r["upload_id"]], r["prison_code"], r["period"]),
            }
        )
    return out


def _check_state(state: str | None) -> None:
    if state is not None and state not in STATES:
        raise ValueError(f"state must be one of {', '.join(STATES)}, not {state!r}")


def with_review(entry: dict[str, Any], reviewed: dict[int, Review]) -> dict[str, Any]:
    """A queue entry with its review (store.review.latest_reviews): state, the latest
    reviewer's comment and who wrote it (never reviewed: submitted, no comment)."""
    review = reviewed.get(entry["submission_id"])
    if review is None:
        return {**entry, "state": SUBMITTED, "comment": None, "reviewed_by": None}
    return {**entry, "state": review.state, "comment": review.comment, "reviewed_by": review.by}


def in_state(
    entries: list[dict[str, Any]], reviewed: dict[int, Review], state: str | None = None
) -> list[dict[str, Any]]:
    """The entries (queue_entries) with their reviews, those in `state` if given."""
    _check_state(state)
    out = (with_review(e, reviewed) for e in entries)
    return [e for e in out if state is None or e["state"] == state]


def review_queue(engine: Engine, state: str | None = None) -> list[dict[str, Any]]:
    """One entry per current submission (oldest quarter first), in `state` if given: the
    keys of queue_entries with state, comment and reviewed_by."""
    _check_state(state)
    entries = queue_entries(engine)
    with engine.connect() as conn:
        reviewed = latest_reviews(conn)
    return in_state(entries, reviewed, state)


def queue_summary(entries: list[dict[str, Any]], columns: tuple[str, ...]) -> list[dict[str, Any]]:
    """The queue's entries cut to `columns`, each submission's warnings counted (a table's
    rows: the command line's)."""
    return [{**{c: e[c] for c in columns}, "warnings": len(e["warnings"])} for e in entries]


QUEUE_FRAME_SCHEMA = {
    "prison_code": pl.String,
    "period": pl.String,
    "submission_id": pl.Int64,
    "version": pl.Int64,
    "warnings": pl.Int64,
    "submitted_by": pl.String,
    "submitted_at": pl.Datetime(time_zone="UTC"),
}


def queue_frame(entries: list[dict[str, Any]]) -> pl.DataFrame:
    """queue_entries as a table (no review yet): a row per entry, in its order, its
    warnings counted and the time sent a time (frame_in_state puts the reviews on it)."""
    columns: dict[str, list[Any]] = {c: [e[c] for e in entries] for c in QUEUE_FRAME_SCHEMA}
    columns["warnings"] = [len(e["warnings"]) for e in entries]
    schema = {**QUEUE_FRAME_SCHEMA, "submitted_at": pl.String}  # ISO 8601, parsed below
    return pl.DataFrame(columns, schema=schema).with_columns(
        pl.col("submitted_at").str.to_datetime(time_zone="UTC", format="%+")
    )


def frame_in_state(
    frame: pl.DataFrame, reviewed: dict[int, Review], state: str | None = None
) -> pl.DataFrame:
    """queue_frame's table with each submission's `state`, `comment` and `reviewed_by`
    (as with_review: never reviewed, submitted), the rows in `state` if given."""
    _check_state(state)
    reviews = reviews_frame(reviewed)
    out = frame.join(reviews, on="submission_id", how="left", maintain_order="left")
    out = out.with_columns(pl.col("state").fill_null(SUBMITTED))
    return out if state is None else out.filter(pl.col("state") == state)


# How many earlier quarters a reviewer sees beside the one under review.
EARLIER_QUARTERS = 4


def values_beside(
    engine: Engine, prison: str, period: str, earlier: int = EARLIER_QUARTERS
) -> pl.DataFrame:
    """The values of a prison-quarter under review beside the prison's `earlier` quarters:
    one row per data element (the contract's order) with its title, a column per quarter
    (oldest first, the one under review last; null: not reported or no submission)."""
    from data_contracts.contract import load_contract
    from data_contracts.periods import period_index
    from store.read import current_values

    contract = load_contract()
    index = period_index(period)
    values = current_values(engine, prisons=[prison], first=index - earlier, last=index)
    quarters = values.sort("period_index")["period"].unique(maintain_order=True).to_list()
    elements = pl.DataFrame(
        {
            "data_element": contract.element_codes,
            "title": [contract.title(c) for c in contract.element_codes],
        }
    )
    if values.height == 0:
        return elements
    wide = values.pivot(on="period", index="data_element", values="value").select(
        "data_element", *quarters
    )
    shown = elements.join(wide, on="data_element", how="left", maintain_order="left")
    reported = shown.select(pl.any_horizontal(pl.col(q).is_not_null() for q in quarters))
    return shown.filter(reported.to_series())
