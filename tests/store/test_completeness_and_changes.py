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


def statuses(engine, first: str, last: str) -> dict[tuple[str, str], str]:  # type: ignore[no-untyped-def]
    from store.completeness import completeness

    grid = completeness(engine, first=period_index(first), last=period_index(last), today=TODAY)
    return {(r["prison_code"], r["period"]): r["status"] for r in grid.iter_rows(named=True)}


def test_completeness_series_start_and_resubmissions(engine, account, tmp_path) -> None:
    rows = good_rows(period="2025-Q1") + good_rows(period="2025-Q2")
    assert ingest(engine, write_file(tmp_path, "two.csv", rows), account("min")).stored
    replaced = write_file(tmp_path, "q1.csv", good_rows(period="2025-Q1", receptions="301"))
    assert ingest(engine, replaced, account("min"), replace=True).stored
    got = statuses(engine, "2024-Q3", "2025-Q3")
    # BE-HAS has no `opened`: its series starts at its first accepted submission (2025-Q1)
    assert [got[("BE-HAS", q)] for q in ("2024-Q3", "2024-Q4")] == ["not open", "not open"]
    # sent today, long after the deadline; a replaced quarter is resubmitted whatever its lateness
    assert (got[("BE-HAS", "2025-Q1")], got[("BE-HAS", "2025-Q2")]) == ("resubmitted", "late")
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
