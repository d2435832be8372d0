"""Every text of the contract and the registry is there in every language (international.md
§3), beside its English, with the same placeholders; and a message is written in the
language asked for."""

from __future__ import annotations

import string
from collections.abc import Iterator

import pytest
import yaml

from data_contracts.contract import CONTRACT_PATH, load_contract
from data_contracts.languages import (
    LANGUAGES,
    LanguageError,
    check_language,
    missing,
    speaking,
    texts_of,
)
from indicators.registry import REGISTRY_PATH, load_registry


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def contract_texts() -> Iterator[tuple[str, dict[str, str]]]:
    """(where, {language: text}) of every text of the contract a person reads."""
    raw = yaml.safe_load(CONTRACT_PATH.read_text("utf-8"))
    for rule in raw["rules"]:
        yield f"rule {rule['id']}", texts_of(rule, "message")
        for case in [k for k in rule.get("variants", {}) if k.rpartition("_")[2] not in LANGUAGES]:
            yield f"rule {rule['id']} variant {case}", texts_of(rule["variants"], case)
        for n, expectation in enumerate(rule.get("expectations", ())):
            if "message" in expectation:
                yield f"rule {rule['id']} expectation {n}", texts_of(expectation, "message")
    for rule in raw["register"]["rules"]:
        yield f"register rule {rule['id']}", texts_of(rule, "message")
    for element in raw["data_elements"]:
        for name in ("title", "definition"):
            yield f"element {element['code']} {name}", texts_of(element, name)
    for module in raw["modules"]:
        for name in ("what", "why"):
            yield f"module {module['id']} {name}", texts_of(module, name)
    for column in [*raw["columns"], *raw["helper_columns"], *raw["register"]["columns"]]:
        yield f"column {column['name']}", texts_of(column, "content")
    for section in ("units", "breakdown_kinds"):
        for key in [k for k in raw[section] if k.rpartition("_")[2] not in LANGUAGES]:
            yield f"{section} {key}", texts_of(raw[section], key)
    for breakdown in raw["breakdowns"]:
        yield f"breakdown {breakdown['id']}", texts_of(breakdown, "title")
    for phrase in raw["phrases"]:
        yield f"phrase {phrase['id']}", texts_of(phrase, "text")


def registry_texts() -> Iterator[tuple[str, dict[str, str]]]:
    registry = load_registry()
    for indicator in registry.indicators:
        for name in ("title", "definition", "rationale"):
            english = getattr(indicator, name)
            yield (
                f"indicator {indicator.id} {name}",
                {"en": english, **indicator.translations.get(name, {})},
            )
    for domain in registry.domains:
        for name in ("title", "description"):
            english = getattr(domain, name)
            yield f"domain {domain.id} {name}", {"en": english, **domain.translations.get(name, {})}


ALL_TEXTS = [*contract_texts(), *registry_texts()]


def test_every_text_is_in_every_language() -> None:
    lacking = {where: missing(texts) for where, texts in ALL_TEXTS if missing(texts)}
    assert lacking == {}, f"{len(lacking)} texts lack a language, e.g. {list(lacking.items())[:5]}"
    assert REGISTRY_PATH.exists() and len(ALL_TEXTS) > 100


def test_every_translation_keeps_the_placeholders() -> None:
    wrong = [
        (where, language)
        for where, texts in ALL_TEXTS
        for language, text in texts.items()
        if placeholders(text) != placeholders(texts["en"])
    ]
    assert wrong == []


def test_a_message_is_written_in_the_language_asked_for() -> None:
    from data_contracts.report import make_issue

    contract = load_contract()
    written = {}
    for language in LANGUAGES:
        with speaking(language):
            written[language] = make_issue(
                "period.format", row=3, column="period", value="2025-13", suggestion=""
            ).message
    assert len(set(written.values())) == len(LANGUAGES)
    french = contract.rule("period.format").translations["message"]["fr"]
    assert written["fr"] == french.format(value="2025-13", suggestion="")


def test_an_unknown_language_is_refused_in_one_sentence() -> None:
    assert check_language(" FR ") == "fr"
    with pytest.raises(LanguageError, match="en, fr, nl, de"):
        check_language("es")
