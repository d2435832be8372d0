"""indicators.table: the table of spec §6 for each reader, and its four file formats."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import polars as pl
import pytest
from indicator_frames import PRISONS, ost, row, values
from test_suppression import recoverable

from data_contracts.countries import default_country
from indicators.compute import TABLE_COLUMNS
from indicators.registry import load_registry
from indicators.table import (
    FORMATS,
    FORMULA_GUARD,
    Format,
    formula_safe,
    indicator_table,
    starts_a_formula,
    write_table,
)
from store.accounts import Account

Q1, Q2 = "2025-Q1", "2025-Q2"
# North: N-A is small (3), so N-B (10) is its second; South is large.
FIGURES = {
    ("N-A", Q1): ost(3, 50),
    ("N-B", Q1): ost(10, 50),
    ("N-C", Q1): ost(20, 50),
    ("S-A", Q1): ost(30, 60),
    ("S-B", Q1): ost(40, 60),
    ("N-A", Q2): ost(25, 50),
    ("S-A", Q2): ost(30, 60),
}
VALUES = values(FIGURES)


def build(**options) -> pl.DataFrame:
    return indicator_table(VALUES, PRISONS, indicators=["ost_coverage"], **options)


# --- Columns and filters ----------------------------------------------------------------


@pytest.mark.parametrize("level", ["prison", "region", "national", None])
def test_exactly_the_spec_columns_in_order(level: str | None) -> None:
    result = build(level=level)
    assert tuple(result.columns) == TABLE_COLUMNS
    assert set(result["level"]) == ({"prison", "region", "national"} if level is None else {level})


def test_default_is_prison_level_of_every_indicator() -> None:
    result = indicator_table(VALUES, PRISONS)
    assert set(result["level"]) == {"prison"}
    assert result["indicator"].unique(maintain_order=True).to_list() == list(load_registry().ids)


def test_quarters_prisons_and_indicators_can_be_chosen() -> None:
    result = indicator_table(
        VALUES, PRISONS, first=Q2, last="2025-Q2", prisons=["N-A"], indicators=["ost_coverage"]
    )
    assert result.select("prison_code", "period", "indicator").rows() == [
        ("N-A", Q2, "ost_coverage")
    ]
    by_index = build(first=8101, last=8101)  # 2025-Q2 as its index
    assert set(by_index["period"]) == {Q2}


def test_benchmarks_use_every_prison_even_when_some_are_chosen() -> None:
    result = build(prisons=["N-C"], first=Q1, last=Q1)
    assert row(result, prison_code="N-C")["benchmark"] == pytest.approx(103 / 270 * 100)


def test_with_prisons_chosen_regions_are_theirs_and_the_nation_stays() -> None:
    result = build(level=None, prisons=["S-A"], first=Q1, last=Q1)
    assert result.select("level", "region", "prison_code").rows() == [
        ("national", None, None),
        ("region", "South", None),
        ("prison", "South", "S-A"),
    ]


def test_an_unknown_level_or_indicator_is_refused() -> None:
    with pytest.raises(ValueError, match="level"):
        build(level="county")
    with pytest.raises(KeyError, match="nope"):
        indicator_table(VALUES, PRISONS, indicators=["nope"])


# --- Suppression and readers ------------------------------------------------------------


def test_suppression_is_decided_on_all_prisons_before_choosing_some() -> None:
    # Alone, N-B (10) is not small; it is suppressed as N-A's second all the same.
    result = build(prisons=["N-B"], first=Q1, last=Q1, suppress=True)
    assert row(result, prison_code="N-B")["suppressed"] is True
    assert row(result, prison_code="N-B")["numerator"] is None


def test_unsuppressed_unless_asked_or_an_account_says_so() -> None:
    assert not build()["suppressed"].any()
    assert build(suppress=True)["suppressed"].sum() == 2


def test_each_role_sees_what_it_may() -> None:
    ministry = Account("m", "ministry")
    director = Account("d", "director", frozenset({"N-A"}))
    evaluator = Account("e", "evaluator")
    q1 = {"first": Q1, "last": Q1}
    assert build(account=ministry, **q1).equals(build(**q1))
    assert build(account=evaluator, **q1).equals(build(suppress=True, **q1))
    mine = build(account=director, **q1)
    assert row(mine, prison_code="N-A")["numerator"] == 3
    assert not row(mine, prison_code="N-B")["suppressed"]  # N-A's second only for others
    everything = build(account=director, suppress=True, **q1)
    assert row(everything, prison_code="N-A")["suppressed"]


def test_a_ministry_account_may_ask_for_the_suppressed_form() -> None:
    result = build(account=Account("m", "ministry"), suppress=True, first=Q1, last=Q1)
    assert result.equals(build(suppress=True, first=Q1, last=Q1))


# --- Writing ----------------------------------------------------------------------------

HOSTILE = pl.DataFrame(
    {
        "region": ['=HYPERLINK("http://x")', "+1", "-2", "@SUM(A1)", "North", None, "\tx"],
        "change": [-1.5, 2.0, None, float("nan"), 0.0, 1.0, 3.0],
        "count": [1, 2, 3, 4, 5, 6, 7],
        "suppressed": [True, False, False, True, False, False, True],
    }
)


def test_formula_cells_are_neutralised_and_numbers_stay_numbers() -> None:
    safe = formula_safe(HOSTILE)
    assert safe["region"].to_list() == [
        '\'=HYPERLINK("http://x")',
        "'+1",
        "'-2",
        "'@SUM(A1)",
        "North",
        None,
        "'\tx",
    ]
    assert safe["change"].dtype == pl.Float64
    csv = write_table(HOSTILE, "csv").decode()
    assert csv.splitlines()[1].startswith('"\'=HYPERLINK(""http://x"")",-1.5,1,true')


def test_csv_has_the_columns_and_empty_cells_for_null() -> None:
    text = write_table(build(level=None, first=Q1, last=Q1), "csv").decode()
    lines = text.splitlines()
    assert lines[0] == ",".join(TABLE_COLUMNS)
    assert lines[1].startswith(f"national,{default_country()},,,2025-Q1,ost_coverage,103,270.0,")
    assert lines[1].endswith(",,,5,false,,treatment")  # no peer group; the domain


def test_json_is_a_list_of_records_with_null_for_nan() -> None:
    records = json.loads(write_table(HOSTILE, "json"))
    assert records[0] == {
        "region": '=HYPERLINK("http://x")',  # JSON is data, not a spreadsheet
        "change": -1.5,
        "count": 1,
        "suppressed": True,
    }
    assert records[2]["change"] is None and records[3]["change"] is None


def test_parquet_round_trips() -> None:
    table = build(level=None)
    assert pl.read_parquet(io.BytesIO(write_table(table, "parquet"))).equals(table)


def test_xlsx_keeps_numbers_and_holds_no_formula() -> None:
    data = write_table(HOSTILE, "xlsx")
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        sheet = book.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet
    back = pl.read_excel(io.BytesIO(data), sheet_name="indicators")
    assert back["region"][0] == '\'=HYPERLINK("http://x")'
    assert back["change"][0] == -1.5
    assert back["count"].dtype.is_numeric()


@pytest.mark.parametrize("fmt", FORMATS)
def test_writes_to_a_path_or_a_binary_file(fmt: str, tmp_path: Path) -> None:
    table = build(level=None)
    path = tmp_path / f"out.{fmt}"
    assert write_table(table, fmt, path) is None
    buffer = io.BytesIO()
    assert write_table(table, fmt, buffer) is None
    assert path.stat().st_size > 0
    assert buffer.getvalue()[:2] == path.read_bytes()[:2]


def test_an_unknown_format_is_refused() -> None:
    with pytest.raises(ValueError, match="format"):
        write_table(build(), "xls")  # type: ignore[arg-type]


# --- On a real database -----------------------------------------------------------------


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> tuple[pl.DataFrame, list]:
    """The sample database of `prison-monitor init --sample` (about 9 s: built once)."""
    from cli.main import main
    from store.db import get_engine
    from store.prisons import list_prisons
    from store.read import current_values

    url = f"sqlite:///{tmp_path_factory.mktemp('sample') / 'pm.db'}"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PRISON_MONITOR_DB", url)
        assert main(["init", "--sample"]) == 0
    engine = get_engine(url)
    return current_values(engine), list_prisons(engine)


def test_sample_has_every_indicator_for_every_quarter(sample) -> None:
    frame, prisons = sample
    result = indicator_table(frame, prisons, level=None)
    quarters = frame["period"].n_unique()
    countries = len({p.country for p in prisons})
    assert countries > 1  # the sample's countries side by side (international.md §1)
    nation = result.filter(pl.col("level") == "national")
    assert nation.height == len(load_registry()) * quarters * countries
    assert nation.select("indicator", "period", "country").n_unique() == nation.height
    assert result.filter(pl.col("level") == "region")["region"].n_unique() == len(
        {p.region for p in prisons}
    )


def test_sample_national_numerators_are_sums_of_prison_numerators(sample) -> None:
    frame, prisons = sample
    result = indicator_table(frame, prisons, level=None)
    sums = (
        result.filter(
            (pl.col("level") == "prison")
            & pl.col("numerator").is_not_null()
            & pl.col("denominator").is_not_null()
        )
        .group_by("indicator", "period", "country")
        .agg(pl.col("numerator").sum().alias("sum"), pl.col("denominator").sum().alias("den"))
    )
    nation = result.filter(pl.col("level") == "national").join(
        sums, on=["indicator", "period", "country"], how="left"
    )
    countries = len({p.country for p in prisons})
    assert nation.height == len(load_registry()) * frame["period"].n_unique() * countries
    covered = nation.filter(pl.col("prisons") > 0)
    assert covered.height > 0
    assert (covered["numerator"] == covered["sum"]).all()
    assert ((covered["denominator"] - covered["den"]).abs() < 1e-6).all()
    # An indicator no prison reports (a v2 module the sample lacks) has no national figure.
    uncovered = nation.filter(pl.col("prisons") == 0)
    assert uncovered["numerator"].is_null().all() and uncovered["sum"].is_null().all()


def test_sample_suppressed_forms_leave_nothing_recoverable(sample) -> None:
    frame, prisons = sample
    full = indicator_table(frame, prisons, level=None)
    evaluator = indicator_table(frame, prisons, level=None, account=Account("e", "evaluator"))
    assert evaluator["suppressed"].any()
    assert recoverable(full, evaluator) == []
    own = prisons[0].code
    director = Account("d", "director", frozenset({own}))
    mine = indicator_table(frame, prisons, level=None, account=director)
    assert not mine.filter(pl.col("prison_code") == own)["suppressed"].any()
    assert recoverable(full, mine, known=frozenset({own})) == []


# Whitespace and line breaks a spreadsheet skips before reading a formula (OWASP, "CSV
# Injection"): each of these cells would run in Excel or LibreOffice without the guard.
HIDDEN_FORMULAS = [
    ' =HYPERLINK("http://x")',
    "\n=1+1",
    "\r\n+1",
    "\t@SUM(A1)",
    "\u00a0-2",
    "  \t =cmd|' /C calc'!A0",
    "\x00=1",
    "\ufeff=1",
    "\uff1d1+1",  # the full-width equals sign, read as "=" by CJK spreadsheets
    "\nplain text after a line break",
]
HARMLESS = ["North", "a = b", "x-1", "e-mail@example.org", " North", ""]


def test_formula_guard_sees_through_leading_whitespace_and_line_breaks() -> None:
    frame = pl.DataFrame({"region": HIDDEN_FORMULAS + HARMLESS})
    guarded = formula_safe(frame)["region"].to_list()
    assert guarded[: len(HIDDEN_FORMULAS)] == [FORMULA_GUARD + v for v in HIDDEN_FORMULAS]
    assert guarded[len(HIDDEN_FORMULAS) :] == HARMLESS
    assert [starts_a_formula(v) for v in HIDDEN_FORMULAS] == [True] * len(HIDDEN_FORMULAS)
    assert not any(starts_a_formula(v) for v in HARMLESS)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_hidden_formulas_are_guarded_in_csv_and_xlsx(fmt: Format) -> None:
    frame = pl.DataFrame({"region": HIDDEN_FORMULAS, "count": list(range(len(HIDDEN_FORMULAS)))})
    data = write_table(frame, fmt)
    assert data is not None
    if fmt == "csv":
        back = pl.read_csv(io.BytesIO(data))
    else:
        back = pl.read_excel(io.BytesIO(data), sheet_name="indicators")
    assert back["region"].to_list() == [FORMULA_GUARD + v for v in HIDDEN_FORMULAS]
