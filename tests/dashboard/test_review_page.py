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
