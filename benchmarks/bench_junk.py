"""Benchmark: `prison-monitor validate FILE --json` on a file of junk at the contract's row limit.

Why this exists: issue 11 asks that every hostile file end in a report or one
sentence, in seconds, under a 3 GB address-space cap. The worst legal file for
the checks is one at the row limit (CONTRACT.file["max_rows"]) where every cell
is junk (the alphabet of tests/hostile/bombs.py's junk rows): every row fails
several rules, each failure is a message, and `--json` lists every one of them
(hundreds of thousands). The goals are 10 s for the whole command and a peak
resident memory under 3 GiB. The file must be *rejected* with an error on every
one of its rows (asserted on every run), so the time is that of every message.

One warm-up run, then RUNS timed runs; the result is the median, with the max
beside it; the memory is the largest peak of the runs (ru_maxrss).
Writes results/junk.json.

    .venv/bin/python benchmarks/bench_junk.py [--runs N]
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import random
import resource
import sys
import tempfile
from pathlib import Path
from typing import Any

import common

from data_contracts.contract import load_contract

CONTRACT = load_contract()
ROWS = CONTRACT.file["max_rows"]
# tests/hostile/bombs.py's junk: Latin letters, digits of other scripts, markup, spaces
JUNK_ALPHABET = "ab1-Q٣２ <>"
JUNK_CHARS = 8
SEED = 11
GOAL_SECONDS = 10.0
GOAL_GIB = 3.0
RUNS = 3
FIRST_DATA_ROW = 2  # the spreadsheet row of the first data row, under the header


def junk_file(path: Path, rows: int = ROWS) -> Path:
    """`rows` data rows of junk in every required column, an empty note; seeded."""
    rng = random.Random(SEED)
    table = [
        ["".join(rng.choice(JUNK_ALPHABET) for _ in range(JUNK_CHARS)) for _ in range(4)] + [""]
        for _ in range(rows)
    ]
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows([CONTRACT.column_names, *table])
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def check(report: dict[str, Any]) -> None:
    """Every row rejected, by rules of the contract only."""
    rules = {r.id for r in CONTRACT.rules}
    found = {e["rule"] for e in report["errors"]}
    rows = {e["row"] for e in report["errors"]}
    if report["accepted"] or report["rows"] != ROWS or not found <= rules:
        raise common.BenchError(
            f"expected a rejection of {ROWS} rows by the contract's rules, got "
            f"accepted={report['accepted']} rows={report['rows']} rules={sorted(found)}"
        )
    if rows != set(range(FIRST_DATA_ROW, FIRST_DATA_ROW + ROWS)):
        raise common.BenchError(f"only {len(rows):,} of the {ROWS:,} rows have an error")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=RUNS, help=f"timed runs (default {RUNS})")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="pm-bench-junk-") as name:
        tmp = Path(name)
        file = junk_file(tmp / "junk.csv")
        env = common.cli_env(common.sqlite_url(tmp))
        common.prepare_db(env, common.SAMPLE_REGISTER)
        times = []
        with common.OtherLoad() as other:
            for i in range(args.runs + 1):
                run = common.run_cli(["validate", str(file), "--json"], env, ok=(1,))
                report = json.loads(run.stdout)
                check(report)
                if i:
                    times.append(run.seconds)
                print(f"  run {i or 'warm-up'}: {run.seconds:.2f} s", file=sys.stderr)
        peak_gib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 2**20
        file_bytes = file.stat().st_size
    stats = common.summary(times)
    errors, warnings = len(report["errors"]), len(report["warnings"])
    details = {
        "rows": ROWS,
        "file_bytes": file_bytes,
        "errors": errors,
        "warnings": warnings,
        "json_bytes": len(run.stdout.encode("utf-8")),
        "other_load_cores": other.cores,
    }
    command = f"prison-monitor validate junk.csv --json ({ROWS:,} rows of junk)"
    results = [
        common.result(
            f"validate {ROWS:,} rows of junk ({errors:,} errors)",
            goal=GOAL_SECONDS,
            value=stats["median"],
            unit="s",
            command=command,
            details={**stats, "runs": args.runs, "times": [round(t, 3) for t in times], **details},
        ),
        common.result(
            f"peak memory, validate {ROWS:,} rows of junk",
            goal=GOAL_GIB,
            value=round(peak_gib, 3),
            unit="GiB",
            command=f"{command} (ru_maxrss)",
            details=details,
        ),
    ]
    return common.finish("junk.json", results)


if __name__ == "__main__":
    common.run_main(main)
