"""Ingest on SQLite and PostgreSQL: versions, refusals, roles, history, atomicity, concurrency."""

from __future__ import annotations

import hashlib
import json
import multiprocessing
from pathlib import Path

import polars as pl
import pytest
from sqlalchemy import func, select
from submission_files import csv_text, good_rows

from data_contracts.report import STORED_ISSUES_PER_RULE
from store.audit import entries
from store.history import submission_history
from store.read import current_values
from store.schema import submission_values, submissions, uploads
from store.submissions import ingest_files

ELEMENTS = len(good_rows())  # rows of one complete prison-quarter (core: the test prisons')


def write_file(tmp_path: Path, name: str, rows: list[list[str]]) -> Path:
    path = tmp_path / name
    path.write_text(csv_text(rows), encoding="utf-8")
    return path


def ingest(engine, path: Path, user, **kwargs):
    [outcome] = ingest_files(engine, [(path, path.name)], user, **kwargs)
    return outcome


def count(engine, table, *where) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table).where(*where)).scalar()


def test_accepted_file_becomes_a_submission(engine, account, tmp_path) -> None:
    path = write_file(tmp_path, "has-q3.csv", good_rows())
    outcome = ingest(engine, path, account("min"))
    assert outcome.stored, outcome.report.to_text()
    assert len(outcome.submission_ids) == 1
    with engine.connect() as conn:
        upload = conn.execute(select(uploads)).mappings().one()
    assert upload["content"] == path.read_bytes()
    assert upload["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert upload["submitted_by"] == "min"
    assert count(engine, submission_values) == ELEMENTS
    [entry] = submission_history(engine)
    assert (entry["version"], entry["status"], entry["file_name"]) == (1, "current", "has-q3.csv")
    values = current_values(engine)
    assert values.height == ELEMENTS
    assert values.filter(pl.col("data_element") == "population_average")["value"].item() == 412.5


def test_second_ingest_needs_replace_then_supersedes(engine, account, tmp_path) -> None:
    first = write_file(tmp_path, "v1.csv", good_rows())
    assert ingest(engine, first, account("min")).stored
    second = write_file(tmp_path, "v2.csv", good_rows(receptions="333"))
    refused = ingest(engine, second, account("min"))
    assert not refused.stored
    assert "--replace" in refused.refusal
    assert "submission.replaces" in refused.report.rules
    assert count(engine, submissions, submissions.c.accepted) == 1
    assert (
        current_values(engine).filter(pl.col("data_element") == "receptions")["value"].item() == 300
    )

    replaced = ingest(engine, second, account("min"), replace=True)
    assert replaced.stored
    warning = next(i for i in replaced.report.warnings if i.rule == "submission.replaces")
    assert "version 1" in warning.message and "min" in warning.message
    history = submission_history(engine, prison="BE-HAS", period="2025-Q3")
    assert [(h["version"], h["status"]) for h in history] == [
        (1, "superseded"),
        (None, "refused"),
        (2, "current"),
    ]
    assert "--replace" in history[1]["reason"]
    # the indicators read the replaced values
    assert (
        current_values(engine).filter(pl.col("data_element") == "receptions")["value"].item() == 333
    )
    actions = entries(engine)["action"].to_list()
    assert "submission.supersede" in actions and "submission.refuse" in actions


def test_director_may_not_submit_for_another_prison(engine, account, tmp_path) -> None:
    rows = good_rows("BE-HAS") + good_rows("BE-NEW")
    outcome = ingest(engine, write_file(tmp_path, "two.csv", rows), account("dir"))
    assert not outcome.stored
    [error] = outcome.report.errors
    assert (error.rule, error.prison_code) == ("authz.prison", "BE-NEW")
    assert count(engine, submission_values) == 0
    # the contract accepted it; storing was not allowed: refused, with the reason, in the
    # history of the director's own prison only (BE-NEW's history gains nothing)
    [entry] = submission_history(engine)
    assert (entry["prison_code"], entry["status"]) == ("BE-HAS", "refused")
    assert entry["reason"] == error.message
    assert submission_history(engine, prison="BE-NEW") == []
    assert outcome.refusal == error.message
    own = ingest(engine, write_file(tmp_path, "own.csv", good_rows("BE-HAS")), account("dir"))
    assert own.stored


def test_evaluators_cannot_submit(engine, account, tmp_path) -> None:
    outcome = ingest(engine, write_file(tmp_path, "e.csv", good_rows()), account("eva"))
    assert not outcome.stored
    assert [i.rule for i in outcome.report.errors] == ["authz.prison"]


def test_a_rejected_file_leaves_no_values_and_no_content(engine, account, tmp_path) -> None:
    path = write_file(tmp_path, "bad.csv", good_rows(receptions="-1"))
    outcome = ingest(engine, path, account("min"))
    assert not outcome.stored
    assert count(engine, submission_values) == 0
    assert count(engine, submissions, submissions.c.accepted) == 0
    with engine.connect() as conn:
        upload = conn.execute(select(uploads)).mappings().one()
    assert (upload["accepted"], upload["content"], upload["size"]) == (
        False,
        b"",
        path.stat().st_size,
    )
    assert json.loads(upload["report"])["errors"][0]["rule"] == "value.negative"
    [entry] = submission_history(engine)
    assert (entry["status"], entry["prison_code"], entry["period"]) == (
        "rejected",
        "BE-HAS",
        "2025-Q3",
    )


def test_failure_in_the_middle_leaves_no_partial_submission(
    engine, account, tmp_path, monkeypatch
) -> None:
    """The values are written, then the audit fails: the whole file is rolled back."""
    import store.writer as module

    written = []
    real = module.insert_values

    def recording(conn, rows):
        real(conn, rows)
        written.append(rows.height)

    def failing(*args, **kwargs):
        raise RuntimeError("disk full (simulated)")

    monkeypatch.setattr(module, "insert_values", recording)
    monkeypatch.setattr(module.audit, "record_many", failing)
    rows = good_rows(period="2025-Q2") + good_rows(period="2025-Q3")
    with pytest.raises(RuntimeError, match="simulated"):
        ingest(engine, write_file(tmp_path, "two-quarters.csv", rows), account("min"))
    assert written == [36], "the failure must come after the values were written"
    for table in (uploads, submissions, submission_values):
        assert count(engine, table) == 0


def test_history_json_keys_through_the_cli(engine, account, tmp_path, capsys) -> None:
    from cli.main import main

    path = write_file(tmp_path, "h.csv", good_rows())
    assert main(["ingest", str(path), "--user", "min", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["stored"] is True and out["accepted"] is True and out["submission_ids"]
    assert main(["ingest", str(path), "--user", "min"]) == 1
    capsys.readouterr()
    assert main(["history", "--json"]) == 0
    history = json.loads(capsys.readouterr().out)
    required = {
        "prison_code",
        "period",
        "version",
        "status",
        "submitted_by",
        "submitted_at",
        "file_name",
        "sha256",
    }
    assert all(required <= set(h) for h in history)
    # the second send: accepted by the contract, not stored without --replace
    assert [h["status"] for h in history] == ["current", "refused"]
    assert "--replace" in history[1]["reason"]
    bad = write_file(tmp_path, "bad.csv", good_rows(receptions="-1"))
    assert main(["ingest", str(bad), "--user", "min"]) == 1
    capsys.readouterr()
    assert main(["history", "--json"]) == 0
    last = json.loads(capsys.readouterr().out)[-1]
    assert (last["file_name"], last["status"], last["reason"]) == ("bad.csv", "rejected", None)
    assert history[0]["submitted_at"].endswith("+00:00")


def test_ingest_text_names_submissions_in_runs_not_one_by_one(
    engine, account, tmp_path, capsys
) -> None:
    from cli.main import main

    one = write_file(tmp_path, "one.csv", good_rows(period="2024-Q1"))
    assert main(["ingest", str(one), "--user", "min"]) == 0
    first = capsys.readouterr().out
    assert "Stored as submission 1 (upload 1)." in first
    periods = ["2024-Q2", "2024-Q3", "2024-Q4", "2025-Q1", "2025-Q2"]
    many = write_file(tmp_path, "many.csv", [r for q in periods for r in good_rows(period=q)])
    assert main(["ingest", str(many), "--user", "min"]) == 0
    assert "Stored as 5 submissions (2–6) (upload 2)." in capsys.readouterr().out


def test_values_and_notes_are_stored_exactly(engine, account, tmp_path) -> None:
    """Commas, quotes, line breaks and unicode in notes; an empty value; a long decimal."""
    import csv
    import io

    rows = good_rows(population_average="412.123456789012")
    rows[1][4] = 'counted twice, "by hand"\nsee file Ω'
    rows[2][4] = ""
    rows[3][3] = ""  # not reported: null, with a completeness warning
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["prison_code", "period", "data_element", "value", "note"])
    writer.writerows(rows)
    path = tmp_path / "notes.csv"
    path.write_text(buffer.getvalue(), encoding="utf-8")
    outcome = ingest(engine, path, account("min"))
    assert outcome.stored, outcome.report.to_text()
    with engine.connect() as conn:
        stored = {
            r.data_element: (r.value, r.note, r.row)
            for r in conn.execute(select(submission_values))
        }
    assert stored["population_average"][0] == 412.123456789012
    assert stored["receptions"][1:] == ('counted twice, "by hand"\nsee file Ω', 3)
    assert stored["releases"][1] == ""  # an empty note is stored empty, on both databases
    assert stored["oud_identified"][0] is None
    assert stored["ost_received"] == (60.0, "", 6)


def test_newest_accepted_time_ignores_rejected_and_refused_files(engine, account, tmp_path) -> None:
    from datetime import UTC, datetime, timedelta

    from store.history import latest_accepted_at

    assert latest_accepted_at(engine) is None
    periods = ["2025-Q1", "2025-Q2", "2025-Q3"]
    rows = [r for q in periods for r in good_rows(period=q)]
    before = datetime.now(UTC) - timedelta(seconds=1)
    assert ingest(engine, write_file(tmp_path, "three.csv", rows), account("min")).stored
    stored_at = latest_accepted_at(engine)
    assert stored_at is not None and before <= stored_at <= datetime.now(UTC)
    bad = write_file(tmp_path, "bad.csv", good_rows(period="2025-Q4", receptions="-1"))
    assert not ingest(engine, bad, account("min")).stored
    again = write_file(tmp_path, "again.csv", good_rows(period="2025-Q1"))
    assert not ingest(engine, again, account("min")).stored  # refused: no --replace
    assert latest_accepted_at(engine) == stored_at
    history = submission_history(engine)
    assert [(h["period"], h["status"], h["errors"]) for h in history] == [
        ("2025-Q1", "current", 0),
        ("2025-Q2", "current", 0),
        ("2025-Q3", "current", 0),
        ("2025-Q4", "rejected", 1),
        ("2025-Q1", "refused", 0),
    ]
    assert history[-1]["refusal"] and history[-1]["reason"] == history[-1]["refusal"]
    assert history[-2]["reason"] is None


def test_outlier_against_the_prisons_own_history(engine, account, tmp_path) -> None:
    for i, period in enumerate(["2024-Q3", "2024-Q4", "2025-Q1", "2025-Q2"]):
        rows = good_rows(period=period, receptions=str(300 + 5 * i), hcv_tested_reception="200")
        assert ingest(engine, write_file(tmp_path, f"{period}.csv", rows), account("min")).stored
    spike = good_rows(period="2025-Q3", receptions="3000")
    outcome = ingest(engine, write_file(tmp_path, "spike.csv", spike), account("min"))
    assert outcome.stored
    warnings = [(i.rule, i.data_element) for i in outcome.report.warnings]
    assert ("outlier.history", "receptions") in warnings


def _concurrent_ingest(args: tuple[str, str, str]) -> bool:
    url, path, user = args
    from store.accounts import get_account
    from store.db import get_engine

    engine = get_engine(url)
    [outcome] = ingest_files(
        engine, [(Path(path), Path(path).name)], get_account(engine, user), replace=True
    )
    return outcome.stored


def test_eight_processes_ingesting_at_once(engine, store_url, tmp_path) -> None:
    """Different and identical prison-quarters at once: nothing lost, one current each."""
    files = []
    for i in range(8):
        period = ["2025-Q1", "2025-Q2", "2025-Q3", "2025-Q3"][i % 4]
        prison = "BE-HAS" if i < 4 else "BE-NEW"
        rows = good_rows(prison, period, receptions=str(300 + i))
        files.append(str(write_file(tmp_path, f"c{i}.csv", rows)))
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(8) as pool:
        stored = pool.map(_concurrent_ingest, [(store_url, f, "min") for f in files])
    assert stored == [True] * 8
    assert count(engine, uploads, uploads.c.accepted) == 8
    history = submission_history(engine)
    by_quarter: dict[tuple[str, str], list[dict]] = {}
    for h in history:
        by_quarter.setdefault((h["prison_code"], h["period"]), []).append(h)
    assert len(by_quarter) == 6
    for versions in by_quarter.values():
        assert sorted(h["version"] for h in versions) == list(range(1, len(versions) + 1))
        assert [h["status"] for h in versions].count("current") == 1
    assert len(by_quarter[("BE-HAS", "2025-Q3")]) == 2
    assert current_values(engine).height == 6 * ELEMENTS


def test_a_stored_report_keeps_so_many_issues_per_rule_and_every_total(
    engine, account, tmp_path
) -> None:
    """A file of many bad rows cannot make a huge stored report; history still counts all."""
    bad = STORED_ISSUES_PER_RULE + 37
    rows = [["BE-HAS", "2025-Q3", "ost_received", "many", ""] for _ in range(bad)]
    outcome = ingest(engine, write_file(tmp_path, "junk.csv", rows), account("min"))
    assert not outcome.stored
    rules = {i.rule for i in outcome.report.errors}
    assert "value.not_a_number" in rules
    with engine.connect() as conn:
        stored = json.loads(conn.execute(select(uploads.c.report)).scalar_one())
    kept = [e for e in stored["errors"] if e["rule"] == "value.not_a_number"]
    assert len(kept) == STORED_ISSUES_PER_RULE
    assert stored["totals"]["value.not_a_number"] == bad
    assert stored["left_out"]["value.not_a_number"] == bad - STORED_ISSUES_PER_RULE
    [entry] = submission_history(engine)
    assert entry["errors"] == len(outcome.report.errors)
