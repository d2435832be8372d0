"""Digits are ASCII digits in every rule: other scripts' digits get the rule's own message.

Python's `int()` and a Unicode `\\d` read Arabic-Indic (٣), fullwidth (３) and other
digits as numbers, and a Polars cast after such a match raised in the middle of the
checks. A period or a value written with them is simply not a quarter or a number.
"""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest
from submission_files import csv_text, good_rows

from data_contracts.periods import is_period, period_index, period_index_expr, suggest_period
from data_contracts.validate import validate_file

TODAY = date(2026, 11, 22)

# Digits of other scripts that Unicode calls decimal digits (or digits), and forms of ASCII ones
FOREIGN_YEARS = [
    "٢٠٢٥",  # Arabic-Indic
    "۲۰۲۵",  # Extended Arabic-Indic (Persian)
    "２０２５",  # fullwidth
    "२०२५",  # Devanagari
    "𝟐𝟎𝟐𝟓",  # mathematical bold
    "²⁰²⁵",  # superscripts
    "2０25",  # one fullwidth digit among ASCII ones
]
FOREIGN_QUARTERS = ["٣", "３", "³", "𝟑"]
FOREIGN_VALUES = ["١٢", "１２", "¹²", "१२", "1٫5", "𝟏𝟐", "12\u0663"]


@pytest.mark.parametrize("year", FOREIGN_YEARS)
def test_a_year_in_other_digits_is_not_a_quarter(year: str) -> None:
    assert not is_period(f"{year}-Q3")
    with pytest.raises(ValueError):
        period_index(f"{year}-Q3")
    frame = pl.DataFrame({"p": [f"{year}-Q3", "2025-Q3"]})
    assert frame.select(period_index_expr(pl.col("p")).alias("i"))["i"].to_list() == [
        None,
        2025 * 4 + 2,
    ]


@pytest.mark.parametrize("quarter", FOREIGN_QUARTERS)
def test_a_quarter_number_in_other_digits_is_not_a_quarter(quarter: str) -> None:
    assert not is_period(f"2025-Q{quarter}")


@pytest.mark.parametrize("text", [f"{y}Q3" for y in FOREIGN_YEARS] + ["Q٣-2025", "２０２５-3"])
def test_no_quarter_is_suggested_from_other_digits(text: str) -> None:
    assert suggest_period(text) is None


def _rules(write, register, rows: list[list[str]]) -> set[str]:
    report = validate_file(write("digits.csv", csv_text(rows)), register, today=TODAY)
    return {i.rule for i in report.errors}


@pytest.mark.parametrize("year", FOREIGN_YEARS)
def test_a_period_in_other_digits_is_period_format_in_a_file(write, register, year) -> None:
    assert _rules(write, register, good_rows(period=f"{year}-Q3")) == {"period.format"}


@pytest.mark.parametrize("element", ["receptions", "population_average"])
@pytest.mark.parametrize("value", FOREIGN_VALUES)
def test_a_value_in_other_digits_is_not_a_number(write, register, element, value) -> None:
    assert _rules(write, register, good_rows(**{element: value})) == {"value.not_a_number"}
