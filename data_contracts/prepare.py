"""From the file's own columns to the frame the checks read.

Matches the header against the contract's columns (trimmed, case ignored),
reports missing and unknown columns, and derives the typed columns the
row-level expectations look at (the parsed number, the quarter's index, the
fractional part of a count, ...). Nothing is judged here but the header.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

import polars as pl

from data_contracts.contract import Contract, translated
from data_contracts.periods import period_index_expr
from data_contracts.reader import RawTable
from data_contracts.report import Issue, make_issue, quoted

# Unicode's control characters (category Cc) but tab, line feed and carriage return:
# NUL cannot be stored in PostgreSQL, and the others are invisible or move the cursor.
NOTE_CONTROL_CHARACTERS = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]"


def number_regex(contract: Contract) -> str:
    """The pattern of a number, from the contract's value.not_a_number rule (written once)."""
    rule = contract.rule("value.not_a_number")
    return next(e.params["regex"] for e in rule.expectations if e.type == "regex")


@dataclass
class Prepared:
    frame: pl.DataFrame  # see prepared_frame()
    missing: set[str]  # contract columns the file does not have
    issues: list[Issue]


def column_letter(index: int) -> str:
    """Spreadsheet column name of a 0-based index: 0 -> A, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def map_header(raw: RawTable, contract: Contract) -> tuple[dict[str, int], list[Issue]]:
    """Which file column holds each contract column, and what is wrong with the header."""
    found: dict[str, int] = {}
    issues: list[Issue] = []
    known = set(contract.column_names)
    helpers = set(contract.helper_names)
    columns = ", ".join(contract.column_names)
    extra = [f"c{i}" for i in range(len(raw.header), raw.frame.width - 1)]
    header = list(raw.header) + [None] * len(extra)
    for i, cell in enumerate(header):
        name = (cell or "").strip().lower()
        letter = column_letter(i)
        if name in known and name not in found:
            found[name] = i
        elif name in helpers:
            continue  # the template's own helper columns: known, and ignored without a word
        elif name in known:
            issues.append(
                make_issue(
                    "column.unknown",
                    column=name,
                    detail=contract.phrase("column_second", name=name, letter=letter),
                    columns=columns,
                    contract=contract,
                )
            )
        elif name:
            issues.append(
                make_issue(
                    "column.unknown",
                    column=(cell or "").strip(),
                    detail=contract.phrase(
                        "column_named", name=quoted((cell or "").strip()), letter=letter
                    ),
                    columns=columns,
                    contract=contract,
                )
            )
        elif raw.frame.height and raw.frame[f"c{i}"].drop_nulls().str.strip_chars().ne("").any():
            issues.append(
                make_issue(
                    "column.unknown",
                    detail=contract.phrase("column_nameless", letter=letter),
                    columns=columns,
                    contract=contract,
                )
            )
    named = sorted({(c or "").strip() for c in raw.header if c and c.strip()})
    for name in contract.required_columns:
        if name in found:
            continue
        near = difflib.get_close_matches(name, [n.lower() for n in named], n=1, cutoff=0.7)
        hint = (
            contract.phrase("column_meant", near=quoted(near[0]), name=name)
            if near
            else contract.phrase("header_has", names=", ".join(quoted(n) for n in named))
            if named
            else ""
        )
        issues.append(
            make_issue(
                "column.missing",
                column=name,
                found=hint,
                content=translated(contract.column(name), "content"),
                contract=contract,
            )
        )
    return found, issues


def _text(col: str) -> pl.Expr:
    """Trimmed text, empty as null."""
    trimmed = pl.col(col).str.strip_chars()
    return pl.when(trimmed != "").then(trimmed)


def prepared_frame(raw: RawTable, found: dict[str, int], contract: Contract) -> pl.DataFrame:
    """The check frame: row, the five contract columns as trimmed text, and derived columns."""
    source = raw.frame.select(
        pl.col("row"),
        *[
            (pl.col(f"c{found[c]}") if c in found else pl.lit(None, dtype=pl.String)).alias(c)
            for c in contract.column_names
        ],
    )
    counts = contract.count_codes
    population = next(e.code for e in contract.data_elements if e.kind == "number")
    number = (
        pl.when(pl.col("value").str.contains(number_regex(contract)))
        .then(pl.col("value").str.replace(",", ".", literal=True).cast(pl.Float64, strict=False))
        .alias("value_number")
    )
    return (
        source.with_columns(
            *[_text(c) for c in ("prison_code", "period", "data_element", "value")],
            pl.col("note"),
        )
        .with_columns(number, period_index_expr(pl.col("period")).alias("period_index"))
        .with_columns(
            pl.when(pl.col("data_element").is_in(counts))
            .then(pl.col("value_number") - pl.col("value_number").floor())
            .alias("count_fraction"),
            pl.when(pl.col("data_element") == population)
            .then(pl.col("value_number"))
            .alias("population_value"),
            pl.col("note").str.len_chars().alias("note_length"),
            pl.col("note").str.count_matches(NOTE_CONTROL_CHARACTERS).alias("note_controls"),
            pl.col("note").str.extract(f"({NOTE_CONTROL_CHARACTERS})", 1).alias("note_control"),
        )
    )


def prepare(raw: RawTable, contract: Contract) -> Prepared:
    found, issues = map_header(raw, contract)
    missing = set(contract.column_names) - set(found)
    return Prepared(frame=prepared_frame(raw, found, contract), missing=missing, issues=issues)
