"""The dashboard benchmarks' server side: the data set of each scale, stored by the project's
own commands, and `prison-monitor serve` started on it as its own process (its CPU time and
memory read from /proc). bench_dashboard.py and bench_load.py drive browsers against it.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import common
import synthetic

sys.path.insert(0, str(common.PROJECT / "tests" / "browser"))
import chromium  # Debian's chromium, a free port and the health check, shared with the tests

START_DEADLINE = 240.0  # seconds for `serve --demo` to load the sample data and answer
LARGE_QUARTERS = 40
LARGE_USER = "ministry"


@dataclass
class Scale:
    key: str
    label: str
    user: str
    password: str
    db_url: str
    demo: bool
    facts: dict[str, Any]


def _processes() -> dict[int, tuple[int, str, list[str]]]:
    """Every process from /proc: pid -> (parent pid, command name, the fields of its stat
    after the name, so that fields[0] is stat's third field)."""
    table: dict[int, tuple[int, str, list[str]]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as fh:
                text = fh.read()
        except OSError:
            continue
        fields = text.rsplit(")", 1)[1].split()
        table[int(entry)] = (int(fields[1]), text[text.index("(") + 1 : text.rindex(")")], fields)
    return table


def _tree(root: int) -> dict[int, tuple[int, str, list[str]]]:
    """`root` and every living descendant of it, as _processes() gives them."""
    table = _processes()
    tree = {}
    for pid, process in table.items():
        p, seen = pid, 0
        while p and p != root and seen < 64:
            p, seen = table[p][0] if p in table else 0, seen + 1
        if p == root:
            tree[pid] = process
    return tree


def tree_cpu(root: int) -> float:
    """CPU seconds used so far by process `root` and every living descendant, from /proc."""
    ticks = os.sysconf("SC_CLK_TCK")
    # utime, stime, cutime, cstime (the last two: children already reaped)
    return sum(sum(int(v) for v in f[11:15]) for _, _, f in _tree(root).values()) / ticks


def server_memory(root: int) -> dict[str, int]:
    """Resident memory (MiB) of the dashboard's process tree, by kind: the Python processes
    (`prison-monitor serve` and the Streamlit server it starts) and the headless chromium
    that makes exported images; from /proc."""
    page = os.sysconf("SC_PAGE_SIZE")
    kinds = {"python": 0, "chromium": 0}
    for _, name, fields in _tree(root).values():
        # field 24 of stat: resident pages
        kinds["chromium" if "chrom" in name else "python"] += int(fields[21]) * page
    return {kind: size // 2**20 for kind, size in kinds.items()}


class TreeLoad:
    """How many CPU cores processes other than this script, its server and its browser used.

    Like common.OtherLoad, but it also subtracts the CPU time of the processes this script
    started and that are still running (the dashboard, chromium), read from /proc.
    """

    def __init__(self) -> None:
        self.cores: float | None = None

    @staticmethod
    def _tree_cpu() -> float:
        return tree_cpu(os.getpid())

    def __enter__(self) -> TreeLoad:
        self._start = (time.perf_counter(), common.OtherLoad._machine_busy(), self._tree_cpu())
        return self

    def __exit__(self, *exc: object) -> None:
        wall0, busy0, own0 = self._start
        busy1 = common.OtherLoad._machine_busy()
        if busy0 is None or busy1 is None:
            return
        wall = time.perf_counter() - wall0
        other = (busy1 - busy0) - (self._tree_cpu() - own0)
        self.cores = round(max(0.0, other) / wall, 2) if wall > 0 else None


# ---------------------------------------------------------------- the server


@contextmanager
def dashboard(scale: Scale, log: Path, cpus: set[int] | None = None) -> Iterator[tuple[str, int]]:
    """`prison-monitor serve` on a free port as its own process group; yields its URL and
    process id. `cpus`: the cores the server may run on (none given: any)."""
    port = chromium.free_port()
    args = [common.CLI, "serve", "--port", str(port), "--address", "127.0.0.1"]
    if scale.demo:
        args.append("--demo")
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            args,
            cwd=common.PROJECT,
            env=common.cli_env(scale.db_url),
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=(lambda: os.sched_setaffinity(0, cpus)) if cpus else None,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_DEADLINE
        while not chromium.healthy(url + "/_stcore/health"):
            if proc.poll() is not None:
                raise common.BenchError(
                    f"prison-monitor serve exited {proc.returncode}: {_tail(log)}"
                )
            if time.monotonic() > deadline:
                raise common.BenchError(f"the dashboard did not answer in {START_DEADLINE:.0f} s")
            time.sleep(0.5)
        yield url, proc.pid
    finally:
        _stop(proc)
    if "Traceback" in log.read_text(encoding="utf-8", errors="replace"):
        raise common.BenchError(f"the dashboard logged an error: {_tail(log)}")


def _tail(log: Path, chars: int = 3000) -> str:
    return log.read_text(encoding="utf-8", errors="replace")[-chars:]


def _stop(proc: subprocess.Popen[bytes]) -> None:
    for sig, wait in ((signal.SIGTERM, 15), (signal.SIGKILL, 15)):
        if proc.poll() is not None:
            return
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=wait)
        except subprocess.TimeoutExpired:
            continue


# ---------------------------------------------------------------- the data


def sample_scale(tmp: Path) -> Scale:
    folder = tmp / "sample"
    folder.mkdir()
    return Scale(
        key="sample",
        label="sample data: 24 prisons x 12 quarters",
        user="ministry",
        password="demo",
        db_url=common.sqlite_url(folder),
        demo=True,
        facts={"database": "SQLite, `serve --demo` (init --sample) on an empty file"},
    )


def stored_scale(
    tmp: Path,
    key: str,
    prisons: int,
    files: int,
    modules: Any = (),
    periods: list[str] | None = None,
) -> Scale:
    """`prisons` x 40 quarters in `files` files, stored by the project's own commands (untimed);
    the quarters are synthetic.quarters(40) (from 2000-Q1) unless `periods` names them."""
    folder = tmp / key
    folder.mkdir()
    started = time.perf_counter()
    register, paths = synthetic.write_scale_set(
        folder, prisons, LARGE_QUARTERS, files, modules, periods
    )
    env = common.cli_env(common.sqlite_url(folder))
    common.run_cli(["init"], env)
    common.run_cli(["prisons", "import", str(register)], env)
    common.run_cli(
        ["users", "add", LARGE_USER, "--role", "ministry", "--password-stdin"],
        env,
        stdin=common.BENCH_PASSWORD + "\n",
    )
    run = common.run_cli(["ingest", *map(str, paths), "--user", LARGE_USER, "--json"], env)
    outcomes = json.loads(run.stdout)
    outcomes = outcomes if isinstance(outcomes, list) else [outcomes]
    if not all(o["stored"] for o in outcomes):
        raise common.BenchError(f"a synthetic file was not stored: {outcomes}")
    expected = prisons * LARGE_QUARTERS
    history = json.loads(common.run_cli(["history", "--json"], env).stdout)
    statuses = Counter(entry["status"] for entry in history)
    if statuses != Counter({"current": expected}):
        raise common.BenchError(f"expected {expected} current submissions, history has {statuses}")
    rows = sum(o["rows"] for o in outcomes)
    print(
        f"  {key} data: {prisons} prisons, {expected:,} prison-quarters, {rows:,} rows "
        f"stored in {time.perf_counter() - started:.0f} s",
        file=sys.stderr,
    )
    return Scale(
        key=key,
        label=f"{prisons:,} prisons x {LARGE_QUARTERS} quarters"
        + (", every module" if modules else ""),
        user=LARGE_USER,
        password=common.BENCH_PASSWORD,
        db_url=common.sqlite_url(folder),
        demo=False,
        facts={
            "database": "SQLite; synthetic.write_scale_set files, stored with `ingest`",
            "prisons": prisons,
            "quarters": LARGE_QUARTERS,
            "submissions_current": expected,
            "values": rows,
            **({"quarters_from": periods[0], "quarters_to": periods[-1]} if periods else {}),
        },
    )
