"""What every benchmark script shares: running the CLI, timing it, describing the machine.

Why this exists: each `bench_*.py` must run alone and must write its result in
one JSON shape that `run_all.py` turns into the README table, so the shape,
the machine description and the way a command is timed live here once.
Timings are wall-clock times of the whole `prison-monitor` process
(`time.perf_counter` around `subprocess.run`), because that is what a user
waits for: Python start-up and imports included.
"""

from __future__ import annotations

import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NoReturn

BENCH_DIR = Path(__file__).resolve().parent
PROJECT = BENCH_DIR.parent
RESULTS_DIR = BENCH_DIR / "results"
VENV_BIN = Path(sys.executable).parent
CLI = str(VENV_BIN / "prison-monitor")
SAMPLE_REGISTER = PROJECT / "sample_data" / "prisons.csv"
BENCH_USER = "bench"
# At least 15 characters and not a common password (store.accounts.check_password).
BENCH_PASSWORD = "benchmark-account-of-prison-monitor"
try:  # taken when a benchmark script starts, before it loads the machine itself
    LOAD_AT_START: float | None = round(os.getloadavg()[0], 2)
except OSError:
    LOAD_AT_START = None
# Above this many cores kept busy by other processes, a result is marked as measured on a
# busy machine (its times are pessimistic).
BUSY_THRESHOLD = 0.5
# No single command may take longer than this; a benchmark that hangs stops with an error.
COMMAND_TIMEOUT = 300


class BenchError(RuntimeError):
    """A benchmark could not measure what it claims to (a command failed, a verdict was wrong)."""


@dataclass
class Run:
    seconds: float
    stdout: str
    stderr: str
    returncode: int


def cli_env(db_url: str) -> dict[str, str]:
    """The environment of a CLI run: this one, plus the database, never a debug switch."""
    env = dict(os.environ)
    env["PRISON_MONITOR_DB"] = db_url
    env.pop("PRISON_MONITOR_DEBUG", None)
    return env


def sqlite_url(folder: Path) -> str:
    return f"sqlite:///{folder / 'pm.db'}"


def run_cli(
    args: Sequence[str], env: dict[str, str], *, stdin: str | None = None, ok: Sequence[int] = (0,)
) -> Run:
    """Run `prison-monitor ARGS` as its own process and time it with the wall clock."""
    start = time.perf_counter()
    try:
        done = subprocess.run(
            [CLI, *args],
            capture_output=True,
            text=True,
            env=env,
            input=stdin,
            cwd=PROJECT,
            timeout=COMMAND_TIMEOUT,
        )
    except subprocess.TimeoutExpired as exc:
        raise BenchError(f"'prison-monitor {' '.join(args)}' ran over {exc.timeout} s") from exc
    seconds = time.perf_counter() - start
    if done.returncode not in ok:
        raise BenchError(
            f"'prison-monitor {' '.join(args)}' exited {done.returncode}: "
            f"{done.stderr.strip() or done.stdout.strip()[:500]}"
        )
    return Run(seconds, done.stdout, done.stderr, done.returncode)


def prepare_db(env: dict[str, str], register: Path, *, user: bool = False) -> None:
    """A fresh database: schema, the register and (if asked) a ministry account."""
    run_cli(["init"], env)
    run_cli(["prisons", "import", str(register)], env)
    if user:
        run_cli(
            ["users", "add", BENCH_USER, "--role", "ministry", "--password-stdin"],
            env,
            stdin=BENCH_PASSWORD + "\n",
        )


