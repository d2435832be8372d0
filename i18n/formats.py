"""Numbers, percentages and dates written the language's own way (international.md §3).

Babel's locale data (CLDR): ``12.5%`` in English, ``12,5 %`` in French, ``12,5%`` in
Dutch, ``12,5 %`` in German (CLDR and the Duden put a space before the sign in German;
the spec's example without it is Dutch usage). On screen and in reports only: machine
formats (CSV, JSON, Parquet, SDMX) keep ``.`` as the decimal mark and never come here.
"""

from __future__ import annotations

import datetime as dt
import math

from babel import Locale
from babel.dates import format_date
from babel.numbers import format_decimal, format_percent

from data_contracts.languages import current_language

PERCENT_SIGN = "%"
# Plotly's `separators` (decimal mark, then thousands separator) per language, so that
# the numbers Plotly writes on axes and in hover boxes follow the language too.
PLOTLY_SEPARATORS = {"en": ".,", "fr": ",\u202f", "nl": ",.", "de": ",."}


# The locale whose conventions each language's figures follow: English as written in
# Europe (31 March 2026), the others as Babel has them.
LOCALES = {"en": "en_GB", "fr": "fr", "nl": "nl", "de": "de"}


def _language(language: str | None) -> str:
    return LOCALES[language or current_language()]


def _missing(value: float | None) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def number(value: float | None, decimals: int = 0, language: str | None = None) -> str:
    """``value`` with ``decimals`` decimals and the language's separators ("" if none)."""
    if _missing(value):
        return ""
    pattern = "#,##0" + ("." + "0" * decimals if decimals > 0 else "")
    return format_decimal(value, format=pattern, locale=_language(language))


def percent(value: float | None, decimals: int = 1, language: str | None = None) -> str:
    """A percentage given in percent (12.5 for 12.5 %), written the language's way."""
    if _missing(value):
        return ""
    locale = Locale.parse(_language(language))
    pattern = locale.percent_formats[None].pattern
    digits = "#,##0" + ("." + "0" * decimals if decimals > 0 else "")
    return format_percent(value / 100, format=pattern.replace("#,##0", digits, 1), locale=locale)


def in_unit(value: float | None, unit: str, decimals: int, language: str | None = None) -> str:
    """A figure in its indicator's unit: a percentage with its sign, anything else plain."""
    if unit == PERCENT_SIGN:
        return percent(value, decimals, language)
    return number(value, decimals, language)


def signed(value: float, decimals: int = 1, language: str | None = None) -> str:
    """A change with its sign, the language's way ("+1.5", "-0.3")."""
    return ("+" if value >= 0 else "") + number(value, decimals, language)


def date(value: dt.date | None, language: str | None = None) -> str:
    """A date as people write it ("31 March 2026", "31 mars 2026")."""
    return "" if value is None else format_date(value, "long", locale=_language(language))


def moment(value: dt.datetime | None, language: str | None = None) -> str:
    """A date and time, to the minute, with its time zone as given."""
    if value is None:
        return ""
    zone = value.tzname() or ""
    return f"{date(value.date(), language)} {value:%H:%M} {zone}".strip()


def plotly_separators(language: str | None = None) -> str:
    return PLOTLY_SEPARATORS[language or current_language()]


def capitalised(text: str) -> str:
    """The first letter upper case, the rest as written (str.capitalize would lower the
    rest: German nouns keep their capitals, "Nationaler Wert")."""
    return text[:1].upper() + text[1:]
