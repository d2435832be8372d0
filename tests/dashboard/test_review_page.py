"""The ministry's Review page under AppTest: the queue, one submission, approve, return and
reopen, and the refusals shown as their one sentence. (Who may open it: the page registry,
walked for every role by test_pages and test_hostile_links.)"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from store.review import APPROVED, RETURNED, SUBMITTED
from tests.dashboard.sample_database import sample_database
from tests.dashboard.session_seat import seated_on
from tests.dashboard.test_pages import APP


@pytest.fixture
def review(tmp_path: Path, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("PRISON_MONITOR_DB", sample_database(tmp_path))
    return seated_on(APP, "ministry", "review")


def _state_of(at: AppTest, label: str) -> str:
    from store.db import get_engine
    from store.review import state_of

    code, period = label.split(" ")[:2]
    with get_engine().connect() as conn:
        return state_of(conn, code, period).state


def test_the_queue_and_one_submission_beside_its_last_quarters(review) -> None:
    assert [e.value for e in review.exception] == []
    assert review.title[0].value == "Review"
    assert len(review.dataframe[0].value) > 0  # the queue (a pandas frame under AppTest)
    assert review.selectbox(key="review_item").value
    beside = review.dataframe[1].value
    assert "title" in beside.columns and len(beside) > 0


def test_return_needs_a_comment_then_approve_and_reopen(review) -> None:
    label = review.selectbox(key="review_item").value
    sid = label.split("submission ")[1].rstrip(")")
    review.button(key=f"review_return_{sid}").click().run()
    assert "Say why" in review.error[0].value and _state_of(review, label) == SUBMITTED
    review.text_area(key=f"review_{sid}").input("Receptions look doubled").run()
    review.button(key=f"review_return_{sid}").click().run()
    assert _state_of(review, label) == RETURNED and "returned" in review.success[0].value
    review.segmented_control(key="review_state").set_value(RETURNED).run()
    review.selectbox(key="review_item").set_value(label).run()
    review.button(key=f"review_approve_{sid}").click().run()
    assert _state_of(review, label) == APPROVED
    review.segmented_control(key="review_state").set_value(APPROVED).run()
    review.selectbox(key="review_item").set_value(label).run()
    review.text_area(key=f"review_{sid}").input("A typing error was found").run()
    review.button(key=f"review_reopen_{sid}").click().run()
    assert _state_of(review, label) == SUBMITTED
    assert [e.value for e in review.exception] == []


def test_a_review_rereads_only_the_reviews_not_the_queue(review, monkeypatch) -> None:
    """The queue's entries (every current submission, its report's warnings) are read once
    per data version; a review only puts the new state on them (dashboard.review_data)."""
    import store.review_queue as queue_module

    reads = []
    real = queue_module.queue_entries
    monkeypatch.setattr(queue_module, "queue_entries", lambda e: reads.append(1) or real(e))
    label = review.selectbox(key="review_item").value
    sid = label.split("submission ")[1].rstrip(")")
    review.text_area(key=f"review_{sid}").input("Receptions look doubled").run()
    review.button(key=f"review_return_{sid}").click().run()
    assert _state_of(review, label) == RETURNED
    assert label not in review.selectbox(key="review_item").options  # no longer submitted
    review.segmented_control(key="review_state").set_value(RETURNED).run()
    assert review.selectbox(key="review_item").options == [label]
    assert reads == []  # the entries cached before the review served every run since


def test_the_director_reads_the_return_and_its_comment_on_upload_and_history(
    tmp_path: Path, monkeypatch
) -> None:
    """governance.md §1: a returned prison-quarter comes with a comment the director sees."""
    from store import accounts
    from store.db import get_engine
    from store.review import act
    from store.review_queue import review_queue
    from tests.dashboard.test_pages import ACCOUNTS

    monkeypatch.setenv("PRISON_MONITOR_DB", sample_database(tmp_path))
    director = ACCOUNTS["director"]
    engine = get_engine()
    theirs = [e for e in review_queue(engine) if e["prison_code"] in director.prisons]
    entry = theirs[-1]
    ministry = accounts.get_account(engine, ACCOUNTS["ministry"].name)
    comment = "Receptions look doubled <b>twice</b>"
    act(
        engine,
        ministry,
        "return",
        entry["prison_code"],
        entry["period"],
        submission_id=entry["submission_id"],
        comment=comment,
    )

    upload = seated_on(APP, director.name, "upload")
    [returned] = [w.value for w in upload.warning if "returned" in w.value]
    assert f"{entry['prison_code']} {entry['period']}" in returned
    assert "Receptions look doubled" in returned and "<b>" not in returned  # escaped
    assert "1 prison-quarter to you" in returned
    history = upload.switch_page("views/history.py").run()
    shown = history.dataframe[0].value
    current = shown[(shown["period"] == entry["period"]) & (shown["status"] == "current")]
    current = current[current["prison_code"] == entry["prison_code"]]
    assert current["review_state"].tolist() == ["returned"]
    assert current["comment"].tolist() == [comment]
    assert [e.value for e in history.exception] == []
