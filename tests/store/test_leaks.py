"""A director probing other prisons learns nothing of them, and leaves nothing in their history.

The attack (issue 11): a director uploads, or only validates, a file naming
another prison, with figures far from that prison's stored ones, and reads
the stored history back from what the checks say (`outlier.history` quotes a
median over the last quarters, `submission.replaces` who sent the current
version and when). Here the demo director probes every other prison of the
sample register, with every element of the contract, in several quarters
where that prison has history, through the core (`check_as`, `ingest_files`)
and the command line (`validate --user`, `ingest --user`).

What the director gets must be exactly what the same file gets from a store
in which no other prison ever stored anything (the director's own prison's
history loaded alike): any difference is something learnt from another
prison's data. A ministry account sending the same files is told of
outliers and replacements, so the probes would leak if the fences were down.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from sqlalchemy import Engine, func, select

from data_contracts.contract import load_contract
from data_contracts.periods import period_label
from data_contracts.register import read_register
from sample_data import DEMO_DIRECTOR_PRISON, REGISTER_FILE
from store.accounts import Account, get_account, save_account
from store.db import get_engine, migrate
from store.history import submission_history
from store.prisons import import_prisons
from store.read import current_values
from store.sample import load_sample
from store.schema import uploads
from store.submissions import ingest_files
from store.verdict import AUTHZ_RULE, check_as, stored_data_rules

# Each probe multiplies the prison's stored figures by this: far outside their history, and
# every pair (numerator <= denominator) still holds, so a ministry account's file is accepted.
OUTLIER_FACTOR = 9
# Quarters probed per prison: its first with enough history for the outlier check, its
# middle one and its last stored one.
WINDOWS = 3
DIRECTOR = "director"
MINISTRY = "ministry"
Probe = tuple[Path, str]


def _rows_of(
    values: pl.DataFrame, prison: str, index: int, factor: int = OUTLIER_FACTOR
) -> list[str]:
    """The CSV lines of a probe: every element of the contract for `prison` in quarter `index`,
    its stored figure times `factor` (empty where it stored none)."""
    stored = dict(
        values.filter((pl.col("prison_code") == prison) & (pl.col("period_index") == index))
        .select("data_element", "value")
        .iter_rows()
    )
    lines = []
    for code in load_contract().element_codes:
        value = stored.get(code)
        shown = "" if value is None else repr(value * factor)
        lines.append(f"{prison},{period_label(index)},{code},{shown},")
    return lines


def _write(folder: Path, name: str, lines: list[str]) -> Probe:
    path = folder / name
    path.write_text("\n".join(["prison_code,period,data_element,value,note", *lines]) + "\n")
    return (path, name)


def _windows(values: pl.DataFrame, prison: str) -> list[int]:
    """Quarters of `prison` where the outlier check has enough stored history to speak."""
    quarters = sorted(values.filter(pl.col("prison_code") == prison)["period_index"].unique())
    eligible = quarters[load_contract().limits["outlier_min_history"] :]
    if not eligible:
        return []
    picks = [eligible[0], eligible[len(eligible) // 2], eligible[-1]]
    return sorted(set(picks))[:WINDOWS]


def _probes(values: pl.DataFrame, foreign: list[str], folder: Path) -> dict[str, list[Probe]]:
    """For each foreign prison, its files: one per window, and one mixing the director's own
    prison's rows (a check that speaks for the own prison must still be silent on the other)."""
    own_last = int(
        values.filter(pl.col("prison_code") == DEMO_DIRECTOR_PRISON)["period_index"].max()
    )
    probes: dict[str, list[Probe]] = {}
    for prison in foreign:
        windows = _windows(values, prison)
        if not windows:  # too short a history for any check to quote it
            continue
        files = [_write(folder, f"{prison}_{i}.csv", _rows_of(values, prison, i)) for i in windows]
        mixed = _rows_of(values, DEMO_DIRECTOR_PRISON, own_last) + _rows_of(
            values, prison, windows[-1]
        )
        files.append(_write(folder, f"{prison}_mixed.csv", mixed))
        probes[prison] = files
    return probes


def _baseline(folder: Path, values: pl.DataFrame) -> Engine:
    """The sample register and demo accounts, and only the director's prison's submissions
    (its stored figures, sent again)."""
    engine = get_engine(f"sqlite:///{folder / 'baseline.db'}")
    migrate(engine)
    prisons, issues = read_register(REGISTER_FILE)
    assert not issues
    import_prisons(engine, prisons, "test")
    save_account(engine, MINISTRY, "ministry", actor="test")
    save_account(engine, DIRECTOR, "director", prisons=[DEMO_DIRECTOR_PRISON], actor="test")
    own = values.filter(pl.col("prison_code") == DEMO_DIRECTOR_PRISON)
    files = [
        _write(folder, f"own_{i}.csv", _rows_of(own, DEMO_DIRECTOR_PRISON, i, factor=1))
        for i in sorted(own["period_index"].unique())
    ]
    assert files, "the sample data hold no file of the demo director's prison"
    outcomes = ingest_files(engine, files, _account(engine, MINISTRY))
    assert all(o.stored for o in outcomes)
    return engine


def _account(engine: Engine, name: str) -> Account:
    account = get_account(engine, name)
    assert account is not None
    return account


