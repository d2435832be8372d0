"""Markup renders as text in a real browser: a register, a file name, cells and a note full
of Markdown, HTML, LaTeX and Streamlit directives, on every page, as each role.

tests/dashboard/test_markup.py checks the Markdown source under AppTest; this checks
what chromium builds from it: no image fetched from the payload's address, no link to it,
no bold, no LaTeX, no colour directive; the names readable as typed. The dashboard runs on
its own database here (the session's server keeps the plain sample register other
browser tests read).
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from dashboard.markup import WORD_JOINER
from dashboard.pages import FAILED, PAGES
from tests.browser import chromium
from tests.browser.conftest import CLI, SERVE_DEMO, Server, running_server
from tests.browser.test_browser import SLOW, log_in, wait_idle
from tests.dashboard.test_markup import HOSTILE_FILE_NAME, IMAGE, PAYLOADS, _hostile_upload
from tests.dashboard.test_pages import ACCOUNTS

pytestmark = pytest.mark.browser

EVIL = "evil.example"


@pytest.fixture(scope="module")
def markup_server(pm_chromium, tmp_path_factory) -> Iterator[Server]:  # type: ignore[no-untyped-def]
    """`serve --demo` on a sample database whose register names hold the payloads."""
    from tests.dashboard.test_markup import hostile_register

    folder = tmp_path_factory.mktemp("markup-dashboard")
    db_url = f"sqlite:///{folder / 'pm.db'}"
    env = {**os.environ, "PRISON_MONITOR_DB": db_url}
    subprocess.run([str(CLI), "init", "--sample"], env=env, check=True, capture_output=True)
    hostile_register(db_url)
    with running_server(SERVE_DEMO, folder, db_url) as server:
        yield server


@pytest.fixture
def markup_page(pm_browser, markup_server: Server) -> Iterator[Page]:  # type: ignore[no-untyped-def]
    context = pm_browser.new_context(viewport=chromium.VIEWPORT)
    context.set_default_timeout(30_000)
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()
    assert "Traceback" not in markup_server.new_log()


def open_as(page: Page, server: Server, role: str, path: str) -> None:
    """Open ``path`` logged in as ``role``: the log-in form the first time, after that the
    session the dashboard keeps across page loads."""
    form = page.get_by_label("Username")
    page.goto(server.url(path))
    sidebar = page.locator('[data-testid="stSidebar"]').get_by_text(f"Logged in as {role}")
    expect(form.or_(sidebar).first).to_be_visible(timeout=SLOW)
    if form.is_visible():
        log_in(page, server, role, path)


def assert_text_only(page: Page, what: str) -> None:
    expect(page.locator('[data-testid="stMain"] h1').first).to_be_visible(timeout=SLOW)
    wait_idle(page)
    text = page.locator('[data-testid="stApp"]').inner_text()
    assert FAILED not in text, f"{what}: the page failed"
    assert page.locator(f"img[src*='{EVIL}'], image[href*='{EVIL}']").count() == 0, what
    assert page.locator(f"a[href*='{EVIL}']").count() == 0, f"{what}: a link to the payload"
    assert page.locator("script:text('alert(1)')").count() == 0, what
    assert page.locator(".katex").count() == 0, f"{what}: LaTeX rendered"
    bold = page.locator("strong, b").filter(has_text="bold")
    assert all("**" in t for t in bold.all_inner_texts()), f"{what}: **bold** made bold"


@pytest.mark.parametrize("role", list(ACCOUNTS))
def test_names_render_as_text_on_every_page(
    markup_page: Page, markup_server, screenshots, role
) -> None:
    for spec in PAGES:
        if not spec.opens_for(ACCOUNTS[role]):
            continue
        path = "" if spec.default else spec.name
        query = "?bench=region" if spec.name in ("compare", "trends") else ""
        open_as(markup_page, markup_server, role, f"/{path}{query}")
        assert_text_only(markup_page, f"{role} on {spec.name}")
        if spec.name == "profile":
            title = markup_page.locator('[data-testid="stMain"] h1').first.inner_text()
            title = title.replace(WORD_JOINER, "")  # invisible: it only stops autolinks
            assert any(p in title for p in PAYLOADS), f"the name shows as typed: {title!r}"
        markup_page.screenshot(path=str(screenshots / f"markup-{role}-{spec.name}.png"))


def test_a_hostile_upload_renders_as_text(
    markup_page: Page, markup_server, screenshots, tmp_path: Path
) -> None:
    log_in(markup_page, markup_server, "director", "/upload")
    uploader = markup_page.locator('[data-testid="stFileUploader"] input[type="file"]')
    uploader.set_input_files(
        {"name": HOSTILE_FILE_NAME, "mimeType": "text/csv", "buffer": _hostile_upload()}
    )
    verdict = markup_page.locator('[data-testid="stAlert"]').filter(has_text="was rejected")
    expect(verdict).to_be_visible(timeout=SLOW)
    assert_text_only(markup_page, "a hostile upload")
    shown = verdict.inner_text().replace(WORD_JOINER, "")
    assert IMAGE in shown, "the file name shows as typed"
    markup_page.screenshot(path=str(screenshots / "markup-upload.png"), full_page=True)
