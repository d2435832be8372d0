"""`prison-monitor report bulletin`: a region's and a country's bulletin read back against
`prison-monitor indicators --level region|national` for the same account and release."""

from __future__ import annotations

import polars as pl
import pytest

from data_contracts.languages import speaking
from indicators.availability import STATES
from indicators.registry import load_registry
from reports.cells import interval_cell, value_cell
from sample_data import LAST_QUARTER
from tests.reports.conftest import Sample
from tests.reports.test_prison_report import squash

REGION = "Eastwold"
COUNTRY = "XN"
RELEASE = "2026-Q3 bulletin"


def level_table(sample: Sample, user: str, level: str, *extra: str) -> pl.DataFrame:
    target = sample.folder / f"level-{user}-{level}-{len(extra)}.csv"
    code, _, err = sample.run(
        "indicators", "--user", user, "--level", level, *extra, "--output", str(target)
    )
    assert code == 0, err
    return pl.read_csv(target, infer_schema_length=None)


def summary_rows(rows: pl.DataFrame) -> list[tuple[str, str]]:
    """The summary's rows as the bulletin must print them: label, value and interval (or
    the state's word), in registry order."""
    from dashboard.chart_style import axis_label

    registry = load_registry()
    by_id = {r["indicator"]: r for r in rows.iter_rows(named=True)}
    found = []
    for ind in registry:
        row = by_id.get(ind.id)
        if row is None:
            continue
        if row["suppressed"]:
            text = axis_label(ind) + STATES["suppressed"].said()
        elif row["value"] is None:
            continue
        else:
            text = (
                axis_label(ind)
                + value_cell(row["value"], ind.unit)
                + interval_cell(row["lower_95"], row["upper_95"], ind.unit)
            )
        found.append((ind.id, squash(text)))
    return found


def assert_rows_in(part: str, rows: list[tuple[str, str]]) -> None:
    """Each row, whole, in the summary (which lists the indicators by domain)."""
    for indicator, row in rows:
        assert row in part, f"{indicator}: '{row}' is not in the bulletin's summary"


def summary_part(text: str) -> str:
    with_header = squash(text)
    with speaking_current():
        from i18n import _

        header = squash(_("Indicator") + _("Value") + _("95% interval"))
    return with_header[with_header.index(header) :]


def speaking_current():  # type: ignore[no-untyped-def]
    from data_contracts.languages import current_language

    return speaking(current_language())


@pytest.mark.parametrize("user", ["ministry", "evaluator"])
def test_a_regions_bulletin_has_the_region_rows_of_the_indicator_table(sample, pdf_text, user):  # type: ignore[no-untyped-def]
    code, err, path = sample.report(
        "bulletin", "--region", REGION, "--period", LAST_QUARTER, "--user", user
    )
    assert code == 0, err
    text = pdf_text(path)
    table = level_table(sample, user, "region")
    rows = table.filter((pl.col("region") == REGION) & (pl.col("period") == LAST_QUARTER))
    expected = summary_rows(rows)
    assert len(expected) >= 10
    assert_rows_in(summary_part(text), expected)
    for words in (
        "Contents",
        "Summary",
        "Prisons needing attention",
        "Completeness of the quarter",
    ):
        assert words in text, words
    # one compare chart per indicator with figures: its prisons' codes are drawn as text
    assert text.count("NM-") >= 5


def test_a_countrys_bulletin_in_dutch(sample, pdf_text):  # type: ignore[no-untyped-def]
    code, err, path = sample.report(
        "--lang",
        "nl",
        "bulletin",
        "--country",
        COUNTRY,
        "--period",
        LAST_QUARTER,
        "--user",
        "ministry",
    )
    assert code == 0, err
    text = pdf_text(path)
    table = level_table(sample, "ministry", "national")
    rows = table.filter((pl.col("country") == COUNTRY) & (pl.col("period") == LAST_QUARTER))
    with speaking("nl"):
        from i18n import _

        expected = summary_rows(rows)
        header = squash(_("Indicator") + _("Value") + _("95% interval"))
        words = [_("Contents"), _("Summary"), _("Prisons needing attention")]
    assert words[0] != "Contents"
    for word in words:
        assert word in text, word
    assert_rows_in(squash(text)[squash(text).index(header) :], expected)


@pytest.fixture(scope="module")
def released(tmp_path_factory):  # type: ignore[no-untyped-def]
    """A sample database of its own with a release, then one more file stored after it."""
    made = Sample(tmp_path_factory.mktemp("released"))
    assert made.run("init", "--sample")[0] == 0
    code, _, err = made.run("release", "create", "--name", RELEASE, "--user", "ministry")
    assert code == 0, err
    return made


def test_a_release_gives_the_releases_figures(released, pdf_text):  # type: ignore[no-untyped-def]
    """An evaluator's bulletin reads the latest release by default (governance.md §3), and
    says so; its figures are `indicators --release`'s."""
    code, err, path = released.report(
        "bulletin", "--region", REGION, "--period", LAST_QUARTER, "--user", "evaluator"
    )
    assert code == 0, err
    text = " ".join(pdf_text(path).split())
    assert f"release '{RELEASE}'" in text
    table = level_table(released, "evaluator", "region", "--release", RELEASE)
    rows = table.filter((pl.col("region") == REGION) & (pl.col("period") == LAST_QUARTER))
    assert_rows_in(summary_part(text), summary_rows(rows))


def test_an_unknown_region_or_country_is_told(sample, tmp_path):  # type: ignore[no-untyped-def]
    for where, words in (
        (("--region", "Atlantis"), "the regions are"),
        (("--country", "ZZ"), "the countries are"),
    ):
        code, _, err = sample.run(
            "report",
            "bulletin",
            *where,
            "--period",
            LAST_QUARTER,
            "--user",
            "ministry",
            "--output",
            str(tmp_path / "b.pdf"),
        )
        assert code == 2 and words in err
