"""The dashboard in French, Dutch and German in a real browser (international.md §3).

A ministry official picks a language in the sidebar; it is kept with the account, and
every page they can open is then reached by its title in that language, and no English
text of the interface's catalogs is left on the screen where the language has its own
(codes, names and Streamlit's own few words excepted: see docs/languages.md). The
catalogs grow as the pages' own words are marked; this test follows them.
Screenshots of each page in each language go to test-artifacts/screenshots/.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from test_browser import PAGES, heading, log_in, wait_idle

from data_contracts.contract import translated
from data_contracts.languages import DEFAULT_LANGUAGE, LANGUAGE_NAMES, TRANSLATED, speaking
from i18n import _
from i18n.catalogs import po_path, read
from indicators.registry import load_registry
from store.account_language import set_language
from store.accounts import get_account
from store.db import get_engine

pytestmark = pytest.mark.browser

USER = "ministry"
SLOW = 60_000
# A text shorter than this many words may be a word both languages share ("Total",
# "Region" in Dutch is "Regio" but "Type" is "Type"), so only longer ones count as English.
ENGLISH_WORDS = 3
# What the screen does not show of a text: placeholders, Markdown's bold and code marks.
MARKUP = r"\{[^}]*\}|\*\*|`"


def english_left(language: str) -> list[str]:
    """The English texts of the catalog whose translation differs (cut at punctuation)."""
    found = []
    for message in read(po_path(language), language):
        if not message.id or isinstance(message.id, tuple):
            continue
        english = re.sub(MARKUP, "", message.id).strip()
        translation = re.sub(MARKUP, "", message.string)
        if english != message.string and len(english.split()) >= ENGLISH_WORDS:
            # a part the translation keeps as it is (a command, a code) is not English left
            parts = (p.strip() for p in re.split(r"[.:;()\n]", english))
            found.extend(p for p in parts if p and p not in translation)
    found.extend(registry_english(language))
    return [text for text in found if len(text.split()) >= ENGLISH_WORDS]


def registry_english(language: str) -> list[str]:
    """The registry's indicator and domain titles in English, where the language has its own
    (the pages show them with `translated`, never the English)."""
    registry = load_registry()
    entries = [*registry, *registry.domains]
    return [e.title for e in entries if translated(e, "title", language) != e.title]


def choose_language(page: Page, language: str) -> None:
    picker = page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').filter(
        has_text="Sprache"
    )
    picker.click()
    page.get_by_role("option", name=LANGUAGE_NAMES[language], exact=True).click()
    wait_idle(page)


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_page_reads_in_the_chosen_language(pm_page, pm_server, screenshots, language):
    page = pm_page
    engine = get_engine(pm_server.db_url)
    try:
        log_in(page, pm_server, USER)
        choose_language(page, language)
        with speaking(language):
            overview = _(PAGES[0].spec.title)
        expect(heading(page)).to_have_text(overview, timeout=SLOW)
        assert get_account(engine, USER).language == language
        english = english_left(language)
        account = get_account(engine, USER)
        for target in PAGES:
            if not target.spec.opens_for(account):
                continue
            with speaking(language):
                title = _(target.spec.title)
            page.locator('[data-testid="stSidebarNav"]').get_by_role(
                "link", name=title, exact=True
            ).click()
            wait_idle(page)
            # the page is drawn (its heading shown) before its words are read
            expect(heading(page)).not_to_be_empty(timeout=SLOW)
            page.screenshot(path=screenshots / f"lang-{language}-{target.slug}.png", full_page=True)
            shown = page.locator('[data-testid="stMain"]').inner_text()
            shown += page.locator('[data-testid="stSidebar"]').inner_text()
            left = [text for text in english if text in shown]
            assert not left, f"{language} {target.slug}: English left on screen: {left[:5]}"
    finally:
        set_language(engine, USER, DEFAULT_LANGUAGE)
