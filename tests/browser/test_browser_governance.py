"""The governance pages in a real browser (issue 13): Review and Audit trail for the ministry,
and every page that needs a permission absent or refused for the roles without it.

Why this exists: tests/dashboard runs these pages under AppTest, which draws nothing and
clicks no real button; here chromium opens them as a person would, and every action is
checked again in the server's database (store.review, store.audit_trail), since a success
message alone proves nothing. The access checks walk the page registry: a page added to
dashboard.pages.PAGES with `requires` set (Administration, say) is checked for every role
with no change here. The demo server is shared by the whole session, so counts are read
before and after an action, never assumed.

    .venv/bin/pytest tests/browser/test_browser_governance.py -q
"""

from __future__ import annotations

import csv
import io
import re
import uuid
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Locator, Page, expect
from sqlalchemy import Engine

from dashboard.pages import FAILED, PAGES, PageSpec
from dashboard.pages import page as page_spec
from store import audit
from store.accounts import Account, get_account, list_accounts
from store.audit_trail import AuditFilter, action_family, audit_entries, audit_frame
from store.db import get_engine
from store.governance import refusal
from store.review import (
    APPROVE,
    APPROVED,
    DONE,
    NEEDS_COMMENT,
    REOPEN,
    RETURN,
    RETURNED,
    SUBMITTED,
    act,
    state_of,
)
from store.review_queue import review_queue
from tests.browser.test_browser import (
    SLOW,
    assert_no_exception,
    heading,
    log_in,
    nav,
    nav_links,
    wait_idle,
)
from tests.dashboard.test_pages import ACCOUNTS

pytestmark = pytest.mark.browser

# Every page that needs a permission (Account property): the registry decides, not a list here.
GOVERNED = [spec for spec in PAGES if spec.requires is not None]
REVIEW = page_spec("review")
AUDIT = page_spec("audit")
# What a page of the governed kind draws; a refused page must draw none of it.
WIDGETS = (
    '[data-testid="stMain"] :is([data-testid="stDataFrame"], [data-testid="stDownloadButton"],'
    ' [data-testid="stFileUploader"], [data-testid="stButton"], [data-testid="stSelectbox"],'
    ' [data-testid="stMultiSelect"])'
)
COMMENT_BOX = "Comment (needed to return; the reason, to reopen)"
AUDIT_CAPTION = re.compile(r"^([\d,]+) of ([\d,]+) entries\.$")


# --- the server's store --------------------------------------------------------------------


def store(server: Any) -> Engine:
    return get_engine(server.db_url)


def account(server: Any, name: str) -> Account:
    """The account as the server's store has it now (its prisons, its stamp)."""
    found = get_account(store(server), name)
    assert found is not None, f"no account {name!r} in the demo database"
    return found


def away_from_directors(server: Any, state: str) -> list[dict[str, Any]]:
    """Queue entries in `state` of prisons no director submits for: approving one cannot get
    in the way of another test's director upload (an approved quarter refuses replacing)."""
    engine = store(server)
    theirs = {code for a in list_accounts(engine) if a.role == "director" for code in a.prisons}
    return [e for e in review_queue(engine, state) if e["prison_code"] not in theirs]


def label(entry: dict[str, Any]) -> str:
    """The entry as the "Submission to review" selectbox names it."""
    return f"{entry['prison_code']} {entry['period']} (submission {entry['submission_id']})"


def review_entries(server: Any, since: Any) -> list[tuple[str, str | None, str | None, Any]]:
    """The ministry's review entries since `since`: (action, prison, period, detail)."""
    entries = audit_entries(store(server), AuditFilter(actor="ministry", action="review"))
    return [
        (e["action"], e["prison_code"], e["period"], e["detail"])
        for e in entries
        if e["at"] >= since
    ]


# --- the page --------------------------------------------------------------------------------


def main_text(page: Page) -> str:
    return page.locator('[data-testid="stMain"]').inner_text()


def assert_clean(page: Page) -> None:
    """No exception box, no traceback, no "went wrong" sentence in what the browser shows."""
    assert_no_exception(page)
    text = main_text(page)
    assert "Traceback" not in text, text
    assert FAILED not in text, f"{page.url}: the page failed (see the server's log)"


