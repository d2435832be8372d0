"""Secondary suppression within the published aggregates, for every aggregate level.

Part of `indicators.suppression` (read its docstring for the rules and why). Every
published aggregate is an equation "aggregate - shown contributors = sum of the hidden
ones", so this module keeps the hidden contributors of every aggregate at 0 or at least
2. The aggregate levels are data: `NESTED_LEVELS` names each level whose aggregates add
up to the nation (its value of the ``level`` column and the column that names a prison's
group at that level), so a new level (peer groups, once the table has them) is one entry
here. A level whose column the table does not have is skipped.

All rules are Polars expressions over the working frame of `indicators.suppression`,
which carries, per row: the two flags (``_suppressed``, ``_hidden_denominator``), what
the reader knows, whether a prison row contributes to aggregates, and the order keys
(count, then name) that say which contributor is "next smallest".
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from indicators.aggregates import COUNTRY, NATIONAL, PEER, PEER_GROUP, PRISON, REGION

SUPPRESSED, HIDDEN_DENOMINATOR = "_suppressed", "_hidden_denominator"
CONTRIBUTES = "_contributes"
# Rows the reader sees unsuppressed: never hidden.
SHOWN = "_shown"
# The integer id of each row's indicator, quarter and country: the group of the national
# rules (each country's nation is its own equation; international.md §1).
NATION = "_nation_group"
# Packs two small codes into one integer (first x CODE_SLOTS + second): a count and a
# name's rank, which orders by count then name; or the ids of nested groups.
CODE_SLOTS = 1 << 22

level = pl.col("level")


@dataclass(frozen=True)
class AggregateLevel:
    """An aggregate level nested in the nation: its ``level`` value, its grouping column."""

    level: str
    key: str

    @property
    def group(self) -> str:
        """The working column with the id of a row's aggregate of this level (null: none)."""
        return f"_{self.level}_group"


NESTED_LEVELS = (AggregateLevel(REGION, "region"), AggregateLevel(PEER, PEER_GROUP))


def levels_of(table: pl.DataFrame) -> tuple[AggregateLevel, ...]:
    """The nested levels the table has rows of."""
    present = set(table["level"].unique().to_list())
    return tuple(a for a in NESTED_LEVELS if a.key in table.columns and a.level in present)


def dense_code(table: pl.DataFrame, column: pl.Expr) -> pl.Expr:
    """The column's values as their alphabetical rank among its distinct values (null stays).

    Ranking the few distinct values and mapping them back is several times faster than
    ranking the 800,000 values of a large table; and windows over integers are several
    times faster than over text.
    """
    distinct = table.select(column.unique().sort().alias("_v"))["_v"].drop_nulls()
    return column.replace_strict(
        distinct, range(len(distinct)), default=None, return_dtype=pl.Int64
    )


def nation_id(table: pl.DataFrame) -> pl.Expr:
    """The integer id of each row's indicator, quarter and country (a table without a
    country column is one country)."""
    indicator = dense_code(table, pl.col("indicator"))
    quarter = dense_code(table, pl.col("period"))
    if COUNTRY not in table.columns:
        return indicator * CODE_SLOTS + quarter
    countries = max(table[COUNTRY].n_unique(), 1)
    country = dense_code(table, pl.col(COUNTRY)).fill_null(0)
    return indicator * CODE_SLOTS + quarter * countries + country


def group_id(table: pl.DataFrame, aggregate: AggregateLevel) -> pl.Expr:
    """The id of the aggregate a prison (or an aggregate row of this level) belongs to.

    Null for rows of other levels and for prisons without a group at this level.
    """
    member = (level == PRISON) | (level == aggregate.level)
    code = dense_code(table, pl.col(aggregate.key))
    return pl.when(member).then(pl.col(NATION) * CODE_SLOTS + code)


# --- The rules -------------------------------------------------------------------------


def hidden_unknown(flag: str, knowledge: str) -> pl.Expr:
    """A contributor whose figure is hidden and unknown to the reader."""
    return pl.col(CONTRIBUTES) & pl.col(flag) & ~pl.col(knowledge)


def next_hidden(
    needs: pl.Expr, candidate: pl.Expr, key: str, group: str, prefer: pl.Expr | None
) -> tuple[pl.Expr, pl.Expr]:
    """Where a group needs one more hidden figure: its candidate with the smallest key (among
    the ``prefer`` red ones if there are any), and whether the group has no candidate left."""
    best = pl.when(candidate).then(pl.col(key)).min().over(group)
    if prefer is not None:
        best_preferred = pl.when(candidate & prefer).then(pl.col(key)).min().over(group)
        best = pl.coalesce(best_preferred, best)
    return needs & candidate & (pl.col(key) == best), best.is_null()


def preferred(flag: str) -> pl.Expr | None:
    """Whom to hide a denominator of first: a row already suppressed loses nothing more."""
    return pl.col(SUPPRESSED) if flag == HIDDEN_DENOMINATOR else None


