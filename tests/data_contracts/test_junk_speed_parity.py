"""The row-level issues, composed column-wise (data_contracts/row_messages.py), are those
make_issue gives failure by failure: same rules, rows, columns, keys, messages and
suggestions, in the same order; on the sample invalid files, on junk, and on literal frames.
"""

from __future__ import annotations

import csv
import io
import random
from datetime import date
from pathlib import Path

import polars as pl
import pytest

from data_contracts import checks, row_messages
from data_contracts.contract import load_contract
from data_contracts.issue_groups import GROUP_SCHEMA, grouped_issues
from data_contracts.periods import quarter_end, suggest_period
from data_contracts.register import Register, closest, read_register
from data_contracts.report import SHOWN_CHARS, Issue, make_issue, quoted, quoted_series
from data_contracts.validate import check_files
from sample_data import INVALID_DIR, REGISTER_FILE

CONTRACT = load_contract()
TODAY = date(2026, 11, 22)
ROW_RULES = {r.id for r in CONTRACT.rules if r.expectations}
# Cells of the junk file: the alphabet of tests/hostile/bombs.py's junk, plus the
# characters quoting treats apart (controls, C1 controls, line breaks, an ellipsis).
JUNK_ALPHABET = "ab1-Q٣２ <>" + "\x07\x1b\x85\n\t…"
JUNK_ROWS = 400


def one_by_one(
    failures: pl.DataFrame, frame: pl.DataFrame, contract, register: Register, today: date
) -> list[Issue]:
    """The reference: one make_issue per failure, as row_issues was written before."""
    hits = failures.join(frame, on="row", how="left")
    issues = []
    for hit in hits.iter_rows(named=True):
        rule = contract.rule(hit["rule"])
        exp = rule.expectations[hit["expectation"]]
        value = hit[exp.shows or exp.source]
        suggestion = ""
        if isinstance(value, str) and exp.source in row_messages.KEYS:
            if exp.source == "period":
                guess = suggest_period(value)
            else:
                codes = register.codes if exp.source == "prison_code" else contract.element_codes
                guess = closest(value, codes)
            suggestion = f" (did you mean '{guess}'?)" if guess and guess != value else ""
        index = hit["period_index"]
        issues.append(
            make_issue(
                rule.id,
                row=hit["row"],
                column=exp.source,
                prison_code=hit["prison_code"],
                period=hit["period"],
                data_element=hit["data_element"],
                message=exp.message,
                value=value if value is not None else "",
                suggestion=suggestion,
                today=today.isoformat(),
                period_end=quarter_end(index).isoformat() if index is not None else "",
                elements=len(contract.element_codes),
                contract=contract,
            )
        )
    return issues


@pytest.fixture(scope="module")
def sample_register() -> Register:
    prisons, issues = read_register(REGISTER_FILE)
    assert issues == []
    return Register({p.code: p for p in prisons})


