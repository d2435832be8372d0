"""Benchmark: switching the dashboard's language in a browser (issue 14: no slower than a
page switch, goal 1.5 s).

A ministry official on the Overview picks another language in the sidebar; the clock
runs from the click on the language's name in the picker until the Overview's title reads
in that language and the page's run is over with every chart drawn (bench_dashboard.py's
instrumentation: the browser's clock, Playwright's round trips kept beside it as
`wall_seconds`). The languages are taken in turn (fr, nl, de, en, ...): one
untimed warm-up round of four (each language's first page fills its caches), then
SWITCHES timed switches. The choice is kept with the account, as a person's would be;
English is restored at the end. Scales: the sample data and 150 prisons x 40 quarters,
stored as in bench_dashboard.py. Writes results/language.json.

    .venv/bin/python benchmarks/bench_language.py [--switches N] [--scale sample|large]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import bench_dashboard as bd
import common
from dashboard_server import dashboard, sample_scale, stored_scale

from dashboard.language import LABEL
from dashboard.pages import default_page
from data_contracts.languages import DEFAULT_LANGUAGE, LANGUAGE_NAMES, LANGUAGES, speaking
from i18n import _

GOAL_LANGUAGE_SWITCH = bd.GOAL_PAGE_SWITCH
SWITCHES = 16
SCALES = {"sample": None, "large": bd.STORED_SCALES["large"]}


def overview_title(language: str) -> str:
    with speaking(language):
        return f"^{_(default_page().title)}$"


def _switch_and_time(page: Any, option: Any, pattern: str) -> dict[str, Any]:
    """Click a language; wait for the Overview's title in it and the run to end with every
    chart drawn. Streamlit keeps the chart's element across the rerun (same place, same
    key), so "a new chart" (bench_dashboard's wait) never comes: the chart counts as drawn
    when the run is over and no skeleton is left."""
    page.evaluate(bd.RESET_JS)
    start = time.perf_counter()
    option.click()
    page.wait_for_function(bd.TITLE_JS, arg=pattern, polling="raf", timeout=bd.WAIT_MS)
    page.wait_for_function(bd.IDLE_JS, polling="raf", timeout=bd.WAIT_MS)
    wall = time.perf_counter() - start
    page.evaluate("() => { window.__bench.chart = window.__bench.done; }")
    times = page.evaluate(bd.TIMES_JS)
    if page.locator('[data-testid="stException"]').count():
        raise common.BenchError(f"an exception is shown on {page.url}")
    return {**times, "wall_seconds": round(wall, 3)}


def language_switches(browser: Any, url: str, scale: Any, switches: int) -> dict[str, list]:
    context = bd._new_context(browser)
    order = [*LANGUAGES[1:], DEFAULT_LANGUAGE]
    try:
        page = context.new_page()
        bd._log_in_form(page, url, scale)
        bd._click_and_time(page, page.get_by_role("button", name="Log in"), bd.OVERVIEW[1])
        picker = page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').filter(
            has_text=LABEL
        )
        cold: list[dict[str, Any]] = []
        timed: list[dict[str, Any]] = []
        for i in range(len(order) + switches):
            language = order[i % len(order)]
            picker.click()  # opens the list; not timed
            option = page.get_by_role("option", name=LANGUAGE_NAMES[language], exact=True)
            option.wait_for(state="visible", timeout=bd.WAIT_MS)
            entry = {
                "language": language,
                **_switch_and_time(page, option, overview_title(language)),
            }
            warm_up = i < len(order)
            (cold if warm_up else timed).append(entry)
            print(f"  -> {language}: {bd._describe(entry)}", file=sys.stderr)
        if order[(len(order) + switches - 1) % len(order)] != DEFAULT_LANGUAGE:
            picker.click()
            page.get_by_role("option", name=LANGUAGE_NAMES[DEFAULT_LANGUAGE]).click()
        return {"cold": cold, "timed": timed}
    finally:
        context.close()


def measure(browser: Any, scale: Any, switches: int, tmp: Path) -> dict[str, Any]:
    with dashboard(scale, tmp / f"server-{scale.key}.log") as (url, _server):
        switched = language_switches(browser, url, scale, switches)
    timed = switched["timed"]
    times = [s["seconds"] for s in timed]
    return common.result(
        f"dashboard: language switch ({scale.label})",
        goal=GOAL_LANGUAGE_SWITCH,
        value=statistics.median(times),
        unit="s",
        command="browser: pick a language in the sidebar -> the Overview's chart drawn in it",
        details={
            **common.summary(times),
            "runs": len(timed),
            "times": times,
            **bd._breakdown(timed),
            "switches": timed,
            "cold_round": switched["cold"],
            **scale.facts,
        },
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--switches", type=int, default=SWITCHES)
    parser.add_argument("--scale", choices=list(SCALES), action="append")
    args = parser.parse_args()
    if args.switches < 8:
        parser.error("at least 8 switches")
    if not bd.chromium.installed():
        raise common.BenchError(bd.chromium.MISSING)
    from playwright.sync_api import sync_playwright

    results = []
    with tempfile.TemporaryDirectory(prefix="pm-bench-language-") as name:
        tmp = Path(name)
        with sync_playwright() as p:
            browser = p.chromium.launch(**bd.chromium.launch_options())
            try:
                for key in args.scale or list(SCALES):
                    spec = SCALES[key]
                    scale = sample_scale(tmp) if spec is None else stored_scale(tmp, key, *spec)
                    print(f"== {scale.label}", file=sys.stderr)
                    results.append(measure(browser, scale, args.switches, tmp))
            finally:
                browser.close()
    return common.finish("language.json", results)


if __name__ == "__main__":
    common.run_main(main)