def second_within(flag: str, knowledge: str, key: str, group: str, aggregate: str) -> pl.Expr:
    """One hidden contributor in a published aggregate: hide the next one, else the aggregate."""
    is_aggregate = level == aggregate
    hidden = hidden_unknown(flag, knowledge).sum().over(group)
    published = (is_aggregate & ~pl.col(flag)).any().over(group)
    needs = (hidden == 1) & published
    candidate = pl.col(CONTRIBUTES) & ~pl.col(flag) & ~pl.col(knowledge)
    chosen, none_left = next_hidden(needs, candidate, key, group, preferred(flag))
    return chosen | (needs & is_aggregate & none_left)


def hidden_contributor(flag: str, knowledge: str, key: str, group: str, aggregate: str) -> pl.Expr:
    """A hidden aggregate none of whose contributors is hidden from the reader: hide the
    smallest contributor the reader does not know.

    Such an aggregate is the sum of figures the reader sees or knows, so hiding it
    protects nothing; it happens when the partition rule hides a part at an aggregate
    level. Contributors the reader knows (a director's own prisons, even when shown
    suppressed) count as read: hidden from everyone else, they hide nothing from them.
    """
    hidden_aggregate = ((level == aggregate) & pl.col(flag)).any().over(group)
    hidden = hidden_unknown(flag, knowledge).any().over(group)
    candidate = pl.col(CONTRIBUTES) & ~pl.col(flag) & ~pl.col(SHOWN) & ~pl.col(knowledge)
    chosen, _ = next_hidden(hidden_aggregate & ~hidden, candidate, key, group, preferred(flag))
    return chosen


def nested_columns(flag: str, knowledge: str, nested: AggregateLevel) -> list[pl.Expr]:
    """What `second_nested` reads: whether a row's aggregate of the level is hidden, and
    how many of its contributors are."""
    group = pl.col(nested.group)
    return [
        ((level == nested.level) & pl.col(flag)).any().over(group).alias("_in_hidden"),
        hidden_unknown(flag, knowledge).sum().over(group).alias("_hidden_in"),
    ]


def second_nested(flag: str, knowledge: str, key: str, nested: AggregateLevel) -> pl.Expr:
    """One hidden contributor among suppressed aggregates of a level: another, else the nation.

    The nation minus the published aggregates of a nested level (regions) is the sum over
    the suppressed ones, plus any prison in no aggregate of that level. So neither the
    hidden prisons in that sum nor its unknown terms (suppressed aggregates that hide a
    prison the reader does not know, hidden prisons in none) may be exactly one: a lone
    such region would be read off the nation, even where it hides two prisons. Reads the
    columns of `nested_columns`.
    """
    is_nested = level == nested.level
    in_remainder = is_nested & pl.col("_in_hidden")
    ungrouped = (hidden_unknown(flag, knowledge) & pl.col(nested.group).is_null()).sum()
    remainder = (pl.when(in_remainder).then(pl.col("_hidden_in")).sum() + ungrouped).over(NATION)
    # A suppressed aggregate with no hidden contributor the reader does not know is one
    # the reader can add up, so it is no unknown term.
    unknown_term = is_nested & pl.col(flag) & (pl.col("_hidden_in") >= 1)
    terms = (unknown_term.sum() + ungrouped).over(NATION)
    published = ~((level == NATIONAL) & pl.col(flag)).any().over(NATION)
    needs = ((remainder == 1) | (terms == 1)) & published
    candidate = is_nested & ~pl.col(flag) & (pl.col("_hidden_in") >= 2)
    chosen, none_left = next_hidden(needs, candidate, key, NATION, preferred(flag))
    return chosen | (needs & (level == NATIONAL) & none_left)


# Which rules a pass applies: the spec's own (within each aggregate) first, then the
# completion of hidden aggregates, then the rule across the aggregates of a level.
WITHIN_AGGREGATES = ("within",)
ACROSS_AGGREGATES = ("contributor", "nested")


def _rules(
    rule: str, flag: str, knowledge: str, key: str, nested: tuple[AggregateLevel, ...]
) -> list[tuple[list[pl.Expr], pl.Expr]]:
    """The rule's expressions, each with the columns to compute before it."""
    levels = [(a.group, a.level) for a in nested] + [(NATION, NATIONAL)]
    if rule == "within":
        return [([], second_within(flag, knowledge, key, g, agg)) for g, agg in levels]
    if rule == "contributor":
        return [([], hidden_contributor(flag, knowledge, key, g, agg)) for g, agg in levels]
    return [
        (nested_columns(flag, knowledge, a), second_nested(flag, knowledge, key, a)) for a in nested
    ]


def protect(
    frame: pl.DataFrame,
    flag: str,
    knowledge: str,
    key: str,
    rules: tuple[str, ...],
    nested: tuple[AggregateLevel, ...],
) -> pl.DataFrame:
    """Apply the subtraction rules for one kind of figure and one reader."""
    if not frame[flag].any():
        return frame  # nothing hidden of this kind: no rule can ask for more
    # Hiding a denominator hides the value too: value x denominator = numerator.
    targets = (flag, SUPPRESSED) if flag == HIDDEN_DENOMINATOR else (flag,)
    for rule in rules:
        for before, more in _rules(rule, flag, knowledge, key, nested):
            frame = frame.with_columns(before).with_columns(more.fill_null(False).alias("_more"))
            if frame["_more"].any():
                frame = frame.with_columns(pl.col(t) | pl.col("_more") for t in targets)
    return frame.drop("_more", "_in_hidden", "_hidden_in", strict=False)
