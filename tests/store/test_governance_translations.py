"""Every governance refusal, and every phrase the code puts into one, is there in every
language (international.md §3) beside its English in store/governance.yaml, with the same
placeholders; a refusal is written in the current language, and in English exactly as
before."""

from __future__ import annotations

import re
import string
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml

from data_contracts.languages import TRANSLATED, missing, speaking, texts_of
from store.governance import (
    RULES_PATH,
    GovernanceRefused,
    phrase,
    phrases,
    refusal,
    require_account_within,
    require_country,
    require_every_country,
    require_ministry,
    rules,
)
from store.review import APPROVE, DONE, NEEDS_COMMENT, REOPEN, RETURN, STATES

STORE = Path(RULES_PATH).parent
NAMED = re.compile(r"""(?<![\w.])phrase\(\s*f?["']([\w.{}]+)["']""")


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def governance_texts() -> Iterator[tuple[str, dict[str, str]]]:
    """(where, {language: text}) of every text of governance.yaml a person reads."""
    raw = yaml.safe_load(RULES_PATH.read_text("utf-8"))
    for rule in raw["rules"]:
        yield f"rule {rule['id']}", texts_of(rule, "message")
    for entry in raw["phrases"]:
        yield f"phrase {entry['id']}", texts_of(entry, "text")


ALL_TEXTS = list(governance_texts())


def test_every_governance_text_is_in_every_language() -> None:
    lacking = {where: missing(texts) for where, texts in ALL_TEXTS if missing(texts)}
    assert lacking == {}, f"{len(lacking)} texts lack a language: {lacking}"
    assert len(ALL_TEXTS) == len(rules()) + len(phrases()) and len(rules()) >= 13


@pytest.mark.parametrize(("where", "texts"), ALL_TEXTS, ids=[w for w, _ in ALL_TEXTS])
def test_a_translation_keeps_the_placeholders(where: str, texts: dict[str, str]) -> None:
    english = placeholders(texts["en"])
    changed = {
        language: placeholders(texts[language])
        for language in TRANSLATED
        if language in texts and placeholders(texts[language]) != english
    }
    assert changed == {}, f"{where}: English has {sorted(english)}, {changed}"


def test_ids_are_unique() -> None:
    raw = yaml.safe_load(RULES_PATH.read_text("utf-8"))
    for section in ("rules", "phrases"):
        ids = [entry["id"] for entry in raw[section]]
        assert len(ids) == len(set(ids)), section


def test_every_phrase_the_store_names_exists() -> None:
    named = set()
    for path in STORE.glob("*.py"):
        named |= set(NAMED.findall(path.read_text("utf-8")))
    plain = {name for name in named if "{" not in name}
    assert plain and plain <= set(phrases()), plain - set(phrases())
    # the ids the store builds: a state of a prison-quarter, an action's comment and result
    built = {f"state.{s}" for s in STATES} | {f"done.{a}" for a in (APPROVE, RETURN, REOPEN)}
    built |= {f"comment.{a}" for a in NEEDS_COMMENT}
    assert built <= set(phrases()), built - set(phrases())


def test_the_english_constants_are_the_english_phrases() -> None:
    """store.review's English words (the dashboard translates DONE with gettext) are the
    English texts of their phrases, so the two cannot drift apart."""
    for action, done in DONE.items():
        assert phrases()[f"done.{action}"]["en"] == done
    for action, what in NEEDS_COMMENT.items():
        assert phrases()[f"comment.{action}"]["en"] == what
    for state in STATES:
        assert phrases()[f"state.{state}"]["en"] == state


def _refused(call) -> str:  # type: ignore[no-untyped-def]
    with pytest.raises(GovernanceRefused) as caught:
        call()
    return str(caught.value)


EVALUATOR = SimpleNamespace(
    name="eva", role="evaluator", manages=False, every_country=False, countries={"BE"}
)
BOUND = SimpleNamespace(
    name="min-be",
    role="ministry",
    manages=True,
    every_country=False,
    countries={"BE"},
    sees_country=lambda country: country == "BE",
)


def test_english_refusals_are_as_they_were() -> None:
    assert _refused(lambda: require_ministry(EVALUATOR, phrase("what.review_submissions"))) == (
        "'eva' has the evaluator role; only a ministry account may review submissions."
    )
    assert _refused(lambda: require_country(BOUND, "FR", phrase("what.review_it"), "FR-X")) == (
        "'min-be' works for BE only and may not review it: FR-X is of FR. Nothing was changed."
    )
    assert _refused(lambda: require_country(BOUND, None, "review it", "XX-1")).endswith(
        "review it: XX-1 is of no registered country. Nothing was changed."
    )
    assert _refused(lambda: require_every_country(BOUND, "create a release")) == (
        "'min-be' works for BE only and may not create a release: it concerns every country "
        "of this deployment; a ministry account bound to no country does it. Nothing was "
        "changed."
    )
    assert _refused(lambda: require_account_within(BOUND, "x", "director", [], ["FR"])) == (
        "'min-be' works for BE only and may not manage the account 'x': that account would "
        "work for FR. Nothing was changed."
    )
    assert _refused(lambda: require_account_within(BOUND, "x", "evaluator", [], [])).endswith(
        "that account would work for every country. Nothing was changed."
    )
    assert str(refusal("review.comment", what=NEEDS_COMMENT[RETURN])) == (
        "Say why: returning a submission needs a comment (the director and the audit trail "
        "read it); nothing was changed."
    )


@pytest.mark.parametrize("language", TRANSLATED)
def test_a_refusal_is_written_in_the_current_language(language: str) -> None:
    english = str(refusal("period.state", period="2025-Q3", state=phrase("state.locked")))
    with speaking(language):
        said = _refused(lambda: require_every_country(BOUND, phrase("what.lock_a_quarter")))
        state = phrase("state.locked")
        translated = str(refusal("period.state", period="2025-Q3", state=state))
    assert translated != english and "2025-Q3" in translated
    assert state == phrases()["state.locked"][language]
    texts = texts_of(rules()["authz.country"], "message")
    assert said == texts[language].format(
        user="min-be",
        countries="BE",
        what=phrases()["what.lock_a_quarter"][language],
        why=phrases()["why.every_country"][language],
    )
    assert "lock" not in said and "every country" not in said
