"""Load: N people using the dashboard at once; page times at the 50th and 95th percentile.

Why this exists: on the last day of a quarter many people use the dashboard
together. This script starts one `prison-monitor serve --demo` (sample data),
opens N browser sessions at once (N = 1, 5, 10, 20; one Chromium, one context
each, Playwright's async API), logs each in and has each switch pages
`--switches` times, and reports p50 and p95 of the time from a click on a
sidebar link until that page's title and chart are drawn. Traffic stays on
127.0.0.1; the script stops by itself.

With `--pin` the server runs on core 0 alone and the browsers (and this
script) on the other cores, so the browsers cannot take the server's CPU.
Either way the script records the server's own CPU (its process tree, from
/proc): the cores it kept busy and the CPU seconds per page view. On a
2-core machine those show that the browsers, not the server, set the times:
pinned, the browsers have one core and every time is longer
(benchmarks/README.md, "Reading the load results").
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common
from bench_dashboard import CHART_PAGES, VIEWPORT, WAIT_MS, chromium
from dashboard_server import dashboard, sample_scale, tree_cpu

LEVELS = (1, 5, 10, 20)
# A drawn chart on the screen (the log-in page's hidden one, which warms the chart library, is
# not: see dashboard.auth._warm_chart_library).
CHART = '[data-testid="stMain"] .js-plotly-plot >> visible=true'


async def session(browser, url: str, scale, switches: int, times: list[float]) -> None:  # type: ignore[no-untyped-def]
    context = await browser.new_context(viewport=VIEWPORT)
    try:
        page = await context.new_page()
        page.set_default_timeout(WAIT_MS)
        await page.goto(url)
        await page.get_by_label("Username").fill(scale.user)
        await page.get_by_role("textbox", name="Password").fill(scale.password)
        await page.get_by_role("button", name="Log in").click()
        await page.locator(CHART).first.wait_for(timeout=WAIT_MS)
        for n in range(switches):
            label, pattern, _ = CHART_PAGES[n % len(CHART_PAGES)]
            start = time.perf_counter()
            await page.get_by_role("link", name=label).first.click()
            await page.wait_for_function(
                """(p) => { const h = document.querySelector('[data-testid="stMain"] h1');
                            return h && new RegExp(p).test(h.textContent.trim()); }""",
                arg=pattern,
                timeout=WAIT_MS,
            )
            await page.locator(CHART).first.wait_for(timeout=WAIT_MS)
            times.append(time.perf_counter() - start)
    finally:
        await context.close()


async def level(url: str, scale, users: int, switches: int) -> list[float]:  # type: ignore[no-untyped-def]
    from playwright.async_api import async_playwright

    times: list[float] = []
    async with async_playwright() as p:
        browser = await p.chromium.launch(**chromium.launch_options())
        try:
            await asyncio.gather(
                *(session(browser, url, scale, switches, times) for _ in range(users))
            )
        finally:
            await browser.close()
    return times


def percentile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--switches", type=int, default=6, help="page switches per session")
    parser.add_argument("--levels", type=int, nargs="*", default=list(LEVELS))
    parser.add_argument(
        "--pin",
        action="store_true",
        help="the server on core 0 alone, the browsers on the others (needs 2 cores or more)",
    )
    args = parser.parse_args()
    cores = sorted(os.sched_getaffinity(0))
    server_cpus: set[int] | None = None
    if args.pin:
        if len(cores) < 2:
            parser.error("--pin needs at least 2 cores")
        server_cpus = {cores[0]}
        os.sched_setaffinity(0, set(cores[1:]))  # this script and the browsers it starts
    placement = (
        f"server on core {cores[0]} alone, browsers on {len(cores) - 1} other core(s)"
        if args.pin
        else f"server and browsers share {len(cores)} cores"
    )
    suffix = ", server pinned to 1 core" if args.pin else ""
    results = []
    with tempfile.TemporaryDirectory(prefix="pm-load-") as tmp:
        scale = sample_scale(Path(tmp))
        with dashboard(scale, Path(tmp) / "serve.log", server_cpus) as (url, server):
            for users in args.levels:
                cpu0, wall0 = tree_cpu(server), time.perf_counter()
                times = asyncio.run(level(url, scale, users, args.switches))
                # the server's CPU (its children included): how many cores it kept busy, and
                # what one page view cost it (each session: the log-in form, the overview,
                # then its switches)
                cpu = tree_cpu(server) - cpu0
                busy = cpu / (time.perf_counter() - wall0)
                views = users * (2 + args.switches)
                p50, p95 = percentile(times, 50), percentile(times, 95)
                print(
                    f"  {users:>2} sessions: p50 {p50:.2f} s, p95 {p95:.2f} s "
                    f"({len(times)} switches; server busy {busy:.2f} cores, "
                    f"{cpu / views:.3f} CPU s a page view)"
                )
                results.append(
                    common.result(
                        f"load: page switch p95 with {users} concurrent session(s), "
                        f"sample data{suffix}",
                        goal=1.5,
                        value=round(p95, 2),
                        unit="s",
                        command=f"benchmarks/bench_load.py --levels {users}"
                        + (" --pin" if args.pin else ""),
                        details={
                            "p50": round(p50, 2),
                            "p95": round(p95, 2),
                            "switches": len(times),
                            "sessions": users,
                            "median": round(p50, 2),
                            "max": round(max(times), 2),
                            "placement": placement,
                            "server_cores_busy": round(busy, 2),
                            "server_cpu_seconds": round(cpu, 2),
                            "server_cpu_per_page_view": round(cpu / views, 3),
                        },
                    )
                )
    common.write_results("load-pinned.json" if args.pin else "load.json", results)
    common.print_table(results)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
