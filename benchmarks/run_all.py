"""Run every benchmark and rewrite the results table of benchmarks/README.md.

Why this exists: `make bench` must give one command that measures everything
and leaves the numbers where people read them. Each `bench_*.py` in this folder
runs on its own (so a new benchmark, say for the indicator engine or the
dashboard, is added by dropping in a script that writes a JSON file into
results/); this script runs them all in name order, then rebuilds the table
between `<!-- results:start -->` and `<!-- results:end -->` in the README from
every results/*.json, whichever script wrote it.

A results file holds one result object or a list of them, each with the keys
name, goal, value, unit, passed, command, machine and date (see common.py).

    .venv/bin/python benchmarks/run_all.py [--table-only] [--wait SECONDS]

Before each script it waits (up to --wait seconds) until other processes keep
fewer than half a core busy, since on a shared machine their work would be
timed too; a result measured on a busy machine is marked so in the table.

Exit status: 0 if every script ran and every goal was met, 1 otherwise (the
table is rewritten either way).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import common

BENCH_DIR = Path(__file__).resolve().parent
RESULTS_DIR = BENCH_DIR / "results"
README = BENCH_DIR / "README.md"
START, END = "<!-- results:start -->", "<!-- results:end -->"
SCRIPT_TIMEOUT = 1800  # seconds; a benchmark script that runs longer is stopped


def run_scripts(wait: float) -> bool:
    ok = True
    for script in sorted(BENCH_DIR.glob("bench_*.py")):
        if wait:
            busy = common.wait_for_quiet(wait)
            if busy is not None and busy >= common.BUSY_THRESHOLD:
                print(f"the machine is still busy ({busy} cores); measuring anyway", flush=True)
        print(f"== {script.name}", flush=True)
        start = time.perf_counter()
        try:
            done = subprocess.run([sys.executable, str(script)], timeout=SCRIPT_TIMEOUT)
            code = done.returncode
        except subprocess.TimeoutExpired:
            code = -1
            print(f"{script.name} ran over {SCRIPT_TIMEOUT} s and was stopped", file=sys.stderr)
        print(f"== {script.name}: exit {code} after {time.perf_counter() - start:.0f} s\n")
        ok = ok and code == 0
    return ok


def load_results() -> list[dict[str, Any]]:
    results: list[dict[str, Any]] = []
    for path in sorted(RESULTS_DIR.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        for entry in data if isinstance(data, list) else [data]:
            results.append({**entry, "_file": path.name})
    return results


def _number(value: float, unit: str) -> str:
    return f"{value:.2f} {unit}" if isinstance(value, float) else f"{value} {unit}"


def render_table(results: list[dict[str, Any]]) -> str:
    lines = [
        "| benchmark | goal | median | max | met | command | result file | measured |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    machines = []
    for r in results:
        details = r.get("details", {})
        extra = details.get("rows_per_second")
        median = _number(r["value"], r["unit"])
        if extra:
            median += f" ({extra:,} rows/s)"
        maximum = _number(details["max"], r["unit"]) if "max" in details else ""
        other = details.get("other_load_cores")
        if other is not None and other >= common.BUSY_THRESHOLD:
            maximum += f" (busy machine: {other} cores used by others)"
        lines.append(
            f"| {r['name']} | ≤ {r['goal']:g} {r['unit']} | {median} | {maximum} | "
            f"{'yes' if r['passed'] else '**no**'} | `{r['command']}` | "
            f"`results/{r['_file']}` | {r['date'][:10]} |"
        )
        m = r["machine"]
        described = f"{m['cpu']}, {m['cores']} cores, {m['memory_gib']} GiB, Python {m['python']}"
        if described not in machines:
            machines.append(described)
    lines.append("")
    lines.append("Machine: " + "; ".join(machines) + ".")
    loads = [
        f"{r['name']}: {r['details']['other_load_cores']}"
        for r in results
        if r.get("details", {}).get("other_load_cores") is not None
    ]
    if loads:
        lines.append(
            "CPU cores kept busy by other processes while measuring (0 = the machine was "
            "ours): " + "; ".join(loads) + "."
        )
    return "\n".join(lines)


def rewrite_readme(table: str) -> None:
    text = README.read_text(encoding="utf-8")
    if START not in text or END not in text:
        raise SystemExit(f"{README} lacks the markers {START} and {END}; add them.")
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    README.write_text(f"{head}{START}\n{table}\n{END}{tail}", encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--table-only", action="store_true", help="only rebuild the README table from results/"
    )
    parser.add_argument(
        "--wait",
        type=float,
        default=300,
        metavar="SECONDS",
        help="before each script, wait up to this long for other processes to go quiet "
        "(default 300; 0: do not wait)",
    )
    args = parser.parse_args()
    ran_ok = True if args.table_only else run_scripts(args.wait)
    results = load_results()
    rewrite_readme(render_table(results))
    print(f"{README.name}: table rewritten from {len(results)} result(s)")
    for r in results:
        print(f"  {'ok  ' if r['passed'] else 'MISS'} {r['name']}: {r['value']} {r['unit']}")
    return 0 if ran_ok and all(r["passed"] for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
