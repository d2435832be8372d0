"""The ministry's Administration page under AppTest (governance.md §5): accounts added,
changed, refused by the password and role rules, disabled and enabled; a register file
previewed field by field, applied from a chosen quarter, and refused with its problems.
(Who may open it: the page registry, walked for every role by test_pages.)"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from dashboard.admin_data import NEW_ACCOUNT, field_key
from dashboard.markup import text
from sample_data import REGISTER_FILE
from store import accounts
from store.db import get_engine
from store.passwords import MIN_PASSWORD_LENGTH
from store.prisons import default_effective_from, effective_from_choices, list_prisons
from store.schema import audit_log, register_history
from tests.dashboard.sample_database import sample_database
from tests.dashboard.session_seat import seated_on
from tests.dashboard.test_pages import APP

GOOD_PASSWORD = "a long passphrase for testing"
assert len(GOOD_PASSWORD) >= MIN_PASSWORD_LENGTH


@pytest.fixture
def admin(tmp_path: Path, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("PRISON_MONITOR_DB", sample_database(tmp_path))
    return seated_on(APP, "ministry", "administration")


def no_exception(at: AppTest) -> None:
    assert [e.value for e in at.exception] == []


def field(name: str, chosen: str) -> str:
    """The key of one of the account form's fields for the account chosen."""
    return field_key(name, chosen)


def button(at: AppTest, label: str):  # type: ignore[no-untyped-def]
    return next(b for b in at.button if b.label == label)


def audited(action: str, subject: str) -> list[dict]:  # type: ignore[type-arg]
    with get_engine().connect() as conn:
        query = select(audit_log).where(audit_log.c.action == action)
        return [dict(r) for r in conn.execute(query).mappings() if subject in str(dict(r))]


def test_the_accounts_table_is_the_stores(admin) -> None:
    no_exception(admin)
    assert admin.title[0].value == "Administration"
    shown = admin.dataframe[0].value  # a pandas frame under AppTest
    stored = accounts.account_rows(get_engine())
    assert list(shown["name"]) == [r["name"] for r in stored]
    assert list(shown["role"]) == [r["role"] for r in stored]


def test_add_a_director_then_change_disable_and_enable(admin) -> None:
    chosen = NEW_ACCOUNT
    admin.selectbox(key="admin_account").set_value(chosen).run()
    admin.text_input(key=field("name", chosen)).input("new.director")
    admin.selectbox(key=field("role", chosen)).set_value("director")
    admin.multiselect(key=field("prisons", chosen)).set_value(["NM-WFP"])
    admin.text_input(key=field("password", chosen)).input(GOOD_PASSWORD)
    button(admin, "Add the account").click().run()
    no_exception(admin)
    assert text("Added director new.director for NM-WFP") in admin.success[0].value
    made = accounts.get_account(get_engine(), "new.director")
    assert made is not None and made.role == "director" and made.prisons == {"NM-WFP"}
    assert audited("account.add", "new.director")[0]["actor"] == "ministry"

    chosen = "new.director"
    admin.selectbox(key="admin_account").set_value(chosen).run()
    assert admin.text_input(key=field("password", chosen)).value == ""
    admin.multiselect(key=field("prisons", chosen)).set_value(["NM-WFP", "NM-ASP"])
    button(admin, "Save the changes").click().run()
    no_exception(admin)
    assert accounts.get_account(get_engine(), "new.director").prisons == {"NM-WFP", "NM-ASP"}

    button(admin, "Disable the account").click().run()
    assert text("Disabled new.director") in admin.success[0].value
    assert accounts.get_account(get_engine(), "new.director").disabled
    button(admin, "Enable the account").click().run()
    assert not accounts.get_account(get_engine(), "new.director").disabled
    assert audited("account.disable", "new.director") and audited("account.enable", "new.director")


