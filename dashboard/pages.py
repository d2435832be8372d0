"""The page registry: every page of the dashboard, once, with who may open it.

app.py builds the navigation from it and the tests walk it. A page a role may not open
is still registered (hidden from the menu), so a shared link to it says why it does not
open instead of silently landing on another page.
"""

from __future__ import annotations

from dataclasses import dataclass

from i18n import N_, _
from store.accounts import Account

# What the browser shows when a page fails unexpectedly (the traceback goes to the log only).
FAILED = N_(
    "Something went wrong on this page; it has been logged for the team. Try another "
    "quarter or filter, or go back to the Overview."
)
# The words of the registry below are marked with N_ and shown with _ (`shown_title`, ...).


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

    @property
    def shown_title(self) -> str:
        """The page's title in the current language."""
        return _(self.title)

    @property
    def shown_section(self) -> str:
        return _(self.section)

    def refusal(self, account: Account) -> str:
        # English needs "an" before a vowel; the other languages have their own wording.
        if account.role[0] in "aeiou":
            text = _(
                "The {page} page is for {whom}; you are logged in as an {role}. "
                "Choose a page in the menu."
            )
        else:
            text = _(
                "The {page} page is for {whom}; you are logged in as a {role}. "
                "Choose a page in the menu."
            )
        return text.format(page=self.shown_title, whom=_(self.for_whom), role=account.role)


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
    PageSpec("overview", N_("Overview"), "dashboard", N_("Indicators"), default=True),
    PageSpec("compare", N_("Compare"), "bar_chart", N_("Indicators")),
    PageSpec("trends", N_("Trends"), "show_chart", N_("Indicators")),
    PageSpec(
        "profile",
        N_("Prison profile"),
        "apartment",
        N_("Indicators"),
        requires="sees_prison_rows",
        for_whom=N_("accounts that read prisons' figures"),
    ),
    PageSpec(
        "completeness",
        N_("Data completeness"),
        "grid_on",
        N_("Data"),
        requires="sees_prison_rows",
        for_whom=N_("accounts that read prisons' figures"),
    ),
    PageSpec(
        "upload",
        N_("Upload"),
        "upload_file",
        N_("Data"),
        requires="may_submit_anything",
        for_whom=N_("ministry staff and prison directors"),
    ),
    PageSpec(
        "history",
        N_("History"),
        "history",
        N_("Data"),
        requires="sees_prison_rows",
        for_whom=N_("accounts that read prisons' figures"),
    ),
    PageSpec(
        "review",
        N_("Review"),
        "fact_check",
        N_("Data"),
        requires="manages",
        for_whom=N_("ministry staff"),
    ),
    PageSpec(
        "audit",
        N_("Audit trail"),
        "policy",
        N_("Data"),
        requires="reads_audit",
        for_whom=N_("ministry staff and prison directors"),
    ),
    PageSpec(
        "administration",
        N_("Administration"),
        "admin_panel_settings",
        N_("Data"),
        requires="manages",
        for_whom=N_("ministry staff"),
    ),
    PageSpec("definitions", N_("Definitions"), "menu_book", N_("Data")),
)
