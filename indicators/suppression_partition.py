"""Figures that several rows of one unit show: shared figures and partitions (§5).

Part of `indicators.suppression`. Two kinds of equation tie the rows of one unit (a
prison, a region, a peer group, the nation) in one quarter together across indicators:
the same figure shown by two indicators (released_in_treatment, ost_received: hidden
in one row, it is hidden in all, `link_shared_elements`), and a partition.

Suppression across a partition (shared/spec/indicators.md §5):

A partition splits a total into parts that every person is in exactly one of
(submission-format.md §3.3: ``ost_received`` into ``ost_methadone``,
``ost_buprenorphine`` and ``ost_other_agonist``). So wherever a unit (a prison, a region,
a peer group, the nation) shows its figures for a quarter, "total = sum of the parts" is
one more equation a reader can subtract with: with exactly one of its figures hidden,
that figure is the total minus the shown parts, or the sum of the parts.

The rule here: in every set of rows that share a unit and a quarter, the hidden figures
among the total and the reported parts are never exactly one. Where the total is shown
(the spec's case) and one part is hidden, the part with the next smallest figure (zero
included; ties go to the part listed first) is hidden too, and where no part is left,
the total. Where the total is hidden and every part shown, the smallest part is hidden.

What "shown" means, conservatively: a figure is shown at a unit-quarter when any row
of that unit and quarter lets the reader read it: the total as the numerator of an
indicator (ost_coverage) whose row is not suppressed, or as the denominator of one (each
share) whose denominator is not hidden; a part as the numerator of its share where that
row is not suppressed. A figure the reader knows anyway (a director's own prison) counts
as shown and is never chosen. A part not reported is neither: the rule does not count it
as hidden (a reader may guess it), so it does not excuse a single hidden part.

Hiding a figure at a unit hides it in every row of that unit that carries it: a part's
share row is suppressed; the total's rows have their numerator or denominator hidden,
which suppresses every share row of the unit too (a shown share and its shown numerator
would give the denominator back). At an aggregate level the hidden aggregate then needs
hidden contributors, which the rules within aggregates take care of.

Partitions come as data, ``{total: (part, ...)}``; `partitions_from_breakdowns` derives
them from the contract's breakdowns, of which only partitions qualify: the parts of an
overlapping breakdown may add up to more than the total, so they give no equation.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import polars as pl

from data_contracts.contract import load_contract
from indicators.aggregates import COUNTRY
from indicators.registry import Indicator, Registry
from indicators.suppression_aggregates import (
    HIDDEN_DENOMINATOR,
    NESTED_LEVELS,
    SHOWN,
    SUPPRESSED,
    dense_code,
)

PARTITION = "partition"
# The columns that name a unit and quarter: rows equal in all of them show one unit's
# figures of one quarter (in different indicators).
UNIT_COLUMNS = (
    "level",
    COUNTRY,
    "region",
    "prison_code",
    "period",
    *(a.key for a in NESTED_LEVELS),
)
# The working column with the integer id of a row's unit and quarter.
UNIT = "_unit"

Partitions = Mapping[str, tuple[str, ...]]
Breakdown = tuple[str, Sequence[str], str]


def partitions_from_breakdowns(breakdowns: Iterable[Breakdown]) -> dict[str, tuple[str, ...]]:
    """``{total: parts}`` of the breakdowns ``(total, parts, kind)`` whose kind is a partition."""
    return {total: tuple(parts) for total, parts, kind in breakdowns if kind == PARTITION}


def default_partitions() -> dict[str, tuple[str, ...]]:
    """The partitions of the contract's breakdowns (submission-format.md §3.3)."""
    return partitions_from_breakdowns(
        (b.total, b.parts, b.kind) for b in load_contract().breakdowns
    )


def _elements(indicator: Indicator) -> set[str]:
    """The counts an indicator shows (person-years are no count)."""
    return (
        {indicator.numerator} if indicator.is_rate else {indicator.numerator, indicator.denominator}
    )


def linked_indicators(
    ids: Iterable[str], registry: Registry, partitions: Partitions | None = None
) -> tuple[str, ...]:
    """``ids`` and every indicator tied to them by a shared figure or a partition, in
    registry order: the indicators to suppress together before keeping only ``ids``.

    Suppressed apart, a figure hidden in one table could be shown in the other, and a
    part hidden alone in one would be given away by its total and the parts of another.
    """
    partitions = default_partitions() if partitions is None else partitions
    families = [{total, *parts} for total, parts in partitions.items()]
    chosen = {registry[i].id for i in ids}
    while True:
        elements = set().union(*(_elements(registry[i]) for i in chosen))
        elements |= set().union(*(f for f in families if f & elements))
        more = {i.id for i in registry if _elements(i) & elements} - chosen
        if not more:
            return tuple(i for i in registry.ids if i in chosen)
        chosen |= more


def shared_elements(registry: Registry) -> dict[str, tuple[list[str], list[str]]]:
    """Data elements that more than one indicator shows, with the indicators that show each
    as numerator and as denominator (released_in_treatment, ost_received, ...)."""
    uses: dict[str, tuple[list[str], list[str]]] = {}
    for indicator in registry:
        uses.setdefault(indicator.numerator, ([], []))[0].append(indicator.id)
        if not indicator.is_rate:  # person-years are never hidden
            uses.setdefault(indicator.denominator, ([], []))[1].append(indicator.id)
    return {element: use for element, use in uses.items() if len(use[0]) + len(use[1]) > 1}


