"""The Audit trail and Data completeness pages under AppTest: the ministry sees every entry,
a director those about their prison and their own actions; filters narrow the table; the
completeness page lists the elements a partial prison-quarter lacks."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.dashboard.sample_database import sample_database
from tests.dashboard.session_seat import seat
from tests.dashboard.test_pages import APP


def _page(tmp_path: Path, monkeypatch, user: str, view: str) -> AppTest:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("PRISON_MONITOR_DB", sample_database(tmp_path))
    at = AppTest.from_file(APP, default_timeout=120)
    seat(at, user)
    at.run()
    at.switch_page(f"views/{view}.py").run()
    assert [e.value for e in at.exception] == []
    return at


def test_the_ministry_sees_every_entry_and_filters_them(tmp_path, monkeypatch) -> None:
    from store.audit_trail import audit_entries
    from store.db import get_engine

    at = _page(tmp_path, monkeypatch, "ministry", "audit")
    assert at.title[0].value == "Audit trail"
    table = at.dataframe[0].value  # a pandas frame under AppTest
    assert len(table) == len(audit_entries(get_engine()))
    assert list(table.columns) == ["at", "actor", "action", "prison_code", "period", "detail"]
    [actions] = [m for m in at.multiselect if m.label == "Action"]
    actions.set_value(["submission"]).run()
    narrowed = at.dataframe[0].value
    assert 0 < len(narrowed) < len(table)
    assert set(a.split(".")[0] for a in narrowed["action"]) == {"submission"}


def test_a_director_sees_their_prison_and_their_own_actions(tmp_path, monkeypatch) -> None:
    from sample_data import DEMO_DIRECTOR_PRISON

    at = _page(tmp_path, monkeypatch, "director", "audit")
    table = at.dataframe[0].value
    assert len(table) > 0
    prisons = set(table["prison_code"].dropna())
    assert prisons <= {DEMO_DIRECTOR_PRISON}
    assert all(
        p == DEMO_DIRECTOR_PRISON or a == "director"
        for p, a in zip(table["prison_code"], table["actor"], strict=True)
    )


def test_an_evaluator_has_no_audit_page(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("PRISON_MONITOR_DB", sample_database(tmp_path))
    at = AppTest.from_file(APP, default_timeout=120)
    seat(at, "evaluator")
    at.run()
    with pytest.raises(ValueError):
        at.switch_page("views/audit.py")


def test_completeness_names_the_missing_elements(tmp_path, monkeypatch) -> None:
    at = _page(tmp_path, monkeypatch, "ministry", "completeness")
    [detail] = [s for s in at.selectbox if s.label == "Prison and quarter"]
    assert detail.value
    text = " ".join(m.value for m in at.markdown)
    assert "expected element" in text and "not reported" in text
