"""Pages by their slug for the tests: a page is named, never counted to.

The page registry (dashboard.pages.PAGES) is the one list of pages; its order is the
menu's and may change, so a test that wants the Upload page asks for "upload".
"""

from __future__ import annotations

from dashboard.pages import PAGES, PageSpec


def page(slug: str) -> PageSpec:
    """The registered page whose name (its URL path) is `slug`."""
    for spec in PAGES:
        if spec.name == slug:
            return spec
    raise KeyError(f"no page {slug!r} in dashboard.pages.PAGES: {[p.name for p in PAGES]}")


def default_page() -> PageSpec:
    """The page a log-in lands on."""
    (spec,) = [p for p in PAGES if p.default]
    return spec
