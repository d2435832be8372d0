"""Every rule of the contract on small literal files: the rule id, the row, the column."""

from __future__ import annotations

import io
from datetime import date

import polars as pl
import pytest
from submission_files import GOOD_VALUES, ISSUE_KEYS, REPORT_KEYS, csv_text, good_rows

from data_contracts.contract import load_contract
from data_contracts.validate import check_file, validate_file

TODAY = date(2026, 11, 22)


def run(write, register, name: str, content: str | bytes, encoding: str = "utf-8"):
    return validate_file(write(name, content, encoding), register, today=TODAY)


def errors(report) -> list[tuple[str, int | None, str | None]]:
    return [(i.rule, i.row, i.column) for i in report.errors]


def test_a_complete_file_is_accepted_without_warnings(write, register) -> None:
    report = run(write, register, "ok.csv", csv_text(good_rows()))
    assert report.accepted, report.to_text()
    assert report.issues == []
    assert (report.rows, report.prisons, report.periods) == (
        len(GOOD_VALUES),
        ["BE-HAS"],
        ["2025-Q3"],
    )


def test_json_report_has_exactly_the_keys_of_the_spec(write, register) -> None:
    rows = good_rows(ost_received="212", oud_identified="180")
    report = run(write, register, "hasselt-2025-Q3.csv", csv_text(rows)).to_dict()
    assert list(report) == REPORT_KEYS
    assert report["file"] == "hasselt-2025-Q3.csv"
    assert report["accepted"] is False
    [error] = report["errors"]
    assert list(error) == ISSUE_KEYS
    assert error["rule"] == "pair.exceeds"
    assert error["row"] == 6  # ost_received is the 5th data row: spreadsheet row 6
    assert error["column"] == "value"
    assert (error["prison_code"], error["period"], error["data_element"]) == (
        "BE-HAS",
        "2025-Q3",
        "ost_received",
    )
    assert error["message"].startswith("ost_received (212) is larger than oud_identified (180")


ROW_RULES = [
    # (rule, override of one element's value or of a key column, expected row, column)
    ("value.negative", {"receptions": "-3"}, 3, "value"),
    ("value.not_integer", {"receptions": "12.5"}, 3, "value"),
    ("value.not_a_number", {"receptions": "12 persons"}, 3, "value"),
    ("value.not_a_number", {"receptions": "1e3"}, 3, "value"),
    ("population.zero", {"population_average": "0"}, 2, "value"),
    ("pair.exceeds", {"hcv_rna_positive": "31"}, 13, "value"),
    ("pair.exceeds", {"ost_continued_7d": "36"}, 19, "value"),
]


@pytest.mark.parametrize(("rule", "override", "row", "column"), ROW_RULES)
def test_value_rules(write, register, rule, override, row, column) -> None:
    report = run(write, register, "f.csv", csv_text(good_rows(**override)))
    assert errors(report) == [(rule, row, column)], report.to_text()


@pytest.mark.parametrize(
    ("rule", "prison", "period", "column"),
    [
        ("prison_code.unknown", "BE-XYZ", "2025-Q3", "prison_code"),
        ("period.format", "BE-HAS", "2025Q3", "period"),
        ("period.format", "BE-HAS", "1999-Q4", "period"),
        ("period.format", "BE-HAS", "2025-Q5", "period"),
        ("period.not_ended", "BE-HAS", "2026-Q4", "period"),
    ],
)
def test_key_rules_are_reported_on_every_row(write, register, rule, prison, period, column) -> None:
    report = run(write, register, "f.csv", csv_text(good_rows(prison, period)))
    assert errors(report) == [(rule, row, column) for row in range(2, 20)], report.to_text()


def test_decimal_comma_and_spaces_are_accepted(write, register) -> None:
    rows = good_rows(population_average=" 412,5 ")
    report = run(write, register, "f.csv", csv_text(rows, delimiter=";"))
    assert report.accepted, report.to_text()


def test_missing_value_is_not_zero_and_warns_completeness(write, register, tmp_path) -> None:
    rows = good_rows(overdose_deaths="", releases="")
    checked = check_file(write("f.csv", csv_text(rows)), register, today=TODAY)
    assert checked.report.accepted
    [warning] = checked.report.warnings
    assert warning.rule == "completeness.missing_elements"
    assert (warning.row, warning.prison_code, warning.period) == (None, "BE-HAS", "2025-Q3")
    assert "releases, overdose_deaths" in warning.message
    values = checked.values
    assert values is not None
    deaths = values.filter(pl.col("data_element") == "overdose_deaths")["value"]
    assert deaths.to_list() == [None]


def test_pairs_are_checked_only_when_both_are_reported(write, register) -> None:
    rows = good_rows(oud_identified="")
    report = run(write, register, "f.csv", csv_text(rows))
    assert report.accepted, report.to_text()


