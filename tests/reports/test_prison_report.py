"""`prison-monitor report prison`: the PDF read back against `prison-monitor indicators`.

Every figure of the profile's table must be the indicator table's for the same account
(value, 95% interval, benchmark), an absent one its state's word; an evaluator's report
holds no figure that the evaluator's table suppresses; the language's words are there.
"""

from __future__ import annotations

import re

import polars as pl
import pytest

from data_contracts.contract import translated
from data_contracts.languages import speaking
from indicators.availability import STATES, SUPPRESSED
from indicators.registry import load_registry, unit_label
from reports.cells import interval_cell, value_cell
from sample_data import DEMO_DIRECTOR_PRISON, LAST_QUARTER

SPACE = re.compile(r"\s+")


def squash(text: str) -> str:
    """Text without its spaces and line breaks: a table row reads the same wrapped or not."""
    return SPACE.sub("", text)


def expected_rows(table: pl.DataFrame, prison: str, period: str) -> list[tuple[str, str]]:
    """(indicator id, the row's text as the report must print it) for every indicator the
    table has a figure for, or suppresses, for that prison-quarter."""
    registry = load_registry()
    rows = table.filter(
        (pl.col("level") == "prison")
        & (pl.col("prison_code") == prison)
        & (pl.col("period") == period)
    )
    found = []
    for row in rows.iter_rows(named=True):
        ind = registry[row["indicator"]]
        label = f"{translated(ind, 'title')} ({unit_label(ind.unit)})"
        benchmark = value_cell(row["benchmark"], ind.unit)
        if row["suppressed"]:
            text = label + STATES[SUPPRESSED].said()
        elif row["value"] is not None:
            text = (
                label
                + value_cell(row["value"], ind.unit)
                + interval_cell(row["lower_95"], row["upper_95"], ind.unit)
                + benchmark
            )
        else:
            continue
        found.append((row["indicator"], squash(text)))
    return [(i, t) for i, t in sorted(found, key=lambda r: registry.ids.index(r[0]))]


def assert_rows_in_order(text: str, rows: list[tuple[str, str]]) -> None:
    at = 0
    for indicator, row in rows:
        found = text.find(row, at)
        assert found >= 0, f"{indicator}: '{row}' not in the report after position {at}"
        at = found + len(row)


def table_part(text: str) -> str:
    """The report's text from its indicator table on (the spine chart's labels before it
    are text too)."""
    header = squash("Indicator Value 95% interval Benchmark")
    return squash(text)[squash(text).index(header) :]


@pytest.fixture(scope="module")
def director_report(sample, pdf_text):  # type: ignore[no-untyped-def]
    code, err, path = sample.report(
        "prison", "--prison", DEMO_DIRECTOR_PRISON, "--period", LAST_QUARTER, "--user", "director"
    )
    assert code == 0, err
    return path, pdf_text(path)


def test_a_directors_profile_has_the_figures_of_the_indicator_table(sample, director_report):  # type: ignore[no-untyped-def]
    _path, text = director_report
    rows = expected_rows(sample.table("director"), DEMO_DIRECTOR_PRISON, LAST_QUARTER)
    assert len(rows) >= 5
    assert_rows_in_order(table_part(text), rows)


def test_the_pdf_is_a4_with_numbered_pages_sections_and_provenance(director_report):  # type: ignore[no-untyped-def]
    from pypdf import PdfReader

    path, text = director_report
    reader = PdfReader(path)
    assert len(reader.pages) >= 4
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4 in points
    assert (
        f"1 / {len(reader.pages)}" in text and f"{len(reader.pages)} / {len(reader.pages)}" in text
    )
    assert reader.metadata.title.startswith("Willowford Prison (NM-WFP)")
    for words in ("Definitions", "Methods", "Provenance", "director, as director", "Small numbers"):
        assert words in text, words
    # the definitions are the registry's, verbatim (wrapped lines aside)
    ost = load_registry()["ost_coverage"]
    assert squash(ost.definition) in squash(text)


