"""The dashboard in a real browser: log-in, every page, uploads, downloads, the three roles.

Why this exists: AppTest (tests/dashboard) runs the page scripts but draws
nothing, so it cannot see a chart that fails in the browser, a file that does
not upload, or a download that never arrives. These tests drive Debian's
chromium against `prison-monitor serve --demo` (see conftest.py) the way a
person would: type the log-in, click the sidebar links, choose a file, press
the download buttons. Every page they open is saved as a screenshot in
test-artifacts/screenshots/.

    .venv/bin/pytest tests/browser -m browser -q
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from pages_by_slug import default_page
from pages_by_slug import page as page_spec
from playwright.sync_api import Page, expect

from dashboard.pages import PAGES as REGISTRY
from dashboard.pages import PageSpec
from data_contracts.contract import load_contract
from store.accounts import Account

pytestmark = pytest.mark.browser

PROJECT = Path(__file__).resolve().parents[2]
PASSWORD = "demo"
INVALID = PROJECT / "sample_data" / "invalid"
CLI = Path(sys.executable).parent / "prison-monitor"
# Generous: the first page of a fresh server computes and caches the indicator table, and
# the PNG export starts kaleido's chromium on first use.
SLOW = 60_000
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@dataclass(frozen=True)
class NavPage:
    slug: str  # its name in the page registry (dashboard.pages)
    link: str  # the sidebar link's text
    path: str  # the URL path it opens
    heading: re.Pattern[str]  # the page's title (st.title)
    chart: bool  # an analysis page: it must show a plotly chart
    spec: PageSpec


# What each registered page shows in the browser: its title's pattern, and whether it is an
# analysis page with a chart. A page added to the registry without a line here fails below.
SHOWS = {
    "overview": (r"^Overview$", True),
    "compare": (r"^Compare: ", True),
    "trends": (r"^Trends: ", True),
    "profile": (r"\([A-Z]{2}-[A-Z]+\), \d{4}-Q[1-4]$", True),
    "completeness": (r"^Data completeness$", True),
    "upload": (r"^Upload a quarterly file$", False),
    "history": (r"^History$", False),
    "definitions": (r"^Definitions$", False),
    "review": (r"^Review$", False),
    "audit": (r"^Audit trail$", False),
    "administration": (r"^Administration$", False),
}
assert set(SHOWS) == {spec.name for spec in REGISTRY}, "tests/browser: SHOWS and the registry"
PAGES = [
    NavPage(
        spec.name,
        spec.title,
        "/" if spec.default else f"/{spec.name}",
        re.compile(SHOWS[spec.name][0]),
        SHOWS[spec.name][1],
        spec,
    )
    for spec in REGISTRY
]


def nav(slug: str) -> NavPage:
    """A page by its slug, never by its place in the menu."""
    return next(p for p in PAGES if p.slug == page_spec(slug).name)


ROLES = {
    "ministry": "ministry",
    "director": "director · NM-WFP",
    "evaluator": "evaluator",
}


def heading(page: Page):  # type: ignore[no-untyped-def]
    return page.locator('[data-testid="stMain"] h1').first


def wait_idle(page: Page) -> None:
    """Wait until this session's script has finished its run and the browser has drawn it.

    Streamlit marks its app `data-test-script-state="notRunning"` when a run ends;
    elements whose code the browser is still loading (a fresh context loads the
    plotly bundle, say) show as skeletons a moment longer.
    """
    page.wait_for_function(
        """() => {
            const app = document.querySelector('[data-testid="stApp"]');
            return app && app.getAttribute('data-test-script-state') === 'notRunning'
                && !document.querySelector('[data-testid="stSkeleton"]');
        }""",
        timeout=SLOW,
    )


def assert_no_exception(page: Page) -> None:
    boxes = page.locator('[data-testid="stException"]')
    if boxes.count():
        pytest.fail(
            f"Streamlit shows an exception on {page.url}:\n{boxes.first.inner_text()}",
            pytrace=False,
        )


def log_in(page: Page, server: Any, user: str, path: str = "/") -> None:
    """Open `path` in a fresh session, fill in the log-in form, wait for the sidebar.

    Fresh: the session cookie of an earlier log-in in this browser is dropped first, or
    the reload would resume that session instead of showing the form."""
    page.context.clear_cookies()
    page.goto(server.url(path))
    page.get_by_label("Username").fill(user)
    page.get_by_role("textbox", name="Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    sidebar = page.locator('[data-testid="stSidebar"]')
    expect(sidebar.get_by_text(f"Logged in as {user}")).to_be_visible(timeout=SLOW)


def nav_links(page: Page) -> list[str]:
    links = page.locator('[data-testid="stSidebarNav"] [data-testid="stSidebarNavLink"]')
    labels = links.locator('[data-testid="stMarkdownContainer"]')  # not the icon's ligature
    expect(labels.first).to_be_visible(timeout=SLOW)
    assert labels.count() == links.count()
    return [text.strip() for text in labels.all_inner_texts()]


def wait_for_page(page: Page, target: NavPage) -> None:
    """The page of `target` has run to the end: its title, its chart, no exception."""
    expect(heading(page)).to_have_text(target.heading, timeout=SLOW)
    wait_idle(page)
    assert urlsplit(page.url).path == target.path, f"{target.link} opened {page.url}"
    if target.chart:
        chart = page.locator('[data-testid="stMain"] .js-plotly-plot').first
        expect(chart).to_be_visible(timeout=SLOW)
        expect(chart.locator(".main-svg").first).to_be_attached(timeout=SLOW)
    assert_no_exception(page)


def open_from_sidebar(page: Page, target: NavPage) -> None:
    link = page.locator('[data-testid="stSidebarNav"]').get_by_role(
        "link", name=target.link, exact=True
    )
    link.click()
    wait_for_page(page, target)


def upload(page: Page, file: Path) -> None:
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(file)


def cli(server: Any, *args: str) -> str:
    done = subprocess.run(
        [str(CLI), *args],
        capture_output=True,
        text=True,
        env={**os.environ, "PRISON_MONITOR_DB": server.db_url},
        cwd=PROJECT,
        timeout=120,
        check=True,
    )
    return done.stdout


@pytest.mark.parametrize("role", list(ROLES))
def test_every_page_opens_from_the_sidebar(
    pm_page: Page, pm_server: Any, screenshots: Path, role: str
) -> None:
    log_in(pm_page, pm_server, role)
    expect(pm_page.locator('[data-testid="stSidebar"]')).to_contain_text(
        f"Logged in as {role} ({ROLES[role]})"
    )
    account = Account(role, role, frozenset({"NM-WFP"}) if role == "director" else frozenset())
    expected = [p for p in PAGES if p.spec.opens_for(account)]
    assert nav_links(pm_page) == [p.link for p in expected]
    wait_for_page(pm_page, nav(default_page().name))  # right after log-in
    # Every other page, then back to the overview, each by its sidebar link.
    for target in [*expected[1:], expected[0]]:
        open_from_sidebar(pm_page, target)
        pm_page.screenshot(path=screenshots / f"{role}-{target.slug}.png", full_page=True)


def test_evaluator_has_no_upload_page(pm_page: Page, pm_server: Any, screenshots: Path) -> None:
    """Not in the navigation (above); its URL opens a page saying whom Upload is for."""
    log_in(pm_page, pm_server, "evaluator", "/upload")
    expect(pm_page.get_by_text("logged in as an evaluator")).to_be_visible(timeout=SLOW)
    wait_idle(pm_page)
    pm_page.screenshot(path=screenshots / "evaluator-upload-url.png", full_page=True)
    expect(pm_page.get_by_text("Quarterly file")).to_have_count(0)
    expect(pm_page.locator('input[type="file"]')).to_have_count(0)
    assert "Upload" not in nav_links(pm_page)


def test_valid_file_is_stored(
    pm_page: Page, pm_server: Any, screenshots: Path, tmp_path: Path
) -> None:
    """A new quarter of the director's prison, loaded by the ministry: checked, then stored."""
    text = (INVALID / "value.negative.csv").read_text(encoding="utf-8")
    assert "overdose_nonfatal,-1," in text
    file = tmp_path / "NM-WFP_2023-Q3.csv"
    file.write_text(text.replace("overdose_nonfatal,-1,", "overdose_nonfatal,1,"), "utf-8")
    assert not json.loads(
        cli(pm_server, "history", "--prison", "NM-WFP", "--period", "2023-Q3", "--json")
    )

    log_in(pm_page, pm_server, "ministry", "/upload")
    wait_for_page(pm_page, nav("upload"))
    upload(pm_page, file)
    expect(pm_page.get_by_text("meets the contract")).to_be_visible(timeout=SLOW)
    wait_idle(pm_page)
    assert_no_exception(pm_page)
    warnings = pm_page.get_by_text("I have read the warnings and the figures are right")
    if warnings.count():
        warnings.click()
        wait_idle(pm_page)
    store = pm_page.get_by_role("button", name="Store the file")
    expect(store).to_be_enabled()
    store.click()
    expect(pm_page.get_by_text("NM-WFP 2023-Q3 stored as version 1")).to_be_visible(timeout=SLOW)
    wait_idle(pm_page)
    assert_no_exception(pm_page)
    pm_page.screenshot(path=screenshots / "ministry-upload-stored.png", full_page=True)

    history = json.loads(
        cli(pm_server, "history", "--prison", "NM-WFP", "--period", "2023-Q3", "--json")
    )
    assert [(h["status"], h["submitted_by"], h["file_name"]) for h in history] == [
        ("current", "ministry", file.name)
    ]


