"""Benchmark: `prison-monitor validate FILE --json`, the whole process, small and largest file.

Why this exists: a prison director checks one file of 18 rows before sending
it, and a ministry operator checks back-fills of up to the contract's limit of
100,000 rows; both wait for the whole command, Python start-up and the import
of Great Expectations included. The goals are 3 s for one prison-quarter and
6 s for 100,000 rows. Both files must be *accepted* (asserted on every run),
so the time is that of every check, not of an early rejection.

Each case: one warm-up run (fills the OS file cache), then RUNS timed runs;
the result is the median, with the max beside it. Writes results/validate.json.

    .venv/bin/python benchmarks/bench_validate.py [--runs N]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

import common
import synthetic

SMALL_FILE = common.PROJECT / "sample_data" / "submissions" / "NM-WFP_2026-Q3.csv"
LARGE_ROWS = 100_000
GOAL_SMALL = 3.0
GOAL_LARGE = 6.0
RUNS = 7


def measure(
    name: str, file: Path, rows: int, register: Path, goal: float, runs: int, tmp: Path
) -> dict[str, Any]:
    db = Path(tempfile.mkdtemp(prefix="db-", dir=tmp))
    env = common.cli_env(common.sqlite_url(db))
    common.prepare_db(env, register)
    args = ["validate", str(file), "--json"]
    times = []
    with common.OtherLoad() as other:
        for i in range(runs + 1):
            run = common.run_cli(args, env)
            report = json.loads(run.stdout)
            if report["accepted"] is not True or report["rows"] != rows:
                raise common.BenchError(
                    f"{file.name}: expected an accepted report of {rows} rows, got "
                    f"accepted={report['accepted']} rows={report['rows']} "
                    f"errors={report['errors'][:3]}"
                )
            if i:  # the first run is the warm-up
                times.append(run.seconds)
            print(f"  {name} run {i or 'warm-up'}: {run.seconds:.2f} s", file=sys.stderr)
    stats = common.summary(times)
    return common.result(
        name,
        goal=goal,
        value=stats["median"],
        unit="s",
        command=f"prison-monitor validate {file.name} --json",
        details={
            **stats,
            "runs": runs,
            "times": [round(t, 3) for t in times],
            "rows": rows,
            "file_bytes": file.stat().st_size,
            "warnings": len(report["warnings"]),
            "other_load_cores": other.cores,
        },
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=RUNS, help=f"timed runs (default {RUNS})")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="pm-bench-validate-") as name:
        tmp = Path(name)
        small = measure(
            "validate one prison-quarter (18 rows)",
            SMALL_FILE,
            18,
            common.SAMPLE_REGISTER,
            GOAL_SMALL,
            args.runs,
            tmp,
        )
        register, large_file, written = synthetic.write_bench_set(tmp / "data", LARGE_ROWS)
        large = measure(
            f"validate {written:,} rows",
            large_file,
            written,
            register,
            GOAL_LARGE,
            args.runs,
            tmp,
        )
    results = [small, large]
    return common.finish("validate.json", results)


if __name__ == "__main__":
    common.run_main(main)
