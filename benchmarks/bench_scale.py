"""A federal system's scale: 2,000 prisons x 40 quarters (1.44 or 3.28 million values).

Why this exists: the product must keep its promises when it grows from one
country's prisons to thousands. This script generates the data set (a
register of 2,000 fictional prisons, seeded, through benchmarks/synthetic.py):
with `--modules core` (the default, v1's size) 16 files of 90,000 rows of the
core module's 18 elements; with `--modules all` (v2's size, issue 12) every
prison reports every module, 40 files of 82,000 rows. It then measures, as
whole processes:

- `prison-monitor ingest` of all the files in one command, `--runs` times
  (default 3), each into a fresh database (goal: at least 50,000 rows/s,
  i.e. the 1.44 M rows in at most 28.8 s; the median counts);
- the bare cost of storing the same rows (BARE_STORE: Polars reads the files,
  sqlite3 inserts them in one transaction into a table keyed by prison,
  quarter and element), and the ratio of the ingest to it (goal: within 5x);
- `prison-monitor indicators` writing the full prison-level table (all ten
  indicators, every prison and quarter) to Parquet, database read included
  (goal: at most 3 s), and its peak memory (goal: at most 2 GiB);
- a bare Polars script computing the same values (every indicator of the
  registry, null where the files lack its elements) from the CSV files, and the
  ratio of the two (goal: the product within 3x);
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
from synthetic import ALL_MODULES, elements_per_quarter, write_scale_set

PRISONS, QUARTERS = 2000, 40
# --modules: (files, the synthetic modules, the words in the results' names); each file stays
# under the contract's 100,000 rows (125 x 40 x 18 = 90,000; 50 x 40 x 41 = 82,000)
SCALES = {"core": (16, (), "core module"), "all": (40, ALL_MODULES, "every module")}
GOAL_ROWS_PER_SECOND = 50_000
GOAL_TABLE_SECONDS = 3.0
GOAL_TABLE_RATIO = 3.0
GOAL_STORE_RATIO = 5.0
GOAL_TABLE_GIB = 2.0

BARE_STORE = r"""
import sqlite3, sys, polars as pl
db, files = sys.argv[1], sys.argv[2:]
conn = sqlite3.connect(db)
conn.execute("CREATE TABLE value (prison_code TEXT, period TEXT, data_element TEXT, "
             "value REAL, note TEXT, PRIMARY KEY (prison_code, period, data_element))")
with conn:
    for f in files:
        frame = pl.read_csv(f, schema_overrides={"value": pl.Float64, "note": pl.String})
        conn.executemany("INSERT INTO value VALUES (?, ?, ?, ?, ?)", frame.iter_rows())