def link_shared_elements(frame: pl.DataFrame, registry: Registry) -> pl.DataFrame:
    """A figure hidden in one indicator is hidden in every other that shows the same figure.

    released_in_treatment is the denominator of two indicators, and hcv_tested_reception
    the numerator of one and the denominator of another: hidden in one row and shown in
    another, the figure would simply be read there. This holds at every level: a region's
    total hidden in one indicator is hidden in the others of that region and quarter.
    """
    indicator = pl.col("indicator")
    changeable = ~pl.col(SHOWN)
    for as_numerator, as_denominator in shared_elements(registry).values():
        hidden_here = changeable & (
            (indicator.is_in(as_numerator) & pl.col(SUPPRESSED))
            | (indicator.is_in(as_denominator) & pl.col(HIDDEN_DENOMINATOR))
        )
        hidden = hidden_here.any().over(UNIT)
        frame = frame.with_columns(
            pl.col(SUPPRESSED)
            | (changeable & indicator.is_in(as_numerator + as_denominator) & hidden),
            pl.col(HIDDEN_DENOMINATOR) | (changeable & indicator.is_in(as_denominator) & hidden),
        )
    return frame


def unit_id(table: pl.DataFrame) -> pl.Expr:
    """The integer id of each row's unit and quarter (rows of one unit across indicators)."""
    columns = [pl.col(c).fill_null("") for c in UNIT_COLUMNS if c in table.columns]
    return dense_code(table, pl.concat_str(columns, separator="\x1f"))


def _uses(registry: Registry, element: str) -> tuple[list[str], list[str]]:
    """The indicators that show ``element`` as their numerator, and as their denominator."""
    as_numerator = [i.id for i in registry if i.numerator == element]
    as_denominator = [i.id for i in registry if not i.is_rate and i.denominator == element]
    return as_numerator, as_denominator


def _carries(uses: tuple[list[str], list[str]]) -> tuple[pl.Expr, pl.Expr]:
    """Whether a row shows the element as its numerator, and as its denominator."""
    indicator = pl.col("indicator")
    return (
        indicator.is_in(uses[0]) & pl.col("numerator").is_not_null(),
        indicator.is_in(uses[1]) & pl.col("denominator").is_not_null(),
    )


def _element_columns(k: int, uses: tuple[list[str], list[str]], knowledge: str) -> list[pl.Expr]:
    """Per unit-quarter: whether element k is reported, seen, known, and its figure."""
    as_numerator, as_denominator = _carries(uses)
    known = pl.col(knowledge)
    seen = (as_numerator & (~pl.col(SUPPRESSED) | known)) | (
        as_denominator & (~pl.col(HIDDEN_DENOMINATOR) | known)
    )
    carries = as_numerator | as_denominator
    figure = (
        pl.when(as_numerator)
        .then(pl.col("numerator"))
        .when(as_denominator)
        .then(pl.col("denominator").round().cast(pl.Int64))
    )
    return [
        carries.any().over(UNIT).alias(f"_reported_{k}"),
        seen.any().over(UNIT).alias(f"_seen_{k}"),
        (carries & known).any().over(UNIT).alias(f"_known_{k}"),
        figure.min().over(UNIT).alias(f"_figure_{k}"),
    ]


def _chosen(count: int) -> list[pl.Expr]:
    """Per unit-quarter, which of the ``count`` elements (0: the total) to hide now."""
    reported = [pl.col(f"_reported_{k}") for k in range(count)]
    seen = [pl.col(f"_seen_{k}") for k in range(count)]
    hidden = pl.sum_horizontal(r & ~s for r, s in zip(reported, seen, strict=True))
    needs = reported[0] & (hidden == 1)
    candidate = [
        r & s & ~pl.col(f"_known_{k}") for k, (r, s) in enumerate(zip(reported, seen, strict=True))
    ]
    # Next smallest figure first, then the order of the parts.
    score = [
        pl.when(candidate[k]).then(pl.col(f"_figure_{k}") * count + k) for k in range(1, count)
    ]
    best = pl.min_horizontal(score)
    parts = [needs & (s == best).fill_null(False) for s in score]
    total = needs & best.is_null() & candidate[0]
    return [e.alias(f"_hide_{k}") for k, e in enumerate([total, *parts])]


def _hide(uses: tuple[list[str], list[str]], chosen: str) -> tuple[pl.Expr, pl.Expr]:
    """(suppress the row, hide its denominator) where the element of ``uses`` is chosen."""
    as_numerator, as_denominator = _carries(uses)
    here = pl.col(chosen) & ~pl.col(SHOWN)
    return here & (as_numerator | as_denominator), here & as_denominator


def protect_partitions(
    frame: pl.DataFrame, partitions: Partitions, registry: Registry, knowledge: str
) -> pl.DataFrame:
    """Apply the partition rule once, for one reader (``knowledge``: the rows they know)."""
    for total, parts in partitions.items():
        uses = [_uses(registry, element) for element in (total, *parts)]
        ids = {i for use in uses for i in (*use[0], *use[1])}
        rows = frame.with_row_index("_row").filter(pl.col("indicator").is_in(ids))
        if rows.height == 0 or not (rows[SUPPRESSED] | rows[HIDDEN_DENOMINATOR]).any():
            continue
        work = rows.with_columns(
            c for k, use in enumerate(uses) for c in _element_columns(k, use, knowledge)
        ).with_columns(_chosen(len(uses)))
        marks = [_hide(use, f"_hide_{k}") for k, use in enumerate(uses)]
        more = work.select(
            "_row",
            pl.any_horizontal(m[0] for m in marks).alias("_more"),
            pl.any_horizontal(m[1] for m in marks).alias("_more_denominator"),
        ).filter("_more")
        if more.height == 0:
            continue
        suppressed = frame[SUPPRESSED].clone().scatter(more["_row"], True)
        denominator = (
            frame[HIDDEN_DENOMINATOR]
            .clone()
            .scatter(more.filter("_more_denominator")["_row"], True)
        )
        frame = frame.with_columns(suppressed, denominator)
    return frame
