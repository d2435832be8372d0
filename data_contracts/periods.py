"""Calendar quarters written `YYYY-Qn`: parsing, ordering and their real length.

A quarter is handled as an integer index (year * 4 + quarter - 1) so that
ordering, "the previous quarter" and "the same quarter a year before" are
arithmetic, in Python and in Polars alike.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

import polars as pl

# ASCII digits only: a Unicode \d also matches other scripts' digits (٢٠٢٥, ２０２５), which
# Python's int() then reads as numbers and a Polars cast refuses with an exception.
PERIOD_PATTERN = r"^([0-9]{4})-Q([1-4])$"
PERIOD_RE = re.compile(PERIOD_PATTERN)
MIN_YEAR = 2000


def period_index(period: str) -> int:
    """The ordinal of a valid quarter; ValueError for anything else."""
    match = PERIOD_RE.match(period.strip())
    if not match or int(match.group(1)) < MIN_YEAR:
        raise ValueError(f"{period!r} is not a quarter written YYYY-Qn (for example 2025-Q3)")
    return int(match.group(1)) * 4 + int(match.group(2)) - 1


def is_period(text: str | None) -> bool:
    try:
        period_index(text or "")
    except ValueError:
        return False
    return True


def period_label(index: int) -> str:
    return f"{index // 4}-Q{index % 4 + 1}"


def quarter_start(index: int) -> date:
    return date(index // 4, (index % 4) * 3 + 1, 1)


def quarter_end(index: int) -> date:
    """The last day of the quarter."""
    return quarter_start(index + 1) - timedelta(days=1)


def days_in_quarter(index: int) -> int:
    return (quarter_start(index + 1) - quarter_start(index)).days


def current_quarter(today: date) -> int:
    return today.year * 4 + (today.month - 1) // 3


def last_ended_quarter(today: date) -> int:
    return current_quarter(today) - 1


def period_index_expr(col: pl.Expr) -> pl.Expr:
    """Polars: the quarter index of a text column; null where it is not a valid quarter."""
    parts = col.str.strip_chars().str.extract_groups(PERIOD_PATTERN)
    # strict=False only as a second guard: the pattern lets through nothing a cast refuses
    year = parts.struct.field("1").cast(pl.Int64, strict=False)
    quarter = parts.struct.field("2").cast(pl.Int64, strict=False)
    return pl.when(year >= MIN_YEAR).then(year * 4 + quarter - 1)


def days_in_quarter_expr(index: pl.Expr) -> pl.Expr:
    """Polars: calendar days of the quarter (90, 91 or 92)."""
    year = index // 4
    q = index % 4
    leap = ((year % 4 == 0) & (year % 100 != 0)) | (year % 400 == 0)
    return (
        pl.when(q == 0)
        .then(pl.when(leap).then(91).otherwise(90))
        .when(q == 1)
        .then(91)
        .otherwise(92)
        .cast(pl.Int64)
    )


_LOOSE_PERIOD = [
    re.compile(r"^\s*([0-9]{4})\s*[-/ _.]?\s*[Qq]\s*([1-4])\s*$"),  # 2025Q3, 2025 q3, 2025/Q3
    re.compile(r"^\s*[Qq]\s*([1-4])\s*[-/ _.]?\s*([0-9]{4})\s*$"),  # Q3-2025, Q3 2025
    re.compile(r"^\s*([0-9]{4})\s*[-/]\s*([1-4])\s*$"),  # 2025-3
]


def suggest_period(text: str) -> str | None:
    """What a malformed quarter most likely meant, e.g. 'Q3-2025' -> '2025-Q3'."""
    for i, pattern in enumerate(_LOOSE_PERIOD):
        m = pattern.match(text)
        if m:
            year, quarter = (m.group(2), m.group(1)) if i == 1 else (m.group(1), m.group(2))
            if int(year) >= MIN_YEAR:
                return f"{year}-Q{quarter}"
    return None