def test_data_element_unknown_with_suggestion(write, register) -> None:
    rows = good_rows()
    rows[4][2] = "ost_recieved"
    report = run(write, register, "f.csv", csv_text(rows))
    assert ("data_element.unknown", 6, "data_element") in errors(report)
    assert "did you mean 'ost_received'" in report.errors[0].message


def test_duplicate_is_reported_on_the_later_row(write, register) -> None:
    rows = good_rows()
    rows.append(["BE-HAS", "2025-Q3", "receptions", "300", ""])
    report = run(write, register, "f.csv", csv_text(rows))
    assert errors(report) == [("row.duplicate", 20, "data_element")]
    assert "already appears in row 3" in report.errors[0].message


def test_population_missing_is_one_message_per_prison_quarter(write, register) -> None:
    rows = [r for r in good_rows() if r[2] != "population_average"]
    rows += [r for r in good_rows(period="2025-Q2") if r[2] != "population_average"]
    report = run(write, register, "f.csv", csv_text(rows))
    assert [(i.rule, i.row, i.period) for i in report.errors] == [
        ("population.missing", None, "2025-Q2"),
        ("population.missing", None, "2025-Q3"),
    ]
    assert sorted(i.rule for i in report.warnings) == ["completeness.missing_elements"] * 2


def test_population_with_empty_value_is_missing(write, register) -> None:
    report = run(write, register, "f.csv", csv_text(good_rows(population_average="")))
    assert [i.rule for i in report.errors] == ["population.missing"]


def test_out_of_service_is_a_warning(write, register) -> None:
    report = run(write, register, "f.csv", csv_text(good_rows("BE-ANT", "2025-Q3")))
    assert report.accepted
    assert [(i.rule, i.prison_code, i.period) for i in report.warnings] == [
        ("period.out_of_service", "BE-ANT", "2025-Q3")
    ]
    before_opening = run(write, register, "g.csv", csv_text(good_rows("BE-NEW", "2025-Q1")))
    assert [i.rule for i in before_opening.warnings] == ["period.out_of_service"]
    assert run(write, register, "h.csv", csv_text(good_rows("BE-NEW", "2025-Q2"))).issues == []


def test_every_problem_is_reported_not_only_the_first(write, register) -> None:
    rows = good_rows(receptions="-1", releases="x", treatment_started="2.5")
    rows[10][1] = "Q3-2025"
    report = run(write, register, "f.csv", csv_text(rows))
    assert {i.rule for i in report.errors} == {
        "value.negative",
        "value.not_a_number",
        "value.not_integer",
        "period.format",
    }
    assert "did you mean '2025-Q3'" in next(
        i.message for i in report.errors if i.rule == "period.format"
    )


def test_column_missing_one_message_per_column_and_other_rules_still_run(write, register) -> None:
    text = "prison_code,data_element,note\n" + "\n".join(f"BE-HAS,{code}," for code in GOOD_VALUES)
    report = run(write, register, "f.csv", text)
    assert [(i.rule, i.column) for i in report.errors] == [
        ("column.missing", "period"),
        ("column.missing", "value"),
    ]


def test_header_matching_ignores_case_and_spaces_and_warns_unknown_columns(write, register) -> None:
    header = " Prison_Code , PERIOD,Data_Element, value ,Note,comments"
    rows = [[*r, "some words"] for r in good_rows()]
    report = run(write, register, "f.csv", csv_text(rows, header=header))
    assert report.accepted, report.to_text()
    [warning] = report.warnings
    assert (warning.rule, warning.column) == ("column.unknown", "comments")
    assert "column F" in warning.message
    for name in load_contract().column_names:
        assert name in warning.message  # the contract's columns, named from the contract


def test_the_templates_helper_columns_are_ignored_without_a_warning(write, register) -> None:
    helpers = load_contract().helper_names
    header = ",".join(["prison_code", "period", "data_element", "value", "note", *helpers])
    rows = [[*r, *(f"{h} text" for h in helpers)] for r in good_rows()]
    report = run(write, register, "f.csv", csv_text(rows, header=" ,".join(header.split(","))))
    assert report.accepted and report.issues == [], report.to_text()


def test_an_unknown_columns_message_quotes_its_header_cut_to_60_characters(write, register) -> None:
    from data_contracts.report import SHOWN_CHARS

    long_name = "remarks " + "x" * 200
    header = f"prison_code,period,data_element,value,note,{long_name}"
    rows = [[*r, ""] for r in good_rows()]
    report = run(write, register, "f.csv", csv_text(rows, header=header))
    [warning] = report.warnings
    quoted_cell = warning.message.split("'")[1]
    assert len(quoted_cell) == SHOWN_CHARS and quoted_cell.endswith("…")
    assert long_name[: SHOWN_CHARS - 1] in warning.message
    assert warning.column == long_name  # the JSON keeps the whole cell


