"""A federal system's scale: 2,000 prisons x 40 quarters (1.44 million values).

Why this exists: the product must keep its promises when it grows from one
country's prisons to thousands. This script generates the data set (a
register of 2,000 fictional prisons and 16 files of 90,000 rows, seeded,
through benchmarks/synthetic.py), then measures, as whole processes:

- `prison-monitor ingest` of all 16 files in one command, `--runs` times
  (default 3), each into a fresh database (goal: at least 50,000 rows/s,
  i.e. the 1.44 M rows in at most 28.8 s; the median counts);
- `prison-monitor indicators` writing the full prison-level table (all ten
  indicators, every prison and quarter) to Parquet, database read included
  (goal: at most 3 s), and its peak memory (goal: at most 2 GiB);
- a bare Polars script computing the same ten values from the 16 CSV files,
  and the ratio of the two (goal: the product within 3x);
- with `--pg-url` (or PRISON_MONITOR_BENCH_PG_URL), the same ingest and
  indicator table on PostgreSQL too. That database is EMPTIED before each run
  (its public schema dropped): give it one of its own.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
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


def fresh_postgres(url: str) -> dict[str, str]:
    """The bench database emptied (its public schema dropped and made again): never point
    this at a database whose data matter."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    return cli_env(url)


def postgres_setting(url: str, name: str) -> str:
    """A server setting that changes bulk-load times (checkpoints: max_wal_size)."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.connect() as conn:
        value = str(conn.execute(text(f"SHOW {name}")).scalar())
    engine.dispose()
    return value


def time_ingests(
    make_env: Callable[[int], dict[str, str]],
    register: Path,
    files: list[str],
    runs: int,
    label: str,
) -> tuple[list[float], dict[str, str]]:
    """`ingest` of all files, `runs` times, each into a fresh database; the times, and the
    environment of the last database (kept for the indicator runs)."""
    times = []
    for run in range(runs):
        env = make_env(run)
        prepare_db(env, register, user=True)
        started = time.perf_counter()
        done = subprocess.run(
            [CLI, "ingest", *files, "--user", BENCH_USER],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        times.append(time.perf_counter() - started)
        if done.returncode != 0:
            raise SystemExit(f"ingest failed: {done.stdout[-800:]} {done.stderr[-800:]}")
        print(f"  ingest run {run + 1} ({label}): {times[-1]:.2f} s", file=sys.stderr)
    return times, env


def ingest_result(
    label: str, times: list[float], rows: int, command: str, **extra: str
) -> dict[str, object]:
    """The ingest result of one database: the median of the runs against 50,000 rows/s."""
    seconds = statistics.median(times)
    return result(
        f"ingest 2,000 prisons x 40 quarters (16 files, 1.44 M rows, {label})",
        goal=round(rows / 50_000, 1),
        value=round(seconds, 2),
        unit="s",
        command=command,
        details={
            "rows": rows,
            "rows_per_second": round(rows / seconds),
            "goal_rows_per_second": 50_000,
            "runs": len(times),
            "median": round(seconds, 2),
            "max": round(max(times), 2),
            "times": [round(t, 2) for t in times],
            **extra,
        },
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--pg-url",
        default=os.environ.get("PRISON_MONITOR_BENCH_PG_URL"),
        help="also measure on this PostgreSQL database, which is EMPTIED before each run "
        "(default: $PRISON_MONITOR_BENCH_PG_URL; none: SQLite only)",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="pm-scale-") as tmp:
        folder = Path(tmp)
        register, paths = write_scale_set(folder, PRISONS, QUARTERS, FILES)
        files = [str(path) for path in paths]
        rows = FILES * ROWS_PER_FILE

        def sqlite_env(run: int) -> dict[str, str]:
            db = folder / f"db{run}"
            db.mkdir()
            return cli_env(sqlite_url(db))

        ingest_times, env = time_ingests(sqlite_env, register, files, args.runs, "SQLite")
        pg_times: list[float] = []
        pg_table: list[float] = []
        if args.pg_url:
            pg_times, pg_env = time_ingests(
                lambda run: fresh_postgres(args.pg_url), register, files, args.runs, "PostgreSQL"
            )
            out = folder / "pg_table.parquet"
            command = [CLI, "indicators", "--format", "parquet", "--output", str(out)]
            subprocess.run(command, env=pg_env, capture_output=True, check=True)  # warm-up
            pg_table = [peak_rss_gib_of(command, pg_env)[0] for _ in range(args.runs)]
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
        ingest_result(
            "SQLite",
            ingest_times,
            rows,
            "prison-monitor ingest scale_01.csv ... scale_16.csv --user bench",
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
    if pg_times:
        results += [
            ingest_result(
                "PostgreSQL",
                pg_times,
                rows,
                "PRISON_MONITOR_BENCH_PG_URL=... benchmarks/bench_scale.py",
                database="PostgreSQL on the same machine (its server shares the cores)",
                max_wal_size=postgres_setting(args.pg_url, "max_wal_size"),
            ),
            result(
                "indicators: full prison-level table, 2,000 x 40, PostgreSQL (read through ADBC)",
                goal=3.0,
                value=round(statistics.median(pg_table), 2),
                unit="s",
                command="prison-monitor indicators --format parquet (PostgreSQL)",
                details={
                    "median": round(statistics.median(pg_table), 2),
                    "max": round(max(pg_table), 2),
                    "runs": args.runs,
                },
            ),
        ]
    write_results("scale.json", results)
    print_table(results)
    return 0 if all(r["passed"] for r in results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
