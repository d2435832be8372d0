"""Pages by their slug for the tests: a page is named, never counted to.

The page registry (dashboard.pages.PAGES) is the one list of pages; its order is the
menu's and may change, so a test that wants the Upload page asks for "upload".
The lookups live in the registry itself; this module only names them for the tests.
"""

from __future__ import annotations

from dashboard.pages import default_page, page

__all__ = ["default_page", "page"]