def frame(page: Page) -> Locator:
    """The page's first st.dataframe, as drawn."""
    return page.locator('[data-testid="stMain"] [data-testid="stDataFrame"]').first


def grid(page: Page) -> Locator:
    """Its accessible table: the grid draws on a canvas, and this table (hidden from sight,
    read by screen readers) names its size and holds the rows in view."""
    return frame(page).locator('table[role="grid"]')


def expect_rows(page: Page, rows: int) -> None:
    expect(frame(page)).to_be_visible(timeout=SLOW)
    expect(frame(page).locator("canvas").first).to_be_visible()
    expect(grid(page)).to_have_attribute("aria-rowcount", str(rows + 1))  # + the header row


def queue_caption(page: Page, state: str) -> Locator:
    return page.get_by_text(re.compile(rf"^[\d,]+ prison-quarters? {state}\. Approving says"))


def queue_count(page: Page, state: str) -> int:
    caption = queue_caption(page, state)
    expect(caption).to_be_visible(timeout=SLOW)
    return int(caption.inner_text().split(" ", 1)[0].replace(",", ""))


def expect_queue_count(page: Page, state: str, count: int) -> None:
    expect(
        page.get_by_text(re.compile(rf"^{count:,} prison-quarters? {state}\. Approving says"))
    ).to_be_visible(timeout=SLOW)
    wait_idle(page)


def choose_submission(page: Page, entry: dict[str, Any]) -> None:
    box = page.get_by_role("combobox", name="Submission to review", exact=True)
    box.click()
    box.fill(label(entry))
    page.get_by_role("option", name=label(entry), exact=True).click()
    expect(page.locator('[data-testid="stMain"] h3').first).to_have_text(
        f"{entry['prison_code']} {entry['period']}: version {entry['version']}, {entry['state']}",
        timeout=SLOW,
    )
    wait_idle(page)


def not_offered(page: Page, entry: dict[str, Any]) -> None:
    """The selectbox no longer lists `entry` (it left the queue shown)."""
    box = page.get_by_role("combobox", name="Submission to review", exact=True)
    box.click()
    box.fill(label(entry))
    expect(page.get_by_role("option", name=label(entry), exact=True)).to_have_count(0)
    box.press("Escape")
    wait_idle(page)


def press(page: Page, button: str, comment: str) -> None:
    page.get_by_label(COMMENT_BOX).fill(comment)
    page.get_by_role("button", name=button, exact=True).click()


def expect_done(page: Page, entry: dict[str, Any], action: str) -> None:
    done = f"{entry['prison_code']} {entry['period']}: {DONE[action]}."
    expect(page.locator('[data-testid="stAlert"]').get_by_text(done, exact=True)).to_be_visible(
        timeout=SLOW
    )
    wait_idle(page)
    assert_clean(page)


def pick(page: Page, multiselect: str, option: str) -> None:
    page.get_by_role("combobox", name=multiselect, exact=True).click()
    page.get_by_role("option", name=option, exact=True).click()
    page.keyboard.press("Escape")


def options(page: Page, multiselect: str) -> list[str]:
    """What a multiselect offers (without Streamlit's own "Select all")."""
    page.get_by_role("combobox", name=multiselect, exact=True).click()
    listbox = page.get_by_role("listbox")
    expect(listbox).to_be_visible()
    offered = [o.strip() for o in listbox.get_by_role("option").all_inner_texts()]
    page.keyboard.press("Escape")
    expect(listbox).to_have_count(0)
    return [o for o in offered if o != "Select all"]


def expect_audit_caption(page: Page, shown: int, total: int) -> None:
    expect(page.get_by_text(f"{shown:,} of {total:,} entries.", exact=True)).to_be_visible(
        timeout=SLOW
    )
    wait_idle(page)


def audit_caption(page: Page) -> tuple[int, int]:
    caption = page.get_by_text(AUDIT_CAPTION)
    expect(caption).to_be_visible(timeout=SLOW)
    found = AUDIT_CAPTION.match(caption.inner_text().strip())
    assert found, caption.inner_text()
    return int(found[1].replace(",", "")), int(found[2].replace(",", ""))


