"""Every v1 file keeps its verdict under contract v2 (issue 12).

`v1_verdicts.json` holds the verdicts of the sample files as the last v1 commit gave them
(written by v1_verdicts.py). The invalid and warnings files are v1 files: their verdicts must
be the same exactly. The sample submissions keep their v1 rows byte for byte and in place, with
the rows of the prison's v2 modules appended: their verdicts are the same on the v1 rows and
for the prison-quarter (the issues with no row), and they are accepted as before. Four v1
submissions are kept whole in v1_files/, with the v1 register: their verdicts are the same
exactly.
"""

from __future__ import annotations

import json

import pytest
from v1_verdicts import SNAPSHOT, TODAY, V1_FILES, issue_key, sort_key, verdicts

from data_contracts.register import Register, read_register
from data_contracts.validate import check_files
from sample_data import REGISTER_FILE, SAMPLE_DIR

ROOT = SAMPLE_DIR.parent
SNAPSHOT_DATA: dict[str, dict] = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
EXACT_FOLDERS = ("sample_data/invalid/", "sample_data/warnings/")


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
    assert live[name] == SNAPSHOT_DATA[name]


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


def test_the_kept_v1_files_are_the_variety_promised() -> None:
    suffixes = {p.suffix for p in V1_COPIES}
    assert suffixes == {".csv", ".xlsx"}
    texts = [p.read_text(encoding="utf-8-sig") for p in V1_COPIES if p.suffix == ".csv"]
    assert any(t.splitlines()[0].count(";") for t in texts), "a semicolon CSV"
    warned = [SNAPSHOT_DATA[f"sample_data/submissions/{p.name}"]["issues"] for p in V1_COPIES]
    assert any(warned), "a file with values not reported"


@pytest.mark.parametrize("path", V1_COPIES, ids=lambda p: p.name)
def test_kept_v1_files_keep_their_verdict_exactly(path, v1_register) -> None:
    before = SNAPSHOT_DATA[f"sample_data/submissions/{path.name}"]
    [checked] = check_files([(path, path.name)], v1_register, today=TODAY)
    issues = sorted((issue_key(i) for i in checked.report.issues), key=sort_key)
    assert (checked.report.accepted, issues) == (before["accepted"], before["issues"])
