"""The issues of the row-level failures, their messages composed column-wise in Polars.

Great Expectations names the failing rows; each failure becomes an Issue whose
message is its rule's template filled with the fields `make_issue` would give
it (the row, the column, the keys, the value quoted, a suggestion, today...).
A file of 100,000 junk rows fails 400,000 times: filled one by one in Python
(make_issue per failure) that took half a minute, so the fields are filled
here a whole column at a time, quoted the same way (`report.quoted_series`),
with the same text as make_issue gives, which tests/data_contracts/
test_junk_speed_parity.py checks failure by failure.

A "did you mean" suggestion is worked out once per distinct value. The fuzzy
match (difflib against the register's or the contract's codes) compares a value
with every code, so at most SUGGESTION_COMPARISONS comparisons are made per
column: the first distinct values of the file in row order get a suggestion,
the rest none (a file with thousands of different wrong codes holds junk, not
typos).
"""

from __future__ import annotations

import gc
import string
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from functools import partial
from itertools import repeat

import polars as pl

from data_contracts.contract import Contract, Expectation, Rule
from data_contracts.periods import quarter_end
from data_contracts.periods import suggest_period as _suggest_period
from data_contracts.register import Register, closest
from data_contracts.report import Issue, quoted, quoted_series

KEYS = ("prison_code", "period", "data_element")
# Comparisons of a value with a code the fuzzy suggestions of one column may make (about
# 0.2 s): 2,083 distinct values against a register of 24 prisons, 2,777 against the 18 data
# elements, 25 against 2,000 prisons.
SUGGESTION_COMPARISONS = 50_000
_ORDER, _MESSAGE = "__order", "__message"


def row_issues(
    failures: pl.DataFrame,
    frame: pl.DataFrame,
    contract: Contract,
    register: Register,
    today: date,
) -> list[Issue]:
    """Issues, with messages, for the failures that Great Expectations found, in their order."""
    if failures.height == 0:
        return []
    hits = failures.with_row_index(_ORDER).join(frame, on="row", how="left")
    issues: list[Issue | None] = [None] * failures.height
    with _collector_paused():
        for (rule_id, index), group in hits.group_by("rule", "expectation", maintain_order=True):
            rule = contract.rule(str(rule_id))
            exp = rule.expectations[int(index)]  # type: ignore[call-overload]
            columns = [group[name].to_list() for name in ("row", *KEYS)]
            columns.append(_messages(group, rule, exp, contract, register, today).to_list())
            # one str object for the rule, severity and column of all of them
            made = map(
                partial(Issue, rule.id, rule.severity), columns[0], repeat(exp.source), *columns[1:]
            )
            for at, issue in zip(group[_ORDER].to_list(), made, strict=True):
                issues[at] = issue
    return issues  # type: ignore[return-value]  # every failure was in one group


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cycle collector paused while many objects without cycles are made.

    Every 700 new objects it scans the young ones, and ever more often the whole heap
    (Great Expectations and pandas loaded, millions of objects): building the 400,000
    issues of a file of junk took three times as long with it running.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _messages(
    hits: pl.DataFrame,
    rule: Rule,
    exp: Expectation,
    contract: Contract,
    register: Register,
    today: date,
) -> pl.Series:
    """The message of each failure of one expectation."""
    fields = _fields(hits, exp, contract, register, today)
    pieces: list[pl.Expr] = []
    for literal, name in template_parts(exp.message_in() or rule.message_in(), rule.id):
        if literal:
            pieces.append(pl.lit(literal))
        if name is not None:
            pieces.append(pl.lit(fields[name]()) if name in fields else pl.lit(""))
    if not pieces:
        pieces.append(pl.lit(""))
    # with_columns, not select: a template of literal text alone is still one text per row
    return hits.with_columns(pl.concat_str(pieces).alias(_MESSAGE))[_MESSAGE]


def template_parts(template: str, rule_id: str) -> list[tuple[str, str | None]]:
    """(literal text, field name or None) pieces of a row rule's message template.

    Fields are plain names ('{value}'): a format spec, a conversion or an index would
    need str.format on each failure, so the contract may not use them in row rules
    (test_junk_speed_parity checks every template of the contract).
    """
    parts = []
    for literal, name, spec, conversion in string.Formatter().parse(template):
        if name is not None and (spec or conversion or not name.isidentifier()):
            raise ValueError(
                f"the message of {rule_id} has the field {{{name}}} with a format spec, "
                "a conversion or an index; a row rule's message may only name fields"
            )
        parts.append((literal, name))
    return parts


def _fields(
    hits: pl.DataFrame, exp: Expectation, contract: Contract, register: Register, today: date
) -> dict[str, Callable[[], pl.Series | str]]:
    """Each field make_issue would give the template, as a column or one text, on demand."""
    value = hits[exp.shows or exp.source]
    return {
        "row": lambda: hits["row"].cast(pl.String),
        "column": lambda: quoted(exp.source),
        **{key: _key_text(hits, key) for key in KEYS},
        "value": lambda: _text(value).fill_null(""),
        "suggestion": lambda: _suggestions(value, exp.source, register, contract),
        "today": lambda: quoted(today.isoformat()),
        "period_end": lambda: _per_distinct(
            hits["period_index"], lambda i: quoted(quarter_end(i).isoformat())
        ).fill_null(""),
        "elements": lambda: str(len(contract.element_codes)),
    }


def _key_text(hits: pl.DataFrame, key: str) -> Callable[[], pl.Series]:
    # str.format writes a missing key as "None", as make_issue does
    return lambda: _text(hits[key]).fill_null("None")


def _text(values: pl.Series) -> pl.Series:
    """A column's cells as str.format writes them, text quoted; nulls stay null."""
    if values.dtype == pl.String:
        return quoted_series(values)
    if values.dtype.is_integer():
        return values.cast(pl.String)
    return _per_distinct(values, str)


def _per_distinct(values: pl.Series, text: Callable[[object], str]) -> pl.Series:
    """`text` of each distinct non-null cell, computed once; nulls stay null."""
    distinct = values.drop_nulls().unique(maintain_order=True)
    mapped = values.replace_strict(
        distinct, [text(v) for v in distinct], default="", return_dtype=pl.String
    )
    return pl.select(pl.when(values.is_not_null()).then(mapped)).to_series()


def _suggestions(
    values: pl.Series, source: str, register: Register, contract: Contract
) -> pl.Series | str:
    """' (did you mean ...?)' for each cell that has one, else ''."""
    if values.dtype != pl.String or source not in KEYS:
        return ""
    distinct = values.drop_nulls().unique(maintain_order=True)
    if source == "period":
        guess: Callable[[str], str | None] = _suggest_period
    else:
        codes = register.codes if source == "prison_code" else contract.element_codes
        distinct = distinct.head(max(1, SUGGESTION_COMPARISONS // max(1, len(codes))))

        def guess(value: str) -> str | None:
            return closest(value, codes)

    texts = []
    for value in distinct:
        found = guess(value)
        texts.append(
            quoted(contract.phrase("did_you_mean", found=found)) if found and found != value else ""
        )
    return values.replace_strict(distinct, texts, default="", return_dtype=pl.String)
