"""Releases and --as-of (governance.md §3): a release gives the same bytes later, whatever was
stored or changed in the register since; --as-of a moment gives what was current then."""

from __future__ import annotations

import io
import sys
import time
from datetime import UTC, datetime

from submission_files import PRISONS, csv_text, good_rows, register_csv

from data_contracts.register import Prison

PASSWORD = "correct horse battery staple"
READINGS = (
    ("indicators", "--level", "all_levels"),
    ("funnel", "--indicator", "ost_coverage", "--period", "2025-Q3"),
    ("history", "--json"),
)


def _accounts(cli, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    for args in (
        ("min", "--role", "ministry"),
        ("dir", "--role", "director", "--prison", "BE-HAS"),
        ("eva", "--role", "evaluator"),
    ):
        monkeypatch.setattr(sys, "stdin", io.StringIO(PASSWORD + "\n"))
        assert cli("users", "add", *args, "--password-stdin").code == 0


def _readings(cli, tmp_path, tag: str, *vintage: str) -> list[bytes]:  # type: ignore[no-untyped-def]
    """The bytes each reading command writes, for this vintage."""
    out = []
    for n, args in enumerate(READINGS):
        if args[0] == "history":
            done = cli(*args, *vintage)
            assert done.code == 0, done.err
            out.append(done.out.encode())
            continue
        args = tuple(a for a in args if a not in ("--level", "all_levels"))
        level = ("--level", "region") if args[0] == "indicators" else ()
        target = tmp_path / f"{tag}_{n}.csv"
        done = cli(*args, *level, *vintage, "--output", target)
        assert done.code == 0, done.err
        out.append(target.read_bytes())
    return out


def test_a_release_reads_the_same_bytes_whatever_is_stored_after(
    initialised, write, monkeypatch, tmp_path
) -> None:
    cli = initialised
    _accounts(cli, monkeypatch)
    first = write("q3.csv", csv_text(good_rows() + good_rows("BE-NEW")))
    assert cli("ingest", first, "--user", "min").code == 0
    made = cli("release", "create", "--name", "2025-Q3 bulletin", "--user", "min", "--json")
    assert made.code == 0, made.err
    assert made.json["name"] == "2025-Q3 bulletin" and made.json["submissions"] == 2
    before = _readings(cli, tmp_path, "before", "--release", "2025-Q3 bulletin")
    latest_before = _readings(cli, tmp_path, "latest_before")
    assert before == latest_before  # nothing stored since: the release is the latest data
    time.sleep(0.01)
    moment = datetime.now(UTC).isoformat()
    time.sleep(0.01)

    # more is stored: a replaced quarter, a new quarter, and the register changes
    changed = write("q3b.csv", csv_text(good_rows(ost_received="10")))
    assert cli("ingest", changed, "--user", "min", "--replace").code == 0
    q4 = write("q4.csv", csv_text(good_rows(period="2025-Q4")))
    assert cli("ingest", q4, "--user", "min").code == 0
    moved = [Prison("BE-HAS", "Hasselt", "Wallonia", "mixed"), *PRISONS[1:]]
    assert cli("prisons", "import", write("moved.csv", register_csv(moved))).code == 0

    after = _readings(cli, tmp_path, "after", "--release", "2025-Q3 bulletin")
    assert after == before
    assert _readings(cli, tmp_path, "as_of", "--as-of", moment) == before
    latest = _readings(cli, tmp_path, "latest")
    assert all(a != b for a, b in zip(latest, before, strict=True))

    listed = cli("release", "list", "--json")
    assert [r["name"] for r in listed.json] == ["2025-Q3 bulletin"]


def test_only_the_ministry_releases_and_names_are_unique(initialised, write, monkeypatch) -> None:
    cli = initialised
    _accounts(cli, monkeypatch)
    empty = cli("release", "create", "--name", "early", "--user", "min")
    assert empty.code == 1 and "release.empty" in empty.err
    assert cli("ingest", write("q3.csv", csv_text(good_rows())), "--user", "dir").code == 0
    for user in ("dir", "eva"):
        refused = cli("release", "create", "--name", "mine", "--user", user)
        assert refused.code == 1 and refused.err.startswith("prison-monitor: authz.role: ")
    assert cli("release", "create", "--name", "R1", "--user", "min").code == 0
    twice = cli("release", "create", "--name", "R1", "--user", "min")
    assert twice.code == 1 and "release.exists" in twice.err
    assert cli("release", "list").out.count("R1") == 1


def test_an_unknown_release_or_moment_is_explained(initialised) -> None:
    cli = initialised
    for args in (
        ("--release", "nope"),
        ("--as-of", "yesterday"),
        ("--release", "x", "--as-of", "2025-01-01"),
    ):
        done = cli("indicators", *args)
        assert done.code == 2 and "Traceback" not in done.err
        assert done.err.startswith("prison-monitor: ") and done.err.count("\n") == 1
    assert "no release yet" in cli("history", "--release", "nope").err


def test_a_register_change_applies_from_its_quarter(initialised, write, monkeypatch) -> None:
    import json

    cli = initialised
    _accounts(cli, monkeypatch)
    both = good_rows(period="2025-Q2") + good_rows()
    assert cli("ingest", write("q23.csv", csv_text(both)), "--user", "min").code == 0
    time.sleep(0.01)
    before_move = datetime.now(UTC).isoformat()
    time.sleep(0.01)
    moved = [Prison("BE-HAS", "Hasselt", "Wallonia", "mixed"), *PRISONS[1:]]
    done = cli("prisons", "import", write("moved.csv", register_csv(moved)), "--from", "2025-Q3")
    assert done.code == 0 and "apply from 2025-Q3" in done.out

    def regions(*vintage: str) -> dict[str, str]:
        out = cli("indicators", "--format", "json", "--indicator", "ost_coverage", *vintage)
        assert out.code == 0, out.err
        return {r["period"]: r["region"] for r in json.loads(out.out)}

    assert regions() == {"2025-Q2": "Flanders", "2025-Q3": "Wallonia"}
    assert regions("--as-of", before_move) == {"2025-Q2": "Flanders", "2025-Q3": "Flanders"}
    bad = cli("prisons", "import", write("m2.csv", register_csv(moved)), "--from", "Q3")
    assert bad.code == 2 and "YYYY-Qn" in bad.err
    [update] = cli("audit", "--action", "register.update", "--json").json
    assert update["prison_code"] == "BE-HAS" and update["detail"]["effective_from"] == "2025-Q3"
