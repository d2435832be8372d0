"""The report's issues for a person to read: identical problems once, with the rows they are on.

A file with the period written `Q3-2023` in 18 rows has 18 issues with one
message; a reader wants one line, "rows 2–19", and the element named by its
plain title beside its code. The JSON report keeps every issue; this is the
screen's (and the report download's) view of it.
"""

from __future__ import annotations

from collections.abc import Iterable

import polars as pl

from data_contracts.contract import Contract, load_contract
from data_contracts.report import Issue

GROUP_SCHEMA = {
    "severity": pl.String,
    "where": pl.String,
    "data element": pl.String,
    "what to fix": pl.String,
    "rule": pl.String,
    "count": pl.Int64,
}
# A group lists at most this many runs of rows, then how many more there are.
SHOWN_RUNS = 8
# A group over more elements than this counts them instead of listing every code.
SHOWN_ELEMENTS = 3


def row_runs(rows: Iterable[int], shown: int = SHOWN_RUNS) -> str:
    """'row 5', or 'rows 2–19, 22' (runs of consecutive rows); a long list is cut with a count."""
    ordered = sorted(set(rows))
    if len(ordered) == 1:
        return f"row {ordered[0]}"
    runs: list[list[int]] = []
    for row in ordered:
        if runs and row == runs[-1][1] + 1:
            runs[-1][1] = row
        else:
            runs.append([row, row])
    text = ", ".join(str(a) if a == b else f"{a}–{b}" for a, b in runs[:shown])
    if len(runs) > shown:
        text += f" and {len(runs) - shown} more"
    return f"rows {text}"


def _where(group: list[Issue]) -> str:
    rows = [i.row for i in group if i.row is not None]
    if rows:
        return row_runs(rows)
    places = sorted({" ".join(p for p in (i.prison_code, i.period) if p) for i in group} - {""})
    return ", ".join(places) or "the whole file"


def _element(group: list[Issue], contract: Contract) -> str:
    codes = sorted({i.data_element for i in group if i.data_element})
    if len(codes) > SHOWN_ELEMENTS:
        return f"{len(codes)} data elements"
    if len(codes) != 1:
        return ", ".join(codes)
    title = contract.title(codes[0])
    return f"{title} ({codes[0]})" if title else codes[0]


def grouped_issues(issues: list[Issue], contract: Contract | None = None) -> pl.DataFrame:
    """One row per distinct problem (severity, rule, column, message), in the report's order."""
    contract = contract or load_contract()
    groups: dict[tuple, list[Issue]] = {}
    for issue in issues:
        key = (issue.severity, issue.rule, issue.column, issue.message)
        groups.setdefault(key, []).append(issue)
    return pl.DataFrame(
        [
            {
                "severity": severity,
                "where": _where(group),
                "data element": _element(group, contract),
                "what to fix": message,
                "rule": rule,
                "count": len(group),
            }
            for (severity, rule, _, message), group in groups.items()
        ],
        schema=GROUP_SCHEMA,
    )
