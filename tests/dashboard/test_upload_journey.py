"""The director's upload under AppTest: template filled in, accepted clean, stored, resent.

Why this exists: issue 10 asked that a filled-in template "just works" on the
Upload page (no warning, one verdict), that a resent quarter says which
figures changed, and that a file with one mistake in many rows shows it once
with its rows. These steps are the page as a director meets it.
"""

from __future__ import annotations

import csv
import io

from test_pages import _upload, app, no_exception, sample_db  # noqa: F401 (fixtures)

from data_contracts.contract import load_contract
from data_contracts.register import read_register
from data_contracts.template import template_rows
from sample_data import REGISTER_FILE, SUBMISSIONS_DIR

PRISON, PERIOD = "NM-WFP", "2023-Q3"  # the quarter before the sample series of NM-WFP


def own_figures() -> dict[str, str]:
    """NM-WFP's own figures of its first sample quarter: no outlier against its history."""
    with open(SUBMISSIONS_DIR / f"{PRISON}_2023-Q4.csv", encoding="utf-8") as fh:
        return {r["data_element"]: r["value"] for r in csv.DictReader(fh)}


def filled_template(**override: str) -> bytes:
    """The CSV template the page offers, with every value filled in (helper columns kept)."""
    contract = load_contract()
    prisons, _ = read_register(REGISTER_FILE, contract)
    rows = template_rows(next(p for p in prisons if p.code == PRISON), PERIOD, contract)
    header, body = rows[0], rows[1:]
    figures = {**own_figures(), **override}
    value = header.index("value")
    for row in body:
        row[value] = figures[row[header.index("data_element")]]
    out = io.StringIO()
    csv.writer(out).writerows([header, *body])
    return out.getvalue().encode()


def store(at):  # type: ignore[no-untyped-def]
    button = next(b for b in at.button if b.label == "Store the file")
    assert not button.disabled
    button.click().run()
    no_exception(at)
    return at


def test_filled_template_is_accepted_clean_stored_then_resent(app) -> None:  # noqa: F811
    at = _upload(app("director"), "wfp.csv", filled_template())
    [verdict] = at.success
    assert "meets the contract" in verdict.value and "no warnings" in verdict.value
    assert not at.error and not at.warning and not at.table  # one verdict, nothing to fix
    assert not at.checkbox  # nothing to acknowledge
    store(at)
    assert f"{PRISON} {PERIOD} stored as version 1" in at.success[0].value

    receptions = str(int(own_figures()["receptions"]) + 5)
    again = _upload(app("director"), "wfp-v2.csv", filled_template(receptions=receptions))
    assert any("would replace" in w.value for w in again.warning)
    again.checkbox(key="ack_replace").check().run()
    store(again)
    assert f"{PRISON} {PERIOD} stored as version 2" in again.success[0].value
    [changes] = again.table
    rows = changes.value.to_dict("records")
    title = load_contract().title("receptions")
    assert rows == [
        {
            "data element": f"{title} (receptions)",
            "version 1": own_figures()["receptions"],
            "version 2": receptions,
        }
    ]


def test_one_mistake_in_many_rows_is_one_line_with_its_rows(app) -> None:  # noqa: F811
    text = filled_template().decode().replace(PERIOD, "Q3-2023")
    at = _upload(app("director"), "bad.csv", text.encode())
    [verdict] = at.error
    assert "was rejected" in verdict.value
    assert not at.success
    table = at.table[0].value
    period = table[table["rule"] == "period.format"]
    n = len(filled_template().decode().splitlines()) - 1  # its data rows
    assert period["where"].to_list() == [f"rows 2–{n + 1}"]
    assert "2023-Q3" in period["what to fix"].iloc[0]  # the message whole, with its fix


def test_another_prisons_file_gets_one_red_verdict(app) -> None:  # noqa: F811
    text = filled_template().decode().replace(PRISON, "NM-NRC")
    at = _upload(app("director"), "nrc.csv", text.encode())
    assert not at.success  # never "meets the contract" beside a refusal
    [verdict] = at.error
    assert "cannot be stored" in verdict.value and "may not submit" in verdict.value
    assert not [b for b in at.button if b.label == "Store the file"]
