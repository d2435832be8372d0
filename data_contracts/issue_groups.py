"""The report's issues for a person to read: identical problems once, with the rows they are on.

A file with the period written `Q3-2023` in 18 rows has 18 issues with one
message; a reader wants one line, "rows 2–19", and the element named by its
plain title beside its code. The JSON report keeps every issue; this is the
screen's (and the report download's) view of it.
"""

from __future__ import annotations

from collections.abc import Iterable

import polars as pl

from data_contracts.contract import Contract, load_contract, translated
from data_contracts.report import Issue
from i18n import N_, _

# The columns (English names, kept in the report's CSV; marked for the catalogs, so a page
# heads them with `_()`).
GROUP_SCHEMA = {
    N_("severity"): pl.String,
    N_("where"): pl.String,
    N_("data element"): pl.String,
    N_("what to fix"): pl.String,
    N_("rule"): pl.String,
    N_("count"): pl.Int64,
}
# A group lists at most this many runs of rows, then how many more there are.
SHOWN_RUNS = 8
# A group over more elements than this counts them instead of listing every code.
SHOWN_ELEMENTS = 3


def row_runs(rows: Iterable[int], shown: int = SHOWN_RUNS) -> str:
    """'row 5', or 'rows 2–19, 22' (runs of consecutive rows); a long list is cut with a count."""
    ordered = sorted(set(rows))
    if len(ordered) == 1:
        return _("row {row}").format(row=ordered[0])
    runs: list[list[int]] = []
    for row in ordered:
        if runs and row == runs[-1][1] + 1:
            runs[-1][1] = row
        else:
            runs.append([row, row])
    text = ", ".join(str(a) if a == b else f"{a}–{b}" for a, b in runs[:shown])
    if len(runs) > shown:
        text = _("{runs} and {count} more").format(runs=text, count=len(runs) - shown)
    return _("rows {rows}").format(rows=text)


def _around(template: str, name: str, value: pl.Expr) -> pl.Expr:
    """`template` (a translated text with one `{name}`) around each value of `value`."""
    before, after = template.split("{" + name + "}", 1)
    return pl.lit(before) + value + pl.lit(after)


_KEY = ["severity", "rule", "column", "message"]
# Issue fields a group is made of, and their types
_ISSUE_SCHEMA = {
    "severity": pl.String,
    "rule": pl.String,
    "column": pl.String,
    "message": pl.String,
    "row": pl.Int64,
    "prison_code": pl.String,
    "period": pl.String,
    "data_element": pl.String,
}


def _present(name: str) -> pl.Expr:
    """The field, with '' as missing as None is (a group names neither)."""
    return pl.when(pl.col(name) != "").then(pl.col(name))


def grouped_issues(issues: list[Issue], contract: Contract | None = None) -> pl.DataFrame:
    """One row per distinct problem (severity, rule, column, message), in the report's order.

    Grouped in Polars: a file of junk has 400,000 issues and as many distinct messages.
    """
    contract = contract or load_contract()
    table = pl.DataFrame(
        {name: [getattr(i, name) for i in issues] for name in _ISSUE_SCHEMA},
        schema=_ISSUE_SCHEMA,
    )
    place = pl.concat_str(
        _present("prison_code"), _present("period"), separator=" ", ignore_nulls=True
    )
    groups = table.group_by(_KEY, maintain_order=True).agg(
        pl.col("row").drop_nulls().unique().sort().alias("rows"),
        place.filter(place != "").unique().sort().alias("places"),
        _present("data_element").drop_nulls().unique().sort().alias("codes"),
        pl.len().alias("count"),
    )
    rows = pl.col("rows")
    codes = pl.col("codes")
    labels = {
        e.code: f"{translated(e, 'title')} ({e.code})" if e.title else e.code
        for e in contract.data_elements
    }
    return groups.select(
        "severity",
        pl.when(rows.list.len() == 1)
        .then(_around(_("row {row}"), "row", rows.list.first().cast(pl.String)))
        .when(rows.list.len() > 1)
        .then(_runs(groups["rows"]))
        .when(pl.col("places").list.len() > 0)
        .then(pl.col("places").list.join(", "))
        .otherwise(pl.lit(_("the whole file")))
        .alias("where"),
        pl.when(codes.list.len() > SHOWN_ELEMENTS)
        .then(_around(_("{count} data elements"), "count", codes.list.len().cast(pl.String)))
        .when(codes.list.len() == 1)
        .then(codes.list.first().replace_strict(labels, default=codes.list.first()))
        .otherwise(codes.list.join(", "))
        .alias("data element"),
        pl.col("message").alias("what to fix"),
        "rule",
        pl.col("count").cast(pl.Int64),
    )


def _runs(rows: pl.Series) -> pl.Series:
    """row_runs of each group of several rows (the groups of one row are left null)."""
    several = rows.list.len() > 1
    at = several.arg_true()
    texts = pl.Series([row_runs(r) for r in rows.filter(several)], dtype=pl.String)
    return pl.Series([None] * rows.len(), dtype=pl.String).scatter(at, texts)
