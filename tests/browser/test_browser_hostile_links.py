"""Hostile links in a real browser: no exception box, no traceback, no server path, no markup.

tests/dashboard/test_hostile_links.py sweeps every page under AppTest; this opens the
same kind of links in chromium, as each role, where what matters is what a person sees.
"""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from playwright.sync_api import Page, expect

from dashboard.pages import FAILED, PAGES
from tests.browser.test_browser import SLOW, log_in, wait_idle
from tests.dashboard.test_pages import ACCOUNTS

pytestmark = pytest.mark.browser

# One link of every kind at once: each visit is a fresh session, so a log-in each.
HOSTILE = [
    ("region", "![x](http://evil.example/x.png)"),
    ("ind", "<script>alert(1)</script>"),
    ("prison", "**NM-WFP**"),
    ("deadline", "-999"),
    ("q", "2025-Q9"),
    ("from", "1999-Q1"),
    ("type", "N" * 5000),
    *[("region", f"R{i}") for i in range(250)],
]


def visible_text(page: Page) -> str:
    return page.locator('[data-testid="stApp"]').inner_text()


def check(page: Page, what: str) -> None:
    expect(page.locator('[data-testid="stMain"] h1').first).to_be_visible(timeout=SLOW)
    wait_idle(page)
    text = visible_text(page)
    assert "Traceback" not in text and "/work/" not in text, what
    assert FAILED not in text, f"{what}: the page failed (see the server's log)"
    assert page.locator('[data-testid="stException"]').count() == 0, what
    assert page.locator("img[src*='evil.example']").count() == 0, f"{what}: image fetched"


@pytest.mark.parametrize("role", list(ACCOUNTS))
def test_hostile_links_in_the_browser(pm_page: Page, pm_server, screenshots, role) -> None:
    for page in PAGES:
        if not page.opens_for(ACCOUNTS[role]):
            continue
        path = "" if page.default else page.name  # the default page lives at /
        log_in(pm_page, pm_server, role, f"/{path}?{urlencode(HOSTILE)}")
        check(pm_page, f"{role} on {page.name}")
        if page.name == "compare":
            expect(pm_page.get_by_text("left out").first).to_be_visible(timeout=SLOW)
            pm_page.screenshot(path=str(screenshots / f"hostile-link-{role}.png"))


def test_a_page_the_role_may_not_open_says_so(pm_page: Page, pm_server, screenshots) -> None:
    evaluator = ACCOUNTS["evaluator"]
    upload = next(p for p in PAGES if not p.opens_for(evaluator))
    log_in(pm_page, pm_server, "evaluator", f"/{upload.name}")
    expect(pm_page.get_by_text(upload.refusal(evaluator))).to_be_visible(timeout=SLOW)
    pm_page.screenshot(path=str(screenshots / "refused-page.png"))
