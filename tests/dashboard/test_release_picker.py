"""The release picker (governance.md §3): evaluators start on the newest release, the
ministry and directors on the latest data; a release's figures stay as they were after more
is stored, and the provenance names the release."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from tests.dashboard.sample_database import sample_database
from tests.dashboard.session_seat import seat
from tests.dashboard.test_pages import APP

RELEASE = "2026-Q3 bulletin"


def _released(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from store.accounts import get_account
    from store.db import get_engine
    from store.releases import create_release

    monkeypatch.setenv("PRISON_MONITOR_DB", sample_database(tmp_path))
    engine = get_engine()
    create_release(engine, get_account(engine, "ministry"), RELEASE)


def _overview(user: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    seat(at, user)
    at.run()
    assert [e.value for e in at.exception] == []
    return at


def test_who_starts_on_which_figures(tmp_path, monkeypatch) -> None:
    from dashboard.data import RELEASE_STATE
    from dashboard.filters import LATEST_DATA

    _released(tmp_path, monkeypatch)
    for user, figures in (("evaluator", RELEASE), ("ministry", LATEST_DATA)):
        at = _overview(user)
        picker = at.selectbox(key="f_release")
        assert picker.value == figures
        assert at.session_state[RELEASE_STATE] == (None if figures == LATEST_DATA else RELEASE)
    picker.set_value(RELEASE).run()
    assert at.session_state[RELEASE_STATE] == RELEASE
    assert at.query_params["release"] in (RELEASE, [RELEASE])


def test_a_release_stays_as_it_was_after_more_is_stored(tmp_path, monkeypatch) -> None:
    from indicators.compute import indicator_values
    from store.db import get_engine
    from store.prisons import list_prisons
    from store.read import current_values
    from store.vintage import resolve

    _released(tmp_path, monkeypatch)
    engine = get_engine()
    vintage = resolve(engine, RELEASE)
    before = indicator_values(current_values(engine, vintage=vintage), list_prisons(engine))
    # a newer version of one prison-quarter, with other figures
    from store.accounts import get_account
    from store.submissions import ingest_files
    from tests.submission_files import csv_text, good_rows

    code = list_prisons(engine)[0].code
    path = tmp_path / "new.csv"
    path.write_text(csv_text(good_rows(code, "2026-Q3", ost_received="1")))
    [done] = ingest_files(
        engine, [(path, path.name)], get_account(engine, "ministry"), replace=True, reason="fix"
    )
    assert done.stored
    after = indicator_values(current_values(engine, vintage=vintage), list_prisons(engine))
    assert after.equals(before)
    latest = indicator_values(current_values(engine), list_prisons(engine))
    assert not latest.equals(before)
    from dashboard import data

    key = (f"{data.database_url()}|setup{data.RELEASE_MARK}{RELEASE}", 1, 1)
    assert data._vintage_of(key).release.name == RELEASE
    assert data._vintage_of(("plain", 1, 1)).latest
