"""The report command's refusals, a page rendered to an image, and text that is never
read as Typst markup."""

from __future__ import annotations

import shutil
import subprocess
from datetime import UTC, datetime

import polars as pl
import pytest

from reports.model import LEFT, Paragraph, Report, Section, Table
from reports.typst_writer import pdf_bytes
from sample_data import DEMO_DIRECTOR_PRISON, LAST_QUARTER


def test_a_directors_profile_of_another_prison_is_suppressed(sample, pdf_text):  # type: ignore[no-untyped-def]
    """Directors read other prisons suppressed (cli-and-roles.md, roles): their profile of
    another prison is made as the evaluator's would be, notes withheld."""
    code, err, path = sample.report(
        "prison", "--prison", "NM-ASP", "--period", LAST_QUARTER, "--user", "director"
    )
    assert code == 0, err
    text = pdf_text(path)
    assert "notes the prison wrote with its values are not shown" in text
    assert "figures about 1–4 persons suppressed for other prisons" in " ".join(text.split())


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("--prison", "XX-NOPE", "--period", LAST_QUARTER), "not in the prison register"),
        (("--prison", DEMO_DIRECTOR_PRISON, "--period", "Q3-2026"), "YYYY-Qn"),
        (
            ("--prison", DEMO_DIRECTOR_PRISON, "--period", LAST_QUARTER, "--release", "nope"),
            "no release",
        ),
    ],
)
def test_wrong_arguments_are_told_plainly(sample, tmp_path, args, words):  # type: ignore[no-untyped-def]
    code, _, err = sample.run(
        "report", "prison", *args, "--user", "ministry", "--output", str(tmp_path / "x.pdf")
    )
    assert code == 2 and words in err and "Traceback" not in err
    assert not (tmp_path / "x.pdf").exists()


def test_an_output_in_a_missing_folder_is_refused(sample, tmp_path):  # type: ignore[no-untyped-def]
    code, _, err = sample.run(
        "report",
        "prison",
        "--prison",
        DEMO_DIRECTOR_PRISON,
        "--period",
        LAST_QUARTER,
        "--user",
        "ministry",
        "--output",
        str(tmp_path / "nowhere" / "x.pdf"),
    )
    assert code == 2 and "no folder" in err


def test_markup_in_the_data_is_printed_as_text(pdf_text, tmp_path):  # type: ignore[no-untyped-def]
    hostile = "#set page(width: 1cm) *bold* _x_ $y$ <l> @r [a] \\ // c"
    report = Report(
        title=hostile,
        subtitle="s",
        language="en",
        sections=(
            Section(hostile, (Paragraph(hostile), Table((hostile,), ((hostile,),), (LEFT,)))),
        ),
        footer=hostile,
    )
    target = tmp_path / "m.pdf"
    target.write_bytes(pdf_bytes(report, {}, datetime(2026, 1, 1, tzinfo=UTC)))
    text = pdf_text(target)
    assert text.count("#set page(width: 1cm) *bold* _x_ $y$") >= 4


def test_the_inputs_of_a_window_of_quarters_equal_the_whole_tables(sample):  # type: ignore[no-untyped-def]
    """A report reads only its quarters: each quarter's figures, benchmarks and suppression
    must be those of the whole table."""
    from reports.inputs import read
    from store.account_model import read_account
    from store.db import get_engine
    from store.vintage import LATEST

    engine = get_engine(sample.url)
    with engine.connect() as conn:
        evaluator = read_account(conn, "evaluator")
    whole = read(engine, evaluator, LATEST, "region").table
    part = read(engine, evaluator, LATEST, "region", first="2025-Q1", last="2025-Q4").table
    keys = ["level", "country", "region", "prison_code", "period", "indicator", "peer_group"]
    inside = whole.filter(pl.col("period").is_between(pl.lit("2025-Q1"), pl.lit("2025-Q4")))
    assert part.height > 0 and part["suppressed"].any()
    assert inside.sort(keys, nulls_last=True).equals(part.sort(keys, nulls_last=True))


@pytest.mark.skipif(
    shutil.which("pdftoppm") is None,
    reason="pdftoppm (poppler-utils) is not installed; .ci/run installs it",
)
def test_the_first_page_renders_with_its_chart(sample, tmp_path):  # type: ignore[no-untyped-def]
    """pdftoppm draws page 1: a white A4 page with the title's black and the spine
    chart's colours on it."""
    from PIL import Image

    code, err, path = sample.report(
        "prison", "--prison", DEMO_DIRECTOR_PRISON, "--period", LAST_QUARTER, "--user", "director"
    )
    assert code == 0, err
    subprocess.run(
        ["pdftoppm", "-r", "50", "-png", "-f", "1", "-l", "1", str(path), str(tmp_path / "page")],
        check=True,
        capture_output=True,
    )
    page = Image.open(next(tmp_path.glob("page*.png"))).convert("RGB")
    width, height = page.size
    assert abs(height / width - 297 / 210) < 0.01
    colours = page.getcolors(maxcolors=width * height)
    white = max(colours)[1]
    assert white == (255, 255, 255)
    # the spine's grey bands and the judgements' blue or orange are drawn
    assert any(abs(r - g) < 8 and abs(g - b) < 8 and 150 < r < 225 for _, (r, g, b) in colours)
    assert any(b > r + 60 or r > b + 60 for _, (r, g, b) in colours)
