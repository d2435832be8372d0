"""Rolling four-quarter pooling, for indicators of rare events.

Deaths and overdoses are too rare for one quarter of one prison to say much; the sum of
a quarter and the three before it does. A pooled window sums the numerators and the
denominators of its four quarters, per series (a prison, a region, the nation), and its
value and intervals are recomputed with the methods of ``indicators.compute``. A window
is computed only when all four quarters are there with both figures; otherwise it is
not computable (null), never a sum of fewer quarters under the same name.

Pooling must not undo suppression. Two overlapping windows differ by one quarter at
each end, so a window shown next to the quarters it contains would give a hidden
quarter by subtraction. For a reader who sees figures suppressed, a window is therefore
suppressed when any of its four rows is suppressed in the reader's quarterly table (its
denominator hidden when any of theirs is), and a prison window also by the primary rule
on its own pooled counts. A shown window is then a sum of shown figures: it tells the
reader nothing their quarterly table did not.
"""

from __future__ import annotations

import polars as pl

from data_contracts.periods import period_label
from i18n import N_, _
from indicators.aggregates import GROUP_KEYS, MIN_BENCHMARK_PRISONS, PEER
from indicators.compute import (
    NATIONAL,
    PRISON,
    REGION,
    SERIES_KEYS,
    TABLE_COLUMNS,
    TABLE_SCHEMA,
    Benchmark,
    with_period_index,
    with_significance,
    with_values_and_intervals,
)
from indicators.registry import Registry, load_registry
from indicators.suppression import HIDDEN_WHEN_SUPPRESSED, SUPPRESSION_THRESHOLD, is_small

WINDOW_QUARTERS = 4
WINDOW = "window"
POOLED_COLUMNS = (*TABLE_COLUMNS, WINDOW)
# What a chart of pooled figures says of them, in its footnotes.
# (English, marked for the catalogs: show it with `pooled_note()`.)
POOLED_NOTE = N_(
    "Pooled: each point sums the numerators and denominators of its quarter and the three "
    "before it (a window with a quarter missing is not reported)."
)


def pooled_note() -> str:
    return _(POOLED_NOTE)


KEYS = [*SERIES_KEYS, "period_index"]


def window_label(period: str) -> str:
    """What a pooled row is called: 'rolling four quarters ending 2025-Q3'."""
    return f"rolling four quarters ending {period}"


def _visibility(table: pl.DataFrame, shown: pl.DataFrame | None) -> pl.DataFrame:
    """Per series and quarter: whether the reader's table hides its figures, its denominator."""
    full = with_period_index(table).select(*KEYS, pl.col("denominator").alias("_full_den"))
    if shown is None:
        return full.select(*KEYS, _hidden=pl.lit(False), _den_hidden=pl.lit(False))
    seen = with_period_index(shown).select(*KEYS, "suppressed", pl.col("denominator").alias("_d"))
    joined = full.join(seen, on=KEYS, how="left", nulls_equal=True)
    return joined.select(
        *KEYS,
        # A row missing from the reader's table is one they do not see.
        _hidden=pl.col("suppressed").fill_null(True),
        _den_hidden=pl.col("_d").is_null() & pl.col("_full_den").is_not_null(),
    )


def _windows(table: pl.DataFrame, shown: pl.DataFrame | None) -> pl.DataFrame:
    """Sums over each series' windows ending at each of its quarters, with what is hidden."""
    rows = with_period_index(table).join(
        _visibility(table, shown), on=KEYS, how="left", nulls_equal=True
    )
    both = pl.col("numerator").is_not_null() & pl.col("denominator").is_not_null()
    offsets = pl.DataFrame({"_k": list(range(WINDOW_QUARTERS))}, schema={"_k": pl.Int64})
    spread = rows.join(offsets, how="cross").with_columns(pl.col("period_index") + pl.col("_k"))
    sums = spread.group_by(KEYS).agg(
        pl.when(both).then(pl.col("numerator")).sum().alias("numerator"),
        pl.when(both).then(pl.col("denominator")).sum().alias("denominator"),
        both.sum().alias("_complete"),
        pl.col("prisons").max(),
        pl.col("_hidden").any(),
        pl.col("_den_hidden").any(),
    )
    ends = rows.select(KEYS)  # a window ends at a quarter the series has
    complete = pl.col("_complete") == WINDOW_QUARTERS
    return ends.join(sums, on=KEYS, how="left", nulls_equal=True).with_columns(
        *(pl.when(complete).then(pl.col(c)).alias(c) for c in ("numerator", "denominator"))
    )


