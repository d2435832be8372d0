"""The dashboard's cached frames are shared by every session: no page may change them.

Why this exists: dashboard/data.py caches its data frames with st.cache_resource
(no copy on read; unpickling the federal indicator table cost 0.43 s of every page
run under st.cache_data). A page that changed a cached frame in place would change
it for every other person. Two guards: every page, run for every role, leaves the
cached frames equal to what they were; and no dashboard code calls one of Polars'
in-place methods.
"""

from __future__ import annotations

import ast
from pathlib import Path

import polars as pl
import pytest

from dashboard import data
from dashboard.pages import PAGES
from tests.dashboard.test_pages import ACCOUNTS

DASHBOARD = Path(__file__).resolve().parents[2] / "dashboard"
# Polars methods that change the frame or series they are called on.
# (extend, append and clear are left out: lists have them too.)
IN_PLACE = {"insert_column", "replace_column", "drop_in_place", "scatter", "shrink_to_fit"}


def _cached(account) -> list[pl.DataFrame]:  # type: ignore[no-untyped-def]
    key = data.version()
    return [
        data._full_table(key, "national"),
        data.indicator_table(account),
        data.prisons(),
        data.history(),
    ]


def test_pages_leave_the_shared_frames_as_they_were(app) -> None:  # type: ignore[no-untyped-def]
    before = {role: [f.clone() for f in _cached(a)] for role, a in ACCOUNTS.items()}
    for role, account in ACCOUNTS.items():
        at = app(role)
        for spec in PAGES:
            if spec.opens_for(account):
                at.switch_page(f"views/{spec.name}.py").run()
                assert [e.value for e in at.exception] == [], (role, spec.name)
    for role, account in ACCOUNTS.items():
        after = _cached(account)
        assert len(after) == len(before[role])
        for old, new in zip(before[role], after, strict=True):
            assert new.equals(old), f"a page changed a cached frame ({role})"
    # Cached as resources: the same object on every read, not a copy.
    assert data.indicator_table(ACCOUNTS["ministry"]) is data.indicator_table(ACCOUNTS["ministry"])


@pytest.mark.parametrize("path", sorted(DASHBOARD.rglob("*.py")), ids=lambda p: p.name)
def test_no_dashboard_code_changes_a_frame_in_place(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    calls = [
        f"{path.name}:{node.lineno} .{node.func.attr}("
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and (node.func.attr in IN_PLACE or any(k.arg == "in_place" for k in node.keywords))
    ]
    assert calls == []