def test_no_header_is_unreadable(write, register) -> None:
    text = "\n".join(",".join(r) for r in good_rows())
    report = run(write, register, "f.csv", text)
    assert errors(report) == [("file.unreadable", None, None)]


@pytest.mark.parametrize("content", ["", "\n\n  \n", "prison_code,period,data_element,value\n\n"])
def test_empty_files(write, register, content) -> None:
    report = run(write, register, "f.csv", content)
    assert errors(report) == [("file.empty", None, None)]


def test_blank_lines_are_ignored_but_counted_in_row_numbers(write, register) -> None:
    rows = good_rows(receptions="-3")
    text = csv_text(rows[:1]) + "\n\n" + "\n".join(",".join(r) for r in rows[1:]) + "\n"
    report = run(write, register, "f.csv", text)
    assert report.rows == len(GOOD_VALUES)  # one row per element of the contract
    assert errors(report) == [("value.negative", 5, "value")]  # two blank lines before it


def test_row_with_more_fields_than_header_is_malformed(write, register) -> None:
    rows = good_rows()
    text = csv_text(rows).replace("BE-HAS,2025-Q3,releases,280,", "BE-HAS,2025-Q3,releases,280,,x")
    report = run(write, register, "f.csv", text)
    assert errors(report) == [("row.malformed", 4, None)]


def test_trailing_empty_fields_are_not_malformed(write, register) -> None:
    text = csv_text(good_rows()).replace("\n", ",,\n")
    assert run(write, register, "f.csv", text).accepted


def test_note_over_1000_characters_is_rejected(write, register) -> None:
    rows = good_rows()
    rows[3][4] = "x" * 1001
    report = run(write, register, "f.csv", csv_text(rows))
    assert errors(report) == [("row.malformed", 5, "note")]
    rows[3][4] = "x" * 1000
    assert run(write, register, "g.csv", csv_text(rows)).accepted


def test_quoted_fields_with_delimiters_and_newlines(write, register) -> None:
    rows = good_rows()
    rows[0][4] = '"counted on 1,2 and\n3 July"'
    assert run(write, register, "f.csv", csv_text(rows)).accepted


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_delimiters(write, register, delimiter) -> None:
    assert run(write, register, "f.csv", csv_text(good_rows(), delimiter=delimiter)).accepted


def test_utf8_bom_is_accepted_silently(write, register) -> None:
    content = b"\xef\xbb\xbf" + csv_text(good_rows()).encode()
    report = run(write, register, "f.csv", content)
    assert report.accepted and report.issues == []


def test_windows_1252_is_read_with_a_warning(write, register) -> None:
    rows = good_rows()
    rows[0][4] = "Übergabe – café"
    checked = check_file(write("f.csv", csv_text(rows), encoding="cp1252"), register, today=TODAY)
    assert checked.report.accepted
    assert [i.rule for i in checked.report.warnings] == ["file.encoding"]
    assert checked.values is not None
    assert checked.values["note"][0] == "Übergabe – café"


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("f.csv", b"prison_code,period\x00,data_element,value\n"),
        ("f.csv", b"\x81\x8d\x8f\x90\x9d"),  # bytes undefined in both encodings
        ("f.xls", b"anything"),
        ("f.pdf", b"%PDF-1.4"),
        ("f", b"prison_code,period,data_element,value\n"),
        ("f.parquet", b"not parquet at all"),
        ("f.xlsx", b"prison_code,period,data_element,value\n"),
    ],
)
def test_unreadable_files(write, register, name, content) -> None:
    report = run(write, register, name, content)
    assert errors(report) == [("file.unreadable", None, None)]
    assert report.errors[0].message.endswith(".")
    assert report.rows == 0


def test_xls_message_asks_for_xlsx(write, register) -> None:
    report = run(write, register, "old.xls", b"\xd0\xcf\x11\xe0")
    assert ".xlsx" in report.errors[0].message


def test_too_large_by_bytes(write, register) -> None:
    content = csv_text(good_rows()) + "#" * (10 * 2**20)
    report = run(write, register, "f.csv", content)
    assert errors(report) == [("file.too_large", None, None)]


def test_too_large_by_rows(write, register) -> None:
    row = "BE-HAS,2025-Q3,receptions,1\n"
    content = "prison_code,period,data_element,value\n" + row * 100_001
    report = run(write, register, "f.csv", content)
    assert errors(report) == [("file.too_large", None, None)]
    exactly = "prison_code,period,data_element,value\n" + row * 100_000
    assert "file.too_large" not in run(write, register, "g.csv", exactly).rules


