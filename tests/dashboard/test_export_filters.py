"""Export footers name only the filters a page knows, by their labels, never the link's text.

Each page hands its exports an ExportContext whose ``filters`` are dashboard.filters'
words for the validated widget values. These tests open every page with a hostile link
(unknown parameters, markup, formulas, values out of range), catch the contexts the page
gives its download buttons, and build the real files from them: the image footer, the
CSV context lines and the XLSX provenance sheet.
"""

from __future__ import annotations

import io
import zipfile

import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from dashboard import exports
from dashboard.export_files import csv_with_context, xlsx_with_context
from dashboard.pages import PAGES
from dashboard.provenance import ExportContext, Provenance, footer_lines
from store.account_model import Account
from tests.dashboard.session_seat import seat
from tests.dashboard.test_pages import ACCOUNTS, APP

MARK = "INJECTED"
HOSTILE_LINK = {
    f"{MARK}_param": f'=HYPERLINK("http://evil.example","{MARK}")',
    "footer": f"{MARK} footer",
    "filters": f"{MARK}; Region: all",
    "ind": f"<img src=x>{MARK}",
    "bench": f"**{MARK}**",
    "region": [f"{MARK} region", f"=cmd|'/C calc'!A0 {MARK}"],
    "type": f"{MARK}",
    "q": f"2026-Q9{MARK}",
    "from": f"{MARK}",
    "prison": [f"{MARK}"],
    "od": f"{MARK}",
    "deadline": f"1e9{MARK}",
}
FRAME = pl.DataFrame({"prison_code": ["NM-WFP"], "value": [1.0]})


def contexts_of(db: str, monkeypatch, role: str, page: str) -> tuple[AppTest, list]:  # type: ignore[no-untyped-def]
    """The page opened with the hostile link, and every ExportContext it gave an export."""
    caught: list[ExportContext] = []
    monkeypatch.setattr(exports, "chart_downloads", lambda fig, name, ctx: caught.append(ctx))
    monkeypatch.setattr(exports, "table_downloads", lambda frame, name, ctx: caught.append(ctx))
    monkeypatch.setenv("PRISON_MONITOR_DB", db)
    at = AppTest.from_file(APP, default_timeout=120)
    seat(at, ACCOUNTS[role].name)
    at.run()
    caught.clear()  # the first run opened the default page
    at.query_params.update(HOSTILE_LINK)
    at.switch_page(f"views/{page}.py").run()
    assert [e.value for e in at.exception] == []
    return at, caught


def widget_labels(at: AppTest) -> set[str]:
    labels = set()
    for kind in ("selectbox", "multiselect", "number_input", "toggle", "segmented_control"):
        labels |= {w.label for w in at.get(kind)}
    return labels


def export_texts(context: ExportContext, account: Account) -> list[str]:
    """What the files made from ``context`` say: image footer, CSV and XLSX provenance."""
    provenance = Provenance(context, "2026-07-14 09:30 UTC", account.unsuppressed_scope)
    xlsx = xlsx_with_context(FRAME, provenance)
    with zipfile.ZipFile(io.BytesIO(xlsx)) as book:
        sheets = [book.read(n).decode() for n in book.namelist() if n.endswith(".xml")]
    return [
        *footer_lines(provenance),
        csv_with_context(FRAME, provenance).decode("utf-8-sig"),
        *sheets,
    ]


@pytest.mark.parametrize("role", list(ACCOUNTS))
def test_export_footers_hold_only_known_filters_by_label(sample_db, monkeypatch, role) -> None:
    exported = 0
    for page in PAGES:
        if not page.opens_for(ACCOUNTS[role]):
            continue
        at, contexts = contexts_of(sample_db, monkeypatch, role, page.name)
        labels = widget_labels(at)
        for context in contexts:
            exported += 1
            if context.filters != "none":
                for part in context.filters.split("; "):
                    label = part.split(": ", 1)[0]
                    assert label in labels, f"{page.name}: '{label}' is no filter of the page"
            for text in export_texts(context, ACCOUNTS[role]):
                assert MARK not in text, f"{role} on {page.name}: the link reached an export"
                assert "HYPERLINK" not in text and "<img" not in text
    assert exported, "the pages gave their exports a context"


def test_the_completeness_deadline_is_named_in_the_footer(sample_db, monkeypatch) -> None:
    _, contexts = contexts_of(sample_db, monkeypatch, "ministry", "completeness")
    assert contexts and all(
        "Deadline (days after the quarter ends): " in c.filters for c in contexts
    )
