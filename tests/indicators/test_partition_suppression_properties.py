"""indicators.suppression across a partition: properties over random tables.

Random regions and prisons, each reporting the medication partition (a total and parts
that add up to it, as `breakdown.sum` guarantees of accepted files) or not reporting it,
with small counts so that much is suppressed. For the suppressed table as a reader
sees it, `partition_recovery` searches every hidden figure, at prison, region and
national level, for a way to work it out by subtraction within an aggregate or within
a partition (or any chain of them): it must find none.
"""

from __future__ import annotations

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from indicator_frames import random_prisons, values
from partition_recovery import recoverable_figures
from test_partition_suppression import (
    INDICATORS,
    PARTITIONS,
    PARTS,
    REGISTRY,
    SHARE_OF,
    SHARES,
    TOTAL_AS_NUMERATOR,
    medication,
)

from data_contracts.register import Prison
from indicators.compute import indicator_values
from indicators.suppression import suppress, suppressed_for
from store.accounts import Account

PERIOD = "2025-Q1"
PART = st.integers(0, 12)
PROPERTY = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def random_case(draw: st.DrawFn) -> tuple[pl.DataFrame, list[Prison]]:
    """1-3 regions of 1-4 prisons; a prison reports the whole partition, or none of it."""
    prisons = random_prisons(draw)
    figures = {}
    for prison in prisons:
        if draw(st.integers(0, 5)) == 0:
            figures[(prison.code, PERIOD)] = medication(None, (None,) * len(PARTS))
            continue
        parts = tuple(draw(PART) for _ in PARTS)
        figures[(prison.code, PERIOD)] = medication(sum(parts), parts)
    return values(figures), prisons


def shown_parts_where_total_shown(result: pl.DataFrame) -> list[int]:
    """Per unit with its total shown: how many of its reported parts are hidden."""
    unit = ["level", "country", "region", "prison_code", "period"]
    shares = result.filter(pl.col("indicator").is_in(SHARES))
    total = (
        result.filter(pl.col("indicator").is_in([*TOTAL_AS_NUMERATOR, *SHARES]))
        .group_by(unit)
        .agg(
            (
                (pl.col("indicator").is_in(TOTAL_AS_NUMERATOR) & pl.col("numerator").is_not_null())
                | (pl.col("indicator").is_in(SHARES) & pl.col("denominator").is_not_null())
            )
            .any()
            .alias("total_shown")
        )
    )
    counts = (
        shares.group_by(unit)
        .agg(pl.col("suppressed").sum().alias("hidden"))
        .join(total, on=unit, nulls_equal=True)
        .filter("total_shown")
    )
    return counts["hidden"].to_list()


@PROPERTY
@given(random_case())
def test_no_suppressed_figure_is_recoverable_for_a_reader_who_knows_nothing_else(case) -> None:
    frame, prisons = case
    original = indicator_values(frame, prisons, indicators=INDICATORS, registry=REGISTRY)
    result = suppress(original, registry=REGISTRY, partitions=PARTITIONS)
    assert recoverable_figures(original, result, frame, REGISTRY, PARTITIONS) == []
    assert 1 not in shown_parts_where_total_shown(result)
    # Published figures are the computed ones; small parts are hidden.
    both = original.join(
        result,
        on=["level", "country", "region", "prison_code", "indicator"],
        suffix="_shown",
        nulls_equal=True,
    )
    shown = both.filter(~pl.col("suppressed_shown"))
    assert shown["numerator"].equals(shown["numerator_shown"])
    small = both.filter(
        (pl.col("level") == "prison")
        & pl.col("indicator").is_in(list(SHARE_OF.values()))
        & pl.col("numerator").is_between(1, 4)
    )
    assert small["suppressed_shown"].all()


@settings(PROPERTY, max_examples=60)
@given(random_case(), st.data())
def test_a_director_recovers_nothing_with_their_own_figures(case, data) -> None:
    frame, prisons = case
    original = indicator_values(frame, prisons, indicators=INDICATORS, registry=REGISTRY)
    own = data.draw(st.sets(st.sampled_from([p.code for p in prisons]), min_size=1, max_size=2))
    director = Account("d", "director", frozenset(own))
    for everything in (False, True):
        result = suppressed_for(
            original, director, everything=everything, registry=REGISTRY, partitions=PARTITIONS
        )
        found = recoverable_figures(
            original, result, frame, REGISTRY, PARTITIONS, known=frozenset(own)
        )
        assert found == []