def download_csv(page: Page) -> list[dict[str, str]]:
    """The rows of the page's CSV export (the `#` context lines dropped)."""
    button = page.locator('[data-testid="stDownloadButton"]').get_by_role("button", name="CSV")
    with page.expect_download(timeout=SLOW) as info:
        button.click()
    assert info.value.suggested_filename == "audit-trail.csv"
    text = Path(info.value.path()).read_text("utf-8-sig")
    table = "\n".join(line for line in text.splitlines() if not line.startswith("#"))
    return list(csv.DictReader(io.StringIO(table)))


def as_rows(entries: list[dict[str, Any]]) -> list[tuple[str, str, str, str, str]]:
    """Entries as the CSV writes them: (actor, action, prison, period, detail), empty: null."""
    frame = audit_frame(entries)
    return [
        (r["actor"], r["action"], r["prison_code"] or "", r["period"] or "", r["detail"] or "")
        for r in frame.iter_rows(named=True)
    ]


def csv_rows(rows: list[dict[str, str]]) -> list[tuple[str, str, str, str, str]]:
    return [(r["actor"], r["action"], r["prison_code"], r["period"], r["detail"]) for r in rows]


# --- 1. the ministry reviews -----------------------------------------------------------------


def test_ministry_returns_approves_and_reopens_on_the_review_page(
    pm_page: Page, pm_server: Any, screenshots: Path
) -> None:
    started = audit.now()
    candidates = away_from_directors(pm_server, SUBMITTED)
    assert len(candidates) >= 2, "the demo has too few submitted prison-quarters to review"
    returned, approved = candidates[-1], candidates[-2]  # two of the newest quarters
    token = uuid.uuid4().hex[:8]
    comment, reason = f"Check the population figure ({token})", f"Figures disputed ({token})"

    log_in(pm_page, pm_server, "ministry", f"/{REVIEW.name}")
    expect(heading(pm_page)).to_have_text(nav(REVIEW.name).heading, timeout=SLOW)
    wait_idle(pm_page)
    assert_clean(pm_page)
    before = queue_count(pm_page, SUBMITTED)
    assert before == len(review_queue(store(pm_server), SUBMITTED))
    expect_rows(pm_page, before)
    pm_page.screenshot(path=screenshots / "governance-ministry-review.png", full_page=True)

    # Returning needs a comment: without one, the rule's sentence and nothing changed.
    choose_submission(pm_page, returned)
    press(pm_page, "Return for correction", "")
    sentence = str(refusal("review.comment", what=NEEDS_COMMENT[RETURN]))
    expect(
        pm_page.locator('[data-testid="stAlert"]').get_by_text(sentence, exact=True)
    ).to_be_visible(timeout=SLOW)
    wait_idle(pm_page)
    assert_clean(pm_page)
    pm_page.screenshot(path=screenshots / "governance-ministry-review-refused.png", full_page=True)
    with store(pm_server).connect() as conn:
        assert state_of(conn, returned["prison_code"], returned["period"]).state == SUBMITTED
    assert queue_count(pm_page, SUBMITTED) == before

    # With the comment: returned, and out of the submitted queue.
    press(pm_page, "Return for correction", comment)
    expect_done(pm_page, returned, RETURN)
    expect_queue_count(pm_page, SUBMITTED, before - 1)
    expect_rows(pm_page, before - 1)
    not_offered(pm_page, returned)
    with store(pm_server).connect() as conn:
        now = state_of(conn, returned["prison_code"], returned["period"])
    assert (now.state, now.by, now.comment) == (RETURNED, "ministry", comment)

    # Approve another: approved, and in the approved queue.
    choose_submission(pm_page, approved)
    press(pm_page, "Approve", "")
    expect_done(pm_page, approved, APPROVE)
    expect_queue_count(pm_page, SUBMITTED, before - 2)
    with store(pm_server).connect() as conn:
        now = state_of(conn, approved["prison_code"], approved["period"])
    assert (now.state, now.by) == (APPROVED, "ministry")

    pm_page.get_by_role("radio", name=APPROVED, exact=True).click()
    in_approved = len(review_queue(store(pm_server), APPROVED))
    expect_queue_count(pm_page, APPROVED, in_approved)
    expect_rows(pm_page, in_approved)
    choose_submission(pm_page, {**approved, "state": APPROVED})
    pm_page.screenshot(path=screenshots / "governance-ministry-review-approved.png", full_page=True)
    # An approved quarter offers Reopen only.
    expect(pm_page.get_by_role("button", name="Approve", exact=True)).to_have_count(0)
    expect(pm_page.get_by_role("button", name="Return for correction", exact=True)).to_have_count(0)

    # Reopen it with a reason: submitted again.
    press(pm_page, "Reopen", reason)
    expect_done(pm_page, approved, REOPEN)
    expect_queue_count(pm_page, APPROVED, in_approved - 1)
    with store(pm_server).connect() as conn:
        now = state_of(conn, approved["prison_code"], approved["period"])
    assert (now.state, now.comment) == (SUBMITTED, reason)

    # The audit trail holds each step, the refusal too, as the ministry, with its words.
    assert review_entries(pm_server, started) == [
        (
            "review.return.refused",
            returned["prison_code"],
            returned["period"],
            {"rule": "review.comment", "reason": sentence},
        ),
        (
            "review.return",
            returned["prison_code"],
            returned["period"],
            {"submission_id": returned["submission_id"], "comment": comment},
        ),
        (
            "review.approve",
            approved["prison_code"],
            approved["period"],
            {"submission_id": approved["submission_id"]},
        ),
        (
            "review.reopen",
            approved["prison_code"],
            approved["period"],
            {"submission_id": approved["submission_id"], "reason": reason},
        ),
    ]


