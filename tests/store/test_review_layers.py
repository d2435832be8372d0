"""The review states put on what does not change with a review (the queue's entries, the
completeness grid), and the audit trail read on from where a reader stopped: what lets the
dashboard keep its heavy frames while the ministry reviews (small literal inputs)."""

from __future__ import annotations

from datetime import UTC, datetime

import polars as pl
import pytest

from store.audit_trail import AUDIT_SCHEMA, appended, audit_frame
from store.completeness import with_review_states
from store.review import APPROVED, RETURNED, SUBMITTED, Review
from store.review_queue import frame_in_state, in_state, queue_frame

ENTRIES = [
    {"prison_code": "AA", "period": "2026-Q1", "submission_id": 1, "warnings": []},
    {"prison_code": "BB", "period": "2026-Q1", "submission_id": 2, "warnings": []},
    {"prison_code": "CC", "period": "2026-Q1", "submission_id": 3, "warnings": []},
]
REVIEWED = {
    2: Review(2, RETURNED, "Receptions doubled", "min", None),
    3: Review(3, APPROVED, None, "min", None),
    9: Review(9, APPROVED, None, "min", None),  # a superseded submission's review
}


def test_in_state_puts_each_review_on_its_submission() -> None:
    every = in_state(ENTRIES, REVIEWED)
    assert [(e["prison_code"], e["state"], e["comment"], e["reviewed_by"]) for e in every] == [
        ("AA", SUBMITTED, None, None),
        ("BB", RETURNED, "Receptions doubled", "min"),
        ("CC", APPROVED, None, "min"),
    ]
    assert [e["prison_code"] for e in in_state(ENTRIES, REVIEWED, SUBMITTED)] == ["AA"]
    assert [e["prison_code"] for e in in_state(ENTRIES, REVIEWED, APPROVED)] == ["CC"]
    assert "state" not in ENTRIES[0]  # the cached entries are never changed
    with pytest.raises(ValueError, match="state must be one of"):
        in_state(ENTRIES, REVIEWED, "final")


def test_frame_in_state_agrees_with_in_state() -> None:
    sent = {"version": 1, "submitted_by": "dir", "submitted_at": "2026-04-02T09:30:00+00:00"}
    entries = [
        {**e, **sent, "warnings": [{"rule": "r", "message": "m"}] * i}
        for i, e in enumerate(ENTRIES)
    ]
    frame = queue_frame(entries)
    assert frame["warnings"].to_list() == [0, 1, 2]
    assert frame["submitted_at"].to_list()[0] == datetime(2026, 4, 2, 9, 30, tzinfo=UTC)
    for state in (None, SUBMITTED, RETURNED, APPROVED):
        rows = frame_in_state(frame, REVIEWED, state)
        expected = in_state(entries, REVIEWED, state)
        keys = ("submission_id", "state", "comment", "reviewed_by")
        assert rows.select(keys).rows() == [tuple(e[k] for k in keys) for e in expected]
    with pytest.raises(ValueError, match="state must be one of"):
        frame_in_state(frame, REVIEWED, "final")


def test_with_review_states_replaces_the_submission_id_by_its_state() -> None:
    grid = pl.DataFrame(
        {
            "prison_code": ["AA", "BB", "CC", "DD"],
            "versions": [1, 2, 1, 0],
            "submission_id": [1, 2, 3, None],
            "deadline": ["d1", "d2", "d3", "d4"],
        },
        schema_overrides={"submission_id": pl.Int64},
    )
    out = with_review_states(grid, REVIEWED)
    assert out.columns == ["prison_code", "versions", "state", "deadline"]
    assert out["state"].to_list() == [SUBMITTED, RETURNED, APPROVED, None]  # DD: nothing in
    assert with_review_states(grid, {})["state"].to_list() == [SUBMITTED] * 3 + [None]


def _entry(hour: int, actor: str) -> dict:  # type: ignore[type-arg]
    at = datetime(2026, 11, 2, hour, tzinfo=UTC)
    return {"at": at, "actor": actor, "action": "login", "prison_code": None, "period": None}


def test_appended_keeps_the_trail_oldest_first_and_same_moments_in_id_order() -> None:
    held = audit_frame([{**_entry(9, "a"), "detail": {}}, {**_entry(11, "b"), "detail": {}}])
    newer = [{**_entry(11, "c"), "detail": {}}, {**_entry(10, "d"), "detail": {}}]
    out = appended(held, newer)
    assert out.schema == pl.Schema(AUDIT_SCHEMA)
    assert out["actor"].to_list() == ["a", "d", "b", "c"]  # c came after b at 11:00
    assert appended(held, []) is held
    assert held["actor"].to_list() == ["a", "b"]


def test_audit_entries_between_ids_reads_only_the_newer_ones(engine) -> None:
    from store.audit import record
    from store.audit_trail import audit_entries, latest_entry_id

    with engine.begin() as conn:
        for actor in ("a", "b", "c"):
            record(conn, actor, "login", actor)
    first = latest_entry_id(engine)
    with engine.begin() as conn:
        record(conn, "d", "login", "d")
    last = latest_entry_id(engine)
    assert [e["actor"] for e in audit_entries(engine, ids=(first, last))] == ["d"]
    assert [e["actor"] for e in audit_entries(engine, ids=(0, first))][-3:] == ["a", "b", "c"]
    assert audit_entries(engine, ids=(last, last)) == []


def test_returned_to_sender_lists_current_returned_quarters_oldest_first() -> None:
    from store.history import returned_to_sender

    history = pl.DataFrame(
        {
            "prison_code": ["AA", "AA", "BB", "CC", "DD"],
            "period": ["2026-Q2", "2026-Q2", "2026-Q1", "2026-Q2", "2026-Q1"],
            "version": [2, 1, 1, 1, 1],
            "status": ["current", "superseded", "current", "current", "refused"],
            "state": [RETURNED, None, RETURNED, APPROVED, None],
            "comment": ["doubled", None, "check deaths", None, None],
        }
    )
    out = returned_to_sender(history)
    assert out.rows() == [("BB", "2026-Q1", 1, "check deaths"), ("AA", "2026-Q2", 2, "doubled")]