def test_parquet_with_typed_columns(write, register) -> None:
    frame = pl.DataFrame(
        {
            "prison_code": [r[0] for r in good_rows()],
            "period": [r[1] for r in good_rows()],
            "data_element": [r[2] for r in good_rows()],
            "value": [float(v.replace(",", ".")) for v in GOOD_VALUES.values()],
        }
    )
    buffer = io.BytesIO()
    frame.write_parquet(buffer)
    assert run(write, register, "f.parquet", buffer.getvalue()).accepted
    bad = frame.with_columns(
        pl.when(pl.col("data_element") == "releases")
        .then(-1.0)
        .otherwise(pl.col("value"))
        .alias("value")
    )
    buffer = io.BytesIO()
    bad.write_parquet(buffer)
    report = run(write, register, "g.parquet", buffer.getvalue())
    assert errors(report) == [("value.negative", 4, "value")]


def test_values_of_an_accepted_file(write, register) -> None:
    checked = check_file(write("f.csv", csv_text(good_rows())), register, today=TODAY)
    values = checked.values
    assert values is not None
    assert values.height == len(GOOD_VALUES)
    assert values.columns == [
        "row",
        "prison_code",
        "period",
        "period_index",
        "data_element",
        "value",
        "note",
    ]
    assert values.filter(pl.col("data_element") == "population_average")["value"].item() == 412.5


def test_rejected_file_returns_no_values(write, register) -> None:
    checked = check_file(
        write("f.csv", csv_text(good_rows(receptions="-1"))), register, today=TODAY
    )
    assert checked.values is None


def test_human_report_names_rows_rules_and_fixes(write, register) -> None:
    report = run(write, register, "f.csv", csv_text(good_rows(receptions="-3")))
    text = report.to_text()
    rows = len(GOOD_VALUES)
    head = f"f.csv: REJECTED — 1 error, 0 warnings ({rows} data rows; prison BE-HAS"
    assert text.startswith(head)
    assert "row 3, column value: Value -3 for receptions is below zero." in text
    assert "[value.negative]" in text


def test_human_report_lists_20_issues_of_a_rule_then_counts_the_rest(write, register) -> None:
    rows = good_rows() + good_rows() * 3  # 54 duplicate rows
    rows[5][3] = "-1"
    report = run(write, register, "f.csv", csv_text(rows))
    assert len(report.errors) == 55 and len(report.to_dict()["errors"]) == 55
    text = report.to_text()
    assert text.count("[row.duplicate]") == 21
    assert "  … and 34 more [row.duplicate] like those above (--json lists every one)" in text
    assert text.count("[value.negative]") == 1


def test_unclosed_quote_is_malformed_not_empty(write, register) -> None:
    text = (
        "prison_code,period,data_element,value\n"
        '"unclosed,2025-Q3,receptions,5\n'
        "BE-HAS,2025-Q3,releases,4\n"
    )
    report = run(write, register, "f.csv", text)
    assert errors(report) == [("row.malformed", 2, None)]
    assert "double quotes" in report.errors[0].message


def test_binary_content_that_happens_to_decode_is_unreadable(write, register) -> None:
    import gzip

    # gzip output without NUL bytes decodes as Windows-1252: a header of garbage, no columns
    garbage = gzip.compress(b"prison_code,period\n" * 50, mtime=0).replace(b"\x00", b"\x01")
    garbage.decode("windows-1252")
    report = run(write, register, "f.csv", garbage)
    assert errors(report) == [("file.unreadable", None, None)]
    assert "not text" in report.errors[0].message


def test_a_stray_control_character_under_a_real_header_is_not_binary(write, register) -> None:
    rows = good_rows()
    rows[0][4] = "typed\x1aby mistake"
    report = run(write, register, "f.csv", csv_text(rows))
    # the file is read as text; only the note is refused, for its control character
    assert errors(report) == [("row.malformed", 2, "note")], report.to_text()


def test_a_header_of_plain_words_without_data_is_still_empty_not_unreadable(
    write, register
) -> None:
    report = run(write, register, "f.csv", "hello,world\n")
    assert "file.empty" in report.rules and "file.unreadable" not in report.rules


def test_ragged_lines_whose_delimiters_add_up_are_read_by_the_careful_reader(tmp_path) -> None:
    """One line a field short and another a field long: the delimiters add up to a plain
    table's, but the file is not one; it gets rules, never an error of the reader."""
    from data_contracts.reader import FileRejected, _plain_table, read_csv_table

    text = (
        "prison_code,period,data_element,value,note\n"
        "BE-HAS,2025-Q3,receptions,300\n"
        "BE-HAS,2025-Q3,releases,280,,extra\n"
    )
    assert _plain_table(text, ",", load_contract()) is None
    try:
        table = read_csv_table(text.encode(), load_contract())
    except FileRejected as exc:  # a rule, said in words: also a clean answer
        assert str(exc)
    else:
        assert table.frame.height == 2
