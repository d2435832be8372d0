"""The blank submission file a prison fills in: every data element it reports, with its
definition.

The template is written per prison: the elements of the base module and of the modules the
prison's register row names, in the contract's order, the `module` column saying which module
each belongs to. Filled in, it passes the contract with no warning: it holds every element the
prison must report (completeness.missing_elements), and its helper columns (`description`,
`unit`, `module`) are the contract's own helper columns, which every check ignores (spec §2).
"""

from __future__ import annotations

import csv
from pathlib import Path

from data_contracts.contract import Contract, load_contract, translated
from data_contracts.modules import modules_of
from data_contracts.register import Prison


def template_rows(prison: Prison, period: str, contract: Contract) -> list[list[str]]:
    """Header and one row per element the prison reports: the contract's columns, then its
    helper columns, whose texts are in the current language (data_contracts.languages)."""
    header = [*contract.column_names, *contract.helper_names]
    helpers = {
        "description": lambda e: f"{translated(e, 'title')}: {translated(e, 'definition')}",
        "unit": lambda e: contract.unit_text(e.kind),
        "module": lambda e: e.module,
    }
    rows = []
    for e in contract.elements_of(*modules_of(prison, contract)):
        cells = {"prison_code": prison.code, "period": period, "data_element": e.code}
        row = [cells.get(c, "") for c in contract.column_names]
        rows.append(row + [helpers[h](e) for h in contract.helper_names])
    return [header, *rows]


# Column widths of the xlsx template (characters): the contract's columns, then the helpers.
TEMPLATE_WIDTHS = (14, 10, 26, 12, 40, 90, 36, 10)


def write_template(
    path: Path, prison: Prison, period: str, fmt: str, contract: Contract | None = None
) -> None:
    """The template of `prison` (its register row) for `period`, as csv or xlsx."""
    contract = contract or load_contract()
    rows = template_rows(prison, period, contract)
    if fmt == "csv":
        # With a BOM, Excel opens the file as UTF-8 (the definitions use non-ASCII characters).
        with open(path, "w", encoding="utf-8-sig", newline="") as fh:
            csv.writer(fh).writerows(rows)
    else:
        _write_xlsx(path, rows, contract, modules_of(prison, contract))


def _write_xlsx(path: Path, rows: list[list[str]], contract: Contract, modules: list[str]) -> None:
    import xlsxwriter

    workbook = xlsxwriter.Workbook(str(path))
    bold = workbook.add_format({"bold": True, "bg_color": "#DDE7F0", "border": 1})
    entry = workbook.add_format({"bg_color": "#FFF8DC", "border": 1})
    sheet = workbook.add_worksheet(contract.file["excel_sheet"])
    sheet.write_row(0, 0, rows[0], bold)
    value_col = rows[0].index("value")
    for r, row in enumerate(rows[1:], start=1):
        for c, cell in enumerate(row):
            sheet.write_string(r, c, cell, entry if c in (value_col, value_col + 1) else None)
    sheet.data_validation(
        1,
        value_col,
        len(rows) - 1,
        value_col,
        {
            "validate": "decimal",
            "criteria": ">=",
            "value": 0,
            "ignore_blank": True,
            "error_title": "Not a valid value",
            "error_message": "Enter a number of 0 or more; leave the cell empty if not reported.",
        },
    )
    for c, width in enumerate(TEMPLATE_WIDTHS):
        sheet.set_column(c, c, width)
    sheet.freeze_panes(1, 0)
    readme = workbook.add_worksheet("readme")
    readme.write(0, 0, f"{contract.name} v{contract.version}", bold)
    readme.write(1, 0, "Fill in the value column of the 'data' sheet (and a note where useful).")
    readme.write(2, 0, "Leave a value empty only if it is not reported; 0 means none.")
    readme.write(3, 0, "Counts are whole numbers; only population_average may have decimals.")
    readme.write(
        4,
        0,
        f"The {', '.join(contract.helper_names)} columns are for you; "
        "they are ignored when the file is checked.",
    )
    readme.write(5, 0, f"The modules this prison reports: {', '.join(modules)}.")
    readme.set_column(0, 0, 90)
    workbook.close()
