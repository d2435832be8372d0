"""Benchmark: the dashboard in a browser: first chart after log-in, and a page switch.

Why this exists: what a dashboard user waits for is not a command but the
screen. Two waits matter most: from pressing "Log in" until the first chart
of the overview is drawn (goal 3 s), and from clicking a page in the sidebar
until that page's chart is drawn (goal 1.5 s). Both are measured in Debian's
chromium driven by Playwright (launched as /work/shared/STACK.md says; no
browser is downloaded), against `prison-monitor serve` running as its own
process, at three scales:

- sample: `prison-monitor serve --demo` on a fresh SQLite database (the sample
  register of 24 prisons and its 279 submissions, 12 quarters);
- 150 prisons x 40 quarters: a synthetic register of 150 prisons and 6,000
  prison-quarters (108,000 values) written by `synthetic.py`, stored with the
  project's own commands (`init`, `prisons import`, `users add`, then
  `ingest FILES --user ministry`; none of that is timed);
- 2,000 prisons x 40 quarters (federal): 80,000 prison-quarters, 1.44 M
  values, the 16 files of 90,000 rows of bench_scale.py, stored the same way.

First chart: each of SESSIONS sessions is a new browser context (a fresh
Streamlit session and an empty browser cache, as a person opening the
dashboard for the first time that day): open the dashboard, fill in the
log-in form, then the clock runs from the click on "Log in" until a plotly
chart of the overview has drawn its SVG. One untimed warm-up session comes
first (the server's first session computes and caches the indicator table;
its time is kept in the details as `cold_first_session`).

Page switch: in one logged-in session, the sidebar links of six pages
(Compare prisons, Trends, Prison profile, Data completeness, History,
Overview) are clicked in turn; the clock runs from the click until the new
page's title is shown and a chart of that page (not a leftover of the one
before) has drawn its SVG; for History, which has no chart, until its data
grid is on the screen. The page is then left to finish (script run over, no
skeletons) before the next click. One untimed warm-up round of six (each
page's first visit fills the caches; kept as `cold_round`), then SWITCHES
timed switches.

Times are taken on the browser's clock (performance.now()): from the click
(kept across the log-in's pass through the session-cookie route, a new page, on the
wall clock; the server's messages and long tasks are then those of the new page)
event to the first check, at an animation frame, that finds the chart drawn;
the wall-clock time of the same wait in this script (Playwright's round trips
included) is kept beside it as `wall_seconds`. The result is the median, with
the max beside it. To show where the time goes, each entry of the details also
gives, in seconds from the click: when the page's title appeared, when the
last message from the server before the chart arrived (after that, the wait is
the browser's own work), how long the browser's main thread was blocked by
long tasks (over 50 ms: evaluating plotly.js, drawing) before the chart, and
when the page was complete (every chart drawn, the script's run over).
Writes results/dashboard.json.

    .venv/bin/python benchmarks/bench_dashboard.py [--sessions N] [--switches N]
        [--scale sample|large|federal]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import common
import synthetic

sys.path.insert(0, str(common.PROJECT / "tests" / "browser"))
import chromium  # shared with the browser tests: Debian's chromium and its flags
from dashboard_server import (
    Scale,
    TreeLoad,
    dashboard,
    sample_scale,
    server_memory,
    stored_scale,
)

GOAL_FIRST_CHART = 3.0
GOAL_PAGE_SWITCH = 1.5
SESSIONS = 7
SWITCHES = 15
# key: (prisons, files, modules); every file holds its prisons' 40 quarters (50 x 40 x 18 =
# 36,000 rows; 125 x 40 x 18 = 90,000 rows; every module 50 x 40 x 41 = 82,000: all under the
# 100,000-row limit). `federal-all` is v2's size (issue 12), measured only when asked for.
STORED_SCALES = {
    "large": (150, 3, ()),
    "federal": (2000, 16, ()),
    "federal-all": (2000, 40, synthetic.ALL_MODULES),
}
DEFAULT_SCALES = ["sample", "large", "federal"]
VIEWPORT = chromium.VIEWPORT
WAIT_MS = 120_000  # no single wait in the browser may take longer

# What shows that a page is drawn: a Plotly chart with its SVG, or (History) the data grid.
CHART = ".js-plotly-plot"
TABLE = '[data-testid="stDataFrame"]'
# (sidebar link, a regular expression the page's title matches, what shows it is drawn)
OVERVIEW = ("Overview", r"^Overview$", CHART)
CHART_PAGES = [
    ("Compare", r"^Compare: ", CHART),
    ("Trends", r"^Trends: ", CHART),
    ("Prison profile", r"\([A-Z]{2}-[A-Z0-9]+\), \d{4}-Q[1-4]$", CHART),
    ("Data completeness", r"^Data completeness$", CHART),
    OVERVIEW,
]
HISTORY = ("History", r"^History$", TABLE)
SWITCH_CYCLE = [*CHART_PAGES[:-1], HISTORY, OVERVIEW]

# Installed in every page before Streamlit's own code: records, on the browser's clock, the
# click, every message from the server (Streamlit's websocket) and the main thread's long
# tasks (over 50 ms: parsing plotly.js, drawing), so a time can be split into waiting for the
# server and work in the browser.
INSTRUMENT_JS = """(() => {
    const b = window.__bench = {ws: [], long: [], click: null, title: null, chart: null,
                                done: null};
    const Native = window.WebSocket;
    window.WebSocket = class extends Native {
        constructor(...args) {
            super(...args);
            this.addEventListener('message', () => b.ws.push(performance.now()));
        }
    };
    // The click's moment survives a navigation (log-in goes through the session-cookie
    // route, a new page): kept in sessionStorage on the wall clock, read back relative to
    // this page's own clock (a negative time: before this page began).
    const kept = sessionStorage.getItem('__bench_click');
    if (kept !== null) b.click = Number(kept) - performance.timeOrigin;
    document.addEventListener('click', () => {
        b.click = performance.now();
        sessionStorage.setItem('__bench_click', String(performance.timeOrigin + b.click));
    }, true);
    try {
        new PerformanceObserver(list => {
            for (const e of list.getEntries()) b.long.push([e.startTime, e.duration]);
        }).observe({type: 'longtask', buffered: true});
    } catch (e) {}
})();"""
RESET_JS = """() => { const b = window.__bench; sessionStorage.removeItem('__bench_click');
    b.click = b.title = b.chart = b.done = null; b.ws = []; b.long = []; }"""
# True once the page's title matches and a chart (or data grid) that was not on the screen
# before the click (those are marked data-bench-old) is drawn: a chart with its SVG.
NEW_CHART_JS = """([pattern, selector]) => {
    const main = document.querySelector('[data-testid="stMain"]');
    const title = main && main.querySelector('h1');
    if (!title || !new RegExp(pattern).test(title.innerText.trim())) return false;
    for (const plot of main.querySelectorAll(selector)) {
        if (plot.hasAttribute('data-bench-old')) continue;
        if (plot.matches('.js-plotly-plot') && !plot.querySelector('.main-svg')) continue;
        const box = plot.getBoundingClientRect();
        if (box.width > 0 && box.height > 0) {
            window.__bench.chart = window.__bench.chart || performance.now();
            return true;
        }
    }
    return false;
}"""
TITLE_JS = """(pattern) => {
    const title = document.querySelector('[data-testid="stMain"] h1');
    if (!title || !new RegExp(pattern).test(title.innerText.trim())) return false;
    window.__bench.title = window.__bench.title || performance.now();
    return true;
}"""
MARK_OLD_JS = """() => document.querySelectorAll('.js-plotly-plot, [data-testid="stDataFrame"]')
    .forEach(p => p.setAttribute('data-bench-old', ''))"""
# The run is over (Streamlit's own marker) and every element is drawn (no skeleton left).
IDLE_JS = """() => {
    const app = document.querySelector('[data-testid="stApp"]');
    if (!app || app.getAttribute('data-test-script-state') !== 'notRunning'
        || document.querySelector('[data-testid="stSkeleton"]')) return false;
    window.__bench.done = window.__bench.done || performance.now();
    return true;
}"""
# Seconds from the click, on the browser's clock: the title, the chart, the page complete, the
# last message from the server before the chart, and the main thread's long tasks until then.
TIMES_JS = """() => {
    const b = window.__bench, t0 = b.click, s = ms => Math.round(ms) / 1000;
    const before = b.ws.filter(t => t >= t0 && t <= b.chart);
    let busy = 0;
    for (const [start, length] of b.long) {
        const overlap = Math.min(start + length, b.chart) - Math.max(start, t0);
        if (overlap > 0) busy += overlap;
    }
    return {seconds: s(b.chart - t0), title: s(b.title - t0), complete: s(b.done - t0),
            server_last_message: before.length ? s(Math.max(...before) - t0) : null,
            server_messages: before.length, browser_long_tasks: s(busy)};
}"""


# ---------------------------------------------------------------- the browser


def _log_in_form(page: Any, url: str, scale: Scale) -> None:
    page.goto(url)
    page.get_by_label("Username").fill(scale.user)
    page.get_by_role("textbox", name="Password").fill(scale.password)


def _new_context(browser: Any) -> Any:
    context = browser.new_context(viewport=VIEWPORT)
    context.add_init_script(INSTRUMENT_JS)
    return context


def _click_and_time(page: Any, target: Any, pattern: str, selector: str = CHART) -> dict[str, Any]:
    """Click, wait for the title, a new chart (or grid) and the page complete; the times."""
    page.evaluate(MARK_OLD_JS)
    page.evaluate(RESET_JS)
    start = time.perf_counter()
    target.click()
    page.wait_for_function(TITLE_JS, arg=pattern, polling="raf", timeout=WAIT_MS)
    page.wait_for_function(NEW_CHART_JS, arg=[pattern, selector], polling="raf", timeout=WAIT_MS)
    wall = time.perf_counter() - start
    page.wait_for_function(IDLE_JS, polling="raf", timeout=WAIT_MS)
    times = page.evaluate(TIMES_JS)
    if page.locator('[data-testid="stException"]').count():
        raise common.BenchError(f"an exception is shown on {page.url}")
    return {**times, "wall_seconds": round(wall, 3)}


def first_chart_session(browser: Any, url: str, scale: Scale) -> dict[str, Any]:
    """One fresh session: click "Log in", then the overview's title, first chart, all drawn."""
    context = _new_context(browser)
    try:
        page = context.new_page()
        _log_in_form(page, url, scale)
        button = page.get_by_role("button", name="Log in")
        button.wait_for(state="visible", timeout=WAIT_MS)
        times = _click_and_time(page, button, OVERVIEW[1])
        times["charts"] = page.locator('[data-testid="stMain"] .js-plotly-plot').count()
        return times
    finally:
        context.close()


