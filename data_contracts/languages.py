"""The languages of the product (international.md §3): English, French, Dutch and German.

Texts that live in the contract and the registry are translated in the same files, one
entry per language beside the English one: ``message`` is English, ``message_fr``,
``message_nl`` and ``message_de`` its translations (likewise ``title``, ``definition``,
…), so a definition and its translations cannot drift apart. `texts_of` reads such an
entry into {language: text}; `missing` says which language a text lacks (a test fails on
any). Translations are written by people: nothing here calls a translation service.

The language a message is written in is the current one (`current_language`): the
command line sets it from ``--lang`` or ``PRISON_MONITOR_LANG`` (default English), the
dashboard from the person's account, for the work they run (`speaking`).
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

LANGUAGES = ("en", "fr", "nl", "de")
DEFAULT_LANGUAGE = "en"
TRANSLATED = LANGUAGES[1:]  # beside the English text, as `<field>_<language>`
LANGUAGE_SETTING = "PRISON_MONITOR_LANG"
# Each language by its own name (how a person finds theirs in a list).
LANGUAGE_NAMES = {"en": "English", "fr": "Français", "nl": "Nederlands", "de": "Deutsch"}

_current: ContextVar[str] = ContextVar("language", default=DEFAULT_LANGUAGE)


class LanguageError(ValueError):
    """Not one of LANGUAGES; one sentence saying which are."""


def check_language(code: str, where: str = "the language") -> str:
    """`code` if it is one of LANGUAGES (case and spaces forgiven), else LanguageError."""
    clean = (code or "").strip().lower()
    if clean not in LANGUAGES:
        raise LanguageError(
            f"{where} '{code}' is not one of the languages: {', '.join(LANGUAGES)} "
            f"({', '.join(LANGUAGE_NAMES.values())})."
        )
    return clean


def language_from_environment(environ: Mapping[str, str] = os.environ) -> str:
    """PRISON_MONITOR_LANG, checked; English when unset."""
    value = environ.get(LANGUAGE_SETTING)
    return DEFAULT_LANGUAGE if not value else check_language(value, LANGUAGE_SETTING)


def current_language() -> str:
    return _current.get()


@contextmanager
def speaking(language: str) -> Iterator[str]:
    """Write messages in `language` inside the block."""
    token = _current.set(check_language(language))
    try:
        yield language
    finally:
        _current.reset(token)


# The translations of an entry's texts, {field: {language: text}}.
Translations = dict[str, dict[str, str]]


def split_translations(raw: Mapping[str, Any]) -> tuple[dict[str, Any], Translations]:
    """An entry without its `<field>_<language>` keys, and those keys as {field: {language:
    text}}: the one reader of the convention."""
    plain: dict[str, Any] = {}
    found: Translations = {}
    for key, value in raw.items():
        base, _, language = key.rpartition("_")
        if base and language in TRANSLATED:
            found.setdefault(base, {})[language] = value
        else:
            plain[key] = value
    return plain, found


def texts_of(entry: Mapping[str, Any], field: str) -> dict[str, str]:
    """{language: text} of `field` in a contract or registry entry: the English `field`
    and each `field_<language>` beside it (absent or empty ones left out)."""
    plain, translations = split_translations(entry)
    found = {DEFAULT_LANGUAGE: plain[field]} if plain.get(field) is not None else {}
    return found | {lang: text for lang, text in translations.get(field, {}).items() if text}


def in_language(texts: Mapping[str, str], language: str | None = None) -> str:
    """The text in `language` (default: the current one), English where it has none."""
    return texts.get(language or current_language()) or texts[DEFAULT_LANGUAGE]


def english_or(english: str, translations: Mapping[str, str], language: str | None = None) -> str:
    """`english`, or its translation into `language` (default: the current one) if it has
    one."""
    return in_language({DEFAULT_LANGUAGE: english, **translations}, language)


def missing(texts: Mapping[str, str]) -> list[str]:
    """The languages `texts` lacks."""
    return [language for language in LANGUAGES if not texts.get(language)]