def _suppressed(windows: pl.DataFrame, threshold: int, proportions: list[str]) -> pl.DataFrame:
    """Hide what the reader's quarterly table (or the primary rule on pooled counts) hides."""
    prison = pl.col("level") == PRISON
    small_den = (
        prison & pl.col("indicator").is_in(proportions) & is_small(pl.col("denominator"), threshold)
    )
    hidden = pl.col("_hidden") | (prison & is_small(pl.col("numerator"), threshold)) | small_den
    den_hidden = pl.col("_den_hidden") | small_den
    return windows.with_columns(hidden.alias("suppressed"), den_hidden.alias("_den_hidden"))


def rolling_pool(
    table: pl.DataFrame,
    *,
    shown: pl.DataFrame | None = None,
    benchmark: Benchmark = "national",
    threshold: int = SUPPRESSION_THRESHOLD,
    registry: Registry | None = None,
) -> pl.DataFrame:
    """Every series of an unsuppressed indicator table pooled over rolling four quarters.

    One row per row of ``table``: ``period`` is the window's last quarter, ``window``
    says so ('rolling four quarters ending 2025-Q3'); numerator and denominator are the
    sums of the four quarters (null unless all four have both), value and intervals as in
    ``indicators.compute``; prisons are compared with the pooled national (or region, or
    peer-group) value, regions and peer groups with the national; ``prisons`` is the most
    any of its quarters covers (and what a peer group's benchmark needs at least three of).
    ``shown``: the reader's suppressed quarterly table, whose hidden figures stay hidden.
    Columns POOLED_COLUMNS.
    """
    spec = registry or load_registry()
    windows = _windows(table, shown)
    if shown is not None:
        proportions = [i.id for i in spec if not i.is_rate]
        windows = _suppressed(windows, threshold, proportions)
    else:
        windows = windows.with_columns(pl.lit(False).alias("suppressed"))
    parts = []
    for indicator_id in windows["indicator"].unique(maintain_order=True):
        counts = windows.filter(pl.col("indicator") == indicator_id)
        parts.append(with_values_and_intervals(counts.lazy(), spec[indicator_id]).collect())
    if not parts:
        return pl.DataFrame(schema={**TABLE_SCHEMA, WINDOW: pl.String})
    shown_columns = [c for c in HIDDEN_WHEN_SUPPRESSED if c not in ("benchmark", "significance")]
    pooled = pl.concat(parts).with_columns(
        *(pl.when(~pl.col("suppressed")).then(pl.col(c)).alias(c) for c in shown_columns),
        pl.when(~pl.col("_den_hidden")).then(pl.col("denominator")).alias("denominator"),
    )
    domain = pl.col("indicator").replace_strict(
        {i.id: i.domain for i in spec}, default=None, return_dtype=pl.String
    )
    schema = {**TABLE_SCHEMA, WINDOW: pl.String}
    pooled = _with_benchmarks(pooled.with_columns(domain.alias("domain")), benchmark)
    return pooled.select(POOLED_COLUMNS).cast(schema)  # type: ignore[arg-type]


def _with_benchmarks(pooled: pl.DataFrame, benchmark: Benchmark) -> pl.DataFrame:
    """Benchmark and significance from the pooled (and, for a reader, suppressed) aggregates:
    a suppressed aggregate window gives its rows no benchmark."""
    lazy = pooled.lazy()
    nation = lazy.filter(pl.col("level") == NATIONAL).with_columns(
        pl.lit(None, dtype=pl.Float64).alias("benchmark"),
        pl.lit(None, dtype=pl.String).alias("significance"),
    )
    compared = [
        with_significance(_benchmark_join(lazy, level, source))
        for level, source in ((REGION, NATIONAL), (PEER, NATIONAL), (PRISON, benchmark))
    ]
    result = pl.concat([nation, *compared], how="diagonal_relaxed").collect()
    period = pl.col("period_index").map_elements(period_label, return_dtype=pl.String)
    return result.with_columns(period.alias("period")).with_columns(
        pl.col("period").map_elements(window_label, return_dtype=pl.String).alias(WINDOW)
    )


def _benchmark_join(pooled: pl.LazyFrame, level: str, source: str) -> pl.LazyFrame:
    """Rows of ``level`` with the pooled value of their ``source`` aggregate as benchmark
    (none from a peer group that covers too few prisons, as in indicators.aggregates)."""
    keys = ["indicator", "period_index", *GROUP_KEYS[source]]
    value = pl.col("value")
    if source in MIN_BENCHMARK_PRISONS:
        value = pl.when(pl.col("prisons") >= MIN_BENCHMARK_PRISONS[source]).then(value)
    values = pooled.filter(pl.col("level") == source).select(*keys, value.alias("benchmark"))
    rows = pooled.filter(pl.col("level") == level)
    return rows.join(values, on=keys, how="left", maintain_order="left")
