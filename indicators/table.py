"""The indicator table as readers and exports get it (shared/spec/indicators.md §6).

One function answers "which figures, for whom": it computes the full table, suppresses
it for the reader, and only then narrows it to the prisons, levels, quarters and
indicators asked for. The order matters: secondary suppression needs every prison of an
aggregate, so filtering first would let a reader of one region subtract their way to a
small prison of it. Quarters may be narrowed before computing, because suppression never
looks across them; indicators only to those tied by a shared figure or a partition
(`suppression.linked_indicators`), which are suppressed together and narrowed after.

Peer-group rows are not yet protected against subtraction across regions and peer groups
(a region and a peer group cut across each other), so a suppressed table with peer rows
or a peer benchmark is refused (`PeerSuppressionRefused`), never published leaky.

The second function writes the table as CSV, JSON, Parquet or Excel. Text that a
spreadsheet would take for a formula (a region named "=HYPERLINK(...)", say) is
neutralised in CSV and Excel; numbers stay numbers.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any, Literal

import polars as pl

from indicators import suppression
from indicators.aggregates import (
    LEVELS,
    NATIONAL,
    PEER,
    PEER_GROUP,
    PRISON,
    REGION,
    Benchmark,
)
from indicators.compute import TABLE_COLUMNS, indicator_values
from indicators.inputs import as_period_index
from indicators.international import INTERNATIONAL, international_rows
from indicators.registry import Registry, load_registry
from indicators.scope import (
    ScopeRefused as ScopeRefused,
)
from indicators.scope import (
    in_scope,
    readable_levels,
    refuse_other_countries,
    refuse_prison_rows,
)
from indicators.suppression import SUPPRESSION_THRESHOLD, Reader
from indicators.suppression_peer import PEER_SUPPRESSION_REFUSED as PEER_SUPPRESSION_REFUSED
from indicators.suppression_peer import PeerSuppressionRefused as PeerSuppressionRefused
from indicators.suppression_peer import refuse_peer

Format = Literal["csv", "json", "parquet", "xlsx"]
FORMATS: tuple[Format, ...] = ("csv", "json", "parquet", "xlsx")
# A cell is run as a formula by spreadsheets when it starts with one of OWASP's characters
# ("CSV Injection": = + - @, tab, carriage return), and Excel and LibreOffice skip
# whitespace, line breaks and invisible characters before looking: " =1+1" and "\n=1+1"
# run too. So the guard looks past any such prefix (Unicode whitespace, controls, zero-width
# characters and the byte-order mark) for a formula character, full-width forms included
# (CJK spreadsheets read "\uff1d" as "="), and guards every cell that starts with a control
# character. One pattern, read by Polars (Rust regex) and Python's re alike.
_INVISIBLE = "\\s\x00-\x1f\x7f\u200b-\u200d\u2060\ufeff"
_FORMULA_CHARACTERS = "=+@\\-\uff1d\uff0b\uff20\uff0d"
FORMULA_PATTERN = f"^[{_INVISIBLE}]*[{_FORMULA_CHARACTERS}]|^[\x00-\x1f\x7f]"
FORMULA_GUARD = "'"
SHEET_NAME = "indicators"
# Every level of the table; the international one only where asked for (international.md §1).
TABLE_LEVELS = (INTERNATIONAL, *LEVELS)
_FORMULA = re.compile(FORMULA_PATTERN)


def quarters_between(
    values: pl.DataFrame | pl.LazyFrame, first: str | int | None, last: str | int | None
) -> pl.LazyFrame:
    quarter = pl.col("period_index")
    lazy = values.lazy()
    if first is not None:
        lazy = lazy.filter(quarter >= as_period_index(first))
    if last is not None:
        lazy = lazy.filter(quarter <= as_period_index(last))
    return lazy


def rows_asked_for(
    table: pl.DataFrame, level: str | Sequence[str] | None, prisons: Sequence[str] | None
) -> pl.DataFrame:
    """Narrow a (suppressed) table to levels and prisons.

    With prisons named, region and peer rows are those of their regions and peer groups;
    national rows stay.
    """
    levels = asked_levels(level)
    keep = pl.col("level").is_in(list(levels))
    if prisons is not None:
        codes = list(prisons)
        theirs = table.filter(pl.col("prison_code").is_in(codes))
        keep = keep & (
            pl.when(pl.col("level") == PRISON)
            .then(pl.col("prison_code").is_in(codes))
            .when(pl.col("level") == REGION)
            .then(pl.col("region").is_in(theirs["region"].unique().to_list()))
            .when(pl.col("level") == PEER)
            .then(pl.col(PEER_GROUP).is_in(theirs[PEER_GROUP].drop_nulls().unique().to_list()))
            .otherwise(True)
        )
    return table.filter(keep)


def asked_levels(level: str | Sequence[str] | None) -> tuple[str, ...]:
    """The levels asked for (None: all but the international one, which is only there when
    asked for: international.md §1), refused unless each is one of TABLE_LEVELS."""
    levels = LEVELS if level is None else (level,) if isinstance(level, str) else tuple(level)
    unknown = set(levels) - set(TABLE_LEVELS)
    if unknown:
        raise ValueError(
            f"level must be one of {', '.join(TABLE_LEVELS)}, not {', '.join(unknown)}"
        )
    return levels


def indicator_table(
    values: pl.DataFrame | pl.LazyFrame,
    register_prisons: Any,
    *,
    level: str | Sequence[str] | None = "prison",
    prisons: Sequence[str] | None = None,
    first: str | int | None = None,
    last: str | int | None = None,
    indicators: Sequence[str] | None = None,
    suppress: bool = False,
    benchmark: Benchmark = "national",
    account: Reader | None = None,
    threshold: int = SUPPRESSION_THRESHOLD,
    registry: Registry | None = None,
) -> pl.DataFrame:
    """The indicator table of spec §6, exactly its columns in its order.

    ``values``: as ``store.read.current_values`` returns them (all prisons: the
    benchmarks and the suppression need them). ``register_prisons``: the register
    (``store.prisons.list_prisons``), for regions. ``level``: prison, region, national,
    several, or None for all. ``first`` / ``last``: quarters ('YYYY-Qn' or index).
    ``suppress``: the suppressed form of every row. ``account``: apply what that account
    may see (store.accounts.Account); with ``suppress`` too, every row is suppressed and
    still protected against what the account knows. ``benchmark``: national, region or
    peer. Peer-group rows are computed when asked for (``level`` peer, or None) or when
    they are the benchmark.
    """
    chosen = quarters_between(values, first, last)
    levels = readable_levels(asked_levels(level), account, named=level is not None)
    if prisons is not None:
        refuse_prison_rows(account)
    international = INTERNATIONAL in levels
    rest = [name for name in levels if name != INTERNATIONAL]
    if level is not None or len(rest) < len(LEVELS):  # named, or narrowed for the account
        level = rest or [NATIONAL]  # the international rows are sums of the national ones
    suppressed = suppress or (account is not None and not account.sees_unsuppressed(None))
    named_peer = level is not None and PEER in asked_levels(level)
    refuse_peer(suppressed, named_peer or benchmark == PEER)
    # "every level" (None) leaves the peer rows out of a suppressed table (see above)
    peer_rows = PEER in asked_levels(level) and not suppressed
    computed = indicators
    if indicators is not None and suppressed:
        computed = suppression.linked_indicators(indicators, registry or load_registry())
    # Unsuppressed and for nobody in particular: only the levels asked for are built (the
    # suppression needs every row; a filter afterwards would copy the table once more).
    direct = account is None and not suppress
    table = indicator_values(
        chosen,
        register_prisons,
        indicators=computed,
        benchmark=benchmark,
        peer_rows=peer_rows,
        registry=registry,
        keep=asked_levels(level) if direct else None,
    )
    # authz.country: only the account's countries; suppression never looks across them
    if prisons is not None:
        refuse_other_countries(table, prisons, account)
    table = in_scope(table, account)
    unsuppressed = table.filter(pl.col("level") == NATIONAL) if international else None
    if account is not None:
        table = suppression.suppressed_for(
            table,
            account,
            everything=suppress,
            threshold=threshold,
            benchmark=benchmark,
            registry=registry,
        )
    elif suppress:
        table = suppression.suppress(
            table, threshold=threshold, benchmark=benchmark, registry=registry
        )
    if unsuppressed is not None:
        pooled = international_rows(
            unsuppressed,
            table if suppressed else None,
            threshold=threshold,
            registry=registry,
        )
        table = pl.concat([pooled, table.select(TABLE_COLUMNS)])
    if computed is not indicators and indicators is not None:
        table = table.filter(pl.col("indicator").is_in(list(indicators)))
    if direct and prisons is None and not international:
        return table.select(TABLE_COLUMNS)
    shown = rows_asked_for(table, [*rest, *([INTERNATIONAL] if international else [])], prisons)
    return shown.select(TABLE_COLUMNS)


# --- Writing ---------------------------------------------------------------------------


def formula_safe(frame: pl.DataFrame) -> pl.DataFrame:
    """Text cells that a spreadsheet would run as a formula, prefixed with an apostrophe."""
    text = [name for name, dtype in frame.schema.items() if dtype == pl.String]
    return frame.with_columns(
        pl.when(pl.col(c).str.contains(FORMULA_PATTERN))
        .then(FORMULA_GUARD + pl.col(c))
        .otherwise(pl.col(c))
        .alias(c)
        for c in text
    )


def starts_a_formula(text: str) -> bool:
    """Whether a spreadsheet could run ``text`` as a formula (the rule of formula_safe)."""
    return _FORMULA.search(text) is not None


def without_nan(frame: pl.DataFrame) -> pl.DataFrame:
    """NaN as null: JSON has no NaN, and an empty cell is what a reader expects."""
    floats = [name for name, dtype in frame.schema.items() if dtype.is_float()]
    return frame.with_columns(pl.col(floats).fill_nan(None))


def _write_xlsx(frame: pl.DataFrame, target: str | Path | IO[bytes]) -> None:
    import xlsxwriter  # lazy: only Excel exports need it

    # Never turn text into formulas or links, whatever the guard above missed.
    options = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}
    with xlsxwriter.Workbook(target, options) as workbook:
        frame.write_excel(workbook, SHEET_NAME, autofit=True, float_precision=6)


def write_table(
    frame: pl.DataFrame, fmt: Format, output: str | Path | IO[bytes] | None = None
) -> bytes | None:
    """Write ``frame`` as csv, json (a list of records), parquet or xlsx.

    ``output``: a path or a binary file; None returns the bytes instead.
    """
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    target: str | Path | IO[bytes] = io.BytesIO() if output is None else output
    clean = without_nan(frame)
    if fmt == "csv":
        formula_safe(clean).write_csv(target)
    elif fmt == "json":
        clean.write_json(target)  # type: ignore[arg-type]
    elif fmt == "parquet":
        clean.write_parquet(target)
    else:
        _write_xlsx(formula_safe(clean), target)
    return target.getvalue() if isinstance(target, io.BytesIO) and output is None else None
