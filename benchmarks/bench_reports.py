"""Reports (issue 15, reports.md §2): how long `prison-monitor report` takes, as whole
processes.

- a prison profile on the sample data (24 prisons x 12 quarters), as the demo director for
  their prison: goal at most 5 s;
- at 150 prisons x 40 quarters, every prison reporting every module (30 indicators): a
  prison profile (goal 5 s) and the bulletin of the country, all 150 prisons with one
  compare chart per indicator (goal 30 s), as the ministry.

Each is run `--runs` times (default 5) after one untimed warm-up; the median counts. Every
run must write a PDF that pypdf reads with the expected title on its first page and, for
the bulletin, a page per indicator at least; otherwise the script stops with an error.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

import common
import synthetic
from dashboard_server import LARGE_QUARTERS, LARGE_USER, sample_scale, stored_scale

from sample_data import DEMO_DIRECTOR_PRISON, LAST_QUARTER

PROFILE_GOAL = 5.0
BULLETIN_GOAL = 30.0
LARGE = (150, 3, synthetic.ALL_MODULES)


def _check(path: Path, title: str, least_pages: int) -> int:
    from pypdf import PdfReader

    reader = PdfReader(path)
    first = reader.pages[0].extract_text() or ""
    if title not in first or len(reader.pages) < least_pages:
        raise common.BenchError(f"{path.name}: not the report expected ({len(reader.pages)} pages)")
    return len(reader.pages)


def time_report(
    env: dict[str, str], args: list[str], runs: int, title: str, least_pages: int, folder: Path
) -> tuple[list[float], int]:
    times, pages = [], 0
    for run in range(runs + 1):  # the first is the warm-up
        target = folder / f"report-{run}.pdf"
        started = time.perf_counter()
        common.run_cli(["report", *args, "--quiet", "--output", str(target)], env)
        elapsed = time.perf_counter() - started
        pages = _check(target, title, least_pages)
        if run:
            times.append(elapsed)
            print(f"  {args[0]} run {run}: {elapsed:.2f} s ({pages} pages)", file=sys.stderr)
    return times, pages


def measure(
    name: str,
    goal: float,
    env: dict[str, str],
    report: list[str],
    title: str,
    least: int,
    runs: int,
    folder: Path,
) -> dict:  # type: ignore[type-arg]
    """One report timed `runs` times: its result for results/reports.json."""
    times, pages = time_report(env, report, runs, title, least, folder)
    command = " ".join(["prison-monitor report", *report, "--output", f"{report[0]}.pdf"])
    return common.result(
        name,
        goal=goal,
        value=statistics.median(times),
        unit="s",
        command=command,
        details={**common.summary(times), "runs": len(times), "pages": pages},
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="pm-reports-") as tmp:
        folder = Path(tmp)
        env = common.cli_env(sample_scale(folder).db_url)
        common.run_cli(["init", "--sample"], env)
        mine = ["--prison", DEMO_DIRECTOR_PRISON, "--period", LAST_QUARTER, "--user", "director"]
        results = [
            measure(
                "report: prison profile, sample data (24 prisons x 12 quarters)",
                PROFILE_GOAL,
                env,
                ["prison", *mine],
                f"({DEMO_DIRECTOR_PRISON})",
                4,
                args.runs,
                folder,
            )
        ]
        print("storing 150 prisons x 40 quarters, every module ...", file=sys.stderr)
        env = common.cli_env(stored_scale(folder, "large", *LARGE).db_url)
        prisons = json.loads(common.run_cli(["prisons", "list", "--json"], env).stdout)
        first, country = prisons[0]["prison_code"], prisons[0]["country"]
        quarter = ["--period", synthetic.quarters(LARGE_QUARTERS)[-1], "--user", LARGE_USER]
        results.append(
            measure(
                "report: prison profile, 150 prisons x 40 quarters, every module",
                PROFILE_GOAL,
                env,
                ["prison", "--prison", first, *quarter],
                f"({first})",
                4,
                args.runs,
                folder,
            )
        )
        results.append(
            measure(
                "report: bulletin of a country of 150 prisons (40 quarters, every module)",
                BULLETIN_GOAL,
                env,
                ["bulletin", "--country", country, *quarter],
                "bulletin",
                30,
                args.runs,
                folder,
            )
        )
    return common.finish("reports.json", results)


if __name__ == "__main__":
    common.run_main(main)
