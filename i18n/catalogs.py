"""Make the interface's catalogs: extract, update, compile (``make catalogs``).

1. Extract every text marked with `_`, `ngettext` or `N_` in the code's packages
   (Babel's Python extractor) into ``i18n/locale/prison_monitor.pot``.
2. Update each language's ``.po`` from it (new texts empty, vanished ones dropped;
   existing translations kept).
3. Compile each ``.po`` to its ``.mo``, which the product reads.

Translators then fill the empty ``msgstr`` of step 2 and run it again. A test
(tests/i18n/test_catalogs.py) fails on any text the catalogs lack, any empty or fuzzy
translation, and any ``.mo`` that is not its ``.po`` compiled.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from data_contracts.languages import TRANSLATED
from i18n import DOMAIN, LOCALE_DIR

ROOT = Path(__file__).resolve().parent.parent
# The packages whose texts people read.
PACKAGES = ("cli", "dashboard", "data_contracts", "indicators", "reports", "store", "i18n")
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}
TEMPLATE = LOCALE_DIR / f"{DOMAIN}.pot"


def po_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def extracted() -> Catalog:
    """Every marked text of the code, with where it is used."""
    template = Catalog(project="prison-monitor", domain=DOMAIN, fuzzy=False)
    for package in PACKAGES:
        for name, line, message, comments, _context in extract_from_dir(
            ROOT / package,
            method_map=[("**.py", "python")],
            keywords=KEYWORDS,
            comment_tags=("Translators:",),
            strip_comment_tags=True,
        ):
            template.add(message, locations=[(f"{package}/{name}", line)], auto_comments=comments)
    return template


def read(path: Path, language: str | None = None) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, locale=language)


def compiled(catalog: Catalog) -> bytes:
    out = io.BytesIO()
    write_mo(out, catalog, use_fuzzy=False)
    return out.getvalue()


def write(path: Path, catalog: Catalog) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        write_po(handle, catalog, width=100, omit_header=False, sort_output=False)


def main() -> int:
    template = extracted()
    write(TEMPLATE, template)
    empty = 0
    for language in TRANSLATED:
        path = po_path(language)
        catalog = read(path, language) if path.exists() else Catalog(locale=language, domain=DOMAIN)
        catalog.update(template, no_fuzzy_matching=True)
        catalog.obsolete.clear()
        write(path, catalog)
        path.with_suffix(".mo").write_bytes(compiled(read(path, language)))
        untranslated = sum(1 for m in catalog if m.id and not _translated(m.string))
        empty += untranslated
        print(f"{language}: {len(catalog)} texts, {untranslated} to translate")
    return 1 if empty else 0


def _translated(string: str | tuple[str, ...]) -> bool:
    return all(string) if isinstance(string, tuple) else bool(string)


if __name__ == "__main__":
    sys.exit(main())
