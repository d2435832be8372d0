"""Every v1 file keeps its verdict under contract v2 (issue 12).

`v1_verdicts.json` holds the verdicts of the sample files as the last v1 commit gave them
(written by v1_verdicts.py). The invalid and warnings files are v1 files: their verdicts must
be the same exactly. The sample submissions keep their v1 rows byte for byte and in place, with
the rows of the prison's v2 modules appended: their verdicts are the same on the v1 rows and
for the prison-quarter (the issues with no row), and they are accepted as before. Four v1
submissions are kept whole in v1_files/, with the v1 register: their verdicts are the same
exactly.

One v1 verdict cannot stay: data_element.unknown.csv named a code (hiv_tested_reception)
that v2 made an element. Its v1 file is kept in v1_files/ and is now accepted, with what else
v1 said of it; the sample's file names an unknown code instead, with the same verdict.
"""

from __future__ import annotations

import json

import pytest
from v1_verdicts import SNAPSHOT, TODAY, V1_FILES, issue_key, sort_key, verdicts

from data_contracts.contract import load_contract
from data_contracts.register import Register, read_register
from data_contracts.validate import check_files
from sample_data import REGISTER_FILE, SAMPLE_DIR

ROOT = SAMPLE_DIR.parent
SNAPSHOT_DATA: dict[str, dict] = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
EXACT_FOLDERS = ("sample_data/invalid/", "sample_data/warnings/")
UNKNOWN_ELEMENT = "data_element.unknown"
ISSUE_ELEMENT = 5  # the data_element's place in an issue key (v1_verdicts.ISSUE_KEYS)


def now_a_code(issue: list) -> bool:
    """A v1 issue saying that a code is no data element, of a code that v2 made one."""
    return issue[0] == UNKNOWN_ELEMENT and issue[ISSUE_ELEMENT] in load_contract().element_codes


def renamed(verdict: dict) -> bool:
    return any(now_a_code(i) for i in verdict["issues"])


def without_codes(verdict: dict) -> dict:
    """The verdict with the data_element of its data_element.unknown issues left out."""
    return {
        **verdict,
        "issues": [
            i[:ISSUE_ELEMENT] + i[ISSUE_ELEMENT + 1 :] if i[0] == UNKNOWN_ELEMENT else i
            for i in verdict["issues"]
        ],
    }


def frozen(folder: str) -> list[str]:
    return sorted(name for name in SNAPSHOT_DATA if name.startswith(folder))


@pytest.fixture(scope="module")
def live() -> dict[str, dict]:
    """The live verdicts of every file the snapshot names, with the live sample register."""
    files = [ROOT / name for name in SNAPSHOT_DATA]
    return verdicts(files, ROOT, REGISTER_FILE)


def test_the_snapshot_covers_every_folder() -> None:
    for folder in ("sample_data/submissions/", *EXACT_FOLDERS):
        assert frozen(folder), folder
    assert any(not v["accepted"] for v in SNAPSHOT_DATA.values())
    assert any(v["issues"] for v in SNAPSHOT_DATA.values() if v["accepted"])


@pytest.mark.parametrize("name", [n for f in EXACT_FOLDERS for n in frozen(f)])
def test_invalid_and_warnings_files_keep_their_verdict_exactly(name, live) -> None:
    before = SNAPSHOT_DATA[name]
    if not renamed(before):
        assert live[name] == before
        return
    # the file now names a code that is no element of v2 either, in the same row
    assert without_codes(live[name]) == without_codes(before)
    unknown = [i[ISSUE_ELEMENT] for i in live[name]["issues"] if i[0] == UNKNOWN_ELEMENT]
    assert unknown and not set(unknown) & set(load_contract().element_codes)


def test_only_a_code_v2_made_an_element_changes_a_v1_verdict() -> None:
    changed = [name for name, verdict in SNAPSHOT_DATA.items() if renamed(verdict)]
    assert changed == ["sample_data/invalid/data_element.unknown.csv"]


def v1_part(verdict: dict, last_row: int | None) -> dict:
    """The verdict on the v1 rows (row <= last_row) and on the prison-quarters (no row)."""
    return {
        "accepted": verdict["accepted"],
        "issues": [i for i in verdict["issues"] if i[1] is None or (last_row and i[1] <= last_row)],
    }


@pytest.mark.parametrize("name", frozen("sample_data/submissions/"))
def test_sample_submissions_keep_their_verdict_on_the_v1_rows(name, live) -> None:
    before = SNAPSHOT_DATA[name]
    assert v1_part(live[name], before["last_row"]) == v1_part(before, before["last_row"])


@pytest.fixture(scope="module")
def v1_register() -> Register:
    prisons, problems = read_register(V1_FILES / "prisons.csv")
    assert problems == []
    return Register({p.code: p for p in prisons})


V1_COPIES = sorted(p for p in V1_FILES.iterdir() if p.name != "prisons.csv")


def frozen_name(path) -> str:  # type: ignore[no-untyped-def]
    """The snapshot's name of a kept v1 file (its name is unique across the folders)."""
    [name] = [n for n in SNAPSHOT_DATA if n.endswith(f"/{path.name}")]
    return name


def test_the_kept_v1_files_are_the_variety_promised() -> None:
    suffixes = {p.suffix for p in V1_COPIES}
    assert suffixes == {".csv", ".xlsx"}
    texts = [p.read_text(encoding="utf-8-sig") for p in V1_COPIES if p.suffix == ".csv"]
    assert any(t.splitlines()[0].count(";") for t in texts), "a semicolon CSV"
    warned = [SNAPSHOT_DATA[frozen_name(p)] for p in V1_COPIES]
    assert any(v["accepted"] and v["issues"] for v in warned), "a file with values not reported"
    assert any(renamed(v) for v in warned), "the v1 file naming a code v2 made an element"


@pytest.mark.parametrize("path", V1_COPIES, ids=lambda p: p.name)
def test_kept_v1_files_keep_their_verdict_exactly(path, v1_register) -> None:
    before = SNAPSHOT_DATA[frozen_name(path)]
    [checked] = check_files([(path, path.name)], v1_register, today=TODAY)
    issues = sorted((issue_key(i) for i in checked.report.issues), key=sort_key)
    if renamed(before):  # the code is an element now: v1's other issues stand, and only they
        kept = [i for i in before["issues"] if not now_a_code(i)]
        errors = {r.id for r in load_contract().rules if r.is_error}
        before = {"accepted": not any(i[0] in errors for i in kept), "issues": kept}
    assert (checked.report.accepted, issues) == (before["accepted"], before["issues"])
