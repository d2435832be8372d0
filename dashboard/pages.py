"""The page registry: every page of the dashboard, once, with who may open it.

app.py builds the navigation from it and the tests walk it. A page a role may not open
is still registered (hidden from the menu), so a shared link to it says why it does not
open instead of silently landing on another page.
"""

from __future__ import annotations

from dataclasses import dataclass

from store.accounts import Account

# What the browser shows when a page fails unexpectedly (the traceback goes to the log only).
FAILED = (
    "Something went wrong on this page; it has been logged for the team. Try another "
    "quarter or filter, or go back to the Overview."
)


@dataclass(frozen=True)
class PageSpec:
    name: str  # dashboard/views/<name>.py, and the page's URL path
    title: str
    icon: str  # a Material icon name
    section: str
    default: bool = False
    # The Account property that must be true to open the page (who may do what is decided
    # by the account, store.accounts), and whom that means, in words.
    requires: str | None = None
    for_whom: str = ""

    def opens_for(self, account: Account) -> bool:
        return self.requires is None or bool(getattr(account, self.requires))

    def refusal(self, account: Account) -> str:
        article = "an" if account.role[0] in "aeiou" else "a"
        return (
            f"The {self.title} page is for {self.for_whom}; you are logged in as {article} "
            f"{account.role}. Choose a page in the menu."
        )


def page(slug: str) -> PageSpec:
    """The registered page whose name (its URL path) is `slug`."""
    for spec in PAGES:
        if spec.name == slug:
            return spec
    raise KeyError(f"no page {slug!r}; registered: {[p.name for p in PAGES]}")


def default_page() -> PageSpec:
    """The page a log-in lands on."""
    (spec,) = [p for p in PAGES if p.default]
    return spec


PAGES: tuple[PageSpec, ...] = (
    PageSpec("overview", "Overview", "dashboard", "Indicators", default=True),
    PageSpec("compare", "Compare", "bar_chart", "Indicators"),
    PageSpec("trends", "Trends", "show_chart", "Indicators"),
    PageSpec(
        "profile",
        "Prison profile",
        "apartment",
        "Indicators",
        requires="sees_prison_rows",
        for_whom="accounts that read prisons' figures",
    ),
    PageSpec(
        "completeness",
        "Data completeness",
        "grid_on",
        "Data",
        requires="sees_prison_rows",
        for_whom="accounts that read prisons' figures",
    ),
    PageSpec(
        "upload",
        "Upload",
        "upload_file",
        "Data",
        requires="may_submit_anything",
        for_whom="ministry staff and prison directors",
    ),
    PageSpec(
        "history",
        "History",
        "history",
        "Data",
        requires="sees_prison_rows",
        for_whom="accounts that read prisons' figures",
    ),
    PageSpec(
        "review",
        "Review",
        "fact_check",
        "Data",
        requires="manages",
        for_whom="ministry staff",
    ),
    PageSpec(
        "audit",
        "Audit trail",
        "policy",
        "Data",
        requires="reads_audit",
        for_whom="ministry staff and prison directors",
    ),
    PageSpec(
        "administration",
        "Administration",
        "admin_panel_settings",
        "Data",
        requires="manages",
        for_whom="ministry staff",
    ),
    PageSpec("definitions", "Definitions", "menu_book", "Data"),
)
