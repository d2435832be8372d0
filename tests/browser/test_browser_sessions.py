"""Sessions in a real browser: a reload keeps you logged in, log-out ends it, and every page
response carries the security headers while the pages (charts included) still draw.

Its own server (dashboard/server.py, the st.App with our routes and headers, as
`prison-monitor serve` starts it), so the session cookie and the headers are tested
whatever the shared fixture runs.
"""

from __future__ import annotations

import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from dashboard.pages import PAGES
from dashboard.web import COOKIE, SECURITY_HEADERS
from tests.browser.conftest import SERVE_DEMO, Server, running_server

SLOW = 60_000
PASSWORD = "demo"
CHART_PAGE = next(p for p in PAGES if p.name == "trends")


@pytest.fixture(scope="module")
def st_app_server(pm_chromium: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """`prison-monitor serve --demo`, which runs dashboard/server.py, on its own database."""
    folder = tmp_path_factory.mktemp("sessions")
    with running_server(SERVE_DEMO, folder, f"sqlite:///{folder / 'pm.db'}") as server:
        yield server


@pytest.fixture
def page(pm_browser, st_app_server: Server) -> Iterator[Page]:  # type: ignore[no-untyped-def]
    context = pm_browser.new_context()
    context.set_default_timeout(30_000)
    try:
        yield context.new_page()
    finally:
        context.close()
    assert "Traceback" not in st_app_server.log_text()


def wait_for_cookie(page: Page, seconds: float = SLOW / 1000) -> dict:  # type: ignore[type-arg]
    """The session cookie, once the logged-in page's hidden request to the cookie route has
    set it (the page may be drawn a moment before that request returns)."""
    deadline = time.monotonic() + seconds
    while True:
        found = [c for c in page.context.cookies() if c["name"] == COOKIE]
        if found:
            return dict(found[0])
        assert time.monotonic() < deadline, "the session route did not set the cookie"
        page.wait_for_timeout(100)


def wait_for_cookie_gone(page: Page, seconds: float = SLOW / 1000) -> None:
    deadline = time.monotonic() + seconds
    while COOKIE in {c["name"] for c in page.context.cookies()}:
        assert time.monotonic() < deadline, "the log-out route did not clear the session cookie"
        page.wait_for_timeout(100)


def logged_in_as(page: Page, user: str):  # type: ignore[no-untyped-def]
    return page.locator('[data-testid="stSidebar"]').get_by_text(f"Logged in as {user}")


def test_reload_keeps_you_logged_in_and_log_out_ends_it(page: Page, st_app_server) -> None:
    link = st_app_server.url(f"/{CHART_PAGE.name}?q=2026-Q1")
    page.goto(link)
    loads: list[str] = []
    page.on("framenavigated", lambda f: loads.append(f.url) if f == page.main_frame else None)
    page.get_by_label("Username").fill("evaluator")
    page.get_by_role("textbox", name="Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(logged_in_as(page, "evaluator")).to_be_visible(timeout=SLOW)
    cookie = wait_for_cookie(page)
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    # The cookie came from a hidden request: the page never left its link.
    assert loads == [] and page.url == link, loads

    page.reload()
    expect(logged_in_as(page, "evaluator")).to_be_visible(timeout=SLOW)
    expect(page.get_by_label("Username")).to_have_count(0, timeout=SLOW)

    page.locator('[data-testid="stSidebar"]').get_by_role("button", name="Log out").click()
    expect(page.get_by_label("Username")).to_be_visible(timeout=SLOW)
    # The session ended in the store at the click; the browser's pass through the log-out
    # route, which clears the cookie, may finish a moment after the form is drawn.
    wait_for_cookie_gone(page)
    page.reload()
    expect(page.get_by_label("Username")).to_be_visible(timeout=SLOW)
    expect(logged_in_as(page, "evaluator")).to_have_count(0)


def test_a_copied_session_cookie_is_dead_after_log_out(pm_browser, st_app_server) -> None:
    """Log-out ends the session in the store, not only in the browser that logged out."""
    first = pm_browser.new_context()
    try:
        page = first.new_page()
        page.goto(st_app_server.url("/"))
        page.get_by_label("Username").fill("ministry")
        page.get_by_role("textbox", name="Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        expect(logged_in_as(page, "ministry")).to_be_visible(timeout=SLOW)
        # The log-in form may stay on screen, stale, while the logged-in page draws over it:
        # wait until it is gone, or the form seen after "Log out" could be that stale one and
        # the context closed before the log-out run began (CI saw this once).
        expect(page.get_by_label("Username")).to_have_count(0, timeout=SLOW)
        copied = [wait_for_cookie(page)]
        page.locator('[data-testid="stSidebar"]').get_by_role("button", name="Log out").click()
        expect(logged_in_as(page, "ministry")).to_have_count(0, timeout=SLOW)
        expect(page.get_by_label("Username")).to_be_visible(timeout=SLOW)
        # The browser's pass through the log-out route clears the cookie: the run ended.
        wait_for_cookie_gone(page)
    finally:
        first.close()
    second = pm_browser.new_context()
    try:
        second.add_cookies(copied)
        page = second.new_page()
        page.goto(st_app_server.url("/"))
        expect(page.get_by_label("Username")).to_be_visible(timeout=SLOW)
    finally:
        second.close()


def test_security_headers_on_the_page_and_the_charts_still_draw(page: Page, st_app_server) -> None:
    with urllib.request.urlopen(st_app_server.url("/"), timeout=10) as response:
        headers = response.headers
    for name, value in SECURITY_HEADERS.items():
        assert headers.get(name) == value, name
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]

    refused: list[str] = []
    page.on(
        "console",
        lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None,
    )
    page.goto(st_app_server.url("/"))
    page.get_by_label("Username").fill("ministry")
    page.get_by_role("textbox", name="Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(logged_in_as(page, "ministry")).to_be_visible(timeout=SLOW)
    page.locator('[data-testid="stSidebarNav"]').get_by_text(CHART_PAGE.title).click()
    expect(page.locator(".js-plotly-plot").first).to_be_visible(timeout=SLOW)
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)
    # Only the page icon, which Streamlit fetches from Google's font server, may be refused.
    assert [m for m in refused if "fonts.gstatic.com" not in m] == []
