"""Text that people wrote, shown as text: the one escaping of the dashboard.

Streamlit renders Markdown (with its own directives: ``:red[x]``, ``$x$`` for LaTeX,
``:material/icon:``) in titles, captions, alerts, expander and tab labels, widget labels,
``help`` tooltips and every cell of ``st.table``; Plotly renders a subset of HTML
(``<a href>``, ``<b>``, ``<br>``, ``<img>`` is dropped but ``<a>`` is a live link) in
titles, axis and legend labels, hover templates and annotations. Names in the register,
file names, cells quoted in messages, notes and account names are written by people
outside the team, so wherever one of them reaches such a surface it passes through
:func:`text` (Markdown) or :func:`plotly_text` (HTML) first. Plain surfaces (st.dataframe
cells and headers, selectbox and multiselect options, download file names) show text as
it is and must not be escaped: the backslashes would show.

No Streamlit here: the chart code and the tests import it too.
"""

from __future__ import annotations

import html
import re
from collections.abc import Collection
from typing import Any

import polars as pl

# The ASCII punctuation that Markdown, GitHub's extensions or Streamlit's directives read
# anywhere in a line: emphasis, code, links and images, HTML, tables, strike-through,
# LaTeX (``$``), directives and icons (``:``), entities (``&``), ordered lists ("1.").
# CommonMark lets any ASCII punctuation be backslash-escaped, so the escape always shows
# the character alone. Autolinks need more (below).
MARKDOWN_PUNCTUATION = frozenset("\\`*_{}[]()<>#!|~$:&.")
# Marks that mean something only at the start of a line (a list item); elsewhere, as in
# "2026-Q3" or "NM-WFP", they are left alone so the source stays readable.
LEADING_MARKS = frozenset("-+=")
# Line breaks would start new Markdown blocks (a heading, a list, a table row), so a text
# shown inline is one line: every run of control characters and line or paragraph
# separators becomes one space.
_BREAKS = re.compile(r"[\x00-\x1f\x7f\u0085\u2028\u2029]+")


# GitHub's autolinks are found in the text after Markdown is parsed (escapes resolved), so
# "http\://x" still becomes a link: a word joiner (U+2060, invisible and unbreakable) goes
# where the autolink patterns need "://", "www." or "@" to be adjacent.
WORD_JOINER = "\u2060"
_WWW = re.compile(r"(www)(\.)", re.IGNORECASE)


def _unlinked(line: str) -> str:
    """``line`` with a word joiner inside every "://", "www." and after every "@"."""
    line = line.replace("://", f":{WORD_JOINER}//").replace("@", f"@{WORD_JOINER}")
    return _WWW.sub(rf"\1{WORD_JOINER}\2", line)


def one_line(value: Any) -> str:
    """``value`` as text on one line (controls and line breaks as one space)."""
    return _BREAKS.sub(" ", str(value))


def text(value: Any) -> str:
    """``value`` as Markdown source that shows exactly its characters, on one line."""
    line = _unlinked(one_line(value))
    escaped = "".join(f"\\{c}" if c in MARKDOWN_PUNCTUATION else c for c in line)
    return f"\\{escaped}" if escaped[:1] in LEADING_MARKS and escaped else escaped


def plotly_text(value: Any) -> str:
    """``value`` as Plotly text: ``<``, ``>`` and ``&`` as entities, so no tag or link
    forms; Plotly shows the entities as the characters they stand for."""
    return html.escape(str(value), quote=False)


def table_text(frame: pl.DataFrame, *, ours: Collection[str] = ()) -> pl.DataFrame:
    """``frame`` for st.table, whose headers and cells are Markdown: every text escaped by
    :func:`text`, except the columns named in ``ours`` (words the contract or the code
    wrote, such as rule ids). st.table holds a screenful of rows, so the per-cell Python
    call costs nothing worth a second copy of the rule in regex."""
    texts = [n for n, dtype in frame.schema.items() if dtype == pl.String and n not in ours]
    return frame.with_columns(
        pl.col(c).map_elements(text, return_dtype=pl.String) for c in texts
    ).rename({c: text(c) for c in frame.columns})
