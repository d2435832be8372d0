"""A store fault inside a page (a full disk, a replaced file) shows the store's own sentence.

Why this exists: store.faults turns a full disk or a deleted database file into one
sentence that says what to do; a page that failed on it showed the generic "Something
went wrong" instead, and the sentence reached only the log.
"""

from __future__ import annotations

from dashboard import data, markup
from dashboard.pages import FAILED
from store.db import StoreError

SENTENCE = "The database disk_is_full; nothing was stored. Free some space and try again."


def test_a_page_failing_on_the_store_shows_its_sentence(app, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    at = app("ministry")

    def full(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise StoreError(SENTENCE)

    monkeypatch.setattr(data, "indicator_table", full)
    at.switch_page("views/compare.py").run()
    shown = [e.value for e in at.error]
    assert FAILED not in shown
    # as text: the underscores of a path or a name are not turned into Markdown
    assert shown == [markup.text(SENTENCE)]
    assert "disk\\_is\\_full" in shown[0]
    assert at.exception == []
