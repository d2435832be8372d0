"""The Overview's cards: every indicator once, in domain order, states and series as shown."""

from __future__ import annotations

import polars as pl

from indicators.availability import NOT_REPORTED, SHOWN, SUPPRESSED
from indicators.overview import CHANGE_COLUMNS, cards_by_domain, cards_table, national_cards
from indicators.registry import load_registry

REGISTRY = load_registry()
FIRST, SECOND = REGISTRY.domains[0].indicators[0], REGISTRY.domains[1].indicators[0]


def national_rows() -> pl.DataFrame:
    """Two quarters of one indicator shown, then suppressed; another shown once."""
    rows = [
        (FIRST, "2026-Q1", 40.0, 38.0, 42.0, 12, False, 5),
        (FIRST, "2026-Q2", None, None, None, None, True, 4),
        (SECOND, "2026-Q2", 61.256, 58.0, 64.0, 100, False, 6),
    ]
    return pl.DataFrame(
        rows,
        schema={
            "indicator": pl.String,
            "period": pl.String,
            "value": pl.Float64,
            "lower_95": pl.Float64,
            "upper_95": pl.Float64,
            "denominator": pl.Int64,
            "suppressed": pl.Boolean,
            "prisons": pl.Int64,
        },
        orient="row",
    ).with_columns(pl.lit("national").alias("level"))


def moves() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "indicator": [SECOND],
            "period": ["2026-Q2"],
            "change_on_previous_quarter": [1.5],
            "previous_quarter_change": ["increase"],
            "change_on_year_before": [None],
            "year_before_change": [None],
        },
        schema_overrides={"change_on_year_before": pl.Float64, "year_before_change": pl.String},
    )


def test_every_indicator_once_in_domain_order() -> None:
    cards = national_cards(national_rows(), moves(), "2026-Q2", REGISTRY)
    expected = [i for d in REGISTRY.domains for i in d.indicators]
    assert cards["indicator"].to_list() == expected
    assert cards["domain"].unique(maintain_order=True).to_list() == [d.id for d in REGISTRY.domains]


def test_states_values_and_series() -> None:
    cards = national_cards(national_rows(), moves(), "2026-Q2", REGISTRY)
    first = cards.row(by_predicate=pl.col("indicator") == FIRST, named=True)
    assert first["state"] == SUPPRESSED and first["value"] is None
    assert first["series"] == [40.0]  # the suppressed quarter is not in the sparkline
    second = cards.row(by_predicate=pl.col("indicator") == SECOND, named=True)
    assert second["state"] == SHOWN and second["value"] == 61.256 and second["series"] == [61.26]
    assert second["previous_quarter_change"] == "increase"
    other = cards.filter(~pl.col("indicator").is_in([FIRST, SECOND]))
    assert set(other["state"]) == {NOT_REPORTED}
    assert set(other["prisons"]) == {0}
    assert other["series"].list.len().max() == 0


def test_grouped_and_tabled() -> None:
    cards = national_cards(national_rows(), moves(), "2026-Q2", REGISTRY)
    groups = cards_by_domain(cards, REGISTRY)
    assert [d.id for d, _ in groups] == [d.id for d in REGISTRY.domains]
    for domain, part in groups:
        assert part["indicator"].to_list() == list(domain.indicators)
    table = cards_table(cards, REGISTRY)
    assert table.height == len(REGISTRY)
    assert set(CHANGE_COLUMNS) <= set(table.columns)
    assert table["domain"][0] == REGISTRY.domains[0].title
    assert table.filter(pl.col("suppressed")).height == 1


def test_indicators_without_a_polarity_are_never_judged_better_or_worse() -> None:
    from indicators.readings import with_judgement

    neutral = [i.id for i in REGISTRY if i.polarity == "no_judgement"]
    assert neutral, "the registry's shares make no judgement"
    frame = pl.DataFrame(
        {
            "indicator": [i for i in neutral for _ in range(4)],
            "significance": ["higher", "lower", "similar", None] * len(neutral),
        }
    )
    judged = with_judgement(frame, REGISTRY)["judgement"].to_list()
    assert not {"better", "worse"} & set(judged)
    assert set(judged) == {"higher", "lower", "similar", "not compared"}