conn.close()
"""

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
def col(name):  # an element no file reports (a module nobody sends): every value null
    return pl.col(name) if name in wide.columns else pl.lit(None, dtype=pl.Float64)
for ind in load_registry():
    den = col(ind.denominator)
    out.append(wide.select("prison_code", "period", pl.lit(ind.id).alias("indicator"),
        pl.when(den > 0).then(col(ind.numerator) / den * ind.multiplier).alias("value")))
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


def time_bare_store(folder: Path, files: list[str], runs: int) -> list[float]:
    """BARE_STORE `runs` times, each into a new SQLite file."""
    script = folder / "bare_store.py"
    script.write_text(BARE_STORE)
    times = []
    for run in range(runs):
        db = folder / f"bare_{run}.sqlite"
        started = time.perf_counter()
        subprocess.run([sys.executable, str(script), str(db), *files], check=True)
        times.append(time.perf_counter() - started)
        db.unlink()
        print(f"  bare store run {run + 1}: {times[-1]:.2f} s", file=sys.stderr)
    return times


def ingest_result(
    label: str, times: list[float], rows: int, command: str, **extra: str
) -> dict[str, object]:
    """The ingest result of one database: the median of the runs against 50,000 rows/s."""
    seconds = statistics.median(times)
    return result(
        f"ingest 2,000 prisons x 40 quarters ({label})",
        goal=round(rows / GOAL_ROWS_PER_SECOND, 1),
        value=round(seconds, 2),
        unit="s",
        command=command,
        details={
            "rows": rows,
            "rows_per_second": round(rows / seconds),
            "goal_rows_per_second": GOAL_ROWS_PER_SECOND,
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
    parser.add_argument(
        "--modules",
        choices=sorted(SCALES),
        default="core",
        help="core: v1's size, 1.44 M values (default); all: every module, 3.28 M values",
    )
    args = parser.parse_args()
    n_files, modules, words = SCALES[args.modules]
    with tempfile.TemporaryDirectory(prefix="pm-scale-") as tmp:
        folder = Path(tmp)
        print(f"writing {n_files} files ({words}) ...", file=sys.stderr)
        register, paths = write_scale_set(folder, PRISONS, QUARTERS, n_files, modules)
        files = [str(path) for path in paths]
        rows = PRISONS * QUARTERS * elements_per_quarter(modules)
        scale = f"{n_files} files, {rows / 1e6:.2f} M rows, {words}"

        def sqlite_env(run: int) -> dict[str, str]:
            db = folder / f"db{run}"
            db.mkdir()
            return cli_env(sqlite_url(db))

        ingest_times, env = time_ingests(sqlite_env, register, files, args.runs, "SQLite")
        bare_store = time_bare_store(folder, files, args.runs)
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
    ingest, stored = statistics.median(ingest_times), statistics.median(bare_store)
    tag = "" if args.modules == "core" else f", {words}"
    results = [
        ingest_result(
            f"{scale}, SQLite",
            ingest_times,
            rows,
            f"prison-monitor ingest scale_01.csv ... scale_{n_files:02d}.csv --user bench",
        ),
        result(
            f"ingest vs bare storing of the same rows (ratio{tag})",
            goal=GOAL_STORE_RATIO,
            value=round(ingest / stored, 2),
            unit="x",
            command="benchmarks/bench_scale.py (BARE_STORE: Polars reads, sqlite3 inserts)",
            details={
                "bare_store_seconds": round(stored, 2),
                "bare_store_times": [round(t, 2) for t in bare_store],
                "ingest_seconds": round(ingest, 2),
            },
        ),
        result(
            f"indicators: full prison-level table, 2,000 x 40{tag} (database read included)",
            goal=GOAL_TABLE_SECONDS,
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
            f"indicators vs bare Polars from the CSV files (ratio{tag})",
            goal=GOAL_TABLE_RATIO,
            value=round(product / baseline, 2),
            unit="x",
            command="benchmarks/bench_scale.py (BARE_POLARS)",
            details={
                "bare_polars_seconds": round(statistics.median(bare_times), 2),
                "product_seconds": round(product, 2),
            },
        ),
        result(
            f"indicators: peak memory, 2,000 x 40{tag}",
            goal=GOAL_TABLE_GIB,
            value=round(max(peaks), 2),
            unit="GiB",
            command="prison-monitor indicators --format parquet (ru_maxrss)",
            details={"runs": args.runs},
        ),
    ]
    if pg_times:
        results += [
            ingest_result(
                f"{scale}, PostgreSQL",
                pg_times,
                rows,
                "PRISON_MONITOR_BENCH_PG_URL=... benchmarks/bench_scale.py",
                database="PostgreSQL on the same machine (its server shares the cores)",
                max_wal_size=postgres_setting(args.pg_url, "max_wal_size"),
            ),
            result(
                f"indicators: full prison-level table, 2,000 x 40{tag}, PostgreSQL (ADBC)",
                goal=GOAL_TABLE_SECONDS,
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
    write_results("scale.json" if args.modules == "core" else "scale_all.json", results)
    print_table(results)
    return 0 if all(r["passed"] for r in results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