def _histories(engine: Engine) -> dict[str | None, list[dict[str, Any]]]:
    by_prison: dict[str | None, list[dict[str, Any]]] = {}
    for entry in submission_history(engine):
        by_prison.setdefault(entry["prison_code"], []).append(entry)
    return by_prison


def _stored_reports(engine: Engine, after_id: int) -> dict[str, dict[str, Any]]:
    query = select(uploads.c.file_name, uploads.c.report).where(uploads.c.id > after_id)
    with engine.connect() as conn:
        return {name: json.loads(text) for name, text in conn.execute(query)}


def _last_upload(engine: Engine) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.max(uploads.c.id))).scalar() or 0


@pytest.fixture
def attack(store_url, tmp_path):  # type: ignore[no-untyped-def]
    """The sample store, the baseline store, and the probes of every other prison."""
    engine = get_engine(store_url)
    migrate(engine)
    load_sample(engine)
    values = current_values(engine)
    register = sorted(values["prison_code"].unique())
    director = _account(engine, DIRECTOR)
    foreign = [code for code in register if not director.may_submit(code, None)]
    assert foreign and DEMO_DIRECTOR_PRISON in register
    folder = tmp_path / "probes"
    folder.mkdir()
    probes = _probes(values, foreign, folder)
    assert len(probes) > len(foreign) // 2, "most prisons of the sample have a history"
    return store_url, engine, _baseline(tmp_path, values), values, probes


def _cli(capsys: pytest.CaptureFixture[str], url: str, *args: str | Path) -> tuple[int, str]:
    """`prison-monitor --db URL ARGS` in this process: its exit status and standard output."""
    from cli.main import main

    capsys.readouterr()
    code = main(["--db", url, *(str(a) for a in args)])
    return code, capsys.readouterr().out


def _reports(engine: Engine, files: list[Probe], account: Account) -> dict[str, Any]:
    return {v.report.file: v.report for v in check_as(engine, files, account)}


def test_a_director_probing_every_other_prison_is_told_nothing_of_it(attack, capsys) -> None:
    url, engine, baseline, _, probes = attack
    files = [f for prison_files in probes.values() for f in prison_files]
    director = _account(engine, DIRECTOR)
    said = _reports(engine, files, director)
    expected = _reports(baseline, files, _account(baseline, DIRECTOR))
    ministry = _reports(engine, files, _account(engine, MINISTRY))
    stored_rules = stored_data_rules()
    for prison, prison_files in probes.items():
        # the control: the same files tell a ministry account of this prison's history
        heard = [i for _, name in prison_files for i in ministry[name].issues]
        assert any(i.rule == "outlier.history" and i.prison_code == prison for i in heard), prison
        assert any(i.rule == "submission.replaces" and i.prison_code == prison for i in heard)
        leaks = {i.message for i in heard if i.rule in stored_rules and i.prison_code == prison}
        for _, name in prison_files:
            report = said[name]
            assert report.to_dict() == expected[name].to_dict(), name
            assert report.to_text() == expected[name].to_text(), name
            assert (AUTHZ_RULE, prison) in {(i.rule, i.prison_code) for i in report.errors}
            spoken = {i.prison_code for i in report.issues if i.rule in stored_rules}
            assert spoken <= {DEMO_DIRECTOR_PRISON}, name
            text = report.to_text() + json.dumps(report.to_dict())
            assert not [m for m in leaks if m in text]
    # the command line's validate, once per prison: the same as the core said
    for prison, prison_files in probes.items():
        path, name = prison_files[-2]  # the last window: history and a current version
        code, out = _cli(capsys, url, "validate", path, "--user", DIRECTOR, "--json")
        assert code == 1, out
        assert json.loads(out) == expected[name].to_dict(), prison


def test_a_directors_probes_stored_leave_nothing_in_other_prisons_history(attack, capsys) -> None:
    url, engine, baseline, values, probes = attack
    files = [f for prison_files in probes.values() for f in prison_files]
    expected = _reports(baseline, files, _account(baseline, DIRECTOR))
    stored_rules = stored_data_rules()
    before, last = _histories(engine), _last_upload(engine)

    outcomes = ingest_files(engine, files, _account(engine, DIRECTOR))
    code, out = _cli(capsys, url, "ingest", *(p for p, _ in files), "--user", DIRECTOR, "--json")
    assert code == 1
    for outcome in [o.to_dict() for o in outcomes] + json.loads(out):
        assert outcome["stored"] is False and outcome["submission_ids"] == []
        expect = expected[outcome["file"]].to_dict()
        assert {k: outcome[k] for k in expect} == expect, outcome["file"]
    # what was kept of each attempt: the report the director was shown, nothing more
    for name, report in _stored_reports(engine, last).items():
        kept = report["errors"] + report["warnings"]
        assert {i["prison_code"] for i in kept if i["rule"] in stored_rules} <= {
            DEMO_DIRECTOR_PRISON
        }, name
        assert {k: report[k] for k in expected[name].to_dict()} == expected[name].to_dict()
    after = _histories(engine)
    for prison in probes:
        assert after.get(prison) == before.get(prison), f"{prison}'s history gained an entry"
    keys = ["prison_code", "period_index", "data_element"]
    assert current_values(engine).sort(keys).equals(values.sort(keys))
