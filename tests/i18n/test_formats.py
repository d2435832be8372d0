"""Numbers, percentages and dates in each language's own way (i18n.formats, Babel/CLDR)."""

from __future__ import annotations

import datetime as dt

import pytest

from data_contracts.languages import LANGUAGES, speaking
from i18n import formats

NBSP, NNBSP = "\u00a0", "\u202f"


@pytest.mark.parametrize(
    ("language", "share", "count", "day"),
    [
        ("en", "12.5%", "1,234.6", "31 March 2026"),
        ("fr", f"12,5{NBSP}%", f"1{NNBSP}234,6", "31 mars 2026"),
        ("nl", "12,5%", "1.234,6", "31 maart 2026"),
        ("de", f"12,5{NBSP}%", "1.234,6", "31. März 2026"),
    ],
)
def test_each_language_writes_figures_its_own_way(language, share, count, day) -> None:
    assert formats.percent(12.5, 1, language) == share
    assert formats.number(1234.56, 1, language) == count
    assert formats.date(dt.date(2026, 3, 31), language) == day
    with speaking(language):  # the current language is the default
        assert formats.in_unit(12.5, "%", 1) == share
        assert formats.in_unit(1234.56, "per 1,000", 1) == count


def test_decimals_missing_values_and_moments() -> None:
    assert formats.percent(100, 0, "en") == "100%"
    assert formats.number(7, 0, "fr") == "7"
    assert formats.number(0.05, 2, "de") == "0,05"
    assert formats.number(None) == formats.percent(float("nan")) == formats.date(None) == ""
    moment = dt.datetime(2026, 3, 31, 14, 5, tzinfo=dt.UTC)
    assert formats.moment(moment, "fr") == "31 mars 2026 14:05 UTC"
    assert formats.moment(None) == ""


def test_every_language_has_plotly_separators() -> None:
    for language in LANGUAGES:
        decimal, thousands = formats.plotly_separators(language)
        assert decimal == formats.number(0.5, 1, language)[1]
        assert thousands in formats.number(1000, 0, language)


def test_capitalised_keeps_the_rest_as_written() -> None:
    from i18n.formats import capitalised

    assert capitalised("nationaler Wert") == "Nationaler Wert"
    assert capitalised("prison's own region") == "Prison's own region"
    assert capitalised("") == ""
