"""The rule breakdown.sum: one check for every breakdown the contract declares (spec §3.3).

A breakdown splits a total into parts. Of a `partition` (every person in exactly one part)
the parts, when all are reported, add up to the total, and those reported never add up to
more than it; of an `overlapping` breakdown (a person in several parts, and in at least one)
the parts, when all are reported, add up to at least the total. Nothing is judged where the
total or every part is not reported. The issue is on the total's row and names the parts
reported, their values and rows, and their sum.
"""

from __future__ import annotations

import polars as pl

from data_contracts.contract import Contract, translated
from data_contracts.report import Issue, make_issue
from data_contracts.set_values import comparable_values, fmt_number

RULE = "breakdown.sum"
# The rule's messages by case: its main message, and its variants (the contract's names).
ALL_PARTS = "all_parts"  # partition, every part reported: the main message
PARTITION_REPORTED = "partition_reported"  # partition, some parts reported, more than the total
OVERLAPPING = "overlapping"  # overlapping, every part reported, less than the total


def _declared(contract: Contract) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The breakdowns as two tables: their totals, and their parts in the contract's order."""
    totals = pl.DataFrame(
        {
            "breakdown": [b.id for b in contract.breakdowns],
            "kind": [b.kind for b in contract.breakdowns],
            "data_element": [b.total for b in contract.breakdowns],
            "parts_declared": [len(b.parts) for b in contract.breakdowns],
        },
        schema={
            "breakdown": pl.String,
            "kind": pl.String,
            "data_element": pl.String,
            "parts_declared": pl.Int64,
        },
    )
    parts = pl.DataFrame(
        {
            "breakdown": [b.id for b in contract.breakdowns for _ in b.parts],
            "data_element": [p for b in contract.breakdowns for p in b.parts],
            "order": [i for b in contract.breakdowns for i, _ in enumerate(b.parts)],
        },
        schema={"breakdown": pl.String, "data_element": pl.String, "order": pl.Int64},
    )
    return totals, parts


def breakdown_issues(frame: pl.DataFrame, contract: Contract) -> list[Issue]:
    """breakdown.sum for every breakdown and prison-quarter of the file, by the total's row."""
    if not contract.breakdowns:
        return []
    values = comparable_values(frame)
    totals, parts = _declared(contract)
    reported = (
        values.join(parts, on="data_element")
        .sort("order")
        .group_by("prison_code", "period", "breakdown")
        .agg(
            pl.col("value_number").sum().alias("sum"),
            pl.len().alias("parts_reported"),
            pl.col("data_element").alias("codes"),
            pl.col("value_number").alias("values"),
            pl.col("row").alias("rows"),
        )
    )
    complete = pl.col("parts_reported") == pl.col("parts_declared")
    case = (
        pl.when((pl.col("kind") == "partition") & complete & (pl.col("sum") != pl.col("total")))
        .then(pl.lit(ALL_PARTS))
        .when((pl.col("kind") == "partition") & ~complete & (pl.col("sum") > pl.col("total")))
        .then(pl.lit(PARTITION_REPORTED))
        .when((pl.col("kind") == "overlapping") & complete & (pl.col("sum") < pl.col("total")))
        .then(pl.lit(OVERLAPPING))
    )
    hits = (
        values.rename({"value_number": "total"})
        .join(totals, on="data_element")
        .join(reported, on=["prison_code", "period", "breakdown"])
        .with_columns(case.alias("case"))
        .filter(pl.col("case").is_not_null())
        .sort("row", "breakdown")
    )
    meaning = {b.id: translated(b, "meaning") for b in contract.breakdowns}
    return [
        make_issue(
            RULE,
            row=h["row"],
            column="value",
            prison_code=h["prison_code"],
            period=h["period"],
            data_element=h["data_element"],
            case=h["case"],  # a variant's case, or the main message
            contract=contract,
            value=fmt_number(h["total"]),
            breakdown=h["breakdown"],
            meaning=meaning[h["breakdown"]],
            parts=", ".join(
                contract.phrase("in_row", code=code, value=fmt_number(value), row=row)
                for code, value, row in zip(h["codes"], h["values"], h["rows"], strict=True)
            ),
            sum=fmt_number(h["sum"]),
        )
        for h in hits.iter_rows(named=True)
    ]