class OtherLoad:
    """How many CPU cores, on average, other processes kept busy while measuring.

    Busy time of the whole machine (/proc/stat, steal included) minus the CPU
    time of this script and the commands it ran. Near 0: the machine was ours;
    near the core count: the timings are pessimistic. None where /proc is absent.
    """

    def __init__(self) -> None:
        self.cores: float | None = None

    @staticmethod
    def _machine_busy() -> float | None:
        try:
            with open("/proc/stat", encoding="ascii") as fh:
                values = [int(v) for v in fh.readline().split()[1:9]]
        except (OSError, ValueError):
            return None
        idle = values[3] + values[4]  # idle and iowait
        return (sum(values) - idle) / os.sysconf("SC_CLK_TCK")

    @staticmethod
    def _own() -> float:
        me = resource.getrusage(resource.RUSAGE_SELF)
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        return me.ru_utime + me.ru_stime + children.ru_utime + children.ru_stime

    def __enter__(self) -> OtherLoad:
        self._start = (time.perf_counter(), self._machine_busy(), self._own())
        return self

    def __exit__(self, *exc: object) -> None:
        wall0, busy0, own0 = self._start
        busy1 = self._machine_busy()
        if busy0 is None or busy1 is None:
            return
        wall = time.perf_counter() - wall0
        other = (busy1 - busy0) - (self._own() - own0)
        self.cores = round(max(0.0, other) / wall, 2) if wall > 0 else None


def busy_cores(seconds: float = 2.0) -> float | None:
    """How many cores the whole machine keeps busy right now, sampled over `seconds`."""
    before = OtherLoad._machine_busy()
    time.sleep(seconds)
    after = OtherLoad._machine_busy()
    return None if before is None or after is None else round((after - before) / seconds, 2)


def wait_for_quiet(limit: float, threshold: float = BUSY_THRESHOLD) -> float | None:
    """Wait (at most `limit` seconds) until other processes keep under `threshold` cores busy."""
    deadline = time.monotonic() + limit
    while True:
        busy = busy_cores()
        if busy is None or busy < threshold or time.monotonic() >= deadline:
            return busy
        print(f"  waiting for a quiet machine ({busy} cores busy)", file=sys.stderr, flush=True)
        time.sleep(8)


def summary(times: Sequence[float]) -> dict[str, float]:
    return {
        "median": round(statistics.median(times), 3),
        "max": round(max(times), 3),
        "min": round(min(times), 3),
    }


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _memory_gib() -> float | None:
    try:
        with open("/proc/meminfo", encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("MemTotal:"):
                    return round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return None


def machine() -> dict[str, Any]:
    """The machine the numbers come from.

    `load_average_1m` is the 1-minute load average when the script started,
    before it ran anything: above 0.5 or so, other work shared the CPUs and
    the times are pessimistic.
    """
    return {
        "cpu": _cpu_model(),
        "cores": os.cpu_count(),
        "memory_gib": _memory_gib(),
        "python": platform.python_version(),
        "load_average_1m": LOAD_AT_START,
    }


def result(
    name: str,
    *,
    goal: float,
    value: float,
    unit: str,
    command: str,
    details: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """One benchmark's result in the shape `run_all.py` reads; `passed` is value <= goal."""
    return {
        "name": name,
        "goal": goal,
        "value": round(value, 3),
        "unit": unit,
        "passed": value <= goal,
        "command": command,
        "machine": machine(),
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        **({"details": details} if details else {}),
    }


def write_results(file_name: str, results: list[dict[str, Any]]) -> Path:
    """Write one script's results (a list, one object per measured case) to results/."""
    RESULTS_DIR.mkdir(exist_ok=True)
    path = RESULTS_DIR / file_name
    path.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def finish(file_name: str, results: list[dict[str, Any]]) -> int:
    """Write the results, print their table and where they went; the exit status (0: all met)."""
    path = write_results(file_name, results)
    print_table(results)
    print(f"written to {path.relative_to(PROJECT)}")
    return 0 if all(r["passed"] for r in results) else 1


def run_main(main: Callable[[], int]) -> NoReturn:
    """A benchmark script's entry: its exit status, or 2 with one sentence when it failed."""
    try:
        sys.exit(main())
    except BenchError as exc:
        print(f"benchmark failed: {exc}", file=sys.stderr)
        sys.exit(2)


def print_table(results: list[dict[str, Any]]) -> None:
    rows = [("benchmark", "median", "max", "goal", "met")]
    for r in results:
        d = r.get("details", {})
        rows.append(
            (
                r["name"],
                f"{r['value']:.2f} {r['unit']}",
                f"{d['max']:.2f} {r['unit']}" if "max" in d else "",
                f"<= {r['goal']:g} {r['unit']}",
                "yes" if r["passed"] else "NO",
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())
