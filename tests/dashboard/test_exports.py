"""Exports carry their context: CSV context lines, XLSX sheets and formats, image layout.

Pure functions only (no Streamlit): dashboard.provenance, dashboard.export_files and
dashboard.images.export_figure. The drawn images are checked in a real browser by
tests/browser/test_export_layout.py.
"""

from __future__ import annotations

import csv
import html
import io
import re
import zipfile
from datetime import UTC, datetime
from xml.etree import ElementTree

import plotly.graph_objects as go
import polars as pl
import pytest
from export_gallery import gallery

from dashboard import images
from dashboard.columns import COLUMNS
from dashboard.export_files import (
    BOM,
    COMMENT,
    DATA_SHEET,
    PROVENANCE_SHEET,
    csv_with_context,
    number_format,
    xlsx_with_context,
)
from dashboard.provenance import ExportContext, Provenance, detail, facts, footer_lines, headline
from indicators.suppression import SUPPRESSION_THRESHOLD
from indicators.table import FORMULA_GUARD
from store.account_model import Unsuppressed

AS_OF = "2026-07-14 09:30 UTC"
HOSTILE = '=HYPERLINK("http://x","y")'
CONTEXT = ExportContext(
    title="Non-fatal overdoses in custody",
    period="2026-Q2",
    filters="indicator: non-fatal overdoses; prisons: NM-WFP, NM-HAS",
    indicator_id="overdose_nonfatal_rate",
    unit="per 1,000 person-years",
    benchmark="national value",
    notes=("* suppressed: about 1–4 persons.",),
)
FRAME = pl.DataFrame(
    {
        "prison_code": [HOSTILE, "NM-WFP"],
        "numerator": [12_345, 3],
        "denominator": [1234.56789, 250.5],
        "value": [12.3456789, None],
        "lower_95": [10.01234, None],
        "suppressed": [False, True],
        "submitted_at": [datetime(2026, 7, 1, 8, 5, tzinfo=UTC)] * 2,
    }
)
SHEET_XML = {DATA_SHEET: "xl/worksheets/sheet1.xml", PROVENANCE_SHEET: "xl/worksheets/sheet2.xml"}
NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}


def provenance(scope: Unsuppressed = Unsuppressed.NONE, **changes: object) -> Provenance:
    context = ExportContext(**{**CONTEXT.__dict__, **changes})  # type: ignore[arg-type]
    return Provenance(context, AS_OF, scope)


# --- Words -----------------------------------------------------------------------------


def test_the_threshold_and_the_scope_decide_the_small_numbers_sentence() -> None:
    small = f"1–{SUPPRESSION_THRESHOLD - 1} persons"
    none = dict(facts(provenance(Unsuppressed.NONE)))["small_numbers"]
    assert f"figures about {small} suppressed" in none
    assert f"threshold {SUPPRESSION_THRESHOLD}" in none and "subtraction" in none
    every = dict(facts(provenance(Unsuppressed.EVERY_PRISON)))["small_numbers"]
    assert every.startswith("unsuppressed (ministry view)") and small in every
    own = dict(facts(provenance(Unsuppressed.OWN_PRISONS)))["small_numbers"]
    assert "your own prisons unsuppressed" in own
    other = Provenance(CONTEXT, AS_OF, Unsuppressed.NONE, threshold=SUPPRESSION_THRESHOLD + 2)
    assert f"1–{SUPPRESSION_THRESHOLD + 1} persons" in dict(facts(other))["small_numbers"]


def test_the_footer_names_everything_in_plain_words() -> None:
    lines = footer_lines(provenance())
    assert lines[0] == (
        "Non-fatal overdoses in custody (per 1,000 person-years). "
        "Quarter 2026-Q2, against the national value."
    )
    assert lines[1] == f"Filters: {CONTEXT.filters}."
    assert lines[2] == f"Data as of {AS_OF}."
    assert lines[3].startswith("Small numbers: figures about")
    assert lines[4].startswith("Source: ") and "Byar" in lines[4] and "Wilson" in lines[4]
    assert lines[-1] == CONTEXT.notes[0]
    assert not any(re.search(r"\w=\w|[?&]\w+=", line) for line in lines), "no URL syntax"
    ranged = footer_lines(provenance(period="2025-Q3 to 2026-Q2", unit="%"))
    assert ranged[0].endswith(
        "(per cent). Quarters 2025-Q3 to 2026-Q2, against the national value."
    )


# --- CSV -------------------------------------------------------------------------------


