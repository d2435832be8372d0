"""The "Report (PDF)" buttons (reports.md §2): pressed in a real browser, with progress,
they give the same figures as `prison-monitor report` for that person."""

from __future__ import annotations

import io
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path
from typing import Any

import polars as pl
from playwright.sync_api import Page, expect

from cli.main import main
from sample_data import DEMO_DIRECTOR_PRISON, LAST_QUARTER
from tests.browser.test_browser import SLOW, assert_no_exception, log_in, nav, wait_for_page
from tests.reports.test_prison_report import assert_rows_in_order, expected_rows, squash, table_part

REPORT_WAIT = 120_000  # ms: a bulletin of the sample's prisons takes some seconds


def indicator_table(server: Any, user: str, folder: Path) -> pl.DataFrame:
    target = folder / f"indicators-{user}.csv"
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(["--db", server.db_url, "indicators", "--user", user, "--output", str(target)])
    assert code == 0, err.getvalue()
    return pl.read_csv(target, infer_schema_length=None)


def press_report(page: Page, file_name: str) -> Path:
    page.get_by_role("button", name="Report (PDF)").click()
    download_button = page.locator('[data-testid="stDownloadButton"]').get_by_role(
        "button", name=f"Download {file_name}"
    )
    expect(download_button).to_be_visible(timeout=REPORT_WAIT)
    with page.expect_download(timeout=SLOW) as info:
        download_button.click()
    download = info.value
    assert download.suggested_filename == file_name
    return Path(download.path())


def pdf_text(path: Path) -> str:
    from pypdf import PdfReader

    return "\n".join(p.extract_text() or "" for p in PdfReader(path).pages)


def test_a_director_downloads_their_prison_profile(  # type: ignore[no-untyped-def]
    pm_page: Page, pm_server: Any, screenshots: Path, tmp_path: Path
) -> None:
    log_in(pm_page, pm_server, "director", "/profile")
    wait_for_page(pm_page, nav("profile"))
    path = press_report(pm_page, f"profile-{DEMO_DIRECTOR_PRISON}-{LAST_QUARTER}.pdf")
    pm_page.screenshot(path=str(screenshots / "report-button-profile.png"))
    assert path.read_bytes()[:5] == b"%PDF-"
    text = pdf_text(path)
    rows = expected_rows(
        indicator_table(pm_server, "director", tmp_path), DEMO_DIRECTOR_PRISON, LAST_QUARTER
    )
    assert_rows_in_order(table_part(text), rows)
    assert "director, as director" in text
    assert_no_exception(pm_page)


def test_the_ministry_downloads_the_bulletin_of_what_it_compares(  # type: ignore[no-untyped-def]
    pm_page: Page, pm_server: Any
) -> None:
    log_in(pm_page, pm_server, "ministry", "/compare")
    wait_for_page(pm_page, nav("compare"))
    button = pm_page.get_by_role("button", name="Report (PDF)")
    expect(button).to_be_visible(timeout=SLOW)
    pm_page.get_by_role("button", name="Report (PDF)").click()
    progress = pm_page.locator('[data-testid="stProgress"]')
    expect(progress).to_be_visible(timeout=SLOW)  # the progress bar while it is made
    download_button = pm_page.locator('[data-testid="stDownloadButton"]').get_by_role(
        "button", name="Download bulletin-"
    )
    expect(download_button).to_be_visible(timeout=REPORT_WAIT)
    with pm_page.expect_download(timeout=SLOW) as info:
        download_button.click()
    path = Path(info.value.path())
    text = pdf_text(path)
    assert "bulletin" in text and "Contents" in text and "Prisons needing attention" in text
    assert squash("ministry, as ministry") in squash(text)
    assert_no_exception(pm_page)
