"""`init`, `prisons`, `validate`, `template`: exit codes, output, nothing stored on error."""

from __future__ import annotations

import csv
import io
import subprocess
import sys

import pytest
from submission_files import PRISONS, register_csv

ROWS = [
    ["BE-HAS", "2025-Q3", "population_average", "412.5"],
    ["BE-HAS", "2025-Q3", "receptions", "300"],
]


def test_init_is_idempotent(cli) -> None:
    assert cli("init").code == 0
    second = cli("init")
    assert second.code == 0
    assert "Database ready" in second.out


def test_validate_needs_a_database_and_a_register(cli, write) -> None:
    path = write("f.csv", "prison_code,period,data_element,value\n")
    result = cli("validate", path)
    assert result.code == 2
    assert "prison-monitor init" in result.err
    assert "Traceback" not in result.err
    assert cli("init").code == 0
    result = cli("validate", path)
    assert result.code == 2
    assert "register is empty" in result.err


def test_validate_exit_codes_and_json(initialised, write) -> None:
    from data_contracts.contract import load_contract

    codes = load_contract().element_codes
    good = "prison_code,period,data_element,value\n" + "".join(
        f"BE-HAS,2025-Q3,{c},{'400' if c == 'population_average' else '0'}\n" for c in codes
    )
    ok = initialised("validate", write("good.csv", good), "--json")
    assert ok.code == 0, ok.out
    assert ok.json["accepted"] is True
    bad = initialised(
        "validate", write("bad.csv", good.replace(",receptions,0", ",receptions,-1")), "--json"
    )
    assert bad.code == 1
    assert [e["rule"] for e in bad.json["errors"]] == ["value.negative"]
    assert bad.json["errors"][0]["row"] == 3
    text = initialised(
        "validate", write("bad2.csv", good.replace(",receptions,0", ",receptions,-1"))
    )
    assert text.code == 1
    assert text.out.startswith("bad2.csv: REJECTED")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("validate", "no-such-file.csv"), "There is no file"),
        (("validate",), "required"),
        (("frobnicate",), "invalid choice"),
        (("template", "--prison", "BE-HAS", "--period", "2025Q3", "--output", "t.xlsx"), "quarter"),
        (
            ("template", "--prison", "XX-NO", "--period", "2025-Q3", "--output", "t.xlsx"),
            "register",
        ),
    ],
)
def test_cannot_run_is_exit_2_with_one_sentence(initialised, args, message) -> None:
    result = initialised(*args)
    assert result.code == 2
    assert message in result.err
    assert result.err.count("\n") == 1
    assert "Traceback" not in result.err


def test_unreadable_file_is_a_report_not_a_crash(initialised, write) -> None:
    result = initialised("validate", write("x.xlsx", b"\x00\x01garbage"), "--json")
    assert result.code == 1
    assert [e["rule"] for e in result.json["errors"]] == ["file.unreadable"]


def test_prisons_import_and_list(initialised) -> None:
    listed = initialised("prisons", "list", "--json")
    assert listed.code == 0
    assert [p["prison_code"] for p in listed.json] == sorted(p.code for p in PRISONS)
    from data_contracts.contract import load_contract

    # the register file's own columns, v2's modules and peer_group included
    assert list(listed.json[0]) == [c["name"] for c in load_contract().register["columns"]]
    text = initialised("prisons", "list")
    assert "BE-HAS" in text.out and "Hasselt" in text.out


def test_prisons_import_updates_and_audits(initialised, write) -> None:
    changed = register_csv().replace("Hasselt", "Hasselt Central")
    result = initialised("prisons", "import", write("r2.csv", changed), "--json")
    assert result.code == 0
    assert result.json["updated"] == ["BE-HAS"]
    assert len(result.json["unchanged"]) == 2
    from store.audit import entries
    from store.db import get_engine

    log = entries(get_engine())
    assert "register.update" in log["action"].to_list()