def test_the_charts_are_vectors_with_text(director_report):  # type: ignore[no-untyped-def]
    """Charts drawn as vector paths and text, not pictures: no raster image in the PDF,
    and the spine chart's legend is text one can select."""
    from pypdf import PdfReader

    path, text = director_report
    reader = PdfReader(path)
    assert all(not page.images for page in reader.pages)
    assert "25th to 75th percentile" in text


def test_an_evaluators_profile_holds_no_suppressed_figure(sample, pdf_text):  # type: ignore[no-untyped-def]
    evaluator = sample.table("evaluator")
    ministry = sample.table("ministry")
    # a prison-quarter with both shown and suppressed figures for the evaluator
    counts = (
        evaluator.filter(pl.col("level") == "prison")
        .group_by("prison_code", "period")
        .agg(pl.col("suppressed").sum().alias("hidden"), pl.col("value").count().alias("shown"))
        .filter((pl.col("hidden") > 0) & (pl.col("shown") > 3))
        .sort("hidden", "prison_code", "period", descending=[True, False, False])
    )
    prison, period = counts.row(0)[:2]
    code, err, path = sample.report(
        "prison", "--prison", prison, "--period", period, "--user", "evaluator"
    )
    assert code == 0, err
    text = pdf_text(path)
    rows = expected_rows(evaluator, prison, period)
    assert any(row.endswith(squash(STATES[SUPPRESSED].said())) for _, row in rows)
    assert_rows_in_order(table_part(text), rows)
    # what the ministry sees of those suppressed rows is nowhere in the evaluator's report
    hidden = evaluator.filter(
        (pl.col("prison_code") == prison) & (pl.col("period") == period) & pl.col("suppressed")
    )["indicator"].to_list()
    registry = load_registry()
    for row in ministry.filter(
        (pl.col("prison_code") == prison)
        & (pl.col("period") == period)
        & pl.col("indicator").is_in(hidden)
    ).iter_rows(named=True):
        unit = registry[row["indicator"]].unit
        shown = squash(interval_cell(row["lower_95"], row["upper_95"], unit))
        assert shown not in squash(text), f"{row['indicator']}: its interval {shown} is printed"
    assert "notes the prison wrote with its values are not shown" in text


def test_a_profile_in_french(sample, pdf_text):  # type: ignore[no-untyped-def]
    code, err, path = sample.report(
        "--lang",
        "fr",
        "prison",
        "--prison",
        DEMO_DIRECTOR_PRISON,
        "--period",
        LAST_QUARTER,
        "--user",
        "director",
    )
    assert code == 0, err
    text = pdf_text(path)
    with speaking("fr"):
        from i18n import _

        words = [_("Methods"), _("Definitions"), _("Provenance"), _("Recent trend")]
        rows = expected_rows(sample.table("director"), DEMO_DIRECTOR_PRISON, LAST_QUARTER)
        header = squash(_("Indicator") + _("Value") + _("95% interval"))
    assert words[0] != "Methods"  # translated
    for word in words:
        assert word in text, word
    part = squash(text)[squash(text).index(header) :]
    assert_rows_in_order(part, rows)
    assert "53,5" in text or "," in text  # a French decimal comma


def test_the_html_version_has_the_same_figures(sample):  # type: ignore[no-untyped-def]
    import html

    code, err, path = sample.report(
        "prison",
        "--prison",
        DEMO_DIRECTOR_PRISON,
        "--period",
        LAST_QUARTER,
        "--user",
        "director",
        suffix="html",
    )
    assert code == 0, err
    page = path.read_text("utf-8")
    assert page.startswith("<!DOCTYPE html>") and "<svg" in page
    text = squash(html.unescape(re.sub(r"<[^>]+>", " ", page.split("<h2>", 1)[1])))
    rows = expected_rows(sample.table("director"), DEMO_DIRECTOR_PRISON, LAST_QUARTER)
    assert_rows_in_order(text[text.index(squash("Indicator Value 95% interval")) :], rows)