def junk_csv(rows: int, seed: int = 11) -> bytes:
    rng = random.Random(seed)

    def cell() -> str:
        return "".join(rng.choice(JUNK_ALPHABET) for _ in range(rng.choice((8, SHOWN_CHARS + 9))))

    notes = ["", "a note", "bell \x07 in a note", "x" * (CONTRACT.limits["note_max_chars"] + 1)]
    table = [[cell(), cell(), cell(), cell(), rng.choice(notes)] for _ in range(rows)]
    # some cells a person could have meant (a code in lower case, a quarter written Q3-2025),
    # in cycles of 3, 4 and 5 rows so that every combination occurs
    for i, row in enumerate(table[: rows // 4]):
        row[0] = ["nm-wfp", "NM-WFX", ""][i % 3]
        row[1] = ["Q3-2025", "2030-Q1", "2025Q2", ""][i % 4]
        row[2] = ["receptions", "Receptions", "receptionz", "", "population_average"][i % 5]
        row[3] = ["-3", "2.5", "0", ""][i % 4]
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows([CONTRACT.column_names, *table])
    return buffer.getvalue().encode("utf-8")


def captured_calls(monkeypatch, files: list[Path], register: Register) -> list[tuple]:
    """Check `files` as validate does, keeping each row_issues call's arguments and answer."""
    calls = []
    real = checks.row_issues

    def spy(*args):
        issues = real(*args)
        calls.append((args, issues))
        return issues

    monkeypatch.setattr(checks, "row_issues", spy)
    check_files([(p, p.name) for p in files], register, today=TODAY)
    return calls


def test_the_sample_invalid_files_and_junk_get_the_issues_make_issue_gives(
    monkeypatch, tmp_path: Path, sample_register: Register
) -> None:
    junk = tmp_path / "junk.csv"
    junk.write_bytes(junk_csv(JUNK_ROWS))
    files = [*sorted(p for p in INVALID_DIR.iterdir() if p.is_file()), junk]
    calls = captured_calls(monkeypatch, files, sample_register)
    compared = []
    for args, issues in calls:
        assert issues == one_by_one(*args)
        compared += issues
    rules = {i.rule for i in compared}
    assert rules == ROW_RULES, f"no row failure of {sorted(ROW_RULES - rules)}"
    expectations = {
        (r, e) for args, _ in calls for r, e in args[0].select("rule", "expectation").iter_rows()
    }
    assert expectations == {
        (r.id, i) for r in CONTRACT.rules for i in range(len(r.expectations))
    }, "every expectation of the contract fails somewhere in these files"
    messages = "\n".join(i.message for i in compared)
    assert "did you mean 'NM-WFP'?" in messages
    assert "did you mean '2025-Q3'?" in messages
    assert "\\x07" in messages and "…" in messages


def frame_of(rows: list[dict]) -> pl.DataFrame:
    """A prepared frame (the columns the messages read) from literal rows."""
    schema = {
        "row": pl.Int64,
        "prison_code": pl.String,
        "period": pl.String,
        "period_index": pl.Int64,
        "data_element": pl.String,
        "value": pl.String,
        "note_length": pl.Int64,
        "note_control": pl.String,
    }
    return pl.DataFrame(rows, schema=schema)


def failures_of(*hits: tuple[str, int, int]) -> pl.DataFrame:
    return pl.DataFrame(
        hits, schema={"rule": pl.String, "expectation": pl.Int64, "row": pl.Int64}, orient="row"
    )


def index_of(rule_id: str, column: str) -> int:
    exps = CONTRACT.rule(rule_id).expectations
    return next(i for i, e in enumerate(exps) if e.type == column)


def test_a_literal_frame_gets_quoted_messages_suggestions_and_none_for_an_empty_key(
    register: Register,
) -> None:
    long_value = "9" * (SHOWN_CHARS + 5)
    frame = frame_of(
        [
            {"row": 2, "prison_code": "be-has", "period": "2025-Q3", "period_index": 8102,
             "data_element": "receptions", "value": "1", "note_length": 0},
            {"row": 3, "prison_code": "BE-HAS", "period": "2025-Q3", "period_index": 8102,
             "data_element": None, "value": long_value + "\x07", "note_length": 1_200},
        ]
    )  # fmt: skip
    failures = failures_of(
        ("value.not_a_number", 0, 3),
        ("prison_code.unknown", index_of("prison_code.unknown", "in_set"), 2),
        ("row.malformed", 0, 3),
    )
    issues = row_messages.row_issues(failures, frame, CONTRACT, register, TODAY)
    assert [(i.rule, i.row, i.column, i.data_element) for i in issues] == [
        ("value.not_a_number", 3, "value", None),
        ("prison_code.unknown", 2, "prison_code", "receptions"),
        ("row.malformed", 3, "note", None),
    ]
    assert f"'{long_value[: SHOWN_CHARS - 1]}…'" in issues[0].message
    assert "Prison code 'be-has' is not in the prison register (did you mean 'BE-HAS'?)." in (
        issues[1].message
    )
    assert "1200 characters long" in issues[2].message
    assert issues == one_by_one(failures, frame, CONTRACT, register, TODAY)


def test_a_null_data_element_is_written_none_as_str_format_writes_it(register) -> None:
    frame = frame_of([{"row": 2, "prison_code": "BE-HAS", "period": "2025-Q3", "value": "-1"}])
    [issue] = row_messages.row_issues(
        failures_of(("value.negative", 0, 2)), frame, CONTRACT, register, TODAY
    )
    assert issue.message.startswith("Value -1 for None is below zero")


def test_fuzzy_suggestions_stop_at_the_comparison_budget(monkeypatch, register) -> None:
    values = 3
    monkeypatch.setattr(row_messages, "SUGGESTION_COMPARISONS", (values - 1) * len(register.codes))
    frame = frame_of(
        [{"row": r, "prison_code": f"BE-HA{r}", "period": "2025-Q3"} for r in range(2, 2 + values)]
    )
    exp = index_of("prison_code.unknown", "in_set")
    failures = failures_of(*(("prison_code.unknown", exp, r) for r in frame["row"]))
    issues = row_messages.row_issues(failures, frame, CONTRACT, register, TODAY)
    suggested = ["did you mean 'BE-HAS'?" in i.message for i in issues]
    assert suggested == [True] * (values - 1) + [False]


def test_every_row_rule_template_names_plain_fields_only() -> None:
    for rule in CONTRACT.rules:
        for exp in rule.expectations:
            row_messages.template_parts(exp.message or rule.message, rule.id)
    with pytest.raises(ValueError, match="format spec"):
        row_messages.template_parts("Value {value!r} is odd.", "value.odd")
    assert row_messages.template_parts("{value} of {{x}}", "r") == [
        ("", "value"),
        (" of {", None),
        ("x}", None),
    ]


CELLS = [
    "",
    "plain",
    "x" * SHOWN_CHARS,
    "x" * (SHOWN_CHARS + 1),
    "a\x00b\x1b[2J\x7f\x85\u009b31m",
    "line\nbreak\r\ttab",
    "٣２" * SHOWN_CHARS,
    "\x07" * SHOWN_CHARS,
    None,
]


def test_quoted_series_quotes_every_cell_as_quoted_does() -> None:
    expected = [None if c is None else quoted(c) for c in CELLS]
    assert quoted_series(pl.Series("cell", CELLS, dtype=pl.String)).to_list() == expected


def test_grouped_issues_of_many_issues_are_those_of_their_parts(register) -> None:
    """Groups of one row, of runs of rows, of prison-quarters and of many elements."""
    contract = CONTRACT
    codes = contract.element_codes
    issues = [
        make_issue("period.format", row=r, column="period", value="Q3-2023", data_element=c)
        for r, c in zip([2, 3, 4, 9], codes, strict=False)
    ]
    issues += [
        make_issue("value.negative", row=7, column="value", data_element=codes[1], value="-1")
    ]
    issues += [
        make_issue("population.missing", prison_code=p, period="2023-Q3", message="One text.")
        for p in "BA"
    ]
    issues += [make_issue("file.empty", detail="")]
    issues += [make_issue("data_element.unknown", row=5, column="data_element", value="")]
    table = grouped_issues(issues, contract)
    assert table.columns == list(GROUP_SCHEMA)
    assert table["where"].to_list() == [
        "rows 2–4, 9",
        "row 7",
        "A 2023-Q3, B 2023-Q3",
        "the whole file",
        "row 5",
    ]
    assert table["data element"].to_list() == [
        f"{min(len(codes), 4)} data elements",
        contract.element(codes[1]).label,
        "",
        "",
        "",
    ]
    assert table["count"].to_list() == [4, 1, 2, 1, 1]
