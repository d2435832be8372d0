"""Freshly mutated submission files, and `prison-monitor validate --json` run on each as a process.

Why this exists: a new user trying the product takes a good file and breaks it,
the way a spreadsheet, a tired person or an attacker would, then runs
`validate --json` on it. Every such file must get a clean answer: exit 0 or 1
with a JSON report that has exactly the report's keys, or exit 2 with one
sentence on stderr; never a traceback, never a hang. This module makes those
files (from the committed sample submissions, CSV and xlsx, with a seed) and
runs the real command on each, two at a time.

    .venv/bin/python tests/hostile/mutate.py --count 150 [--seed N] [--keep DIR]

The test `test_mutated_cli.py` runs it with a fresh seed each time and prints the
seed, so a failure can be replayed with `--seed`.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import xlsxwriter

PROJECT = Path(__file__).resolve().parents[2]
SAMPLES = PROJECT / "sample_data" / "submissions"
sys.path.insert(0, str(PROJECT / "tests"))  # run as a script too
from submission_files import ISSUE_KEYS, REPORT_KEYS  # noqa: E402

TIMEOUT = 120  # seconds: a file that takes longer is a hang

# Strings a person or an attacker puts into cells.
NASTY = [
    "",
    " ",
    "\x00",
    "=1+1",
    '=HYPERLINK("http://x","y")',
    "+cmd|' /C calc'!A0",
    "@SUM(1)",
    "-1",
    "1e308",
    "1e-320",
    "NaN",
    "inf",
    "-0",
    "0x1F",
    "1,5",
    "1.000,5",
    "12 345",
    "٣",
    "１２",
    "'; DROP TABLE submissions; --",
    "../../etc/passwd",
    "NM-WFP\u200b",
    "nm-wfp",
    "2025-Q5",
    "2025-q3",
    "2025Q3",
    "2099-Q1",
    "Ω" * 300,
    "x" * 5000,
    "\u202etxt.exe",
    "\r\n",
    '"',
    "\ufeff",
    "null",
    "None",
    "TRUE",
    "99999999999999999999",
    "3.14159",
]


@dataclass
class Mutant:
    name: str  # the file name given to validate (its extension matters)
    content: bytes
    how: str  # the mutations applied, for the person reading a failure


# ---------------------------------------------------------------- the seeds


def seed_files() -> list[Path]:
    files = sorted(SAMPLES.glob("*.csv")) + sorted(SAMPLES.glob("*.xlsx"))
    if not files:
        raise SystemExit(f"no sample submissions in {SAMPLES}")
    return files


def read_rows(path: Path) -> list[list[str]]:
    """A seed file's rows as text, header first (CSV with , or ;, or the xlsx data sheet)."""
    if path.suffix == ".xlsx":
        import fastexcel

        reader = fastexcel.read_excel(path.read_bytes())
        sheet = reader.load_sheet("data" if "data" in reader.sheet_names else 0, header_row=None)
        frame = sheet.to_polars()
        return [["" if v is None else str(v) for v in row] for row in frame.iter_rows()]
    text = path.read_text(encoding="utf-8-sig")
    delimiter = ";" if text.splitlines()[0].count(";") > text.splitlines()[0].count(",") else ","
    return [row for row in csv.reader(io.StringIO(text), delimiter=delimiter)]


def csv_bytes(rows: list[list[str]], delimiter: str = ",", encoding: str = "utf-8") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\n").writerows(rows)
    return buffer.getvalue().encode(encoding, errors="replace")


def xlsx_bytes(rows: list[list[object]], sheet: str = "data", extra_sheet: bool = False) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(
        buffer, {"in_memory": True, "strings_to_numbers": False, "nan_inf_to_errors": True}
    )
    if extra_sheet:
        book.add_worksheet("readme").write(0, 0, "Read me first")
    page = book.add_worksheet(sheet)
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if isinstance(value, str) and value.startswith("="):
                page.write_formula(r, c, value)
            else:
                page.write(r, c, value)
    book.close()
    return buffer.getvalue()


# ---------------------------------------------------------------- row mutations

RowMutation = Callable[[random.Random, list[list[str]]], str]


def _cell(rng: random.Random, rows: list[list[str]]) -> tuple[int, int]:
    r = rng.randrange(len(rows))
    return r, rng.randrange(max(1, len(rows[r])))


def nasty_cell(rng: random.Random, rows: list[list[str]]) -> str:
    r, c = _cell(rng, rows)
    if not rows[r]:
        rows[r].append("")
    rows[r][c] = rng.choice(NASTY)
    return f"cell {r + 1},{c + 1} = {rows[r][c][:20]!r}"


