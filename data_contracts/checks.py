"""Rules about sets of rows, in Polars, and the messages of every failing row.

Row-level rules run in Great Expectations (gx_bridge); the rules that compare
rows with each other (duplicates, pairs, a prison-quarter's population, the
register's service dates) are joins and group-bys here, with completeness by
module (modules.py) and the breakdowns' sums (breakdowns.py) beside them.
"""

from __future__ import annotations

from collections.abc import Iterable

import polars as pl

from data_contracts.breakdowns import breakdown_issues
from data_contracts.contract import Contract
from data_contracts.modules import completeness_issues
from data_contracts.periods import period_label
from data_contracts.register import Register
from data_contracts.report import Issue, make_issue

# The messages of the failing rows of the row-level rules (Great Expectations) are composed
# column-wise there; validate calls it as checks.row_issues.
from data_contracts.row_messages import row_issues as row_issues
from data_contracts.set_values import KEYS, comparable_values, fmt_number


def _row_issue(rule_id: str, hit: dict, column: str, contract: Contract, **fields) -> Issue:
    """An issue on one row of the file, its row number and keys read from `hit`."""
    return make_issue(
        rule_id,
        row=hit["row"],
        column=column,
        **{key: hit[key] for key in KEYS},
        contract=contract,
        **fields,
    )


def duplicate_issues(frame: pl.DataFrame, contract: Contract) -> list[Issue]:
    keyed = frame.filter(pl.all_horizontal(pl.col(k).is_not_null() for k in KEYS))
    dups = keyed.with_columns(
        pl.col("row").first().over(KEYS).alias("first_row"),
        pl.int_range(pl.len()).over(KEYS).alias("nth"),
    ).filter(pl.col("nth") > 0)
    return [
        _row_issue("row.duplicate", r, "data_element", contract, first_row=r["first_row"])
        for r in dups.iter_rows(named=True)
    ]


def _prison_quarters(frame: pl.DataFrame) -> pl.DataFrame:
    """Rows of the prison-quarters a file may hold: a registered prison and an ended quarter.

    Rows with an unknown prison or a bad quarter are errors of their own; judging
    their prison-quarter as well would only repeat the same mistake.
    """
    return frame.filter(pl.col("in_scope"))


def population_missing_issues(frame: pl.DataFrame, contract: Contract) -> list[Issue]:
    population = next(e.code for e in contract.data_elements if e.kind == "number")
    groups = (
        _prison_quarters(frame)
        .group_by("prison_code", "period")
        .agg(
            ((pl.col("data_element") == population) & pl.col("value").is_not_null())
            .any()
            .alias("has")
        )
        .filter(~pl.col("has"))
        .sort("prison_code", "period")
    )
    return [
        make_issue(
            "population.missing",
            column="data_element",
            prison_code=g["prison_code"],
            period=g["period"],
            data_element=population,
            contract=contract,
        )
        for g in groups.iter_rows(named=True)
    ]


def pair_issues(frame: pl.DataFrame, contract: Contract) -> list[Issue]:
    """A subset larger than its whole; the first row of each duplicated key is the one compared."""
    values = comparable_values(frame)
    pairs = pl.DataFrame(
        {"data_element": [a for a, _ in contract.pairs], "second": [b for _, b in contract.pairs]}
    )
    seconds = values.rename(
        {"data_element": "second", "row": "second_row", "value": "second_raw", "value_number": "v2"}
    )
    hits = (
        values.join(pairs, on="data_element")
        .join(seconds, on=["prison_code", "period", "second"])
        .filter(pl.col("value_number") > pl.col("v2"))
        .sort("row")
    )
    return [
        _row_issue(
            "pair.exceeds",
            h,
            "value",
            contract,
            value=fmt_number(h["value_number"]),
            second=h["second"],
            second_value=fmt_number(h["v2"]),
            second_row=h["second_row"],
        )
        for h in hits.iter_rows(named=True)
    ]