def test_csv_context_lines_precede_the_table_and_polars_skips_them() -> None:
    data = csv_with_context(FRAME, provenance())
    assert data.startswith(BOM)
    text = data[len(BOM) :].decode("utf-8")
    rows = list(csv.reader(io.StringIO(text)))
    context = [row for row in rows if row[0].startswith(COMMENT)]
    expected = facts(provenance())
    assert [(row[0].removeprefix(f"{COMMENT} "), row[1]) for row in context] == expected
    assert all(len(row) == 2 for row in context), "key and value, two cells each"
    assert rows[len(context)] == FRAME.columns, "the header follows the context lines"
    back = pl.read_csv(io.BytesIO(data), comment_prefix=COMMENT, try_parse_dates=True)
    assert back.columns == FRAME.columns
    assert back["numerator"].to_list() == FRAME["numerator"].to_list()
    assert back["denominator"].to_list() == FRAME["denominator"].to_list(), "full precision"
    assert back["value"].to_list() == FRAME["value"].to_list()
    assert back["prison_code"].to_list() == [FORMULA_GUARD + HOSTILE, "NM-WFP"]


def test_csv_context_values_are_formula_safe_and_one_line() -> None:
    data = csv_with_context(FRAME, provenance(title=f"{HOSTILE}\nsecond line"))
    rows = list(csv.reader(io.StringIO(data[len(BOM) :].decode("utf-8"))))
    title = next(row for row in rows if row[0] == f"{COMMENT} title")
    assert title[1] == f"{FORMULA_GUARD}{HOSTILE} second line"


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_formulas_behind_invisible_characters_are_guarded_in_context_and_table(fmt) -> None:
    """A zero-width space or a byte-order mark before "=" is skipped by spreadsheets too."""
    hidden = '\u200b=HYPERLINK("http://x")'
    frame = FRAME.with_columns(pl.Series("prison_code", [hidden, "\ufeff+1"]))
    source = provenance(title=hidden)
    if fmt == "csv":
        data = csv_with_context(frame, source)[len(BOM) :].decode("utf-8")
        rows = list(csv.reader(io.StringIO(data)))
        title = next(row for row in rows if row[0] == f"{COMMENT} title")[1]
        cells = pl.read_csv(io.StringIO(data), comment_prefix=COMMENT)["prison_code"].to_list()
    else:
        data = xlsx_with_context(frame, source)
        sheet = pl.read_excel(io.BytesIO(data), sheet_name=PROVENANCE_SHEET, has_header=True)
        title = sheet.filter(pl.col("key") == "title")["value"][0]
        table = pl.read_excel(io.BytesIO(data), sheet_name=DATA_SHEET)
        cells = table[COLUMNS["prison_code"].header].to_list()
    assert title == FORMULA_GUARD + hidden
    assert cells == [FORMULA_GUARD + hidden, FORMULA_GUARD + "\ufeff+1"]


# --- XLSX ------------------------------------------------------------------------------


def _cell_formats(book: zipfile.ZipFile, sheet: str) -> dict[str, str]:
    """Cell reference -> its number format code, read from the workbook's XML."""
    styles = ElementTree.fromstring(book.read("xl/styles.xml"))
    codes = {
        int(f.get("numFmtId")): f.get("formatCode") for f in styles.iterfind(".//m:numFmt", NS)
    }
    xfs = styles.find("m:cellXfs", NS)
    assert xfs is not None
    ids = [int(xf.get("numFmtId", "0")) for xf in xfs.iterfind("m:xf", NS)]
    cells = ElementTree.fromstring(book.read(SHEET_XML[sheet])).iterfind(".//m:c", NS)
    return {c.get("r"): codes.get(ids[int(c.get("s", "0"))], "General") for c in cells}


def test_xlsx_has_a_data_sheet_with_human_headers_and_unit_formats() -> None:
    data = xlsx_with_context(FRAME, provenance())
    sheets = pl.read_excel(io.BytesIO(data), sheet_id=0)
    assert list(sheets) == [DATA_SHEET, PROVENANCE_SHEET]
    table = sheets[DATA_SHEET]
    assert table.columns == [COLUMNS[c].header for c in FRAME.columns]
    assert table[COLUMNS["denominator"].header].to_list() == FRAME["denominator"].to_list()
    assert table[COLUMNS["value"].header].to_list() == FRAME["value"].to_list(), "full precision"
    assert table[COLUMNS["prison_code"].header][0] == FORMULA_GUARD + HOSTILE
    assert table[COLUMNS["suppressed"].header].to_list() == ["no", "yes"]
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        formats = _cell_formats(book, DATA_SHEET)
        sheet_xml = book.read(SHEET_XML[DATA_SHEET]).decode()
        assert "<f>" not in sheet_xml, "no formulas anywhere"
    # A: code, B: numerator, C: denominator (person-years), D: value, E: lower, G: sent
    assert formats["B2"] == "#,##0", "counts: whole numbers, thousands grouped"
    assert formats["C2"] == "#,##0.0", "person-years to one decimal"
    assert formats["D2"] == formats["E2"] == "#,##0.0", "the unit's one decimal"
    assert formats["G2"] == "d mmm yyyy hh:mm", "readable dates"
    assert re.search(r'<pane [^>]*ySplit="1"[^>]*state="frozen"', sheet_xml), "frozen header"
    assert re.search(r'<col [^>]*width="', sheet_xml), "column widths set"


