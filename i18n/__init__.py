"""The interface's words in the person's language (international.md §3).

Texts that the contract and the registry define are translated beside their English text
in those files (`data_contracts.languages`). Everything else a person reads (the
dashboard's words, the command line's own lines, the exports' labels) is marked in the
code with `_` (or `ngettext` where it depends on a count) and translated in gettext
catalogs made with Babel: `i18n/locale/<language>/LC_MESSAGES/prison_monitor.po`, compiled
to `.mo` beside it (`make catalogs`; `i18n.catalogs` says how). A test fails when the code
holds a text the catalogs lack, or a catalog is stale or incomplete.

The language is the current one of `data_contracts.languages` (the command line's
``--lang``, the dashboard's account). English is the code's own text: it needs no
catalog. A text written at import time (a constant) is marked with `N_` and translated
where it is shown, with `_` on the constant.
"""

from __future__ import annotations

import gettext
from functools import cache
from pathlib import Path

from data_contracts.languages import DEFAULT_LANGUAGE, LANGUAGES, current_language

DOMAIN = "prison_monitor"
LOCALE_DIR = Path(__file__).parent / "locale"


@cache
def catalog(language: str) -> gettext.NullTranslations:
    """The compiled catalog of ``language`` (English: the code's own text)."""
    if language == DEFAULT_LANGUAGE or language not in LANGUAGES:
        return gettext.NullTranslations()
    path = LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.mo"
    with path.open("rb") as handle:
        return gettext.GNUTranslations(handle)


def _(message: str) -> str:
    """``message`` in the current language."""
    return catalog(current_language()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The form of ``singular``/``plural`` for ``n`` in the current language (its own
    plural rule: French says "0 prison", English "0 prisons")."""
    return catalog(current_language()).ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Marks a text for the catalogs where it is defined; `_` translates it where shown."""
    return message