def out_of_service_issues(
    frame: pl.DataFrame, contract: Contract, register: Register
) -> list[Issue]:
    groups = (
        _prison_quarters(frame)
        .select("prison_code", "period", "period_index")
        .unique()
        .sort("prison_code", "period_index")
    )
    issues = []
    for g in groups.iter_rows(named=True):
        prison = register.prisons.get(g["prison_code"])
        if prison is not None and not prison.open_in(g["period_index"]):
            issues.append(
                make_issue(
                    "period.out_of_service",
                    prison_code=g["prison_code"],
                    period=period_label(g["period_index"]),
                    service=prison.service(contract),
                    contract=contract,
                )
            )
    return issues


def set_issues(
    frame: pl.DataFrame,
    contract: Contract,
    register: Register,
    missing: Iterable[str],
    last_ended: int,
) -> list[Issue]:
    """Every rule that compares rows with each other, as far as the file's columns allow."""
    missing = set(missing)
    if missing & {"prison_code", "period", "data_element"}:
        return []
    frame = frame.with_columns(
        (pl.col("prison_code").is_in(register.codes) & (pl.col("period_index") <= last_ended))
        .fill_null(False)
        .alias("in_scope")
    )
    issues = duplicate_issues(frame, contract)
    issues += out_of_service_issues(frame, contract, register)
    if "value" not in missing:
        issues += population_missing_issues(frame, contract)
        issues += pair_issues(frame, contract)
        issues += completeness_issues(frame, contract, register)
        issues += breakdown_issues(frame, contract)
    return issues


HISTORY_SCHEMA = {
    "prison_code": pl.String,
    "period_index": pl.Int64,
    "data_element": pl.String,
    "value": pl.Float64,
}


def outlier_issues(frame: pl.DataFrame, history: pl.DataFrame, contract: Contract) -> list[Issue]:
    """Values far from the prison's own last quarters (robust z-score, Iglewicz & Hoaglin).

    z = 0.6745 (x - median) / MAD over the last `outlier_history_quarters`
    stored quarters before the file's quarter, when at least
    `outlier_min_history` exist. Where MAD is 0 (at least half the quarters
    hold the same value, common for small counts such as deaths) the score is
    undefined and nothing is flagged; a fallback on the mean deviation would
    flag every 0 -> 2 change of a rare event.
    """
    limits = contract.limits
    current = frame.filter(
        pl.col("value_number").is_not_null()
        & pl.col("period_index").is_not_null()
        & pl.col("prison_code").is_not_null()
    ).select("row", "prison_code", "period", "period_index", "data_element", "value_number")
    if current.height == 0 or history.height == 0:
        return []
    past = history.rename({"period_index": "past_index", "value": "past_value"})
    window = (
        current.join(past, on=["prison_code", "data_element"])
        .filter(
            (pl.col("past_index") < pl.col("period_index"))
            & (pl.col("past_index") >= pl.col("period_index") - limits["outlier_history_quarters"])
            & pl.col("past_value").is_not_null()
        )
        .group_by("row")
        .agg(
            pl.col("past_value").median().alias("median"),
            (pl.col("past_value") - pl.col("past_value").median()).abs().median().alias("mad"),
            pl.len().alias("n"),
        )
        .filter((pl.col("n") >= limits["outlier_min_history"]) & (pl.col("mad") > 0))
    )
    scored = (
        current.join(window, on="row")
        .with_columns(
            (0.6745 * (pl.col("value_number") - pl.col("median")) / pl.col("mad")).alias("z")
        )
        .filter(pl.col("z").abs() > limits["outlier_robust_z"])
        .sort("row")
    )
    return [
        _row_issue(
            "outlier.history",
            s,
            "value",
            contract,
            value=fmt_number(s["value_number"]),
            median=fmt_number(round(s["median"], 1)),
            quarters=s["n"],
            z=f"{s['z']:.1f}",
        )
        for s in scored.iter_rows(named=True)
    ]
