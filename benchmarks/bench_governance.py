"""Benchmark: the governance pages (Review, Audit trail, Data completeness) at the federal scale.

Why this exists: issue 13 asks that the review queue, the audit page and the completeness
grid, at 2,000 prisons x 40 quarters each, show within 1.5 s after a click. They are the
ministry's pages, so they are measured logged in as the ministry, in a state a ministry
would be in: every prison-quarter stored and in the review queue, the review under way.

The data: the 16 files of 90,000 rows of bench_scale.py and bench_dashboard.py's federal
scale (2,000 prisons x 40 quarters, 80,000 prison-quarters, 1.44 M values), stored with the
project's own commands (dashboard_server.stored_scale), but with the 40 quarters ending with
the last ended quarter (synthetic.quarters_ending) instead of starting in 2000-Q1: the
completeness page shows the last 12 ended quarters by default, and with quarters of
2000-2009 it would show a grid of nothing but `missing` cells, reading no submission.
Then, untimed, through the command line (`prison-monitor review approve` and `review
return`, one prison-quarter per command: there is no bulk review command), the ministry
approves APPROVE prison-quarters and returns RETURN with a comment, all of the second
newest quarter (prisons in code order): the queue then holds 80,000 - APPROVE - RETURN
`submitted` prison-quarters, and the audit trail 80,000 `submission.accept` entries, 2,000
`register.add`, one `account.add`, the reviews and the benchmark's log-in.

Measured as bench_dashboard.py measures a page switch (its functions, imported): in one
logged-in browser session, the sidebar links of CYCLE (Review, Audit trail, Data
completeness, then Overview, so that each governance page is reached from an indicator
page) are clicked in turn; the clock runs on the browser's clock from the click until the
new page's title is shown and its data grid (Review, Audit trail: the queue, the entries)
or chart (Data completeness) is drawn. One untimed warm-up round (each page's first visit
fills the caches; kept as `cold`), then ROUNDS rounds: each governance page is its own
result, the median of ROUNDS clicks with the max beside it, goal GOAL_PAGE_SWITCH.

Then, in a second session, AFTER_REVIEW rounds each after one more `review approve` (run
between the Overview and the next click on Review, untimed): what the ministry waits for
while reviewing. The dashboard keeps what a review does not change (the queue's entries
and warnings, the completeness grid, the indicator frames: keyed by the data version) and
redoes only what it does: the review states put on them, and the audit trail's newer
entries (dashboard.review_data). Each page is a result again, "right after a review".

The result checks real work: after every visit the Review page must say it holds the
expected number of submitted prison-quarters, the Audit trail page "N of N entries" with
N the entries prepared plus one per log-in and approval since (and `prison-monitor audit
--json` must list that many once the server is stopped), and
the completeness page 2,000 prisons with one status per prison-quarter (its status counts
adding up to 2,000 x the quarters shown); otherwise the script exits 2. Writes
results/governance.json.

    .venv/bin/python benchmarks/bench_governance.py [--rounds N] [--after-review N]
        [--approve N] [--return N] [--scale federal|large] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sqlite3
import statistics
import sys
import tempfile
import time
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

import bench_dashboard as bd
import common
import synthetic
from dashboard_server import LARGE_QUARTERS, Scale, TreeLoad, dashboard, server_memory, stored_scale

from data_contracts.periods import last_ended_quarter, period_label

GOAL_PAGE_SWITCH = bd.GOAL_PAGE_SWITCH
ROUNDS = 15
AFTER_REVIEW = 7
APPROVE = 300
RETURN = 60
RETURN_COMMENT = "Please check the treatment counts against the clinic's register."
# key: (prisons, files); as bench_dashboard.STORED_SCALES (`large`: a quick try of the script).
SCALES = {"federal": (2000, 16), "large": (150, 3)}
REVIEW = ("Review", r"^Review$", bd.TABLE)
AUDIT = ("Audit trail", r"^Audit trail$", bd.TABLE)
COMPLETENESS = ("Data completeness", r"^Data completeness$", bd.CHART)
GOVERNANCE = [REVIEW, AUDIT, COMPLETENESS]
CYCLE = [*GOVERNANCE, bd.OVERVIEW]
MAIN_TEXT_JS = """() => document.querySelector('[data-testid="stMain"]').innerText"""
METRICS_JS = """() => [...document.querySelectorAll(
    '[data-testid="stMain"] [data-testid="stMetric"]')].map(m => m.innerText)"""
AUDIT_CAPTION = re.compile(r"([\d,]+) of ([\d,]+) entries\.")
COMPLETENESS_CAPTION = re.compile(r"(\d+) prisons, (\d{4}-Q[1-4]) to (\d{4}-Q[1-4]);")


def _count(text: str) -> int:
    return int(text.replace(",", ""))


# ---------------------------------------------------------------- the review under way


def _queue(env: dict[str, str], state: str | None = None) -> list[dict[str, Any]]:
    args = ["review", "list", "--json", *(["--state", state] if state else [])]
    return json.loads(common.run_cli(args, env).stdout)


def _audit_count(env: dict[str, str]) -> int:
    return len(json.loads(common.run_cli(["audit", "--json"], env).stdout))


def review_under_way(scale: Scale, approve: int, returned: int, quarter: str) -> dict[str, Any]:
    """Approve `approve` and return `returned` prison-quarters of `quarter` with the CLI, one
    command each (untimed as a result; their times are kept); check the queue afterwards."""
    env = common.cli_env(scale.db_url)
    expected = scale.facts["submissions_current"]
    queue = _queue(env)
    states = Counter(e["state"] for e in queue)
    if states != Counter({"submitted": expected}):
        raise common.BenchError(f"expected {expected} submitted after ingest, queue has {states}")
    chosen = sorted((e for e in queue if e["period"] == quarter), key=lambda e: e["prison_code"])
    if len(chosen) < approve + returned + 100:
        raise common.BenchError(f"{quarter} has {len(chosen)} prison-quarters, too few to review")
    started = time.perf_counter()
    seconds = []
    for n, entry in enumerate(chosen[: approve + returned]):
        action = ["approve"] if n < approve else ["return", "--comment", RETURN_COMMENT]
        run = common.run_cli(
            [
                "review",
                action[0],
                "--prison",
                entry["prison_code"],
                "--period",
                entry["period"],
                "--submission",
                str(entry["submission_id"]),
                "--user",
                scale.user,
                *action[1:],
            ],
            env,
        )
        seconds.append(run.seconds)
        if (n + 1) % 50 == 0:
            print(f"  reviewed {n + 1} of {approve + returned}", file=sys.stderr, flush=True)
    submitted = expected - approve - returned
    counts = {s: len(_queue(env, s)) for s in ("submitted", "approved", "returned")}
    if counts != {"submitted": submitted, "approved": approve, "returned": returned}:
        raise common.BenchError(f"after the reviews the queue holds {counts}")
    audit = _audit_count(env)
    print(
        f"  review under way: {counts}, {audit:,} audit entries "
        f"({time.perf_counter() - started:.0f} s)",
        file=sys.stderr,
    )
    return {
        "review_quarter": quarter,
        "queue": counts,
        "audit_entries_before_session": audit,
        "review_command_seconds": common.summary(seconds) if seconds else None,
        "_unreviewed": chosen[approve + returned :],
    }


def approve_one(scale: Scale, entry: dict[str, Any]) -> float:
    """`review approve` of one prison-quarter (between clicks, untimed); its seconds."""
    args = ["review", "approve", "--prison", entry["prison_code"], "--period", entry["period"]]
    args += ["--submission", str(entry["submission_id"]), "--user", scale.user]
    return common.run_cli(args, common.cli_env(scale.db_url)).seconds


# ---------------------------------------------------------------- what each page must show


class PageCheck:
    """After every visit: the page shows the state expected (else common.BenchError). With
    `scale` and `unreviewed` given, each visit of the Overview is followed by one more
    `review approve` (the next of `unreviewed`), so that the next round of clicks comes
    after a review."""

    def __init__(self, submitted: int, prisons: int, audit_entries: int) -> None:
        self.submitted = submitted
        self.prisons = prisons
        self.audit_entries = audit_entries  # expected now: the log-ins are added by log_in()
        self.approving: tuple[Scale, list[dict[str, Any]]] | None = None
        self.approvals: list[float] = []

    def log_in(self) -> None:
        self.audit_entries += 1  # the benchmark's log-in is audited

    def __call__(self, page: Any, entry: dict[str, Any]) -> None:
        name = entry["page"]
        if name == bd.OVERVIEW[0] and self.approving is not None:
            scale, unreviewed = self.approving
            if not unreviewed:
                raise common.BenchError("no prison-quarter left to approve between clicks")
            self.approvals.append(approve_one(scale, unreviewed.pop(0)))
            self.submitted -= 1
            self.audit_entries += 1
            entry["then_approved_one"] = True
        elif name == REVIEW[0]:
            text = page.evaluate(MAIN_TEXT_JS)
            want = f"{self.submitted:,} prison-quarters submitted."
            if want not in text:
                raise common.BenchError(f"the Review page does not say '{want}'")
            entry["shows"] = want
        elif name == AUDIT[0]:
            found = AUDIT_CAPTION.search(page.evaluate(MAIN_TEXT_JS))
            if found is None:
                raise common.BenchError("the Audit trail page shows no 'N of M entries'")
            shown, total = _count(found.group(1)), _count(found.group(2))
            if shown != total or total != self.audit_entries:
                raise common.BenchError(
                    f"the Audit trail shows {shown} of {total} entries, not all of "
                    f"{self.audit_entries}"
                )
            entry["shows"] = found.group(0)
        elif name == COMPLETENESS[0]:
            found = COMPLETENESS_CAPTION.search(page.evaluate(MAIN_TEXT_JS))
            if found is None or int(found.group(1)) != self.prisons:
                raise common.BenchError(
                    f"the completeness page does not show {self.prisons} prisons: {found}"
                )
            first, last = found.group(2), found.group(3)
            quarters = _quarter_number(last) - _quarter_number(first) + 1
            metrics = page.evaluate(METRICS_JS)
            cells = sum(_count(m.split("\n")[-1].strip()) for m in metrics)
            if len(metrics) < 2 or cells != self.prisons * quarters:
                raise common.BenchError(
                    f"the completeness statuses add up to {cells}, not {self.prisons} x "
                    f"{quarters}: {metrics}"
                )
            entry["shows"] = f"{found.group(0)} " + "; ".join(m.replace("\n", " ") for m in metrics)


def _quarter_number(label: str) -> int:
    return int(label[:4]) * 4 + int(label[-1]) - 1


# ---------------------------------------------------------------- measuring


def _page_result(
    name: str, selector: str, label: str, visits: list[dict[str, Any]], details: dict[str, Any]
) -> dict[str, Any]:
    times = [s["seconds"] for s in visits]
    drawn = "data grid" if selector == bd.TABLE else "chart"
    return common.result(
        f"dashboard: {name} page switch ({label})",
        goal=GOAL_PAGE_SWITCH,
        value=statistics.median(times),
        unit="s",
        command=f"browser, as the ministry: click '{name}' in the sidebar -> its {drawn} drawn",
        details={
            **common.summary(times),
            "runs": len(times),
            "times": times,
            **bd._breakdown(visits),
            "shows": visits[-1].get("shows"),
            "switches": visits,
            **details,
        },
    )


def _overview_median(timed: list[dict[str, Any]]) -> float | None:
    times = [s["seconds"] for s in timed if s["page"] == bd.OVERVIEW[0]]
    return round(statistics.median(times), 3) if times else None


def measure(
    browser: Any, scale: Scale, rounds: int, after_review: int, state: dict[str, Any], tmp: Path
) -> list[dict[str, Any]]:
    """Two sessions: `rounds` rounds with nothing changing between clicks, then (if
    `after_review`) that many rounds each after one more approval."""
    check = PageCheck(
        state["queue"]["submitted"], scale.facts["prisons"], state["audit_entries_before_session"]
    )
    log = tmp / f"server-{scale.key}.log"
    load_before = round(os.getloadavg()[0], 2)
    with dashboard(scale, log) as (url, server):
        with TreeLoad() as other:
            check.log_in()
            steady = bd.page_switches(browser, url, scale, rounds * len(CYCLE), CYCLE, check)
        load_steady = round(os.getloadavg()[0], 2)
        changed = None
        if after_review:
            print("== the same, each round after one more approval", file=sys.stderr)
            check.approving = (scale, state["_unreviewed"])
            with TreeLoad() as other_changed:
                check.log_in()
                changed = bd.page_switches(
                    browser, url, scale, after_review * len(CYCLE), CYCLE, check
                )
        memory = server_memory(server)
    load_after = round(os.getloadavg()[0], 2)
    audit_after = _audit_count(common.cli_env(scale.db_url))
    if audit_after != check.audit_entries:
        raise common.BenchError(
            f"`audit --json` lists {audit_after} entries, {check.audit_entries} expected"
        )
    print(f"  server memory after the runs: {memory}", file=sys.stderr)
    facts = {
        **scale.facts,
        **{k: v for k, v in state.items() if not k.startswith("_")},
        "audit_entries_at_the_end": audit_after,
        "server_memory_mib": memory,
        "load_average_1m_before_measuring": load_before,
        "load_average_1m_after_steady_rounds": load_steady,
        "load_average_1m_after_measuring": load_after,
    }
    results = []
    for name, _, selector in GOVERNANCE:
        visits = [s for s in steady["timed"] if s["page"] == name]
        details = {
            "cold": [s for s in steady["cold"] if s["page"] == name],
            "overview_median": _overview_median(steady["timed"]),
            **facts,
            "other_load_cores": other.cores,
        }
        results.append(
            _page_result(name, selector, f"{scale.label}, review under way", visits, details)
        )
    if changed is not None:
        for name, _, selector in GOVERNANCE:
            visits = [s for s in changed["timed"] if s["page"] == name]
            details = {
                "approvals_between_rounds": len(check.approvals),
                "approve_command_seconds": common.summary(check.approvals),
                "overview_median": _overview_median(changed["timed"]),
                **facts,
                "other_load_cores": other_changed.cores,
            }
            label = f"{scale.label}, right after a review"
            results.append(_page_result(name, selector, label, visits, details))
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--rounds",
        type=int,
        default=ROUNDS,
        help=f"timed visits of each governance page (default {ROUNDS})",
    )
    parser.add_argument(
        "--approve", type=int, default=APPROVE, help=f"prison-quarters approved (default {APPROVE})"
    )
    parser.add_argument(
        "--return",
        dest="returned",
        type=int,
        default=RETURN,
        help=f"prison-quarters returned (default {RETURN})",
    )
    parser.add_argument(
        "--after-review",
        type=int,
        default=AFTER_REVIEW,
        help=f"rounds, each after one more approval (default {AFTER_REVIEW}; 0: none)",
    )
    parser.add_argument("--scale", choices=list(SCALES), default="federal")
    parser.add_argument(
        "--keep", type=Path, metavar="DIR", help="copy the database there afterwards (profiling)"
    )
    args = parser.parse_args()
    if args.rounds < 5 or args.after_review not in (0, *range(3, 1000)):
        parser.error("at least 5 rounds, and 0 or at least 3 after a review")
    if not bd.chromium.installed():
        raise common.BenchError(bd.chromium.MISSING)
    from playwright.sync_api import sync_playwright

    last = last_ended_quarter(date.today())
    periods = synthetic.quarters_ending(LARGE_QUARTERS, period_label(last))
    with tempfile.TemporaryDirectory(prefix="pm-bench-governance-") as name:
        tmp = Path(name)
        prisons, files = SCALES[args.scale]
        scale = stored_scale(tmp, args.scale, prisons, files, periods=periods)
        state = review_under_way(scale, args.approve, args.returned, periods[-2])
        with sync_playwright() as p:
            browser = p.chromium.launch(**bd.chromium.launch_options())
            try:
                print(f"== {scale.label}, review under way", file=sys.stderr)
                results = measure(browser, scale, args.rounds, args.after_review, state, tmp)
            finally:
                browser.close()
        if args.keep:
            args.keep.mkdir(parents=True, exist_ok=True)
            # SQLite's backup, not a file copy: the last transactions may still be in the WAL
            with (
                sqlite3.connect(tmp / args.scale / "pm.db") as source,
                sqlite3.connect(args.keep / "pm.db") as kept_db,
            ):
                source.backup(kept_db)
            print(f"  database kept in {args.keep / 'pm.db'}", file=sys.stderr)
    names = {r["name"] for r in results}
    old = common.RESULTS_DIR / "governance.json"
    kept = json.loads(old.read_text("utf-8")) if old.exists() else []
    return common.finish("governance.json", [r for r in kept if r["name"] not in names] + results)


if __name__ == "__main__":
    common.run_main(main)
