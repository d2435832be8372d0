"""indicators.suppression: literal cases, and properties over random tables.

The central property: after suppression, no hidden figure can be recovered by
subtraction. Each published aggregate (region or nation, per indicator and quarter) is
an equation "aggregate - published prisons = sum of the hidden prisons"; a hidden figure
is recoverable exactly when its unit vector lies in the span of those equations, which
`recoverable()` tests with matrix ranks, for numerators and denominators, and for a
reader who knows some prisons' figures (a director).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np
import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from indicator_frames import PRISONS, deaths, ost, random_prisons, row, values

from data_contracts.register import Prison
from indicators.compute import indicator_values
from indicators.suppression import (
    shared_elements,
    suppress,
    suppressed_for,
)
from store.accounts import Account

Q = "2025-Q1"
FIGURES = ("numerator", "denominator")


def table(figures: dict, indicators: list[str] | None = None, prisons=PRISONS, **options):
    return indicator_values(
        values(figures), prisons, indicators=indicators or ["ost_coverage"], **options
    )


def hidden(result: pl.DataFrame) -> set[str]:
    """Codes of the suppressed prisons, and 'region:NAME' / 'national' of suppressed aggregates."""
    names = set()
    for r in result.filter(pl.col("suppressed")).iter_rows(named=True):
        if r["level"] == "prison":
            names.add(r["prison_code"])
        else:
            names.add("national" if r["level"] == "national" else f"region:{r['region']}")
    return names


# --- Checks shared by the literal cases and the properties ------------------------------

KEYS = ["level", "country", "region", "prison_code", "period", "indicator"]


def joined(original: pl.DataFrame, published: pl.DataFrame) -> pl.DataFrame:
    return original.join(published, on=KEYS, how="left", nulls_equal=True, suffix="_shown")


def recoverable(
    original: pl.DataFrame, published: pl.DataFrame, known: frozenset[str] = frozenset()
) -> list[tuple]:
    """Every hidden figure a reader knowing ``known`` prisons could work out by subtraction."""
    found = []
    both = joined(original, published)
    for (indicator, period), group in both.group_by("indicator", "period"):
        prisons = group.filter(
            (pl.col("level") == "prison")
            & pl.col("numerator").is_not_null()
            & pl.col("denominator").is_not_null()
        )
        for figure in FIGURES:
            unknown = prisons.filter(
                pl.col(f"{figure}_shown").is_null() & ~pl.col("prison_code").is_in(list(known))
            )
            codes = unknown["prison_code"].to_list()
            places = list(zip(unknown["country"], unknown["region"], strict=True))
            # each country's nation and regions: equations over that country's prisons only
            equations = [
                [
                    1.0
                    if country == r["country"]
                    and (r["level"] == "national" or region == r["region"])
                    else 0.0
                    for country, region in places
                ]
                for r in group.filter(
                    (pl.col("level") != "prison") & pl.col(f"{figure}_shown").is_not_null()
                ).iter_rows(named=True)
            ]
            if not codes or not equations:
                continue
            span = np.array(equations)
            rank = np.linalg.matrix_rank(span)
            for i, code in enumerate(codes):
                unit = np.zeros(len(codes))
                unit[i] = 1.0
                if np.linalg.matrix_rank(np.vstack([span, unit])) == rank:
                    found.append((indicator, period, code, figure))
    return found


def hidden_contributors_per_aggregate(
    original: pl.DataFrame, published: pl.DataFrame, known: frozenset[str] = frozenset()
) -> list[int]:
    """For each published aggregate numerator: how many of its contributors are hidden."""
    both = joined(original, published)
    contributors = both.filter(
        (pl.col("level") == "prison")
        & pl.col("numerator").is_not_null()
        & pl.col("denominator").is_not_null()
        & pl.col("numerator_shown").is_null()
        & ~pl.col("prison_code").is_in(list(known))
    )
    counts = []
    for r in both.filter(
        (pl.col("level") != "prison") & pl.col("numerator_shown").is_not_null()
    ).iter_rows(named=True):
        mine = contributors.filter(
            (pl.col("indicator") == r["indicator"])
            & (pl.col("period") == r["period"])
            & (pl.col("country") == r["country"])
        )
        if r["level"] == "region":
            mine = mine.filter(pl.col("region") == r["region"])
        counts.append(mine.height)
    return counts


def assert_published_figures_unchanged(original: pl.DataFrame, published: pl.DataFrame) -> None:
    both = joined(original, published)
    assert both.height == original.height == published.height
    shown = both.filter(~pl.col("suppressed_shown"))
    for column in (
        "numerator",
        "value",
        "lower_95",
        "upper_95",
        "lower_998",
        "upper_998",
        "prisons",
    ):
        assert shown[column].equals(shown[f"{column}_shown"]), column
    # A benchmark or denominator is either the original or hidden, never something else.
    for column in ("denominator", "benchmark", "significance"):
        kept = both.filter(pl.col(f"{column}_shown").is_not_null())
        assert kept[column].equals(kept[f"{column}_shown"]), column
    assert both.filter(pl.col("suppressed_shown"))["numerator_shown"].null_count() == (
        both["suppressed_shown"].sum()
    )


# --- Literal cases ----------------------------------------------------------------------

BIG_SOUTH = {("S-A", Q): ost(30, 60), ("S-B", Q): ost(40, 60)}


def test_a_small_prison_takes_its_neighbour_with_the_next_smallest_numerator() -> None:
    original = table(
        {("N-A", Q): ost(3, 50), ("N-B", Q): ost(10, 50), ("N-C", Q): ost(20, 50), **BIG_SOUTH}
    )
    result = suppress(original)
    assert hidden(result) == {"N-A", "N-B"}
    small = row(result, prison_code="N-A")
    for column in ("numerator", "value", "lower_95", "upper_998", "benchmark", "significance"):
        assert small[column] is None, column
    assert small["denominator"] == 50.0  # the numerator caused it: the denominator stays
    assert row(result, level="region", region="North")["numerator"] == 33
    assert recoverable(original, result) == []
    assert_published_figures_unchanged(original, result)


def test_a_region_with_a_single_contributing_prison_is_suppressed() -> None:
    original = table(
        {
            ("N-A", Q): ost(3, 50),
            ("N-B", Q): ost(10, 50),
            ("N-C", Q): ost(20, 50),
            ("S-A", Q): ost(2, 40),
            ("S-B", Q): ost(None, 60),  # reports no numerator: contributes nothing
        }
    )
    result = suppress(original)
    # South's figure is S-A's; and national - North would be South's again, so North
    # (which already hides two prisons) is suppressed too. The nation stays published.
    assert hidden(result) == {"N-A", "N-B", "S-A", "region:South", "region:North"}
    assert row(result, level="national")["numerator"] == 35
    assert recoverable(original, result) == []


def test_the_nation_takes_a_second_prison_before_it_is_suppressed() -> None:
    original = table(
        {
            ("N-A", Q): ost(30, 50),
            ("N-B", Q): ost(40, 50),
            ("N-C", Q): ost(50, 60),
            ("S-A", Q): ost(2, 40),
        }
    )
    result = suppress(original)
    # S-A alone in South: South is suppressed; the nation hides N-A (next smallest), North
    # then N-B, and North (now hiding two) covers South against national - North.
    assert hidden(result) == {"S-A", "region:South", "N-A", "N-B", "region:North"}
    assert row(result, level="national")["numerator"] == 122
    assert recoverable(original, result) == []


def test_where_no_region_can_cover_a_lone_prison_the_nation_is_suppressed() -> None:
    original = table({("S-A", Q): ost(2, 40), ("N-A", Q): ost(None, 50)})
    result = suppress(original)
    assert hidden(result) == {"S-A", "region:South", "national"}
    assert recoverable(original, result) == []


def test_zero_is_not_suppressed() -> None:
    original = table({("N-A", Q): ost(0, 50), ("N-B", Q): ost(0, 0), ("N-C", Q): ost(20, 50)})
    assert hidden(suppress(original)) == set()


def test_a_small_denominator_hides_the_denominator_and_a_second_one() -> None:
    original = table({("N-A", Q): ost(0, 3), ("N-B", Q): ost(10, 50), ("N-C", Q): ost(20, 50)})
    result = suppress(original)
    assert hidden(result) == {"N-A", "N-B"}
    assert row(result, prison_code="N-A")["denominator"] is None
    # Region denominator 103 - 50 (N-C) would give N-A's 3 were N-B's 50 shown.
    assert row(result, prison_code="N-B")["denominator"] is None
    assert row(result, level="region")["denominator"] == 103.0
    assert recoverable(original, result) == []


def test_a_rate_is_suppressed_by_its_count_but_shows_its_person_years() -> None:
    original = table(
        {("N-A", Q): deaths(2, 1000), ("N-B", Q): deaths(0, 800), ("N-C", Q): deaths(7, 900)},
        ["overdose_death_rate"],
    )
    result = suppress(original)
    assert hidden(result) == {"N-A", "N-B"}  # N-B: the next smallest count, 0
    assert row(result, prison_code="N-A")["denominator"] == pytest.approx(1000 * 90 / 365.25)


def test_tiny_person_years_do_not_cause_suppression() -> None:
    original = table({("N-A", Q): deaths(0, 2), ("N-B", Q): deaths(0, 3)}, ["overdose_death_rate"])
    assert hidden(suppress(original)) == set()


def test_the_threshold_is_a_setting() -> None:
    original = table({("N-A", Q): ost(7, 50), ("N-B", Q): ost(12, 50), ("N-C", Q): ost(20, 50)})
    assert hidden(suppress(original)) == set()
    assert hidden(suppress(original, threshold=10)) == {"N-A", "N-B"}


def test_a_benchmark_from_a_suppressed_region_is_hidden() -> None:
    original = table(
        {("S-A", Q): ost(2, 40), **{("N-" + c, Q): ost(30, 60) for c in "ABC"}}, benchmark="region"
    )
    result = suppress(original, benchmark="region")
    assert "region:South" in hidden(result)
    # N-C stays published and is compared with North; its region is published too.
    published = result.filter(~pl.col("suppressed") & (pl.col("level") == "prison"))
    for r in published.iter_rows(named=True):
        region = row(result, level="region", region=r["region"])
        assert (r["benchmark"] is None) == region["suppressed"]


def test_shared_figures_are_hidden_in_every_indicator_that_shows_them() -> None:
    from indicators.registry import load_registry

    shared = shared_elements_of_registry()
    assert shared["hcv_tested_reception"] == (["hcv_testing_coverage"], ["hcv_antibody_positivity"])
    assert shared["released_in_treatment"] == ([], ["continuity_of_care", "naloxone_at_release"])
    # Every figure that two indicators show, and no other (person-years are no figure).
    shown = Counter(
        element
        for i in load_registry()
        for element in (i.numerator, *(() if i.is_rate else (i.denominator,)))
    )
    assert set(shared) == {element for element, uses in shown.items() if uses > 1}
    release = {
        "N-A": (2, 1, 3),  # released in treatment: 3
        "N-B": (20, 8, 40),
        "N-C": (25, 5, 50),
        "S-A": (30, 30, 60),
        "S-B": (10, 40, 60),
    }
    figures = {
        (code, Q): {
            "population_average": 100.0,
            "community_engaged_21d": engaged,
            "naloxone_issued_release": naloxone,
            "released_in_treatment": released,
        }
        for code, (engaged, naloxone, released) in release.items()
    }
    original = table(figures, ["continuity_of_care", "naloxone_at_release"])
    result = suppress(original)
    prisons = result.filter(pl.col("level") == "prison")
    by_indicator = {
        indicator: dict(zip(group["prison_code"], group["denominator"], strict=True))
        for (indicator,), group in prisons.group_by("indicator")
    }
    assert by_indicator["continuity_of_care"] == by_indicator["naloxone_at_release"]
    assert recoverable(original, result) == []


def shared_elements_of_registry() -> dict:
    from indicators.registry import load_registry

    return shared_elements(load_registry())


# --- Who sees what ----------------------------------------------------------------------

MINISTRY = Account("m", "ministry")
EVALUATOR = Account("e", "evaluator")


def director(*prisons: str) -> Account:
    return Account("d", "director", frozenset(prisons))


# North: a small prison Q (N-A, 2), the director's N-B (6) and a big N-C (30).
DIRECTORS_REGION = {
    ("N-A", Q): ost(2, 50),
    ("N-B", Q): ost(6, 50),
    ("N-C", Q): ost(30, 50),
    **BIG_SOUTH,
}


def test_ministry_sees_everything_unsuppressed() -> None:
    original = table(DIRECTORS_REGION)
    assert suppressed_for(original, MINISTRY).equals(original)


def test_evaluators_see_everything_suppressed() -> None:
    original = table(DIRECTORS_REGION)
    result = suppressed_for(original, EVALUATOR)
    assert result.equals(suppress(original))
    assert hidden(result) == {"N-A", "N-B"}


def test_a_director_cannot_recover_a_neighbour_with_their_own_figure() -> None:
    original = table(DIRECTORS_REGION)
    # For an evaluator, N-B covers N-A; a director of N-B knows 6 and would read N-A's 2
    # off the region total. So the director's own view hides N-C too.
    assert recoverable(original, suppress(original), known=frozenset({"N-B"})) != []
    result = suppressed_for(original, director("N-B"))
    assert row(result, prison_code="N-B") == row(original, prison_code="N-B")
    assert hidden(result) == {"N-A", "N-C"}
    assert recoverable(original, result, known=frozenset({"N-B"})) == []
    assert_published_figures_unchanged(original, result)


def test_a_director_asking_for_everything_suppressed_is_still_protected() -> None:
    original = table(DIRECTORS_REGION)
    result = suppressed_for(original, director("N-B"), everything=True)
    assert hidden(result) == {"N-A", "N-B", "N-C"}
    assert recoverable(original, result) == []
    assert recoverable(original, result, known=frozenset({"N-B"})) == []


def test_a_director_sees_their_own_small_prison_unsuppressed() -> None:
    original = table(DIRECTORS_REGION)
    result = suppressed_for(original, director("N-A"))
    assert row(result, prison_code="N-A")["numerator"] == 2
    assert "N-A" not in hidden(result)
    assert recoverable(original, result, known=frozenset({"N-A"})) == []


def test_a_reader_seeing_aggregates_but_not_every_prison_is_refused() -> None:
    @dataclass(frozen=True)
    class Odd:
        def sees_unsuppressed(self, prison_code: str | None) -> bool:
            return prison_code is None

    with pytest.raises(ValueError, match="must see every prison"):
        suppressed_for(table(DIRECTORS_REGION), Odd())


# --- Properties over random tables ------------------------------------------------------

SMALL = st.one_of(st.none(), st.integers(0, 9))


@st.composite
def random_case(draw: st.DrawFn) -> tuple[pl.DataFrame, list[Prison]]:
    """1-3 regions of 1-4 prisons, two quarters, small counts (so that much is suppressed)."""
    prisons = random_prisons(draw)
    figures = {}
    for prison in prisons:
        for period in ("2025-Q1", "2025-Q2"):
            identified = draw(SMALL)
            received = draw(SMALL) if identified is None else draw(st.integers(0, identified))
            released = draw(st.one_of(st.none(), st.integers(0, 12)))
            upto = st.integers(0, released or 0)
            figures[(prison.code, period)] = {
                "population_average": draw(st.sampled_from([None, 50.0, 400.0])),
                "oud_identified": identified,
                "ost_received": received,
                "overdose_deaths": draw(SMALL),
                "released_in_treatment": released,
                "community_engaged_21d": draw(st.one_of(st.none(), upto)),
                "naloxone_issued_release": draw(st.one_of(st.none(), upto)),
            }
    return values(figures), prisons


RANDOM_INDICATORS = [
    "ost_coverage",
    "overdose_death_rate",
    "continuity_of_care",
    "naloxone_at_release",
]
PROPERTY = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def random_table(case: tuple[pl.DataFrame, list[Prison]]) -> pl.DataFrame:
    frame, prisons = case
    return indicator_values(frame, prisons, indicators=RANDOM_INDICATORS)


def assert_small_figures_hidden(original: pl.DataFrame, result: pl.DataFrame) -> None:
    """Primary suppression: numerators 1-4, and denominators 1-4 of percentages."""
    both = joined(original, result).filter(pl.col("level") == "prison")
    percentage = pl.col("indicator") != "overdose_death_rate"
    small_denominator = (percentage & pl.col("denominator").is_between(1, 4)).fill_null(False)
    small = pl.col("numerator").is_between(1, 4).fill_null(False) | small_denominator
    assert both.filter(small)["suppressed_shown"].all()
    assert both.filter(small_denominator)["denominator_shown"].is_null().all()


def assert_shared_figures_consistent(result: pl.DataFrame) -> None:
    """released_in_treatment is hidden in both of its indicators or in neither."""
    prisons = result.filter(
        (pl.col("level") == "prison")
        & pl.col("indicator").is_in(["continuity_of_care", "naloxone_at_release"])
    )
    status = prisons.group_by("prison_code", "period").agg(
        pl.col("denominator").is_null().n_unique().alias("kinds")
    )
    assert (status["kinds"] == 1).all()


@PROPERTY
@given(random_case())
def test_the_suppressed_form_hides_small_figures_beyond_recovery(case) -> None:
    original = random_table(case)
    result = suppress(original)
    assert_small_figures_hidden(original, result)
    assert 1 not in hidden_contributors_per_aggregate(original, result)
    assert recoverable(original, result) == []
    assert_published_figures_unchanged(original, result)
    assert_shared_figures_consistent(result)


@settings(PROPERTY, max_examples=50)
@given(random_case(), st.data())
def test_a_director_recovers_nothing_with_their_own_figures(case, data) -> None:
    original = random_table(case)
    _, prisons = case
    own = data.draw(st.sets(st.sampled_from([p.code for p in prisons]), min_size=1, max_size=2))
    known = frozenset(own)
    result = suppressed_for(original, director(*own))
    assert recoverable(original, result, known=known) == []
    assert recoverable(original, result) == []
    assert 1 not in hidden_contributors_per_aggregate(original, result, known=known)
    # Own rows are as computed, but for a benchmark taken from a suppressed aggregate.
    mine = pl.col("prison_code").is_in(list(own))
    as_computed = [c for c in original.columns if c not in ("benchmark", "significance")]
    assert result.filter(mine).select(as_computed).equals(original.filter(mine).select(as_computed))
    assert_published_figures_unchanged(original, result)

    everything = suppressed_for(original, director(*own), everything=True)
    assert recoverable(original, everything) == []
    assert recoverable(original, everything, known=known) == []