def number_tweak(rng: random.Random, rows: list[list[str]]) -> str:
    r = rng.randrange(1, len(rows)) if len(rows) > 1 else 0
    if len(rows[r]) < 4:
        return "number tweak skipped"
    rows[r][3] = rng.choice(
        [str(-rng.randint(1, 50)), str(rng.randint(10**6, 10**12)), f"{rng.random() * 100:.3f}"]
    )
    return f"value row {r + 1} = {rows[r][3]}"


def drop_rows(rng: random.Random, rows: list[list[str]]) -> str:
    k = rng.randint(1, max(1, len(rows) // 3))
    for _ in range(min(k, len(rows) - 1)):
        del rows[rng.randrange(len(rows))]
    return f"dropped {k} rows"


def duplicate_rows(rng: random.Random, rows: list[list[str]]) -> str:
    r = rng.randrange(len(rows))
    rows.insert(rng.randrange(len(rows) + 1), list(rows[r]))
    return f"duplicated row {r + 1}"


def drop_column(rng: random.Random, rows: list[list[str]]) -> str:
    c = rng.randrange(5)
    for row in rows:
        if c < len(row):
            del row[c]
    return f"dropped column {c + 1}"


def swap_columns(rng: random.Random, rows: list[list[str]]) -> str:
    a, b = rng.sample(range(5), 2)
    for row in rows:
        if max(a, b) < len(row):
            row[a], row[b] = row[b], row[a]
    return f"swapped columns {a + 1} and {b + 1}"


def extra_column(rng: random.Random, rows: list[list[str]]) -> str:
    for i, row in enumerate(rows):
        row.append("comment" if i == 0 else rng.choice(NASTY))
    return "extra column"


def rename_header(rng: random.Random, rows: list[list[str]]) -> str:
    c = rng.randrange(len(rows[0]))
    rows[0][c] = rng.choice([rows[0][c].upper(), rows[0][c] + " ", "Value (n)", "", "prison"])
    return f"header {c + 1} = {rows[0][c]!r}"


def drop_header(rng: random.Random, rows: list[list[str]]) -> str:
    del rows[0]
    return "no header row"


def ragged_row(rng: random.Random, rows: list[list[str]]) -> str:
    r = rng.randrange(len(rows))
    rows[r] = rows[r][: rng.randrange(len(rows[r]) + 1)] if rng.random() < 0.5 else rows[r] * 2
    return f"ragged row {r + 1}"


def blank_rows(rng: random.Random, rows: list[list[str]]) -> str:
    for _ in range(rng.randint(1, 3)):
        rows.insert(rng.randrange(len(rows) + 1), [])
    return "blank rows"


def other_prison_or_quarter(rng: random.Random, rows: list[list[str]]) -> str:
    r = rng.randrange(1, len(rows)) if len(rows) > 1 else 0
    if len(rows[r]) < 2:
        return "identity skipped"
    rows[r][0] = rng.choice(["NM-XXX", "NM-ASP", "BE-HAS", "nm-asp", ""])
    rows[r][1] = rng.choice(["2024-Q1", "2026-Q4", "2031-Q2", "1999-Q4", rows[r][1]])
    return f"row {r + 1} = {rows[r][0]} {rows[r][1]}"


def many_rows(rng: random.Random, rows: list[list[str]]) -> str:
    body = rows[1:] or [["NM-ASP", "2024-Q1", "receptions", "1", ""]]
    copies = rng.choice([50, 500, 6000])
    rows.extend(list(body[i % len(body)]) for i in range(copies))
    return f"{copies} more rows"


ROW_MUTATIONS: list[RowMutation] = [
    nasty_cell,
    nasty_cell,
    number_tweak,
    drop_rows,
    duplicate_rows,
    drop_column,
    swap_columns,
    extra_column,
    rename_header,
    drop_header,
    ragged_row,
    blank_rows,
    other_prison_or_quarter,
    many_rows,
]


# ---------------------------------------------------------------- byte mutations


def flip_bytes(rng: random.Random, data: bytes) -> tuple[bytes, str]:
    out = bytearray(data)
    k = rng.randint(1, 12)
    for _ in range(k):
        if out:
            out[rng.randrange(len(out))] = rng.randrange(256)
    return bytes(out), f"{k} bytes flipped"


def truncate(rng: random.Random, data: bytes) -> tuple[bytes, str]:
    cut = rng.randrange(len(data) + 1)
    return data[:cut], f"cut at byte {cut} of {len(data)}"


def splice(rng: random.Random, data: bytes) -> tuple[bytes, str]:
    a = rng.randrange(len(data) + 1)
    b = min(len(data), a + rng.randint(1, 64))
    insert = rng.choice([b"\x00" * 8, rng.randbytes(rng.randint(1, 32)), data[a:b] * 3, b"\r", b""])
    return data[:a] + insert + data[b:], f"bytes {a}-{b} replaced by {len(insert)}"


def reencode(rng: random.Random, data: bytes) -> tuple[bytes, str]:
    text = data.decode("utf-8", errors="replace")
    encoding = rng.choice(["utf-16", "utf-8-sig", "cp1252", "latin-1", "utf-32"])
    return text.encode(encoding, errors="replace"), f"re-encoded as {encoding}"


BYTE_MUTATIONS = [flip_bytes, truncate, splice, reencode]


# ---------------------------------------------------------------- the mutants


def make_mutant(rng: random.Random, seeds: list[Path], index: int) -> Mutant:
    seed = rng.choice(seeds)
    rows = read_rows(seed)
    hows = [f"from {seed.name}"]
    for mutation in rng.sample(ROW_MUTATIONS, rng.randint(1, 3)):
        try:
            hows.append(mutation(rng, rows))
        except (IndexError, ValueError):  # the rows left are too few for this one
            hows.append(f"{mutation.__name__} skipped")
    if not rows:
        rows = [[]]
    shape = rng.choice(["csv", "csv", "semicolon", "xlsx", "xlsx", "wrong-extension"])
    if shape == "csv":
        content, name = csv_bytes(rows), "csv"
    elif shape == "semicolon":
        content, name = csv_bytes(rows, ";"), "csv"
    elif shape == "xlsx":
        typed = [[_typed(rng, v) for v in row] for row in rows]
        content, name = (
            xlsx_bytes(typed, rng.choice(["data", "Sheet1"]), rng.random() < 0.5),
            "xlsx",
        )
    else:
        content = xlsx_bytes(rows) if rng.random() < 0.5 else csv_bytes(rows)
        name = "csv" if content[:2] == b"PK" else rng.choice(["xlsx", "parquet", "xls"])
    hows.append(f"written as {shape}")
    if rng.random() < 0.4:
        for mutation in rng.sample(BYTE_MUTATIONS, rng.randint(1, 2)):
            if mutation is reencode and content[:2] == b"PK":
                continue
            content, how = mutation(rng, content)
            hows.append(how)
    stem = seed.stem if rng.random() < 0.8 else rng.choice(["../../evil", "con", "a b;c", "é"])
    return Mutant(f"{index:03d}_{stem}.{name}", content, "; ".join(hows))


def _typed(rng: random.Random, value: str) -> object:
    """A cell as a spreadsheet might hold it: a number, a formula, a date, a bool or text."""
    try:
        number = float(value)
    except ValueError:
        return value
    pick = rng.random()
    if pick < 0.6:
        return number
    if pick < 0.7:
        return f"={value}"
    if pick < 0.75:
        return bool(number)
    return value


def make_mutants(count: int, seed: int) -> list[Mutant]:
    rng = random.Random(seed)
    seeds = seed_files()
    return [make_mutant(rng, seeds, i + 1) for i in range(count)]


# ---------------------------------------------------------------- running validate


@dataclass
class Outcome:
    mutant: Mutant
    exit_code: int | None
    stdout: str
    stderr: str
    seconds: float
    problem: str | None  # None: a clean answer


def judge(exit_code: int | None, stdout: str, stderr: str) -> str | None:
    """None when the answer is clean; otherwise what is wrong with it."""
    if exit_code is None:
        return f"no answer within {TIMEOUT} s"
    if "Traceback" in stderr or "Traceback" in stdout:
        return "a traceback was printed"
    if exit_code in (0, 1):
        try:
            report = json.loads(stdout)
        except json.JSONDecodeError:
            return "stdout is not JSON"
        if not isinstance(report, dict) or list(report) != REPORT_KEYS:
            return f"the report's keys are {sorted(report) if isinstance(report, dict) else report}"
        if report["accepted"] != (exit_code == 0) or report["accepted"] == bool(report["errors"]):
            return "exit code, 'accepted' and the errors disagree"
        for issue in report["errors"] + report["warnings"]:
            if list(issue) != ISSUE_KEYS or not str(issue["message"]).strip():
                return f"an issue is malformed: {issue}"
            if "\n" in issue["message"]:
                return "an issue's message has a line break"
        return None
    if exit_code == 2:
        lines = [line for line in stderr.splitlines() if line.strip()]
        if len(lines) != 1:
            return f"exit 2 with {len(lines)} lines on stderr, not one sentence"
        return None
    return f"exit code {exit_code}"


def validate_json(
    path: Path,
    command: list[str],
    env: dict[str, str],
    timeout: float,
    preexec_fn: Callable[[], None] | None = None,
) -> tuple[int | None, str, str, float]:
    """`validate PATH --json` in a new process: its exit code (None when it did not answer
    within `timeout` seconds), stdout, stderr and the seconds it took."""
    started = time.perf_counter()
    try:
        done = subprocess.run(
            [*command, "validate", str(path), "--json"],
            env=env,
            capture_output=True,
            text=True,
            errors="replace",
            timeout=timeout,
            preexec_fn=preexec_fn,
            check=False,
        )
        code, out, err = done.returncode, done.stdout, done.stderr
    except subprocess.TimeoutExpired:
        code, out, err = None, "", ""
    return code, out, err, time.perf_counter() - started


def run_one(mutant: Mutant, folder: Path, command: list[str], env: dict[str, str]) -> Outcome:
    # The file is written under a safe name; the mutant's own name keeps its extension.
    safe = "".join(ch if ch.isalnum() or ch in "._-" else "_" for ch in mutant.name)
    path = folder / safe.lstrip(".")
    path.write_bytes(mutant.content)
    code, out, err, seconds = validate_json(path, command, env, TIMEOUT)
    return Outcome(mutant, code, out, err, seconds, judge(code, out, err))


def prepare_database(folder: Path, command: list[str]) -> dict[str, str]:
    """A fresh SQLite database with the sample register, as a new user sets one up."""
    env = {**os.environ, "PRISON_MONITOR_DB": f"sqlite:///{folder / 'fuzz.db'}"}
    subprocess.run([*command, "init"], env=env, capture_output=True, check=True)
    register = PROJECT / "sample_data" / "prisons.csv"
    subprocess.run(
        [*command, "prisons", "import", str(register)], env=env, check=True, capture_output=True
    )
    return env


def run_all(
    count: int, seed: int, workers: int = 2, keep: Path | None = None
) -> tuple[list[Outcome], float]:
    command = [str(Path(sys.executable).with_name("prison-monitor"))]
    mutants = make_mutants(count, seed)
    with tempfile.TemporaryDirectory(prefix="pm-mutants-") as name:
        folder = Path(name)
        env = prepare_database(folder, command)
        files = folder / "files"
        files.mkdir()
        started = time.perf_counter()
        with ThreadPoolExecutor(workers) as pool:
            outcomes = list(pool.map(lambda m: run_one(m, files, command, env), mutants))
        seconds = time.perf_counter() - started
        if keep is not None:
            keep.mkdir(parents=True, exist_ok=True)
            for outcome in outcomes:
                if outcome.problem:
                    for f in files.glob(f"{outcome.mutant.name[:3]}_*"):
                        shutil.copy(f, keep / f.name)
    return outcomes, seconds


def summary(outcomes: list[Outcome], seed: int, seconds: float) -> str:
    codes = Counter("timeout" if o.exit_code is None else o.exit_code for o in outcomes)
    rules: Counter[str] = Counter()
    for o in outcomes:
        if o.exit_code in (0, 1) and not o.problem:
            for issue in json.loads(o.stdout)["errors"]:
                rules[issue["rule"]] += 1
    slowest = max(outcomes, key=lambda o: o.seconds)
    lines = [
        f"{len(outcomes)} mutated files (seed {seed}), `validate --json` each: {seconds:.0f} s",
        f"  exit codes: {dict(sorted(codes.items(), key=str))}",
        f"  clean answers: {sum(o.problem is None for o in outcomes)} of {len(outcomes)}",
        f"  slowest: {slowest.seconds:.1f} s ({slowest.mutant.name})",
        f"  error rules reported: {dict(rules.most_common())}",
    ]
    for o in outcomes:
        if o.problem:
            lines.append(f"  PROBLEM {o.mutant.name}: {o.problem} [{o.mutant.how}]")
            lines.append(f"    stderr: {o.stderr.strip()[-600:]}")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=150)
    parser.add_argument("--seed", type=int, default=None, help="default: a fresh one")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--keep", type=Path, help="copy the files that got no clean answer here")
    args = parser.parse_args()
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(10**9)
    outcomes, seconds = run_all(args.count, seed, args.workers, args.keep)
    print(summary(outcomes, seed, seconds))
    return 0 if all(o.problem is None for o in outcomes) else 1


if __name__ == "__main__":
    raise SystemExit(main())
