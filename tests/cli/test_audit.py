"""`prison-monitor audit` (governance.md §4): every step of the governance journey with its
actor and reason, the spec's JSON keys, filters, and what each account may see."""

from __future__ import annotations

import io
import sys
from datetime import UTC, datetime, timedelta

from submission_files import csv_text, good_rows

from store.audit_trail import AUDIT_KEYS, audit_entries, subject_keys

PASSWORD = "correct horse battery staple"
WHERE = ("--prison", "BE-HAS", "--period", "2025-Q3")


def _journey(cli, write, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    for args in (
        ("min", "--role", "ministry"),
        ("dir", "--role", "director", "--prison", "BE-HAS"),
        ("dir2", "--role", "director", "--prison", "BE-NEW"),
    ):
        monkeypatch.setattr(sys, "stdin", io.StringIO(PASSWORD + "\n"))
        assert cli("users", "add", *args, "--password-stdin").code == 0
    assert cli("ingest", write("a.csv", csv_text(good_rows())), "--user", "dir").code == 0
    assert cli("ingest", write("n.csv", csv_text(good_rows("BE-NEW"))), "--user", "dir2").code == 0

    def current() -> str:
        entries = cli("history", "--prison", "BE-HAS", "--json").json
        [entry] = [e for e in entries if e["status"] == "current"]
        return str(entry["submission_id"])

    back = ("review", "return", *WHERE, "--submission", current(), "--user", "min")
    assert cli(*back, "--comment", "ost_received looks too low").code == 0
    fixed = write("b.csv", csv_text(good_rows(ost_received="70")))
    assert cli("ingest", fixed, "--user", "dir", "--replace").code == 0
    assert cli("review", "approve", *WHERE, "--submission", current(), "--user", "min").code == 0
    assert cli("ingest", fixed, "--user", "dir", "--replace").code == 1  # approved: refused
    reopen = ("review", "reopen", *WHERE, "--user", "min", "--reason", "late correction")
    assert cli(*reopen).code == 0
    assert cli("period", "lock", "2025-Q3", "--user", "min").code == 0
    assert cli("period", "lock", "2025-Q3", "--user", "dir").code == 1  # authz.role
    assert cli("period", "unlock", "2025-Q3", "--user", "min", "--reason", "reopened").code == 0
    assert cli("release", "create", "--name", "R1", "--user", "min").code == 0


def test_every_step_is_in_the_trail_with_its_actor_and_reason(
    initialised, write, monkeypatch
) -> None:
    cli = initialised
    _journey(cli, write, monkeypatch)
    entries = cli("audit", "--json").json
    assert all(tuple(e) == AUDIT_KEYS for e in entries)
    times = [datetime.fromisoformat(e["at"]) for e in entries]
    assert times == sorted(times)
    steps = [(e["action"], e["actor"]) for e in entries if not e["action"].startswith("account")]
    for step in (
        ("submission.accept", "dir"),
        ("review.return", "min"),
        ("submission.supersede", "dir"),
        ("review.approve", "min"),
        ("submission.refuse", "dir"),
        ("review.reopen", "min"),
        ("period.lock", "min"),
        ("period.lock.refused", "dir"),
        ("period.unlock", "min"),
        ("release.create", "min"),
    ):
        assert step in steps, step
    by_action = {e["action"]: e for e in entries}
    assert by_action["review.return"]["detail"]["comment"] == "ost_received looks too low"
    assert by_action["review.return"]["prison_code"] == "BE-HAS"
    assert by_action["review.return"]["period"] == "2025-Q3"
    assert by_action["review.reopen"]["detail"]["reason"] == "late correction"
    assert by_action["period.unlock"]["detail"]["reason"] == "reopened"
    assert by_action["period.unlock"]["prison_code"] is None
    assert "authz.role" in by_action["period.lock.refused"]["detail"]["rule"]
    assert by_action["release.create"]["period"] is None

    # filters
    assert {e["actor"] for e in cli("audit", "--actor", "dir", "--json").json} == {"dir"}
    assert {e["prison_code"] for e in cli("audit", "--prison", "BE-NEW", "--json").json} == {
        "BE-NEW"
    }
    reviews = cli("audit", "--action", "review", "--json").json
    assert [e["action"] for e in reviews] == ["review.return", "review.approve", "review.reopen"]
    assert [e["action"] for e in cli("audit", "--action", "review.approve", "--json").json] == [
        "review.approve"
    ]
    later = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
    assert cli("audit", "--since", later, "--json").json == []
    assert len(cli("audit", "--until", later, "--json").json) == len(entries)
    bad = cli("audit", "--since", "last week")
    assert bad.code == 2 and "ISO 8601" in bad.err
    text = cli("audit", "--action", "review.reopen")
    assert "late correction" in text.out and "review.reopen" in text.out


def test_a_director_sees_their_prisons_and_their_own_actions(
    initialised, write, monkeypatch, db_url
) -> None:
    from store.accounts import get_account
    from store.db import get_engine

    cli = initialised
    _journey(cli, write, monkeypatch)
    engine = get_engine(db_url)
    everything = audit_entries(engine)
    director = get_account(engine, "dir")
    seen = audit_entries(engine, account=director)
    assert seen and len(seen) < len(everything)
    assert all(e["prison_code"] == "BE-HAS" or e["actor"] == "dir" for e in seen)
    assert not any(e["prison_code"] == "BE-NEW" for e in seen)
    assert len(audit_entries(engine, account=get_account(engine, "min"))) == len(everything)


def test_only_the_families_that_name_prisons_are_read_for_them() -> None:
    assert subject_keys("review.approve", "BE-HAS 2025-Q3") == ("BE-HAS", "2025-Q3")
    assert subject_keys("period.lock", "2025-Q3") == (None, "2025-Q3")
    assert subject_keys("register.update", "BE-HAS") == ("BE-HAS", None)
    assert subject_keys("login.failed", "BE-HAS 2025-Q3") == (None, None)
    assert subject_keys("submission.reject", "file.csv") == (None, None)


def test_completeness_on_the_command_line(initialised, write, monkeypatch) -> None:
    from store.completeness import JSON_KEYS, STATUSES

    cli = initialised
    monkeypatch.setattr(sys, "stdin", io.StringIO(PASSWORD + "\n"))
    assert cli("users", "add", "min", "--role", "ministry", "--password-stdin").code == 0
    partial = [r for r in good_rows() if r[2] != "receptions"]
    assert cli("ingest", write("p.csv", csv_text(partial)), "--user", "min").code == 0
    done = cli("completeness", "--from", "2025-Q2", "--to", "2025-Q3", "--json")
    assert done.code == 0, done.err
    assert all(tuple(r) == JSON_KEYS for r in done.json)
    [mine] = [r for r in done.json if (r["prison_code"], r["period"]) == ("BE-HAS", "2025-Q3")]
    assert mine["status"] == "partial" and mine["reported"] == mine["expected"] - 1
    assert (mine["versions"], mine["state"]) == (1, "submitted")
    assert all(r["status"] in STATUSES for r in done.json)
    assert all(r["share"] is None or 0 <= r["share"] <= 100 for r in done.json)
    text = cli("completeness", "--from", "2025-Q2", "--to", "2025-Q3")
    assert text.code == 0 and all(f"{s}:" in text.out for s in STATUSES)
    for bad in (("--from", "2025-Q4", "--to", "2025-Q1"), ("--deadline-days", "-3")):
        refused = cli("completeness", *bad)
        assert refused.code == 2 and refused.err.count("\n") == 1