def page_switches(
    browser: Any,
    url: str,
    scale: Scale,
    switches: int,
    cycle: list[tuple[str, str, str]] | None = None,
    check: Callable[[Any, dict[str, Any]], None] | None = None,
) -> dict[str, Any]:
    """One logged-in session; a warm-up round over the pages of `cycle` (default
    SWITCH_CYCLE), then `switches` timed clicks. `check(page, entry)`, if given, runs once each
    page is complete (it may add to the entry, or raise common.BenchError)."""
    cycle = cycle or SWITCH_CYCLE
    context = _new_context(browser)
    try:
        page = context.new_page()
        _log_in_form(page, url, scale)
        _click_and_time(page, page.get_by_role("button", name="Log in"), OVERVIEW[1])
        nav = page.locator('[data-testid="stSidebarNav"]')
        cold: list[dict[str, Any]] = []
        timed: list[dict[str, Any]] = []
        for i in range(len(cycle) + switches):
            name, pattern, selector = cycle[i % len(cycle)]
            link = nav.get_by_role("link", name=name, exact=True)
            link.wait_for(state="visible", timeout=WAIT_MS)
            entry = {"page": name, **_click_and_time(page, link, pattern, selector)}
            if check is not None:
                check(page, entry)
            warm_up = i < len(cycle)
            (cold if warm_up else timed).append(entry)
            print(
                f"  switch {'warm-up' if warm_up else i - len(cycle) + 1} -> {name}: "
                f"{_describe(entry)}",
                file=sys.stderr,
            )
        return {"cold": cold, "timed": timed}
    finally:
        context.close()


