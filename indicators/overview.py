"""The Overview's national figures, one card per indicator, grouped by domain.

What the Overview shows for a quarter, as data: each indicator's national value and state,
its 95% interval, how many prisons reported it, its changes on the previous quarter and on
a year before (with whether they are significant), and its visible series for a sparkline.
Cards come in the domains' order (registry.domains), each domain's indicators in its own
order, so a reader finds "treatment" or "infections" at a glance. The page only draws them.
"""

from __future__ import annotations

import polars as pl

from indicators.availability import NOT_REPORTED, SUPPRESSED, row_state
from indicators.registry import Domain, Registry

CHANGE_COLUMNS = (
    "change_on_previous_quarter",
    "previous_quarter_change",
    "change_on_year_before",
    "year_before_change",
)
SPARKLINE_DECIMALS = 2


def _registry_frame(registry: Registry) -> pl.DataFrame:
    rows = [
        {
            "domain": domain.id,
            "indicator": ind.id,
            "title": ind.title,
            "unit": ind.unit,
            "polarity": ind.polarity,
        }
        for domain, members in registry.by_domain().items()
        for ind in members
    ]
    return pl.DataFrame(
        rows,
        schema={c: pl.String for c in ("domain", "indicator", "title", "unit", "polarity")},
    )


def national_cards(
    national: pl.DataFrame, moves: pl.DataFrame, period: str, registry: Registry
) -> pl.DataFrame:
    """One row per indicator of the registry, in domain order, for `period`.

    `national`: the national rows of an indicator table (as the reader sees it, so after
    suppression); `moves`: `changes.significant_changes` of it. Columns: domain, indicator,
    title, unit, polarity, state, value (null unless shown), lower_95, upper_95, prisons,
    the CHANGE_COLUMNS, and `series`, the shown values of every quarter (for a sparkline).
    An indicator no prison reported in `period` is "not reported", with 0 prisons.
    """
    current = national.filter(pl.col("period") == period).select(
        "indicator",
        row_state().alias("state"),
        *(
            pl.when(~pl.col("suppressed")).then(pl.col(c)).alias(c)
            for c in ("value", "lower_95", "upper_95")
        ),
        "prisons",
    )
    changes = moves.filter(pl.col("period") == period).select("indicator", *CHANGE_COLUMNS)
    series = (
        national.filter(~pl.col("suppressed") & pl.col("value").is_not_null())
        .sort("period")
        .group_by("indicator", maintain_order=True)
        .agg(pl.col("value").round(SPARKLINE_DECIMALS).alias("series"))
    )
    return (
        _registry_frame(registry)
        .join(current, on="indicator", how="left", maintain_order="left")
        .join(changes, on="indicator", how="left", maintain_order="left")
        .join(series, on="indicator", how="left", maintain_order="left")
        .with_columns(
            pl.col("state").fill_null(NOT_REPORTED),
            pl.col("prisons").fill_null(0),
            pl.col("series").fill_null([]),
        )
    )


def cards_by_domain(cards: pl.DataFrame, registry: Registry) -> list[tuple[Domain, pl.DataFrame]]:
    """The cards of each domain that has any, in the domains' order."""
    out = []
    for domain in registry.domains:
        part = cards.filter(pl.col("domain") == domain.id)
        if part.height:
            out.append((domain, part))
    return out


def cards_table(cards: pl.DataFrame, registry: Registry) -> pl.DataFrame:
    """The cards as the Overview's table (and its export): the domain in words, no series."""
    titles = {d.id: d.title for d in registry.domains}
    return cards.select(
        pl.col("domain").replace_strict(titles).alias("domain"),
        pl.col("title").alias("indicator"),
        "unit",
        "value",
        "lower_95",
        "upper_95",
        *CHANGE_COLUMNS,
        "prisons",
        (pl.col("state") == SUPPRESSED).alias("suppressed"),
        "state",
    )
