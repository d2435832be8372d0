"""Small-number suppression (shared/spec/indicators.md §5) and who sees what suppressed.

A prison figure about one to four persons can identify them, so wherever figures leave
the ministry they are shown in suppressed form: always for evaluators, for every prison
but their own for directors, and for anyone who asks for it. This module is a pure
function over the indicator table of `indicators.compute`.

The rules, and what they mean in detail:

- primary: a prison row is suppressed when its numerator is 1 to threshold - 1 (1-4),
  or, for a percentage, its denominator is; 0 is not. Person-years (a rate's
  denominator) are not a count of persons and never cause suppression.
- what a suppressed row shows: no numerator, value, interval, benchmark or
  significance, only ``suppressed = true``; its denominator too is hidden when the
  denominator caused it (a numerator over a known denominator is not hidden otherwise).
- secondary: no hidden figure may be recoverable by subtraction. Every published
  aggregate (each region and the nation, per indicator and quarter) is an equation: its
  figure minus the published prison figures is the sum of the hidden ones. With exactly
  one hidden contributor that sum *is* the hidden figure, so the number of hidden
  contributors must be 0 or at least 2: when it is 1, the contributor with the next
  smallest numerator is hidden too, and where no other prison contributes, the
  aggregate itself is suppressed.

Four consequences the spec leaves implicit, and that this module enforces:

1. Denominators are figures too. A published aggregate denominator minus the published
   prison denominators gives the sum of the hidden ones, so the same 0-or-at-least-2
   rule holds for hidden denominators separately: when one denominator is hidden, a
   second contributor's is hidden as well (preferring a row already suppressed, so that
   no published figure is lost for it). A hidden denominator always comes with a hidden
   value, since value x denominator = numerator.
2. Regions add up to the nation. When a region aggregate is suppressed (its only
   contributor is hidden), the national figure minus the published region figures gives
   that region's figure, which is that prison's. So among the contributors of the
   suppressed regions, too, the hidden ones are never exactly one: a second region
   aggregate that already hides at least two prisons is suppressed as well, and where
   there is none, the national aggregate is.
3. A reader who knows some figures can subtract them too. A director sees their own
   prison unsuppressed; had the other prisons been suppressed as for an evaluator, a
   director whose prison was the "second" suppressed contributor next to a small prison
   would subtract their own figure from the region total and read the small prison's.
   So the rules are applied twice, once for a reader who knows only what is shown and
   once for the account's own knowledge (``known``): a hidden figure must be
   unrecoverable for both. The prisons a reader knows are then never counted as hidden
   and never chosen as the second prison. For a director's default view (own prisons
   shown) the two readers coincide; for a director who asks for the suppressed form of
   everything, their own prison is suppressed like any other in the output (which may
   be passed on) and protected against them all the same.
4. Some figures appear in two indicators: released_in_treatment is the denominator of
   continuity_of_care and of naloxone_at_release, ost_received the numerator of
   ost_coverage and the denominator of each medication share. A figure hidden in one
   row of a unit (a prison, region or the nation, in a quarter) is hidden in every row
   of that unit that shows it, and the rules run again until nothing changes.
5. A partition's total is the sum of its parts (§5, `suppression_partition`): in every
   unit and quarter, the hidden figures among the total and its parts are never exactly
   one either (the next smallest part is hidden, zero included).
6. A suppressed aggregate is itself a figure. One whose contributors are all shown, or
   known to the reader (a director's own, even shown suppressed), is their sum, so the
   smallest the reader does not know is hidden too; and a lone suppressed region (one that hides
   a prison the reader does not know) would be the nation minus the published regions,
   so a second is suppressed, else the nation, even where it hides two prisons.

The aggregate levels are data (`suppression_aggregates.NESTED_LEVELS`: region, and peer
group where the table has one), the partitions too (the contract's, unless the caller
names others). All rules are applied again until none of them hides anything more.

The benchmark follows the same logic: a prison compared with its region shows the
region's value as benchmark, so where the region aggregate is suppressed, the benchmark
and significance of its prisons are hidden too (likewise for the national value).

What is *not* protected against (the spec asks for neither):

- a published aggregate still tells the sum of its hidden contributors, and when that
  sum is small it narrows them (a remainder of 2 over two hidden prisons means each had
  at most 2): there is no interval protection;
- two indicators that share a figure sum it over the prisons that reported both of
  *their* elements; when a prison reported the shared figure but not the other element
  of one indicator, the two aggregates differ by exactly that prison's figure. Complete
  submissions (the contract warns about incomplete ones) avoid it; likewise a partition
  whose parts some prison did not all report is no exact equation at the aggregates;
- region and peer group cross: each aggregate is protected by the rules above, but the
  two classifications together form a table with margins, where the 0-or-at-least-2
  rules are not always enough (cell suppression in two dimensions). With peer rows in
  the table (``peer_rows`` or the peer benchmark), an exact search finds a recoverable
  prison figure in about 1 of 150 small random tables of one indicator, and in about 1
  of 6 with the medication partition too; without peer rows, in none.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import polars as pl

from indicators.aggregates import PEER
from indicators.compute import NATIONAL, PRISON, Benchmark
from indicators.registry import Registry, load_registry
from indicators.suppression_aggregates import (
    ACROSS_AGGREGATES,
    CODE_SLOTS,
    CONTRIBUTES,
    HIDDEN_DENOMINATOR,
    NATION,
    SUPPRESSED,
    WITHIN_AGGREGATES,
    AggregateLevel,
    dense_code,
    group_id,
    levels_of,
    nation_id,
    protect,
)
from indicators.suppression_partition import (
    UNIT,
    Partitions,
    default_partitions,
    link_shared_elements,
    protect_partitions,
    unit_id,
)

# Part of this module's interface, kept with the other rules about figures that several
# indicators of one unit show.
from indicators.suppression_partition import linked_indicators as linked_indicators
from indicators.suppression_partition import shared_elements as shared_elements
from indicators.suppression_peer import refuse_peer

SUPPRESSION_THRESHOLD = 5
# More rounds than any table needs: each round only adds suppressions, and the rules
# settle after a few; this only stops a bug from looping for ever.
MAX_ROUNDS = 50

HIDDEN_WHEN_SUPPRESSED = (
    "numerator",
    "value",
    "lower_95",
    "upper_95",
    "lower_998",
    "upper_998",
    "benchmark",
    "significance",
)

level = pl.col("level")
numerator, denominator = pl.col("numerator"), pl.col("denominator")


class Reader(Protocol):
    """What suppression and the table's scope need of an account (store.accounts.Account)."""

    name: str
    role: str
    countries: frozenset[str]

    def sees_unsuppressed(self, prison_code: str | None) -> bool: ...

    @property
    def sees_prison_rows(self) -> bool: ...

    def reads_level(self, level: str) -> bool: ...

    def sees_country(self, country: str | None) -> bool: ...


