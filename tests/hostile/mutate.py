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

from mutations import PROJECT, TIMEOUT, Mutant, make_mutants

sys.path.insert(0, str(PROJECT / "tests"))  # run as a script too
from submission_files import ISSUE_KEYS, REPORT_KEYS

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
