"""`review` and `period` on the command line: exit 0 when done, 1 with the rule id and one
sentence when refused, the review queue as JSON, and history's state and comment."""

from __future__ import annotations

import io
import sys

from submission_files import csv_text, good_rows

PASSWORD = "correct horse battery staple"


def _accounts(cli, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    for args in (
        ("min", "--role", "ministry"),
        ("dir", "--role", "director", "--prison", "BE-HAS"),
    ):
        monkeypatch.setattr(sys, "stdin", io.StringIO(PASSWORD + "\n"))
        assert cli("users", "add", *args, "--password-stdin").code == 0


def test_review_and_lock_from_the_command_line(initialised, write, monkeypatch) -> None:
    cli = initialised
    _accounts(cli, monkeypatch)
    path = write("q3.csv", csv_text(good_rows()))
    assert cli("ingest", path, "--user", "dir").code == 0
    [item] = cli("review", "list", "--json").json
    assert (item["state"], item["prison_code"], item["period"]) == (
        "submitted",
        "BE-HAS",
        "2025-Q3",
    )
    sid = str(item["submission_id"])
    where = ("--prison", "BE-HAS", "--period", "2025-Q3")

    by_director = cli("review", "approve", *where, "--submission", sid, "--user", "dir")
    assert by_director.code == 1 and by_director.err.startswith("prison-monitor: authz.role: ")
    assert by_director.err.count("\n") == 1
    stale = cli("review", "approve", *where, "--submission", "999", "--user", "min")
    assert stale.code == 1 and "review.stale" in stale.err and f"--submission {sid}" in stale.err
    back = cli("review", "return", *where, "--submission", sid, "--user", "min", "--comment", "Q?")
    assert back.code == 0 and "returned" in back.out
    [entry] = [e for e in cli("history", "--json").json if e["status"] == "current"]
    assert (entry["state"], entry["comment"], entry["submission_id"]) == (
        "returned",
        "Q?",
        int(sid),
    )
    assert cli("review", "approve", *where, "--submission", sid, "--user", "min").code == 0
    assert cli("review", "list", "--state", "approved", "--json").json[0]["state"] == "approved"

    assert cli("period", "lock", "2025-Q3", "--user", "dir").code == 1
    assert cli("period", "lock", "2025-Q3", "--user", "min").code == 0
    again = cli("ingest", path, "--user", "min", "--replace", "--reason", "fix")
    assert again.code == 1 and "2025-Q3 is locked" in again.out + again.err
    assert cli("period", "unlock", "2025-Q3", "--user", "min", "--reason", "fix").code == 0
    refused = cli("ingest", path, "--user", "dir", "--replace")
    assert refused.code == 1 and "is approved" in refused.out + refused.err
    statuses = [e["status"] for e in cli("history", "--json").json]
    assert statuses.count("refused") == 2


def test_review_states_are_kept_in_step_with_the_store() -> None:
    from cli.main import REVIEW_STATES
    from store.review import STATES

    assert REVIEW_STATES == STATES
