"""`validate` is a dry run of `ingest`: the same warnings and errors, nothing stored.

Why this exists: a director who runs `validate` before sending must be told
what `ingest` will say (outliers against the stored history, a replacement,
a prison they may not submit for), and a check must never reveal stored data
of a prison the user may not submit for.
"""

from __future__ import annotations

from submission_files import csv_text, good_rows

HISTORY = {"2024-Q3": "300", "2024-Q4": "310", "2025-Q1": "290", "2025-Q2": "305"}
OUTLIER = "3000"  # receptions far above BE-HAS's own history


def issues(result, kind: str) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    return [(i["rule"], i["message"]) for i in result.json[kind]]


def stored_history(initialised, write) -> None:  # type: ignore[no-untyped-def]
    rows = [r for period, n in HISTORY.items() for r in good_rows(period=period, receptions=n)]
    assert initialised("ingest", write("history.csv", csv_text(rows)), "--user", "min").code == 0


def accounts(initialised) -> None:  # type: ignore[no-untyped-def]
    assert initialised("users", "add", "min", "--role", "ministry").code == 0
    director = ("users", "add", "d-new", "--role", "director", "--prison", "BE-NEW")
    assert initialised(*director).code == 0


def test_validate_and_ingest_give_the_same_warnings(initialised, write) -> None:
    accounts(initialised)
    stored_history(initialised, write)
    path = write("q3.csv", csv_text(good_rows(period="2025-Q3", receptions=OUTLIER)))
    dry = initialised("validate", path, "--user", "min", "--json")
    assert dry.code == 0, dry.out
    assert "outlier.history" in {rule for rule, _ in issues(dry, "warnings")}
    real = initialised("ingest", path, "--user", "min", "--json")
    assert real.code == 0 and real.json["stored"] is True
    assert issues(real, "warnings") == issues(dry, "warnings")
    # nothing was stored by the dry run: the ingest above was version 1
    assert initialised("history", "--period", "2025-Q3", "--json").json[0]["version"] == 1

    # the same file again: now it would replace version 1, and both say so
    again = initialised("validate", path, "--user", "min", "--json")
    assert again.code == 0
    rules = [rule for rule, _ in issues(again, "warnings")]
    assert sorted(rules) == ["outlier.history", "submission.replaces"]
    refused = initialised("ingest", path, "--user", "min", "--json")
    assert refused.code == 1 and refused.json["stored"] is False
    assert issues(refused, "warnings") == issues(again, "warnings")
    assert issues(refused, "errors") == issues(again, "errors") == []


def test_validate_as_a_user_refuses_another_prison_like_ingest(initialised, write) -> None:
    accounts(initialised)
    path = write("has.csv", csv_text(good_rows(period="2025-Q3")))
    dry = initialised("validate", path, "--user", "d-new", "--json")
    assert dry.code == 1
    assert [rule for rule, _ in issues(dry, "errors")] == ["authz.prison"]
    real = initialised("ingest", path, "--user", "d-new", "--json")
    assert real.code == 1
    assert issues(real, "errors") == issues(dry, "errors")
    assert issues(real, "warnings") == issues(dry, "warnings")
    # without --user, the operator's check of the contract alone accepts it
    assert initialised("validate", path, "--json").code == 0


def test_a_check_speaks_only_of_prisons_the_user_may_submit_for(initialised, write) -> None:
    accounts(initialised)
    stored_history(initialised, write)
    rows = good_rows(period="2025-Q2") + good_rows(period="2025-Q3", receptions=OUTLIER)
    path = write("has.csv", csv_text(rows))
    as_ministry = initialised("validate", path, "--user", "min", "--json")
    ministry_rules = {rule for rule, _ in issues(as_ministry, "warnings")}
    assert {"submission.replaces", "outlier.history"} <= ministry_rules
    as_other = initialised("validate", path, "--user", "d-new", "--json")
    said = " ".join(message for _, message in issues(as_other, "warnings"))
    assert {rule for rule, _ in issues(as_other, "warnings")}.isdisjoint(ministry_rules)
    assert "min" not in said and "median" not in said


def test_validate_names_an_unknown_user_in_one_sentence(initialised, write) -> None:
    path = write("has.csv", csv_text(good_rows()))
    result = initialised("validate", path, "--user", "nobody")
    assert result.code == 2
    assert "no account 'nobody'" in result.err and result.err.count("\n") == 1


def test_the_text_report_calls_a_refused_file_refused(initialised, write) -> None:
    """History says `refused` for a file only authz.prison stopped; the text says so too."""
    accounts(initialised)
    path = write("has.csv", csv_text(good_rows(period="2025-Q3")))
    for command in ("validate", "ingest"):
        result = initialised(command, path, "--user", "d-new")
        assert result.code == 1
        assert result.out.startswith("has.csv: REFUSED"), result.out
    status = initialised("history", "--json").json
    assert {entry["status"] for entry in status} <= {"refused"}
