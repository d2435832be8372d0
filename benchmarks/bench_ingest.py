"""Benchmark: `prison-monitor ingest FILE --user bench --json` of 100,000 rows on SQLite.

Why this exists: a ministry back-fill loads files of up to the contract's limit
of 100,000 rows (about 5,556 prison-quarters); storing one must stay within
6 s for the whole command, Python start-up, the checks and the writes
included. Each run gets a fresh SQLite database (schema, the synthetic register
of 300 prisons and a ministry account, none of it timed), so no run pays for or
profits from an earlier one, and nothing is superseded. After each run the
report must say the file was stored as one submission per prison-quarter, and
`prison-monitor history --json` must list exactly that many current
submissions; otherwise the script stops without a result.

One warm-up run (fills the OS file cache), then RUNS timed runs; the result is
the median, with the max and rows/s beside it. Writes results/ingest.json.

    .venv/bin/python benchmarks/bench_ingest.py [--runs N]
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

import common
import synthetic

ROWS = 100_000
GOAL = 6.0
RUNS = 3


def prison_quarters(path: Path) -> int:
    with open(path, newline="", encoding="utf-8") as fh:
        return len({(r["prison_code"], r["period"]) for r in csv.DictReader(fh)})


def ingest_once(register: Path, file: Path, rows: int, expected: int, tmp: Path) -> float:
    db = Path(tempfile.mkdtemp(prefix="db-", dir=tmp))
    env = common.cli_env(common.sqlite_url(db))
    common.prepare_db(env, register, user=True)
    run = common.run_cli(["ingest", str(file), "--user", common.BENCH_USER, "--json"], env)
    outcome = json.loads(run.stdout)
    if not (outcome["stored"] and outcome["accepted"] and outcome["rows"] == rows):
        raise common.BenchError(
            f"{file.name} was not stored whole: stored={outcome['stored']} "
            f"rows={outcome['rows']} refusal={outcome['refusal']} errors={outcome['errors'][:3]}"
        )
    if len(outcome["submission_ids"]) != expected:
        raise common.BenchError(
            f"expected {expected} submissions, the report names {len(outcome['submission_ids'])}"
        )
    history = json.loads(common.run_cli(["history", "--json"], env).stdout)
    statuses = Counter(entry["status"] for entry in history)
    if statuses != Counter({"current": expected}):
        raise common.BenchError(f"expected {expected} current submissions, history has {statuses}")
    return run.seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=RUNS, help=f"timed runs (default {RUNS})")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="pm-bench-ingest-") as name:
        tmp = Path(name)
        register, file, rows = synthetic.write_bench_set(tmp / "data", ROWS)
        expected = prison_quarters(file)
        times = []
        with common.OtherLoad() as other:
            for i in range(args.runs + 1):
                seconds = ingest_once(register, file, rows, expected, tmp)
                if i:  # the first run is the warm-up
                    times.append(seconds)
                print(f"  ingest run {i or 'warm-up'}: {seconds:.2f} s", file=sys.stderr)
        file_bytes = file.stat().st_size
    stats = common.summary(times)
    details: dict[str, Any] = {
        **stats,
        "runs": args.runs,
        "times": [round(t, 3) for t in times],
        "rows": rows,
        "file_bytes": file_bytes,
        "submissions_current": expected,
        "rows_per_second": round(rows / stats["median"]),
        "database": "SQLite, fresh file per run",
        "other_load_cores": other.cores,
    }
    results = [
        common.result(
            f"ingest {rows:,} rows (SQLite)",
            goal=GOAL,
            value=stats["median"],
            unit="s",
            command=f"prison-monitor ingest submission_{rows}.csv --user bench --json",
            details=details,
        )
    ]
    print(f"{details['rows_per_second']:,} rows/s; {expected:,} submissions current")
    return common.finish("ingest.json", results)


if __name__ == "__main__":
    common.run_main(main)