def test_a_bad_register_is_refused_whole_with_row_messages(initialised, write) -> None:
    bad = (
        "prison_code,name,region,prison_type,opened,closed\n"
        "BE-OK,Good,Flanders,mixed,,\n"
        "be has,Lower,Flanders,mixed,,\n"
        "BE-OK,Twice,Flanders,mixed,,\n"
        "BE-Q,Quarter,Flanders,mixed,2025Q1,\n"
        "BE-ORD,Order,,mixed,2025-Q3,2025-Q1\n"
    )
    result = initialised("prisons", "import", write("bad.csv", bad), "--json")
    assert result.code == 1
    got = [(e["rule"], e["row"], e["column"]) for e in result.json["errors"]]
    assert got == [
        ("register.code", 3, "prison_code"),
        ("register.duplicate", 4, "prison_code"),
        ("register.quarter", 5, "opened"),
        ("register.required", 6, "region"),
        ("register.order", 6, "closed"),
    ]
    assert "did you mean 'BE-HAS'" in result.json["errors"][0]["message"]
    listed = initialised("prisons", "list", "--json")
    assert "BE-OK" not in [p["prison_code"] for p in listed.json]


def test_register_without_required_columns(initialised, write) -> None:
    result = initialised("prisons", "import", write("bad.csv", "prison_code,name\nBE-X,X\n"))
    assert result.code == 1
    assert "'region'" in result.out


def fill_template(table, path, fmt: str) -> None:  # type: ignore[no-untyped-def]
    """Write the template back with every value filled in, as a person saves it."""
    rows = []
    for row in table.frame.iter_rows(named=True):
        cells = [row[f"c{i}"] or "" for i in range(len(table.header))]
        cells[3] = "400" if cells[2] == "population_average" else "3"
        rows.append(cells)
    if fmt == "csv":
        with open(path, "w", newline="", encoding="utf-8") as fh:
            csv.writer(fh).writerows([table.header, *rows])
        return
    import xlsxwriter

    from data_contracts.contract import load_contract

    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet(load_contract().file["excel_sheet"])
    for r, cells in enumerate([table.header, *rows]):
        for c, cell in enumerate(cells):
            number = r > 0 and c == 3
            sheet.write_number(r, c, float(cell)) if number else sheet.write_string(r, c, cell)
    workbook.close()


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_filled_template_is_accepted_without_a_warning(initialised, tmp_path, fmt) -> None:
    from data_contracts.contract import load_contract
    from data_contracts.reader import read_submission

    contract = load_contract()
    blank = tmp_path / f"blank.{fmt}"
    result = initialised("template", "--prison", "BE-HAS", "--period", "2025-Q3", "--output", blank)
    assert result.code == 0
    table = read_submission(blank)
    assert [h.strip() for h in table.header] == [*contract.column_names, *contract.helper_names]
    has = next(p for p in PRISONS if p.code == "BE-HAS")
    assert table.frame.height == len(contract.expected_codes(has.modules))
    # an empty template is rejected (no population), and says which elements are missing
    empty = initialised("validate", blank, "--json")
    assert empty.code == 1
    assert [e["rule"] for e in empty.json["errors"]] == ["population.missing"]
    filled = tmp_path / f"filled.{fmt}"
    fill_template(table, filled, fmt)
    result = initialised("validate", filled, "--json")
    assert result.code == 0, result.out
    assert result.json["warnings"] == [] and result.json["errors"] == []


def test_the_installed_console_script_runs(db_url, tmp_path) -> None:
    """The real entry point, as a separate process: exit 2 and one sentence, no traceback."""
    script = "import sys; from cli.main import main; sys.exit(main())"
    result = subprocess.run(
        [sys.executable, "-c", script, "validate", str(tmp_path / "missing.csv")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr.startswith("prison-monitor: ")
    assert "Traceback" not in result.stderr


def test_csv_helper_roundtrip() -> None:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(ROWS)
    assert buffer.getvalue().count("\n") == 2