def test_invalid_file_is_rejected_with_its_rule(
    pm_page: Page, pm_server: Any, screenshots: Path
) -> None:
    log_in(pm_page, pm_server, "ministry", "/upload")
    wait_for_page(pm_page, nav("upload"))
    upload(pm_page, INVALID / "value.negative.csv")
    expect(pm_page.get_by_text("was rejected")).to_be_visible(timeout=SLOW)
    wait_idle(pm_page)
    assert_no_exception(pm_page)
    problems = pm_page.locator('[data-testid="stTable"]')  # a table: messages show whole
    expect(problems).to_be_visible()
    expect(problems.get_by_role("columnheader", name="rule", exact=True)).to_be_visible()
    expect(problems.get_by_role("cell", name="value.negative", exact=True)).to_be_visible()
    expect(pm_page.get_by_role("button", name="Store the file")).to_have_count(0)
    pm_page.screenshot(path=screenshots / "ministry-upload-rejected.png", full_page=True)

    with pm_page.expect_download(timeout=SLOW) as info:
        pm_page.get_by_role("button", name="Download the report (CSV)").click()
    report = list(csv.DictReader(io.StringIO(Path(info.value.path()).read_text("utf-8"))))
    assert [(r["severity"], r["rule"], r["data element"]) for r in report] == [
        (
            "error",
            "value.negative",
            f"{load_contract().title('overdose_nonfatal')} (overdose_nonfatal)",
        )
    ]


