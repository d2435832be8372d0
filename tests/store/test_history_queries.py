"""The SQL that store.history.submission_history sends, counted, not timed.

The history once outer-joined the grouped `current_submissions` query to every row of
the uploads and submissions; SQLite ran that grouping again for each submission (four
minutes at 80,000 prison-quarters). It now asks the current ids once, in a query of their
own. These tests record the statements of one call (SQLAlchemy's before_cursor_execute)
and hold that shape: the grouping runs once, apart from the history's own query, and the
number of statements does not grow with the submissions.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, event, insert
from submission_files import PRISONS

from data_contracts.periods import period_index, period_label
from store.history import STATUSES, submission_history
from store.schema import submissions, uploads

FIRST_QUARTER = period_index("2024-Q1")
START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
# Two sizes of history: the statements sent must be the same for both.
SMALL, LARGE = 4, 40
# What marks the query that decides which version is current (store.versions).
GROUPING = "GROUP BY"
# A column only the history's own query reads.
HISTORY_COLUMN = "uploads.submitted_at"


def add_history(engine: Engine, quarters: int, first: int = 0) -> None:
    """`quarters` prison-quarters (from the `first`-th on), each sent twice (version 1
    superseded by version 2) and once rejected: rows written directly, no file checked."""
    report = json.dumps({"errors": [], "warnings": []})
    rejected = json.dumps({"errors": [{"rule": "value.negative", "message": "-1"}]})
    with engine.begin() as conn:
        for n in range(first, first + quarters):
            code = PRISONS[n % len(PRISONS)].code
            index = FIRST_QUARTER + n // len(PRISONS)
            attempts = [(1, True, report), (2, True, report), (None, False, rejected)]
            for attempt, (version, accepted, text) in enumerate(attempts):
                upload_id = conn.execute(
                    insert(uploads).values(
                        file_name=f"{code}-{n}-{attempt}.csv",
                        sha256=f"{n:032x}{attempt:032x}",
                        content=b"",
                        size=0,
                        submitted_by="min",
                        submitted_at=START + timedelta(minutes=3 * n + attempt),
                        accepted=accepted,
                        report=text,
                    )
                ).inserted_primary_key[0]
                conn.execute(
                    insert(submissions).values(
                        upload_id=upload_id,
                        prison_code=code,
                        period=period_label(index),
                        period_index=index,
                        version=version,
                        accepted=accepted,
                    )
                )


@contextmanager
def statements(engine: Engine) -> Iterator[list[str]]:
    """Every SELECT sent to the database inside the block, in order."""
    sent: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany) -> None:  # type: ignore[no-untyped-def]
        if statement.lstrip().upper().startswith("SELECT"):
            sent.append(" ".join(statement.split()))

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        event.remove(engine, "before_cursor_execute", record)


def history_statements(engine: Engine) -> tuple[list[dict], list[str]]:
    submission_history(engine)  # the connection's own first-use statements, outside the count
    with statements(engine) as sent:
        entries = submission_history(engine)
    return entries, sent


def test_the_current_versions_are_asked_once_apart_from_the_history_query(engine) -> None:
    add_history(engine, SMALL)
    entries, sent = history_statements(engine)
    statuses = {status: [e["status"] for e in entries].count(status) for status in STATUSES}
    assert statuses["current"] == statuses["superseded"] == statuses["rejected"] == SMALL
    grouped = [s for s in sent if GROUPING in s.upper()]
    assert len(grouped) == 1, f"the current versions were asked {len(grouped)} times: {sent}"
    history = [s for s in sent if HISTORY_COLUMN in s]
    assert len(history) == 1, sent
    assert GROUPING not in history[0].upper(), (
        f"the history query joins the grouped current-version query into every row: {history[0]}"
    )


def test_the_statements_do_not_grow_with_the_submissions(engine) -> None:
    add_history(engine, SMALL)
    _, few = history_statements(engine)
    add_history(engine, LARGE, first=SMALL)
    entries, many = history_statements(engine)
    assert len(entries) == 3 * (SMALL + LARGE)
    assert len(many) == len(few), f"{len(few)} statements for {SMALL}, {len(many)} for {LARGE}"
