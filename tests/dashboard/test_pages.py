"""Every page under AppTest, for each role; log-in, filters, uploads, replacement, exports."""

from __future__ import annotations

from pathlib import Path

import pytest
from pages_by_slug import page as page_spec
from streamlit.testing.v1 import AppTest

from dashboard import auth
from dashboard.pages import PAGES as REGISTRY
from store.accounts import Account
from tests.dashboard.sample_database import sample_database
from tests.dashboard.session_seat import seat

APP = str(Path(__file__).resolve().parents[2] / "dashboard" / "app.py")
PAGES = [spec.name for spec in REGISTRY]  # the page registry's slugs
ACCOUNTS = {
    "ministry": Account("ministry", "ministry"),
    "director": Account("director", "director", frozenset({"NM-WFP"})),
    "evaluator": Account("evaluator", "evaluator"),
}


@pytest.fixture(scope="module")
def sample_db(tmp_path_factory) -> str:
    """A database with the sample data (init --sample), shared by this module's tests."""
    return sample_database(tmp_path_factory.mktemp("dash"))


@pytest.fixture
def app(sample_db, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("PRISON_MONITOR_DB", sample_db)

    def make(role: str | None) -> AppTest:
        at = AppTest.from_file(APP, default_timeout=120)
        if role is not None:
            seat(at, ACCOUNTS[role].name)
        return at.run()

    return make


def no_exception(at: AppTest) -> None:
    assert [e.value for e in at.exception] == []


@pytest.mark.parametrize("role", list(ACCOUNTS))
@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_for_every_role(app, role, page) -> None:
    at = app(role)
    no_exception(at)
    if not page_spec(page).opens_for(ACCOUNTS[role]):
        with pytest.raises(ValueError):
            at.switch_page(f"views/{page}.py")
        return
    at.switch_page(f"views/{page}.py").run()
    no_exception(at)
    assert at.title, f"{page} shows no title"


def test_log_in_with_the_form(app) -> None:
    at = app(None)
    assert at.text_input[0].label == "Username"
    assert at.text_input[1].label == "Password"
    at.text_input[0].input("ministry")
    at.text_input[1].input("wrong")
    at.button[0].click().run()
    assert "wrong password" in at.error[0].value
    at.text_input[1].input("demo")
    at.button[0].click().run()  # logs in, sends the browser to the cookie route and stops
    at.run()  # a browser would load the page anew; AppTest stays on it: run once more
    no_exception(at)
    assert at.session_state[auth.NAME_KEY] == "ministry"
    assert at.title[0].value == "Overview"


def test_filter_change_goes_into_the_url(app) -> None:
    at = app("ministry")
    at.switch_page("views/compare.py").run()
    at.selectbox(key="f_ind").set_value("continuity_of_care").run()
    no_exception(at)
    assert at.query_params["ind"] in ("continuity_of_care", ["continuity_of_care"])
    assert "Continuity of care" in at.title[0].value


def test_director_sees_own_prison_and_suppressed_others(sample_db, monkeypatch) -> None:
    monkeypatch.setenv("PRISON_MONITOR_DB", sample_db)
    import polars as pl

    from dashboard import data

    director = data.indicator_table(ACCOUNTS["director"])
    evaluator = data.indicator_table(ACCOUNTS["evaluator"])
    own = director.filter(pl.col("prison_code") == "NM-WFP")
    assert not own["suppressed"].any()
    assert evaluator["suppressed"].any()
    small = evaluator.filter((pl.col("level") == "prison") & pl.col("numerator").is_between(1, 4))
    assert small.height == 0, "no published prison figure about 1-4 persons"


def _upload(at: AppTest, name: str, content: bytes) -> AppTest:
    at.switch_page("views/upload.py").run()
    at.file_uploader[0].set_value((name, content, "text/csv")).run()
    no_exception(at)
    return at


def _valid_new_file() -> bytes:
    from sample_data import INVALID_DIR

    text = (INVALID_DIR / "value.negative.csv").read_text(encoding="utf-8")
    fixed = text.replace("overdose_nonfatal,-1", "overdose_nonfatal,1")
    assert fixed != text
    return fixed.encode()


def test_rejected_upload_shows_what_to_fix(app) -> None:
    from sample_data import INVALID_DIR

    at = _upload(app("director"), "bad.csv", (INVALID_DIR / "value.negative.csv").read_bytes())
    assert "was rejected" in at.error[0].value
    table = at.table[0].value
    assert "value.negative" in table["rule"].to_list()
    assert not [b for b in at.button if b.label == "Store the file"]


def test_accepted_upload_then_replacement_needs_confirmation(app) -> None:
    at = _upload(app("director"), "wfp-2023-Q3.csv", _valid_new_file())
    assert "meets the contract" in at.success[0].value
    store = next(b for b in at.button if b.label == "Store the file")
    assert not store.disabled
    store.click().run()
    no_exception(at)
    assert "stored as version 1" in at.success[0].value
    # the same quarter again: a replacement, which must be confirmed
    again = _upload(
        app("director"), "wfp-2023-Q3-v2.csv", _valid_new_file().replace(b"NM-WFP", b"NM-WFP")
    )
    assert any("would replace" in w.value for w in again.warning)
    store = next(b for b in again.button if b.label == "Store the file")
    assert store.disabled
    again.checkbox(key="ack_replace").check().run()
    store = next(b for b in again.button if b.label == "Store the file")
    assert not store.disabled
    store.click().run()
    no_exception(again)
    assert "stored as version 2" in again.success[0].value
    at.switch_page("views/history.py").run()
    history = at.dataframe[0].value
    assert list(history.columns[:4]) == ["prison_code", "period", "version", "status"]
    versions = history[history["period"] == "2023-Q3"]
    assert sorted(versions["status"].to_list()) == ["current", "superseded"]


def test_director_cannot_store_another_prisons_file(app) -> None:
    from sample_data import INVALID_DIR

    at = _upload(app("director"), "authz.csv", (INVALID_DIR / "authz.prison.csv").read_bytes())
    assert any("may not submit" in e.value for e in at.error)
    assert not [b for b in at.button if b.label == "Store the file"]


def test_exports_carry_provenance_and_are_formula_safe(sample_db, monkeypatch) -> None:
    import plotly.graph_objects as go
    import polars as pl

    from dashboard import exports
    from dashboard.images import with_footer

    frame = pl.DataFrame({"prison_code": ["=HYPERLINK(1)", "NM-WFP"], "value": [1.0, 2.0]})
    text = exports.csv_bytes(frame).decode()
    assert "'=HYPERLINK(1)" in text
    fig = go.Figure(go.Bar(x=["a"], y=[1]))
    fig.update_layout(title="T")
    footer = ["T", "Filters: ind=ost_coverage", "Data as of x", "Source: prison-monitor"]
    footed = with_footer(fig, footer)
    note = footed.layout.annotations[-1].text
    assert "Filters: ind=ost_coverage" in note and "Source: prison-monitor" in note