def _describe(t: dict[str, Any]) -> str:
    return (
        f"chart {t['seconds']:.2f} s (title {t['title']:.2f}, server's last message "
        f"{t['server_last_message']}, browser long tasks {t['browser_long_tasks']:.2f}, "
        f"complete {t['complete']:.2f}; wall {t['wall_seconds']:.2f})"
    )


def _median(entries: list[dict[str, Any]], key: str) -> float | None:
    values = [e[key] for e in entries if e.get(key) is not None]
    return round(statistics.median(values), 3) if values else None


def _breakdown(entries: list[dict[str, Any]]) -> dict[str, Any]:
    """Medians of the parts of the wait, on the browser's clock (seconds from the click)."""
    return {
        "title_median": _median(entries, "title"),
        "server_last_message_median": _median(entries, "server_last_message"),
        "browser_long_tasks_median": _median(entries, "browser_long_tasks"),
        "complete_median": _median(entries, "complete"),
        "wall_seconds_median": _median(entries, "wall_seconds"),
    }


def measure_scale(
    browser: Any, scale: Scale, sessions: int, switches: int, tmp: Path
) -> list[dict[str, Any]]:
    log = tmp / f"server-{scale.key}.log"
    with dashboard(scale, log) as (url, server), TreeLoad() as other:
        cold = first_chart_session(browser, url, scale)
        print(f"  first chart, warm-up session: {_describe(cold)}", file=sys.stderr)
        runs = []
        for n in range(sessions):
            runs.append(first_chart_session(browser, url, scale))
            print(f"  first chart, session {n + 1}: {_describe(runs[-1])}", file=sys.stderr)
        switched = page_switches(browser, url, scale, switches)
        memory = server_memory(server)
    print(f"  server memory after the runs: {memory}", file=sys.stderr)
    scale.facts["server_memory_mib"] = memory
    times = [r["seconds"] for r in runs]
    first = common.result(
        f"dashboard: first chart after log-in ({scale.label})",
        goal=GOAL_FIRST_CHART,
        value=statistics.median(times),
        unit="s",
        command="browser: click 'Log in' -> first overview chart drawn (new context each)",
        details={
            **common.summary(times),
            "runs": sessions,
            "times": times,
            **_breakdown(runs),
            "charts_on_page": runs[0]["charts"],
            "sessions": runs,
            "cold_first_session": cold,
            **scale.facts,
            "other_load_cores": other.cores,
        },
    )
    timed = switched["timed"]
    switch_times = [s["seconds"] for s in timed]
    per_page = {
        name: _median([s for s in timed if s["page"] == name], "seconds")
        for name, _, _ in SWITCH_CYCLE
        if any(s["page"] == name for s in timed)
    }
    switch = common.result(
        f"dashboard: page switch ({scale.label})",
        goal=GOAL_PAGE_SWITCH,
        value=statistics.median(switch_times),
        unit="s",
        command="browser: click a sidebar link -> the new page's chart drawn",
        details={
            **common.summary(switch_times),
            "runs": len(timed),
            "times": switch_times,
            "median_by_page": per_page,
            **_breakdown(timed),
            "switches": timed,
            "cold_round": switched["cold"],
            **scale.facts,
            "other_load_cores": other.cores,
        },
    )
    return [first, switch]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sessions", type=int, default=SESSIONS, help=f"fresh log-ins timed (default {SESSIONS})"
    )
    parser.add_argument(
        "--switches", type=int, default=SWITCHES, help=f"page switches timed (default {SWITCHES})"
    )
    parser.add_argument(
        "--scale",
        choices=["sample", *STORED_SCALES],
        action="append",
        help=f"measure only this scale (repeatable; default {', '.join(DEFAULT_SCALES)})",
    )
    args = parser.parse_args()
    if args.sessions < 5 or args.switches < 10:
        parser.error("at least 5 sessions and 10 switches")
    if not chromium.installed():
        raise common.BenchError(chromium.MISSING)
    from playwright.sync_api import sync_playwright

    results: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="pm-bench-dashboard-") as name:
        tmp = Path(name)
        scales = []
        for key in args.scale or DEFAULT_SCALES:
            if key == "sample":
                scales.append(sample_scale(tmp))
            else:
                scales.append(stored_scale(tmp, key, *STORED_SCALES[key]))
        with sync_playwright() as p:
            browser = p.chromium.launch(**chromium.launch_options())
            try:
                for scale in scales:
                    print(f"== {scale.label}", file=sys.stderr)
                    results += measure_scale(browser, scale, args.sessions, args.switches, tmp)
            finally:
                browser.close()
    if args.scale:  # a partial run keeps the other scale's last results
        names = {r["name"] for r in results}
        old = common.RESULTS_DIR / "dashboard.json"
        kept = json.loads(old.read_text("utf-8")) if old.exists() else []
        results = [r for r in kept if r["name"] not in names] + results
    return common.finish("dashboard.json", results)


if __name__ == "__main__":
    common.run_main(main)