# --- Primary suppression ---------------------------------------------------------------


def is_small(count: pl.Expr, threshold: int) -> pl.Expr:
    """1 to threshold - 1; zero and missing are not small."""
    return ((count >= 1) & (count < threshold)).fill_null(False)


def primary_suppression(threshold: int, proportion: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    """(suppressed, denominator hidden) of prison rows by their own figures."""
    prison = level == PRISON
    small_denominator = prison & proportion & is_small(denominator, threshold)
    return (prison & is_small(numerator, threshold)) | small_denominator, small_denominator


# --- Secondary suppression: the rounds -------------------------------------------------


def _protect_all(
    frame: pl.DataFrame,
    readers: list[str],
    rules: tuple[str, ...],
    nested: tuple[AggregateLevel, ...],
) -> pl.DataFrame:
    for reader in readers:
        frame = protect(frame, SUPPRESSED, reader, "_numerator_order", rules, nested)
        frame = protect(frame, HIDDEN_DENOMINATOR, reader, "_denominator_order", rules, nested)
    return frame


def _hidden_counts(frame: pl.DataFrame) -> tuple[int, int]:
    return frame[SUPPRESSED].sum(), frame[HIDDEN_DENOMINATOR].sum()


def _with_working_columns(
    table: pl.DataFrame,
    threshold: int,
    shown: pl.Expr,
    known: pl.Expr,
    registry: Registry,
    nested: tuple[AggregateLevel, ...],
) -> pl.DataFrame:
    proportions = [i.id for i in registry if not i.is_rate]
    proportion = pl.col("indicator").is_in(proportions)
    suppressed, hidden_denominator = primary_suppression(threshold, proportion)
    is_shown = shown.fill_null(False)
    # Ties go to the prison (or aggregate) that sorts first, so the choice is reproducible.
    name = dense_code(table, pl.coalesce("prison_code", *(a.key for a in nested)))
    frame = table.with_columns(
        is_shown.alias("_shown"),
        (is_shown | known.fill_null(False)).alias("_known"),
        ((level == PRISON) & numerator.is_not_null() & denominator.is_not_null()).alias(
            CONTRIBUTES
        ),
        (numerator * CODE_SLOTS + name).alias("_numerator_order"),
        (denominator * CODE_SLOTS + name).alias("_denominator_order"),
        nation_id(table).alias(NATION),
        unit_id(table).alias(UNIT),
    )
    return frame.with_columns(
        *(group_id(frame, a).alias(a.group) for a in nested),
        (suppressed & ~pl.col("_shown")).alias(SUPPRESSED),
        (hidden_denominator & ~pl.col("_shown")).alias(HIDDEN_DENOMINATOR),
    )


def _within_round(
    frame: pl.DataFrame,
    readers: list[str],
    registry: Registry,
    partitions: Partitions,
    nested: tuple[AggregateLevel, ...],
) -> pl.DataFrame:
    """The rules within one equation each: aggregates, shared figures, partitions."""
    frame = link_shared_elements(_protect_all(frame, readers, WITHIN_AGGREGATES, nested), registry)
    for reader in readers:
        frame = protect_partitions(frame, partitions, registry, reader)
    return frame


def suppression_flags(
    table: pl.DataFrame,
    *,
    threshold: int = SUPPRESSION_THRESHOLD,
    shown: pl.Expr | None = None,
    known: pl.Expr | None = None,
    registry: Registry | None = None,
    partitions: Partitions | None = None,
) -> pl.DataFrame:
    """The table with ``_suppressed`` and ``_hidden_denominator``: which figures to hide.

    ``shown`` marks the rows the reader sees unsuppressed (never hidden), ``known`` the
    rows whose figures the reader knows anyway (e.g. a director's own prison, even when
    shown suppressed). Every hidden figure is made unrecoverable both for a reader who
    knows only the shown rows and for one who knows the ``known`` rows too.
    ``partitions``: ``{total: parts}`` of the breakdowns that are partitions (by default
    the contract's).
    """
    no_rows = pl.lit(False)
    registry = registry or load_registry()
    partitions = default_partitions() if partitions is None else partitions
    nested = levels_of(table)
    frame = _with_working_columns(
        table,
        threshold,
        shown if shown is not None else no_rows,
        known if known is not None else no_rows,
        registry,
        nested,
    )
    readers = ["_shown"]
    if not frame["_known"].equals(frame["_shown"]):
        readers.append("_known")
    for _ in range(MAX_ROUNDS):
        before = _hidden_counts(frame)
        # The spec's own rules (a second prison or part, else the aggregate) settle first,
        # so that the rules across aggregates only act where they leave one suppressed.
        frame = _within_round(frame, readers, registry, partitions, nested)
        if _hidden_counts(frame) != before:
            continue
        frame = _protect_all(frame, readers, ACROSS_AGGREGATES, nested)
        if _hidden_counts(frame) == before:
            return frame
    raise RuntimeError("suppression did not settle; this is a bug")


# --- What a suppressed table shows -----------------------------------------------------


def _benchmark_hidden(benchmark: Benchmark, nested: tuple[AggregateLevel, ...]) -> pl.Expr:
    """Whether a row's benchmark is a suppressed aggregate's value."""
    nation = ((level == NATIONAL) & pl.col(SUPPRESSED)).any().over(NATION)
    prison_source = nation
    for aggregate in nested:
        if aggregate.level == benchmark:
            group = pl.col(aggregate.group)
            prison_source = ((level == aggregate.level) & pl.col(SUPPRESSED)).any().over(group)
    return pl.when(level == PRISON).then(prison_source).when(level != NATIONAL).then(nation)


def as_shown(flags: pl.DataFrame, benchmark: Benchmark) -> pl.DataFrame:
    """The table as a reader sees it: hidden figures null, ``suppressed`` set."""
    hidden = pl.col(SUPPRESSED)
    benchmark_hidden = _benchmark_hidden(benchmark, levels_of(flags)).fill_null(False)
    columns = [c for c in flags.columns if not c.startswith("_")]
    return (
        flags.with_columns(
            *(pl.when(~hidden).then(pl.col(c)).alias(c) for c in HIDDEN_WHEN_SUPPRESSED),
            pl.when(~pl.col(HIDDEN_DENOMINATOR)).then(denominator).alias("denominator"),
            (pl.col("suppressed") | hidden).alias("suppressed"),
        )
        .with_columns(
            pl.when(~benchmark_hidden).then(pl.col(c)).alias(c)
            for c in ("benchmark", "significance")
        )
        .select(columns)
    )


def suppress(
    table: pl.DataFrame,
    *,
    threshold: int = SUPPRESSION_THRESHOLD,
    benchmark: Benchmark = "national",
    shown: pl.Expr | None = None,
    known: pl.Expr | None = None,
    registry: Registry | None = None,
    partitions: Partitions | None = None,
) -> pl.DataFrame:
    """The suppressed form of a full indicator table (every prison of every aggregate).

    Without ``shown`` / ``known`` this is the form for a reader who knows nothing else:
    evaluators, and anyone who asks for it. ``benchmark`` is the one the table was
    computed with (a prison's benchmark is hidden where its source is suppressed).
    Suppress the full table and filter afterwards: with some prisons missing, the second
    prison of a pair might not be there to be hidden. Likewise keep every indicator that
    shares a figure with one asked for (`linked_indicators`): a figure hidden in one and
    shown in another would be read there.
    """
    if shown is not None:
        check_shown(table, shown)
    flags = suppression_flags(
        table,
        threshold=threshold,
        shown=shown,
        known=known,
        registry=registry,
        partitions=partitions,
    )
    return as_shown(flags, benchmark)


def check_shown(table: pl.DataFrame, shown: pl.Expr) -> None:
    """Refuse a reader who sees aggregates unsuppressed but not every prison.

    Such a reader cannot be protected against (an aggregate that must be suppressed would
    be shown); no role of cli-and-roles.md is like that.
    """
    flags = table.select(
        aggregates=(shown.fill_null(False) & (level != PRISON)).any(),
        prisons=(~shown.fill_null(False) & (level == PRISON)).any(),
    ).row(0)
    if all(flags):
        raise ValueError(
            "a reader who sees region and national figures unsuppressed must see every prison"
        )


# --- Who sees what ---------------------------------------------------------------------


def seen_unsuppressed(table: pl.DataFrame, reader: Reader) -> pl.Expr:
    """The rows ``reader`` may see unsuppressed, as a boolean expression over the table."""
    codes: Sequence[str] = table.filter(level == PRISON)["prison_code"].unique().to_list()
    own = [code for code in codes if reader.sees_unsuppressed(code)]
    aggregates = reader.sees_unsuppressed(None)
    return pl.when(level == PRISON).then(pl.col("prison_code").is_in(own)).otherwise(aggregates)


def suppressed_for(
    table: pl.DataFrame,
    reader: Reader,
    *,
    everything: bool = False,
    threshold: int = SUPPRESSION_THRESHOLD,
    benchmark: Benchmark = "national",
    registry: Registry | None = None,
    partitions: Partitions | None = None,
) -> pl.DataFrame:
    """The full table as ``reader`` may see it.

    Ministry: unchanged. Director: own prisons unsuppressed, other prisons and every
    aggregate suppressed, protected against subtraction with the director's own figures.
    Evaluator: everything suppressed. ``everything`` asks for the suppressed form of every
    row (the CLI's --suppress), still protected against what the reader knows. A table to
    be suppressed that has peer-group rows or the peer benchmark is refused
    (suppression_peer.PeerSuppressionRefused).
    """
    sees = seen_unsuppressed(table, reader)
    if not everything and table.select(sees.all()).item():
        return table
    refuse_peer(True, benchmark == PEER or table.select((level == PEER).any()).item())
    if not everything:
        return suppress(
            table,
            threshold=threshold,
            benchmark=benchmark,
            shown=sees,
            known=sees,
            registry=registry,
            partitions=partitions,
        )
    return suppress(
        table,
        threshold=threshold,
        benchmark=benchmark,
        known=sees,
        registry=registry,
        partitions=partitions,
    )