# --- 2. the ministry reads the audit trail ---------------------------------------------------


def test_ministry_filters_and_exports_the_audit_trail(
    pm_page: Page, pm_server: Any, screenshots: Path
) -> None:
    # An entry of this test's own, made through the core as the ministry would.
    engine = store(pm_server)
    (entry, *_) = away_from_directors(pm_server, SUBMITTED)
    comment = f"Audit page check {uuid.uuid4().hex[:8]}"
    act(
        engine,
        account(pm_server, "ministry"),
        RETURN,
        entry["prison_code"],
        entry["period"],
        submission_id=entry["submission_id"],
        comment=comment,
    )

    log_in(pm_page, pm_server, "ministry", f"/{AUDIT.name}")
    expect(heading(pm_page)).to_have_text(nav(AUDIT.name).heading, timeout=SLOW)
    wait_idle(pm_page)
    assert_clean(pm_page)
    everything = audit_entries(engine)  # the ministry sees every entry
    shown, total = audit_caption(pm_page)
    assert (shown, total) == (len(everything), len(everything))
    expect_rows(pm_page, total)
    pm_page.screenshot(path=screenshots / "governance-ministry-audit.png", full_page=True)

    # Narrowed to review actions: fewer shown, of the same total.
    families = sorted({action_family(e["action"]) for e in everything})
    assert options(pm_page, "Action") == families
    pick(pm_page, "Action", "review")
    reviews = [e for e in everything if action_family(e["action"]) == "review"]
    assert 0 < len(reviews) < total
    expect_audit_caption(pm_page, len(reviews), total)
    expect_rows(pm_page, len(reviews))

    # And to the prison of this test's entry: few enough rows that it is in view.
    pick(pm_page, "Prison", entry["prison_code"])
    mine = [e for e in reviews if e["prison_code"] == entry["prison_code"]]
    expect_audit_caption(pm_page, len(mine), total)
    expect_rows(pm_page, len(mine))
    cells = grid(pm_page).locator('[role="gridcell"]')  # hidden: not found by role
    expect(cells.filter(has_text=f"comment: {comment}")).to_have_count(1)
    pm_page.screenshot(path=screenshots / "governance-ministry-audit-filtered.png", full_page=True)

    # The CSV holds exactly the entries shown.
    rows = download_csv(pm_page)
    assert csv_rows(rows) == as_rows(mine)
    ours = [r for r in rows if comment in r["detail"]]
    assert [(r["actor"], r["action"], r["prison_code"], r["period"]) for r in ours] == [
        ("ministry", "review.return", entry["prison_code"], entry["period"])
    ]
    assert_clean(pm_page)


