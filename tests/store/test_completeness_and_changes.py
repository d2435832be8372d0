"""Completeness (series starts, resubmissions) and what a new version changed, on literal data."""

from __future__ import annotations

from datetime import date

import polars as pl
from submission_files import good_rows
from test_ingest import ingest, write_file

from data_contracts.periods import period_index
from store.changes import stored_versions, value_changes

TODAY = date(2026, 11, 22)


def test_value_changes_lists_each_moved_figure_old_to_new() -> None:
    old = pl.DataFrame(
        {"data_element": ["receptions", "releases", "overdose_deaths"], "value": [300.0, 280, None]}
    )
    new = pl.DataFrame(
        {"data_element": ["population_average", "receptions", "releases", "overdose_deaths"]},
    ).with_columns(value=pl.Series([412.5, 333.0, 280.0, 0.0]))
    changes = value_changes(old, new)
    assert changes.rows() == [
        ("population_average", "Average daily population", None, 412.5),
        ("receptions", "Persons received into custody", 300.0, 333.0),
        ("overdose_deaths", "Drug-induced deaths in custody", None, 0.0),
    ]
    assert value_changes(new, new).height == 0


def test_a_stored_file_says_its_version_and_what_changed(engine, account, tmp_path) -> None:
    first = ingest(engine, write_file(tmp_path, "a.csv", good_rows()), account("min"))
    [v1] = stored_versions(engine, first.submission_ids)
    assert (v1.headline, v1.changes.height) == ("BE-HAS 2025-Q3 stored as version 1", 0)
    again = write_file(tmp_path, "b.csv", good_rows(receptions="333", releases="281"))
    second = ingest(engine, again, account("min"), replace=True)
    [v2] = stored_versions(engine, second.submission_ids)
    assert v2.headline == "BE-HAS 2025-Q3 stored as version 2"
    assert v2.changes.select("data_element", "old", "new").rows() == [
        ("receptions", 300.0, 333.0),
        ("releases", 280.0, 281.0),
    ]


def grid_of(engine, first: str, last: str, today: date = TODAY) -> pl.DataFrame:  # type: ignore[no-untyped-def]
    from store.completeness import completeness

    return completeness(engine, first=period_index(first), last=period_index(last), today=today)


def statuses(engine, first: str, last: str, today: date = TODAY) -> dict[tuple[str, str], str]:  # type: ignore[no-untyped-def]
    grid = grid_of(engine, first, last, today)
    return {(r["prison_code"], r["period"]): r["status"] for r in grid.iter_rows(named=True)}


def test_completeness_series_start_and_resubmissions(engine, account, tmp_path) -> None:
    rows = good_rows(period="2025-Q1") + good_rows(period="2025-Q2")
    assert ingest(engine, write_file(tmp_path, "two.csv", rows), account("min")).stored
    replaced = write_file(tmp_path, "q1.csv", good_rows(period="2025-Q1", receptions="301"))
    assert ingest(engine, replaced, account("min"), replace=True).stored
    got = statuses(engine, "2024-Q3", "2025-Q3")
    # BE-HAS has no `opened`: its series starts at its first accepted submission (2025-Q1)
    assert [got[("BE-HAS", q)] for q in ("2024-Q3", "2024-Q4")] == ["not open", "not open"]
    # sent today, long after the deadline; a replaced quarter stays late, its versions counted
    assert (got[("BE-HAS", "2025-Q1")], got[("BE-HAS", "2025-Q2")]) == ("late", "late")
    versions = {
        r["period"]: r["versions"]
        for r in grid_of(engine, "2025-Q1", "2025-Q2").rows(named=True)
        if r["prison_code"] == "BE-HAS"
    }
    assert versions == {"2025-Q1": 2, "2025-Q2": 1}
    assert got[("BE-HAS", "2025-Q3")] == "missing"
    # BE-NEW opened 2025-Q2 (the register): missing from then, not open before
    assert [got[("BE-NEW", q)] for q in ("2024-Q4", "2025-Q1", "2025-Q2", "2025-Q3")] == [
        "not open",
        "not open",
        "missing",
        "missing",
    ]
    # BE-ANT never submitted and names no `opened`: expected until it closed (2024-Q4)
    assert [got[("BE-ANT", q)] for q in ("2024-Q3", "2024-Q4", "2025-Q1")] == [
        "missing",
        "missing",
        "not open",
    ]


def test_partial_not_due_on_time_shares_and_state(engine, account, tmp_path, monkeypatch) -> None:
    from datetime import UTC, datetime

    from store import audit
    from store.completeness import JSON_KEYS, STATUSES, as_json, missing_elements
    from store.prisons import list_prisons

    partial = [r for r in good_rows(period="2025-Q2") if r[2] not in ("releases", "receptions")]
    assert ingest(engine, write_file(tmp_path, "p.csv", partial), account("min")).stored
    # received the day after 2025-Q3 ended (the store's clock set back)
    monkeypatch.setattr(audit, "now", lambda: datetime(2025, 10, 1, 9, tzinfo=UTC))
    assert ingest(engine, write_file(tmp_path, "q.csv", good_rows()), account("min")).stored
    monkeypatch.undo()
    # the day after 2025-Q3 ended: its file is in before the deadline; BE-NEW's is not due yet
    early = date(2025, 10, 1)
    got = statuses(engine, "2025-Q2", "2025-Q3", today=early)
    assert got[("BE-HAS", "2025-Q2")] == "partial"
    assert got[("BE-HAS", "2025-Q3")] == "on time"
    assert got[("BE-NEW", "2025-Q3")] == "not due"
    assert got[("BE-NEW", "2025-Q2")] == "missing"
    assert set(got.values()) <= set(STATUSES)
    grid = grid_of(engine, "2025-Q2", "2025-Q3", today=early)
    row = grid.filter(pl.col("prison_code") == "BE-HAS", pl.col("period") == "2025-Q2").row(
        0, named=True
    )
    assert (row["expected"] - row["reported"], row["state"]) == (2, "submitted")
    assert row["share"] == row["reported"] * 100 / row["expected"]
    shares = grid["share"].drop_nulls()
    assert shares.min() >= 0 and shares.max() <= 100
    assert grid.filter(pl.col("versions") == 0)["reported"].to_list() == [0] * 4
    assert all(tuple(r) == JSON_KEYS for r in as_json(grid))
    has = next(p for p in list_prisons(engine) if p.code == "BE-HAS")
    assert [code for code, _ in missing_elements(engine, has, "2025-Q2")] == [
        "receptions",
        "releases",
    ]
    assert missing_elements(engine, has, "2025-Q3") == []