def _compare_page(page: Page, server: Any) -> None:
    log_in(page, server, "ministry", "/compare")
    wait_for_page(page, nav("compare"))


def test_chart_downloads_as_png(pm_page: Page, pm_server: Any) -> None:
    _compare_page(pm_page, pm_server)
    # Scoped to st.download_button: plotly's own toolbar also has a "Download plot as a PNG".
    button = pm_page.locator('[data-testid="stDownloadButton"]').get_by_role("button", name="PNG")
    expect(button).to_have_count(1)
    with pm_page.expect_download(timeout=SLOW) as info:
        button.click()
    download = info.value
    assert download.suggested_filename.startswith("compare-")
    assert download.suggested_filename.endswith(".png")
    data = Path(download.path()).read_bytes()
    assert data[:8] == PNG_SIGNATURE, data[:16]
    assert data[12:16] == b"IHDR" and data.endswith(b"IEND\xaeB`\x82"), "not a whole PNG"
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert 1000 <= width <= 5000 and 500 <= height <= 5000, (width, height)
    assert 20_000 <= len(data) <= 10_000_000, len(data)
    assert_no_exception(pm_page)


def test_table_downloads_as_csv(pm_page: Page, pm_server: Any) -> None:
    _compare_page(pm_page, pm_server)
    button = pm_page.locator('[data-testid="stDownloadButton"]').get_by_role("button", name="CSV")
    expect(button).to_have_count(1)
    with pm_page.expect_download(timeout=SLOW) as info:
        button.click()
    download = info.value
    assert download.suggested_filename.endswith(".csv")
    text = Path(download.path()).read_text("utf-8-sig")
    rows = [row for row in csv.reader(io.StringIO(text)) if not row[0].startswith("#")]
    assert "# indicator_id," in text, "the context lines precede the table"
    header, body = rows[0], rows[1:]
    for column in (
        "prison_code",
        "name",
        "region",
        "numerator",
        "denominator",
        "value",
        "lower_95",
        "upper_95",
        "benchmark",
        "state",  # shown, suppressed, not computable, not reported or not in service
    ):
        assert column in header, header
    assert body, "the table has no rows"
    codes = [row[header.index("prison_code")] for row in body]
    assert all(re.fullmatch(r"NM-[A-Z]+", code) for code in codes), codes
    assert_no_exception(pm_page)
