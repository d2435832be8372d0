"""Where the time of one `prison-monitor` command goes: start-up, imports, work, shutdown.

Why this exists: the benchmarks time whole processes, and when a goal is
missed or close the next question is which part to make faster. This script
runs the command once in a child Python that stamps the clock after each
group of imports, wraps the main steps of checking and storing with timers,
and stamps the end of `main()`; the parent times the process from start to
exit, so interpreter start-up and shutdown show too. It is a diagnostic, not a
benchmark: one run, no goal, no JSON (run it a few times; the machine is noisy).

    PRISON_MONITOR_DB=sqlite:////tmp/x/pm.db \\
        .venv/bin/python benchmarks/phases.py validate FILE --json
"""

from __future__ import annotations

import subprocess
import sys
import time

import common

CHILD = r"""
import sys, time
print("START", time.monotonic(), flush=True)
marks = []
def mark(name):
    marks.append((name, time.monotonic()))
from cli.main import main
mark("cli.main and argparse")
import polars
mark("import polars")
import sqlalchemy
mark("import sqlalchemy")
import data_contracts.validate, store.db, store.submissions, store.accounts, store.prisons
mark("import project modules")
from data_contracts.gx_bridge import _import_gx
_import_gx()
mark("import great_expectations (pandas, pydantic models)")
spent = {}
def wrap(module, name, label):
    original = getattr(module, name, None)
    if original is None:  # a moved function would silently stop being measured
        raise SystemExit(f"phases.py: {module.__name__}.{name} is gone; update wrap()")
    def timed(*args, **kwargs):
        start = time.monotonic()
        try:
            return original(*args, **kwargs)
        finally:
            spent[label] = spent.get(label, 0.0) + time.monotonic() - start
    setattr(module, name, timed)
import data_contracts.validate as validate, store.submissions as submissions, store.audit as audit
import store.verdict as verdict, store.writer as writer
wrap(validate, "_read", "read and parse the file")
wrap(validate, "failing_rows", "Great Expectations: context, suite, run")
wrap(verdict, "check_as", "checks (ingest: all of them)")
wrap(writer, "insert_values", "store: values")
wrap(writer, "insert_upload", "store: upload row")
wrap(audit, "record_many", "store: audit entries")
wrap(submissions, "_store", "store: the transaction, commit included")
import contextlib, io
with contextlib.redirect_stdout(io.StringIO()):
    code = main(sys.argv[1:])
mark(f"main() (exit status {code})")
for name, at in marks:
    print("MARK", at, name)
for label, seconds in spent.items():
    print("PART", seconds, label)
print("END", time.monotonic(), flush=True)
"""


def main() -> int:
    if len(sys.argv) < 2:
        print(__doc__)
        return 2
    start = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-c", CHILD, *sys.argv[1:]],
        capture_output=True,
        text=True,
        cwd=common.PROJECT,
        timeout=common.COMMAND_TIMEOUT,
    )
    end = time.monotonic()
    stamps = [line.split(" ", 2) for line in done.stdout.splitlines()]
    if not stamps or stamps[-1][0] != "END":
        print(done.stderr or done.stdout, file=sys.stderr)
        return 2
    child_start = float(stamps[0][1])
    print(f"{child_start - start:7.3f}  Python start-up")
    previous = child_start
    for kind, value, *label in stamps[1:-1]:
        if kind == "MARK":
            print(f"{float(value) - previous:7.3f}  {label[0]}")
            previous = float(value)
        else:
            print(f"       {float(value):7.3f}  of which {label[0]}")
    print(f"{end - float(stamps[-1][1]):7.3f}  interpreter shutdown")
    print(f"{end - start:7.3f}  whole process")
    return 0


if __name__ == "__main__":
    sys.exit(main())