def test_number_formats_follow_the_unit() -> None:
    assert number_format("denominator", "%") == "#,##0", "persons for a percentage"
    assert number_format("denominator", "per 1,000 person-years") == "#,##0.0"
    assert number_format("text", "%") is None


def test_xlsx_provenance_sheet_has_the_context_and_every_column() -> None:
    data = xlsx_with_context(FRAME, provenance(title=HOSTILE))
    sheet = pl.read_excel(io.BytesIO(data), sheet_name=PROVENANCE_SHEET, has_header=False)
    cells = [[v for v in row if v is not None] for row in sheet.rows()]
    pairs = [tuple(row) for row in cells if len(row) == 2]
    for key, value in facts(provenance(title=HOSTILE)):
        expected = FORMULA_GUARD + value if value == HOSTILE else value
        assert (key, expected) in pairs, key
    columns = {row[0]: row[1:] for row in cells if len(row) == 3}
    for name in FRAME.columns:
        assert columns[name][0] == COLUMNS[name].header
        assert columns[name][1], f"{name} has a meaning"
    assert "per 1,000 person-years" in columns["value"][1]


# --- Image layout ----------------------------------------------------------------------


def _boxes(fig: go.Figure, entries: int) -> dict[str, tuple[float, float, float, float]]:
    """(left, top, right, bottom) in px of the title, plot, legend and footer of an export
    copy, from its layout alone."""
    lay = fig.layout
    width, height, m = lay.width, lay.height, lay.margin
    title_lines = lay.title.text.count("<br>") + 1
    footer = fig.layout.annotations[-1]
    footer_lines = footer.text.count("<br>") + 1
    footer_top = height - m.b + images.BELOW_PLOT
    return {
        "title": (
            images.PAD,
            images.PAD,
            width - images.PAD,
            images.PAD + images.lines_height(title_lines, images.TITLE_SIZE),
        ),
        "plot": (m.l, m.t, width - m.r, height - m.b),
        "legend": (
            width - m.r + images.LEGEND_GAP,
            m.t,
            width - images.PAD,
            m.t + images.LEGEND_ROW * entries,
        ),
        "footer": (
            images.PAD,
            footer_top,
            width - images.PAD,
            footer_top + images.lines_height(footer_lines, images.FOOTER_SIZE),
        ),
    }


def _apart(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    return a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1]


def _check_layout(copy: go.Figure, entries: int) -> None:
    boxes = _boxes(copy, entries)
    if not entries:
        del boxes["legend"]
    names = list(boxes)
    for i, a in enumerate(names):
        left, top, right, bottom = boxes[a]
        assert 0 <= left < right <= copy.layout.width and 0 <= top < bottom <= copy.layout.height, a
        for b in names[i + 1 :]:
            assert _apart(boxes[a], boxes[b]), f"{a} and {b} overlap: {boxes[a]} {boxes[b]}"
    inner = images.WIDTH - 2 * images.PAD
    for line in copy.layout.title.text.split("<br>"):
        assert images.text_width(line, images.TITLE_SIZE) <= inner, line
    for line in copy.layout.annotations[-1].text.split("<br>"):
        assert images.text_width(line, images.FOOTER_SIZE) <= inner, line


def test_many_legend_entries_and_a_long_title_cannot_overlap() -> None:
    fig = go.Figure(
        [
            go.Scatter(x=[1, 2], y=[i, i + 1], name=f"prison number {i} of a long list")
            for i in range(30)
        ]
    )
    fig.update_layout(height=300, margin={"t": 60, "b": 40})
    before = fig.to_json()
    headline = " ".join(["Continuity of care after release within twenty-one days"] * 4)
    detail = "Quarters 2024-Q1 to 2026-Q2, against each prison's own region"
    footer = footer_lines(provenance())
    copy = images.export_figure(fig, (headline, detail), footer)
    assert fig.to_json() == before, "the on-screen figure keeps its own layout"
    _check_layout(copy, entries=30)
    title = html.unescape(re.sub(r"<[^>]+>", " ", copy.layout.title.text))
    assert " ".join(title.split()) == f"{headline} {detail}", "wrapped, not cut"
    assert images.text_width(headline, images.TITLE_SIZE, bold=True) > images.WIDTH
    assert copy.layout.title.text.count("<br>") >= 2, "the headline takes two lines or more"
    footer_text = html.unescape(copy.layout.annotations[-1].text.replace("<br>", " "))
    assert " ".join(footer_text.split()) == " ".join(" ".join(footer).split())
    assert (
        copy.layout.height - copy.layout.margin.t - copy.layout.margin.b >= 30 * images.LEGEND_ROW
    )


@pytest.mark.parametrize("name", list(gallery()))
def test_every_chart_kind_gets_a_layout_without_overlaps(name: str) -> None:
    fig, context = gallery()[name]
    copy = images.export_figure(
        fig, (headline(context), detail(context)), footer_lines(provenance())
    )
    _check_layout(copy, entries=len(images.legend_entries(copy)))
    assert copy.layout.margin.autoexpand is False, "plotly may not move the plot under the footer"
