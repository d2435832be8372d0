"""The international level and the country views on small literal frames: pooled sums, the
number of countries, the suppression rule (0 or at least 2 hidden national figures), the
scope of an account, and countries shaped as a grid against the pooled value."""

from __future__ import annotations

import polars as pl
import pytest

from indicators.compute import TABLE_COLUMNS, TABLE_SCHEMA
from indicators.country_views import countries_in, country_grid, main_country, of_country
from indicators.international import international_rows
from indicators.scope import ScopeRefused, in_scope, levels_read, readable_levels
from store.accounts import Account

Q = "2026-Q1"


def national(*rows: tuple[str, int | None, float | None], suppressed=()) -> pl.DataFrame:  # type: ignore[no-untyped-def]
    """National rows of ost_coverage: (country, numerator, denominator); `suppressed`: the
    countries whose row the reader sees suppressed (numerator, value and interval hidden)."""
    out = []
    for country, num, den in rows:
        hidden = country in suppressed
        value = None if hidden or num is None or not den else 100 * num / den
        out.append(
            {
                **{c: None for c in TABLE_COLUMNS},
                "level": "national",
                "country": country,
                "period": Q,
                "indicator": "ost_coverage",
                "numerator": None if hidden else num,
                "denominator": den,
                "value": value,
                "prisons": 3,
                "suppressed": hidden,
                "domain": "treatment",
            }
        )
    return pl.DataFrame(out, schema=TABLE_SCHEMA)


def test_the_international_row_pools_the_national_counts() -> None:
    [row] = international_rows(national(("BE", 30, 60.0), ("FR", 90, 120.0))).to_dicts()
    assert (row["level"], row["country"], row["numerator"], row["denominator"]) == (
        "international",
        None,
        120,
        180.0,
    )
    assert row["value"] == pytest.approx(100 * 120 / 180)
    assert row["prisons"] == 2  # the number of countries
    assert row["lower_95"] < row["value"] < row["upper_95"] and not row["suppressed"]


def test_a_country_without_both_counts_is_not_pooled() -> None:
    [row] = international_rows(national(("BE", 30, 60.0), ("FR", None, None))).to_dicts()
    assert (row["numerator"], row["denominator"], row["prisons"]) == (30, 60.0, 1)


def test_one_hidden_national_figure_hides_the_international_row() -> None:
    full = national(("BE", 30, 60.0), ("FR", 90, 120.0), ("NL", 40, 70.0))
    shown = national(("BE", 30, 60.0), ("FR", 90, 120.0), ("NL", 40, 70.0), suppressed={"FR"})
    [row] = international_rows(full, shown).to_dicts()
    # international minus BE and NL would be FR's numerator
    assert row["suppressed"] and row["numerator"] is None and row["value"] is None
    assert row["denominator"] is None and row["lower_95"] is None


def test_two_hidden_national_figures_leave_the_international_row() -> None:
    full = national(("BE", 30, 60.0), ("FR", 90, 120.0), ("NL", 40, 70.0))
    shown = national(("BE", 30, 60.0), ("FR", 90, 120.0), ("NL", 40, 70.0), suppressed={"FR", "NL"})
    [row] = international_rows(full, shown).to_dicts()
    assert not row["suppressed"] and row["numerator"] == 160


def test_a_small_international_figure_is_suppressed() -> None:
    full = national(("BE", 1, 60.0), ("FR", 2, 120.0))
    [row] = international_rows(full, full).to_dicts()
    assert row["suppressed"] and row["numerator"] is None


def prison_row(country: str, code: str, level: str = "prison") -> dict:  # type: ignore[type-arg]
    return {c: None for c in TABLE_COLUMNS} | {
        "level": level,
        "country": country,
        "prison_code": code if level == "prison" else None,
        "region": "R",
        "period": Q,
        "indicator": "ost_coverage",
        "suppressed": False,
    }


TABLE = pl.DataFrame(
    [
        prison_row("BE", "", "national"),
        prison_row("BE", "", "region"),
        prison_row("BE", "BE-A"),
        prison_row("FR", "", "national"),
        prison_row("FR", "FR-A"),
    ],
    schema=TABLE_SCHEMA,
)


def test_an_account_bound_to_countries_keeps_only_their_rows() -> None:
    be = Account("be", "ministry", countries=frozenset({"BE"}))
    assert set(in_scope(TABLE, be)["country"]) == {"BE"}
    assert in_scope(TABLE, Account("m", "ministry")).height == TABLE.height
    assert in_scope(TABLE, None).height == TABLE.height


def test_an_international_account_reads_national_and_international_levels_only() -> None:
    intl = Account("i", "international")
    assert set(levels_read(TABLE, intl)["level"]) == {"national"}
    assert readable_levels(("national", "international"), intl, named=True) == (
        "national",
        "international",
    )
    assert readable_levels(("national", "region", "prison"), intl, named=False) == ("national",)
    with pytest.raises(ScopeRefused) as refused:
        readable_levels(("prison",), intl, named=True)
    assert refused.value.rule == "authz.role" and str(refused.value).startswith("authz.role: ")
    assert levels_read(TABLE, Account("e", "evaluator")).height == TABLE.height


def test_countries_side_by_side_against_the_pooled_value() -> None:
    table = national(("BE", 30, 60.0), ("FR", 90, 120.0))
    pooled = international_rows(table)
    grid = country_grid(table, pooled, "ost_coverage", [Q, "2026-Q2"])
    assert countries_in(table) == ["BE", "FR"]
    first = grid.filter(pl.col("period") == Q)
    assert first["prison_code"].to_list() == ["BE", "FR"]
    assert first["benchmark"].to_list() == pytest.approx([100 * 120 / 180] * 2)
    assert first["state"].to_list() == ["shown", "shown"]
    later = grid.filter(pl.col("period") == "2026-Q2")
    assert later["state"].to_list() == ["not reported", "not reported"]
    assert later["benchmark"].null_count() == 2
    assert of_country(TABLE, "FR")["prison_code"].drop_nulls().to_list() == ["FR-A"]
    assert of_country(TABLE, None).height == TABLE.height


def test_a_page_starts_on_the_country_with_the_most_prisons() -> None:
    register = {"A1": "XL", "B1": "XN", "B2": "XN", "C1": "XR"}
    assert main_country(register, ["XL", "XN", "XR"]) == "XN"
    assert main_country(register, ["XL", "XR"]) == "XL"  # a tie: the first code
    assert main_country(register, []) is None
