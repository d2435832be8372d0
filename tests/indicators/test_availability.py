"""The four kinds of absence, and what a reader reads off a table (small literal frames)."""

from __future__ import annotations

import polars as pl

from indicators.availability import (
    NOT_COMPUTABLE,
    NOT_IN_SERVICE,
    NOT_REPORTED,
    SHOWN,
    STATES,
    SUPPRESSED,
    footnotes,
    prison_grid,
    with_state,
)
from indicators.compute import TABLE_SCHEMA
from indicators.readings import NOT_COMPARED, profile_rows, spread, with_judgement
from indicators.registry import load_registry
from indicators.suppression import SUPPRESSION_THRESHOLD


def table(rows: list[dict]) -> pl.DataFrame:
    base = {c: None for c in TABLE_SCHEMA}
    return pl.DataFrame(
        [{**base, "level": "prison", "suppressed": False, **r} for r in rows], schema=TABLE_SCHEMA
    )


REGISTER = pl.DataFrame(
    {
        "prison_code": ["A", "B", "C", "D"],
        "region": ["N", "N", "S", "S"],
        "opened": [None, None, "2025-Q3", None],
        "closed": [None, None, None, "2025-Q1"],
    },
    schema={c: pl.String for c in ("prison_code", "region", "opened", "closed")},
)


def test_each_row_says_why_its_value_is_absent() -> None:
    rows = table(
        [
            {"prison_code": "A", "numerator": 10, "denominator": 20.0, "value": 50.0},
            {"prison_code": "B", "suppressed": True},
            {"prison_code": "C", "numerator": 0, "denominator": 0.0},
            {"prison_code": "D", "numerator": None, "denominator": 12.0},
        ]
    )
    assert with_state(rows)["state"].to_list() == [SHOWN, SUPPRESSED, NOT_COMPUTABLE, NOT_REPORTED]


def test_quarters_without_a_row_are_not_reported_or_not_in_service() -> None:
    rows = table(
        [
            {
                "prison_code": "A",
                "period": "2025-Q2",
                "indicator": "ost_coverage",
                "value": 50.0,
                "numerator": 1,
                "denominator": 2.0,
            }
        ]
    )
    grid = prison_grid(rows, REGISTER, ["2025-Q2"], indicators=["ost_coverage"])
    states = dict(zip(grid["prison_code"], grid["state"], strict=True))
    # B was open and sent nothing; C opened later; D had closed.
    assert states == {"A": SHOWN, "B": NOT_REPORTED, "C": NOT_IN_SERVICE, "D": NOT_IN_SERVICE}
    assert grid.filter(pl.col("prison_code") == "B")["region"].item() == "N"


def test_the_suppression_footnote_does_not_call_every_suppressed_figure_small() -> None:
    text = STATES[SUPPRESSED].meaning()
    assert f"1–{SUPPRESSION_THRESHOLD - 1}" in text
    assert "subtraction" in text  # secondary suppression is named for what it is
    assert footnotes([SHOWN, NOT_REPORTED, SUPPRESSED]) == [
        STATES[SUPPRESSED].meaning(),
        STATES[NOT_REPORTED].meaning(),
    ]


def test_judgement_follows_polarity_and_never_judges_a_neutral_indicator() -> None:
    registry = load_registry()
    rows = table(
        [
            {"indicator": "ost_coverage", "significance": "higher"},
            {"indicator": "overdose_death_rate", "significance": "higher"},
            {"indicator": "hcv_antibody_positivity", "significance": "higher"},
            {"indicator": "ost_coverage", "significance": None},
        ]
    )
    assert with_judgement(rows, registry)["judgement"].to_list() == [
        "better",
        "worse",
        "higher",
        NOT_COMPARED,
    ]


def test_a_profile_keeps_every_indicator_in_registry_order() -> None:
    registry = load_registry()
    rows = table(
        [
            {
                "prison_code": "A",
                "period": "2025-Q2",
                "indicator": "ost_coverage",
                "numerator": 5,
                "denominator": 10.0,
                "value": 50.0,
                "benchmark": 40.0,
                "significance": "similar",
            },
            {
                "prison_code": "A",
                "period": "2025-Q2",
                "indicator": "treatment_uptake",
                "suppressed": True,
            },
        ]
    )
    profile = profile_rows(rows, REGISTER, "A", "2025-Q2", registry)
    assert profile["indicator"].to_list() == list(registry.ids)
    states = dict(zip(profile["indicator"], profile["state"], strict=True))
    assert states["ost_coverage"] == SHOWN
    assert states["treatment_uptake"] == SUPPRESSED
    assert states["overdose_death_rate"] == NOT_REPORTED


def test_the_spread_uses_only_prisons_shown() -> None:
    rows = table(
        [
            {"prison_code": c, "period": "Q", "indicator": "x", "value": v, "suppressed": s}
            for c, v, s in (
                ("A", 10.0, False),
                ("B", 20.0, False),
                ("C", None, True),
                ("D", 30.0, False),
            )
        ]
    )
    got = spread(rows, "Q").row(0, named=True)
    assert (got["minimum"], got["q1"], got["q3"], got["maximum"]) == (10.0, 15.0, 25.0, 30.0)
