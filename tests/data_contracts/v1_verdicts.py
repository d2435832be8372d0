"""The verdicts of the v1 sample files, frozen before contract v2 (issue 12: every v1 file keeps
its verdict).

`verdicts(root)` checks every file under the sample's submissions, invalid and warnings folders
of a checkout at `root` with that checkout's sample register, on the sample tests' day, through
`check_files` (the engine of `prison-monitor validate --json`, here without a database: no
stored history, no account). Each file gives its `accepted` flag, its data rows' last row
number (`last_row`, to tell v1 rows from rows appended later) and its issues as sorted
(rule, row, column, prison_code, period, data_element) lists.

Run once from the last v1 commit (0ba93c8) to write `v1_verdicts.json` beside this file:

    git worktree add /work/h-base 0ba93c8
    cd /work/h-base && PYTHONPATH=/work/h-base /work/main/.venv/bin/python \
        /work/main/tests/data_contracts/v1_verdicts.py /work/h-base
    git worktree remove /work/h-base

test_v1_parity.py compares the live files' verdicts with it.
"""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path

from data_contracts.reader import FileRejected, read_submission

# The day the sample tests validate on (tests/sample_data/test_sample_files.py).
TODAY = date(2026, 11, 22)
FOLDERS = ("submissions", "invalid", "warnings")
SNAPSHOT = Path(__file__).with_name("v1_verdicts.json")
V1_FILES = Path(__file__).with_name("v1_files")
ISSUE_KEYS = ("rule", "row", "column", "prison_code", "period", "data_element")


def sample_files(root: Path) -> list[Path]:
    """Every file of the three sample folders under `root`, sorted."""
    return sorted(
        p for folder in FOLDERS for p in (root / "sample_data" / folder).iterdir() if p.is_file()
    )


def issue_key(issue) -> list:  # type: ignore[no-untyped-def]
    return [getattr(issue, k) for k in ISSUE_KEYS]


def sort_key(key: list) -> tuple:
    return tuple((v is not None, v if v is not None else 0) for v in key)


def last_row(path: Path) -> int | None:
    """The spreadsheet row number of the file's last data row (None when it cannot be read)."""
    from data_contracts.contract import load_contract
    from data_contracts.prepare import prepare

    contract = load_contract()
    try:
        raw = read_submission(path, contract, name=path.name)
    except FileRejected:
        return None
    frame = prepare(raw, contract).frame
    return int(frame["row"].max()) if frame.height else None


def verdicts(files: list[Path], root: Path, register_file: Path) -> dict[str, dict]:
    """{path relative to root: {accepted, last_row, issues}} for these files."""
    from data_contracts.register import Register, read_register
    from data_contracts.validate import check_files

    prisons, problems = read_register(register_file)
    assert problems == [], problems
    register = Register({p.code: p for p in prisons})
    results = check_files([(p, p.name) for p in files], register, today=TODAY)
    out = {}
    for path, checked in zip(files, results, strict=True):
        report = checked.report
        out[path.relative_to(root).as_posix()] = {
            "accepted": report.accepted,
            "last_row": last_row(path),
            "issues": sorted((issue_key(i) for i in report.issues), key=sort_key),
        }
    return out


def main(root: Path) -> None:
    files = sample_files(root)
    snapshot = verdicts(files, root, root / "sample_data" / "prisons.csv")
    SNAPSHOT.write_text(json.dumps(snapshot, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"{len(snapshot)} files -> {SNAPSHOT}")


if __name__ == "__main__":
    main(Path(sys.argv[1]).resolve())