# --- 3. the other roles ----------------------------------------------------------------------


@pytest.mark.parametrize("spec", GOVERNED, ids=lambda s: s.name)
@pytest.mark.parametrize("role", list(ACCOUNTS))
def test_a_governed_page_opens_only_for_whom_it_is(
    pm_page: Page, pm_server: Any, screenshots: Path, role: str, spec: PageSpec
) -> None:
    """In the menu and open where the account has the page's permission; elsewhere absent
    from the menu, and its URL says whom the page is for, with none of its widgets."""
    reader = account(pm_server, role)
    assert reader.role == ACCOUNTS[role].role
    log_in(pm_page, pm_server, role, f"/{spec.name}")
    allowed = spec.opens_for(reader)
    if allowed:
        expect(heading(pm_page)).to_have_text(nav(spec.name).heading, timeout=SLOW)
    else:
        expect(pm_page.get_by_text(spec.refusal(reader), exact=True)).to_be_visible(timeout=SLOW)
        expect(heading(pm_page)).to_have_text(spec.title)
    wait_idle(pm_page)
    assert_clean(pm_page)
    pm_page.screenshot(path=screenshots / f"governance-{role}-{spec.name}.png", full_page=True)
    assert (spec.title in nav_links(pm_page)) == allowed, nav_links(pm_page)
    if allowed:
        assert spec.refusal(reader) not in main_text(pm_page)
    else:
        expect(pm_page.locator(WIDGETS)).to_have_count(0)


def test_director_sees_only_their_prisons_and_their_own_actions_in_the_audit_trail(
    pm_page: Page, pm_server: Any, screenshots: Path
) -> None:
    director = account(pm_server, "director")
    assert AUDIT.opens_for(director) and director.prisons
    engine = store(pm_server)
    # Something about a prison not theirs, so there is something to leave out.
    other = away_from_directors(pm_server, SUBMITTED)[0]
    act(
        engine,
        account(pm_server, "ministry"),
        RETURN,
        other["prison_code"],
        other["period"],
        submission_id=other["submission_id"],
        comment=f"Not the director's business {uuid.uuid4().hex[:8]}",
    )

    log_in(pm_page, pm_server, "director", f"/{AUDIT.name}")
    expect(heading(pm_page)).to_have_text(nav(AUDIT.name).heading, timeout=SLOW)
    wait_idle(pm_page)
    assert_clean(pm_page)
    everything = audit_entries(engine)
    theirs = [
        e for e in everything if director.sees_audit_entry(e["prison_code"], e["actor"], None)
    ]
    assert theirs == audit_entries(engine, account=director)
    # Both halves of the rule are exercised: entries about their prisons by others (the
    # sample's loading) and their own actions about no prison (their log-ins).
    assert any(e["actor"] != director.name for e in theirs)
    assert any(e["actor"] == director.name and e["prison_code"] is None for e in theirs)
    assert len(theirs) < len(everything)
    expect_audit_caption(pm_page, len(theirs), len(theirs))
    expect_rows(pm_page, len(theirs))
    expect(
        pm_page.get_by_text("You see the entries about your prisons and your own actions.")
    ).to_be_visible()
    pm_page.screenshot(path=screenshots / "governance-director-audit.png", full_page=True)

    assert set(options(pm_page, "Prison")) <= director.prisons
    assert options(pm_page, "Who") == sorted({e["actor"] for e in theirs})
    rows = download_csv(pm_page)
    assert csv_rows(rows) == as_rows(theirs)
    for row in rows:
        assert director.sees_audit_entry(row["prison_code"] or None, row["actor"], None), row
    assert other["prison_code"] not in {r["prison_code"] for r in rows}
    assert_clean(pm_page)
