"""The director's upload, end to end in a real browser (issue 10, part 5).

Why this exists: the director's first quarter must just work: log in,
download the template from the Upload page, fill in the values, upload it,
see it accepted with no warning, store it, read "stored as version N"; and a
file with one mistake in every row must show that mistake once, with its
rows. AppTest (tests/dashboard/test_upload_journey.py) checks the page's
logic; only a browser shows the template download and the table as drawn.

    .venv/bin/pytest tests/browser/test_director_upload.py -q
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect
from test_browser import (
    SLOW,
    assert_no_exception,
    cli,
    log_in,
    nav,
    upload,
    wait_for_page,
    wait_idle,
)

from data_contracts.contract import load_contract
from sample_data import SUBMISSIONS_DIR

pytestmark = pytest.mark.browser

PRISON = "NM-WFP"  # the demo director's prison
# Before NM-WFP's sample series (and not the quarter test_browser.py stores): no history,
# so no outlier warning, and no earlier version.
PERIOD = "2023-Q2"
UPLOAD = nav("upload")


def own_figures() -> dict[str, str]:
    with open(SUBMISSIONS_DIR / f"{PRISON}_2023-Q4.csv", encoding="utf-8") as fh:
        return {r["data_element"]: r["value"] for r in csv.DictReader(fh)}


def download_template(page: Page, folder: Path) -> Path:
    page.get_by_label("Quarter (YYYY-Qn)").fill(PERIOD)
    page.get_by_label("Quarter (YYYY-Qn)").press("Enter")
    wait_idle(page)
    page.locator('[data-testid="stSelectbox"]').filter(has_text="Format").click()
    page.get_by_role("option", name="csv", exact=True).click()
    # The rerun that rebuilds the button may not have started when wait_idle looks;
    # the caption naming the file is drawn by that rerun.
    expect(page.get_by_text(f"Saves as {PRISON}_{PERIOD}.csv")).to_be_visible(timeout=SLOW)
    wait_idle(page)
    with page.expect_download(timeout=SLOW) as info:
        page.get_by_role("button", name="Download the template").click()
    assert info.value.suggested_filename == f"{PRISON}_{PERIOD}.csv"
    path = folder / info.value.suggested_filename
    info.value.save_as(path)
    return path


def fill_in(template: Path, out: Path, period: str = PERIOD) -> Path:
    """Every value filled in, as a director does in a spreadsheet; the helper columns kept."""
    with open(template, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    header, body = rows[0], rows[1:]
    figures = own_figures()
    for row in body:
        row[header.index("value")] = figures[row[header.index("data_element")]]
        row[header.index("period")] = period
    buffer = io.StringIO()
    csv.writer(buffer).writerows([header, *body])
    out.write_text(buffer.getvalue(), encoding="utf-8")
    return out


def test_director_fills_in_the_template_and_stores_it(
    pm_page: Page, pm_server: Any, screenshots: Path, tmp_path: Path
) -> None:
    contract = load_contract()
    log_in(pm_page, pm_server, "director", "/upload")
    wait_for_page(pm_page, UPLOAD)
    template = download_template(pm_page, tmp_path)
    with open(template, encoding="utf-8-sig", newline="") as fh:
        header = next(csv.reader(fh))
    assert header == [*contract.column_names, *contract.helper_names]

    upload(pm_page, fill_in(template, tmp_path / "willowford.csv"))
    expect(pm_page.get_by_text("meets the contract and can be stored (no warnings)")).to_be_visible(
        timeout=SLOW
    )
    wait_idle(pm_page)
    assert_no_exception(pm_page)
    main = pm_page.locator('[data-testid="stMain"]')
    expect(main.locator('[data-testid="stAlertContentError"]')).to_have_count(0)
    expect(main.locator('[data-testid="stTable"]')).to_have_count(0)
    pm_page.screenshot(path=screenshots / "director-upload-accepted.png", full_page=True)

    store = pm_page.get_by_role("button", name="Store the file")
    expect(store).to_be_enabled()
    store.click()
    expect(pm_page.get_by_text(f"{PRISON} {PERIOD} stored as version 1")).to_be_visible(
        timeout=SLOW
    )
    wait_idle(pm_page)
    assert_no_exception(pm_page)
    pm_page.screenshot(path=screenshots / "director-upload-stored.png", full_page=True)
    history = json.loads(
        cli(pm_server, "history", "--prison", PRISON, "--period", PERIOD, "--json")
    )
    assert [(h["version"], h["status"], h["submitted_by"]) for h in history] == [
        (1, "current", "director")
    ]


def test_director_sees_one_mistake_once_with_its_rows(
    pm_page: Page, pm_server: Any, screenshots: Path, tmp_path: Path
) -> None:
    log_in(pm_page, pm_server, "director", "/upload")
    wait_for_page(pm_page, UPLOAD)
    template = download_template(pm_page, tmp_path)
    upload(pm_page, fill_in(template, tmp_path / "typo.csv", period="Q2-2023"))
    expect(pm_page.get_by_text("was rejected")).to_be_visible(timeout=SLOW)
    wait_idle(pm_page)
    assert_no_exception(pm_page)
    table = pm_page.locator('[data-testid="stTable"]')
    expect(table).to_be_visible()
    rows = len(director_template_codes())
    expect(table.get_by_role("cell", name=f"rows 2–{rows + 1}", exact=True)).to_be_visible()
    message = table.get_by_role("cell").filter(has_text="did you mean '2023-Q2'?")
    expect(message).to_have_count(1)
    expect(pm_page.get_by_role("button", name="Store the file")).to_have_count(0)
    pm_page.screenshot(path=screenshots / "director-upload-grouped.png", full_page=True)


def director_template_codes() -> list[str]:
    """The elements of the demo director's template: core and its prison's modules."""
    from pathlib import Path

    from data_contracts.register import read_register
    from sample_data import DEMO_DIRECTOR_PRISON, REGISTER_FILE

    contract = load_contract()
    prisons, _ = read_register(Path(REGISTER_FILE), contract)
    prison = next(p for p in prisons if p.code == DEMO_DIRECTOR_PRISON)
    return contract.expected_codes(prison.modules)
