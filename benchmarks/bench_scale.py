"""A federal system's scale: 2,000 prisons x 40 quarters (1.44 million values).

Why this exists: the product must keep its promises when it grows from one
country's prisons to thousands. This script generates the data set (a
register of 2,000 fictional prisons and 16 files of 90,000 rows, seeded,
through benchmarks/synthetic.py), then measures, as whole processes:

- `prison-monitor ingest` of all 16 files in one command (goal: at least
  50,000 rows/s, i.e. the 1.44 M rows in at most 28.8 s);
- `prison-monitor indicators` writing the full prison-level table (all ten
  indicators, every prison and quarter) to Parquet, database read included
  (goal: at most 3 s), and its peak memory (goal: at most 2 GiB);
- a bare Polars script computing the same ten values from the 16 CSV files,
  and the ratio of the two (goal: the product within 3x).
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import (
    BENCH_USER,
    CLI,
    cli_env,
    prepare_db,
    print_table,
    result,
    sqlite_url,
    write_results,
)
from synthetic import write_scale_set

PRISONS, QUARTERS, FILES = 2000, 40, 16
ROWS_PER_FILE = PRISONS // FILES * QUARTERS * 18  # 90,000

BARE_POLARS = r"""
import sys, polars as pl
from indicators.registry import load_registry
files = sys.argv[1:]
values = pl.concat([pl.read_csv(f, schema_overrides={"value": pl.Float64, "note": pl.String})
                    for f in files])
wide = values.pivot(on="data_element", index=["prison_code", "period"], values="value")
year = pl.col("period").str.slice(0, 4).cast(pl.Int64)
q = pl.col("period").str.slice(6, 1).cast(pl.Int64)
leap = ((year % 4 == 0) & (year % 100 != 0)) | (year % 400 == 0)
days = (pl.when(q == 1).then(pl.when(leap).then(91).otherwise(90))
        .when(q == 2).then(91).otherwise(92))
wide = wide.with_columns((pl.col("population_average") * days / 365.25).alias("person_years"))
out = []
for ind in load_registry():
    den = pl.col(ind.denominator)
    out.append(wide.select("prison_code", "period", pl.lit(ind.id).alias("indicator"),
        pl.when(den > 0).then(pl.col(ind.numerator) / den * ind.multiplier).alias("value")))
pl.concat(out).write_parquet(sys.argv[0] + ".parquet")
"""


def peak_rss_gib_of(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall time and peak resident memory (GiB) of one child process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command[:3])} failed: {done.stderr.strip()[-500:]}")
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return seconds, max(peak, before) / 2**20


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="pm-scale-") as tmp:
        folder = Path(tmp)
        register, paths = write_scale_set(folder, PRISONS, QUARTERS, FILES)
        files = [str(path) for path in paths]
        env = cli_env(sqlite_url(folder))
        prepare_db(env, register, user=True)
        rows = FILES * ROWS_PER_FILE
        started = time.perf_counter()
        done = subprocess.run(
            [CLI, "ingest", *files, "--user", BENCH_USER],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        ingest_seconds = time.perf_counter() - started
        if done.returncode != 0:
            raise SystemExit(f"ingest failed: {done.stdout[-800:]} {done.stderr[-800:]}")
        out = folder / "table.parquet"
        command = [CLI, "indicators", "--format", "parquet", "--output", str(out)]
        subprocess.run(command, env=env, capture_output=True, check=True)  # warm-up
        times, peaks = [], []
        for _ in range(args.runs):
            seconds, peak = peak_rss_gib_of(command, env)
            times.append(seconds)
            peaks.append(peak)
        import polars as pl

        table_rows = pl.read_parquet(out).height
        script = folder / "bare.py"
        script.write_text(BARE_POLARS)
        bare = [sys.executable, str(script), *files]
        subprocess.run(bare, env=env, capture_output=True, check=True)
        bare_times = []
        for _ in range(args.runs):
            started = time.perf_counter()
            subprocess.run(bare, env=env, capture_output=True, check=True)
            bare_times.append(time.perf_counter() - started)
    product, baseline = statistics.median(times), statistics.median(bare_times)
    results = [
        result(
            "ingest 2,000 prisons x 40 quarters (16 files, 1.44 M rows, SQLite)",
            goal=round(rows / 50_000, 1),
            value=round(ingest_seconds, 2),
            unit="s",
            command="prison-monitor ingest scale_01.csv ... scale_16.csv --user bench",
            details={
                "rows": rows,
                "rows_per_second": round(rows / ingest_seconds),
                "goal_rows_per_second": 50_000,
                "runs": 1,
            },
        ),
        result(
            "indicators: full prison-level table, 2,000 x 40 (database read included)",
            goal=3.0,
            value=round(product, 2),
            unit="s",
            command="prison-monitor indicators --format parquet --output table.parquet",
            details={
                "median": round(product, 2),
                "max": round(max(times), 2),
                "runs": args.runs,
                "rows": table_rows,
            },
        ),
        result(
            "indicators vs bare Polars from the CSV files (ratio)",
            goal=3.0,
            value=round(product / baseline, 2),
            unit="x",
            command="benchmarks/bench_scale.py (BARE_POLARS)",
            details={
                "bare_polars_seconds": round(statistics.median(bare_times), 2),
                "product_seconds": round(product, 2),
            },
        ),
        result(
            "indicators: peak memory, 2,000 x 40",
            goal=2.0,
            value=round(max(peaks), 2),
            unit="GiB",
            command="prison-monitor indicators --format parquet (ru_maxrss)",
            details={"runs": args.runs},
        ),
    ]
    write_results("scale.json", results)
    print_table(results)
    return 0 if all(r["passed"] for r in results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