def test_the_cores_rules_refuse_with_their_sentence_and_store_nothing(admin) -> None:
    chosen = NEW_ACCOUNT
    admin.selectbox(key="admin_account").set_value(chosen).run()
    admin.text_input(key=field("name", chosen)).input("weak")
    admin.text_input(key=field("password", chosen)).input("short")
    button(admin, "Add the account").click().run()
    no_exception(admin)
    assert str(MIN_PASSWORD_LENGTH) in admin.error[0].value
    assert accounts.get_account(get_engine(), "weak") is None

    chosen = "evaluator"
    admin.selectbox(key="admin_account").set_value(chosen).run()
    assert admin.text_input(key=field("password", chosen)).value == ""  # not the one typed
    admin.multiselect(key=field("prisons", chosen)).set_value(["NM-WFP"])  # directors only
    button(admin, "Save the changes").click().run()
    assert "Only directors" in admin.error[0].value
    assert accounts.get_account(get_engine(), "evaluator").prisons == frozenset()


def test_a_ministry_account_demoted_meanwhile_changes_nothing(admin) -> None:
    # Someone else demotes this ministry account after the page was drawn: the click stores
    # nothing and the session ends (dashboard.data._still_current).
    accounts.save_account(get_engine(), "backup", "ministry", actor="test")
    accounts.save_account(get_engine(), "ministry", "evaluator", actor="backup")
    admin.selectbox(key="admin_account").set_value("evaluator").run()
    assert accounts.get_account(get_engine(), "evaluator").role == "evaluator"
    assert not admin.title or admin.title[0].value != "Administration"  # logged out


def register_text(**changes: dict[str, str]) -> tuple[str, list[dict[str, str]]]:
    """The sample register with some prisons' fields changed (code -> field -> value)."""
    with open(REGISTER_FILE, encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    for row in rows:
        row.update(changes.get(row["prison_code"], {}))
    return rows


def as_csv(rows: list[dict[str, str]]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def _register_tab(admin: AppTest, content: bytes) -> AppTest:
    admin.file_uploader(key="admin_register").set_value(("register.csv", content, "text/csv"))
    admin.run()
    no_exception(admin)
    return admin


def test_a_register_is_previewed_then_applied_from_a_chosen_quarter(admin) -> None:
    rows = register_text(**{"NM-ASP": {"region": "Westfold"}, "NM-BWP": {"closed": "2026-Q2"}})
    new = {**rows[0], "prison_code": "NM-NEW", "name": "New Prison", "opened": "2026-Q1"}
    _register_tab(admin, as_csv([*rows, new]))
    assert "1 added, 2 changed (1 of them closed)" in admin.info[0].value
    preview = admin.dataframe[-1].value
    assert set(zip(preview["prison_code"], preview["change"], strict=True)) == {
        ("NM-NEW", "added"),
        ("NM-ASP", "changed"),
        ("NM-BWP", "closed"),
    }
    assert admin.selectbox(key="admin_from").value == default_effective_from()
    earlier = effective_from_choices()[8]
    admin.selectbox(key="admin_from").set_value(earlier)
    button(admin, "Apply the register").click().run()
    no_exception(admin)
    done = admin.success[0].value
    assert text("1 added, 2 updated") in done and text(earlier) in done
    by_code = {p.code: p for p in list_prisons(get_engine())}
    assert by_code["NM-ASP"].region == "Westfold" and "NM-NEW" in by_code
    with get_engine().connect() as conn:
        dated = conn.execute(
            select(register_history.c.effective_from).where(register_history.c.code == "NM-ASP")
        ).scalars()
        assert earlier in list(dated)
    assert audited("register.update", "NM-ASP")[0]["actor"] == "ministry"


def test_the_same_register_has_nothing_to_apply(admin) -> None:
    _register_tab(admin, REGISTER_FILE.read_bytes())
    assert "0 added, 0 changed" in admin.info[0].value
    assert not [b for b in admin.button if b.label == "Apply the register"]


def test_a_register_with_problems_changes_nothing(admin) -> None:
    before = list_prisons(get_engine())
    rows = register_text(**{"NM-ASP": {"region": ""}})
    _register_tab(admin, as_csv(rows))
    assert "cannot be imported" in admin.error[0].value
    problems = admin.table[0].value
    assert "region" in " ".join(map(str, problems.to_numpy().ravel()))
    assert list_prisons(get_engine()) == before
