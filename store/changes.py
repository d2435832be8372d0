"""What a stored file changed: each new version against the version it superseded.

A director who resends a quarter is told "NM-WFP 2026-Q3 stored as version
2" and which figures moved (old → new), so a mistaken resubmission is seen at
once. The comparison is a pure function of two frames; reading the versions
is the store's part.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl
from sqlalchemy import Engine, select

from data_contracts.contract import Contract, load_contract
from store.schema import submission_values, submissions

CHANGES_SCHEMA = {
    "data_element": pl.String,
    "title": pl.String,
    "old": pl.Float64,
    "new": pl.Float64,
}


def value_changes(
    old: pl.DataFrame, new: pl.DataFrame, contract: Contract | None = None
) -> pl.DataFrame:
    """Elements whose value differs between two submissions (columns data_element, value).

    An element absent from a submission, or with an empty value, is not reported (null);
    a change from or to not reported is a change. Rows come in the contract's order.
    """
    contract = contract or load_contract()
    order = {code: i for i, code in enumerate(contract.element_codes)}
    both = old.select("data_element", pl.col("value").alias("old")).join(
        new.select("data_element", pl.col("value").alias("new")),
        on="data_element",
        how="full",
        coalesce=True,
    )
    changed = both.filter(pl.col("old").ne_missing(pl.col("new")))
    return (
        changed.with_columns(
            pl.col("data_element")
            .replace_strict(order, default=len(order), return_dtype=pl.Int64)
            .alias("_order"),
            pl.col("data_element")
            .map_elements(contract.title, return_dtype=pl.String)
            .alias("title"),
        )
        .sort("_order", "data_element")
        .select(list(CHANGES_SCHEMA))
        .cast(CHANGES_SCHEMA)  # type: ignore[arg-type]
    )


@dataclass(frozen=True)
class StoredVersion:
    """One prison-quarter of a stored file: its version, and what changed since the last."""

    prison_code: str
    period: str
    version: int
    changes: pl.DataFrame  # CHANGES_SCHEMA; empty for a first version

    @property
    def headline(self) -> str:
        return f"{self.prison_code} {self.period} stored as version {self.version}"


def _values(engine: Engine, submission_id: int) -> pl.DataFrame:
    query = select(submission_values.c.data_element, submission_values.c.value).where(
        submission_values.c.submission_id == submission_id
    )
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    return pl.DataFrame(
        [tuple(r) for r in rows],
        schema={"data_element": pl.String, "value": pl.Float64},
        orient="row",
    )


def stored_versions(engine: Engine, submission_ids: list[int]) -> list[StoredVersion]:
    """Each stored submission with its version and its changes against the previous one."""
    if not submission_ids:
        return []
    with engine.connect() as conn:
        stored = conn.execute(
            select(submissions).where(submissions.c.id.in_(submission_ids))
        ).mappings()
        stored = sorted(stored, key=lambda r: (r["prison_code"], r["period_index"]))
        previous = {}
        for r in stored:
            if r["version"] and r["version"] > 1:
                previous[r["id"]] = conn.execute(
                    select(submissions.c.id).where(
                        submissions.c.prison_code == r["prison_code"],
                        submissions.c.period_index == r["period_index"],
                        submissions.c.version == r["version"] - 1,
                    )
                ).scalar()
    versions = []
    for r in stored:
        before = previous.get(r["id"])
        changes = (
            value_changes(_values(engine, before), _values(engine, r["id"]))
            if before is not None
            else pl.DataFrame(schema=CHANGES_SCHEMA)
        )
        versions.append(StoredVersion(r["prison_code"], r["period"], r["version"], changes))
    return versions
