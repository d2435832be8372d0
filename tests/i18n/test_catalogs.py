"""The interface's gettext catalogs are complete and current (international.md §3).

Stale: the code marks a text the catalogs lack, or the catalogs keep one the code no
longer has, or a compiled .mo is not its .po. Incomplete: a text without a translation
(or fuzzy), a translation that drops or adds a placeholder, a plural without every form
of its language. Each failure says what to do: `make catalogs`, then translate.
"""

from __future__ import annotations

import gettext
import io
import string

import pytest
from babel import Locale

from data_contracts.languages import TRANSLATED, speaking
from i18n import _, catalog, ngettext
from i18n.catalogs import TEMPLATE, compiled, extracted, po_path, read

CODE = extracted()
MARKED = {m.id for m in CODE if m.id}


def fields(text: str) -> set[str]:
    return {name for _lit, name, _spec, _conv in string.Formatter().parse(text) if name}


def forms(value: str | tuple[str, ...]) -> tuple[str, ...]:
    return value if isinstance(value, tuple) else (value,)


def test_the_code_marks_texts_and_the_template_is_current() -> None:
    assert MARKED, "no text is marked for translation"
    template = {m.id for m in read(TEMPLATE) if m.id}
    assert template == MARKED, "i18n/locale/prison_monitor.pot is stale: run `make catalogs`"


@pytest.mark.parametrize("language", TRANSLATED)
def test_each_catalog_holds_every_marked_text_translated(language) -> None:
    po = read(po_path(language), language)
    held = {m.id for m in po if m.id}
    lacking = sorted(map(str, MARKED - held))[:5]
    extra = sorted(map(str, held - MARKED))[:5]
    assert not lacking, f"{language}: texts the catalog lacks (run `make catalogs`): {lacking}"
    assert not extra, f"{language}: texts the code no longer has (run `make catalogs`): {extra}"
    # CLDR's plural categories of the language, 'other' included (Babel lists the rest).
    plurals = Locale.parse(language).plural_form.tags | {"other"}
    problems = []
    for message in po:
        if not message.id:
            continue
        ids, strings = forms(message.id), forms(message.string)
        if message.fuzzy or not all(strings):
            problems.append(f"untranslated or fuzzy: {ids[0]!r}")
        elif len(ids) > 1 and len(strings) != po.num_plurals:
            problems.append(f"{len(strings)} plural forms, not {po.num_plurals}: {ids[0]!r}")
        elif any(fields(s) - set().union(*map(fields, ids)) for s in strings) or any(
            fields(ids[0]) - fields(s) - {"count"} for s in strings
        ):
            problems.append(f"placeholders differ: {ids[0]!r}")
    assert not problems, f"{language}: {len(problems)} texts to fix, e.g. {problems[:5]}"
    assert po.num_plurals == len(plurals), po.plural_forms


@pytest.mark.parametrize("language", TRANSLATED)
def test_each_compiled_catalog_is_its_po_compiled(language) -> None:
    path = po_path(language)
    fresh = gettext.GNUTranslations(io.BytesIO(compiled(read(path, language))))
    with path.with_suffix(".mo").open("rb") as handle:
        shipped = gettext.GNUTranslations(handle)
    assert shipped._catalog == fresh._catalog, f"{language}: .mo is stale: run `make catalogs`"


def test_texts_are_read_in_the_current_language() -> None:
    text = next(m for m in read(po_path("fr"), "fr") if m.id and isinstance(m.id, str))
    assert _(text.id) == text.id  # English: the code's own text
    with speaking("fr"):
        assert _(text.id) == text.string
    plural = next((m for m in read(po_path("de"), "de") if isinstance(m.id, tuple)), None)
    if plural is not None:
        with speaking("de"):
            assert ngettext(*plural.id, 1) == plural.string[0]
            assert ngettext(*plural.id, 2) == plural.string[1]
    assert catalog("en").gettext("anything") == "anything"
