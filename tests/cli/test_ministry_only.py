"""Every ministry-only command path refuses a director and an evaluator with `authz.role`
(exit 1, one line, audited): review, period, release, the register and the accounts."""

from __future__ import annotations

import io
import sys

import pytest
from submission_files import csv_text, good_rows, register_csv

PASSWORD = "correct horse battery staple"
WHERE = ("--prison", "BE-HAS", "--period", "2025-Q3")


def _paths(write) -> list[tuple[str, ...]]:  # type: ignore[no-untyped-def]
    """Each ministry-only command, `{user}` where the acting account goes."""
    register = str(write("register2.csv", register_csv()))
    return [
        ("review", "approve", *WHERE, "--submission", "1", "--user", "{user}"),
        ("review", "return", *WHERE, "--submission", "1", "--user", "{user}", "--comment", "x"),
        ("review", "reopen", *WHERE, "--user", "{user}", "--reason", "x"),
        ("period", "lock", "2025-Q3", "--user", "{user}"),
        ("period", "unlock", "2025-Q3", "--user", "{user}", "--reason", "x"),
        ("release", "create", "--name", "R", "--user", "{user}"),
        ("prisons", "import", register, "--user", "{user}"),
        ("users", "add", "newbie", "--role", "evaluator", "--by", "{user}"),
        ("users", "disable", "min", "--by", "{user}"),
        ("users", "enable", "min", "--by", "{user}"),
    ]


@pytest.mark.parametrize("role", ["director", "evaluator"])
def test_every_ministry_only_path_refuses_other_roles(initialised, write, monkeypatch, role):
    cli = initialised
    for args in (
        ("min", "--role", "ministry"),
        ("dir", "--role", "director", "--prison", "BE-HAS"),
        ("eva", "--role", "evaluator"),
    ):
        monkeypatch.setattr(sys, "stdin", io.StringIO(PASSWORD + "\n"))
        assert cli("users", "add", *args, "--password-stdin").code == 0
    assert cli("ingest", write("q3.csv", csv_text(good_rows())), "--user", "dir").code == 0
    user = {"director": "dir", "evaluator": "eva"}[role]
    for path in _paths(write):
        done = cli(*(user if a == "{user}" else a for a in path))
        assert done.code == 1, (path, done.err)
        assert done.err.startswith("prison-monitor: authz.role: "), (path, done.err)
        assert done.err.count("\n") == 1 and "Traceback" not in done.err
    refused = cli("audit", "--actor", user, "--json").json
    assert sum(e["action"].endswith(".refused") for e in refused) == len(_paths(write))
