"""The fast reader of plain CSV files gives exactly what the record-by-record reader gives.

`_plain_table` reads a file with Polars when it is plain (no quotes, no blank or ragged
lines, no odd line breaks) and answers None otherwise; whenever it answers, the header,
the cells and the row numbers must be those of `_record_table`, which reads any CSV.
"""

from __future__ import annotations

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from data_contracts.contract import load_contract
from data_contracts.reader import _plain_table, _record_table, read_csv_table

CONTRACT = load_contract()
CELL = st.text(alphabet=st.sampled_from(list('ab 1.,;\t"\r\n\x0b\x1c\u2028é-')), max_size=6)


@st.composite
def csv_texts(draw) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    delimiter = draw(st.sampled_from(CONTRACT.file["csv_delimiters"]))
    width = draw(st.integers(1, 6))
    lines = [
        delimiter.join(draw(st.lists(CELL, min_size=1, max_size=width + 1)))
        for _ in range(draw(st.integers(1, 12)))
    ]
    ending = draw(st.sampled_from(["\n", "\r\n"]))
    return ending.join(lines) + draw(st.sampled_from(["", ending])), delimiter


@settings(max_examples=400, deadline=None)
@given(csv_texts())
def test_plain_reading_equals_reading_record_by_record(case: tuple[str, str]) -> None:
    text, delimiter = case
    if not any(line.strip() for line in text.splitlines()):
        return  # read_csv_table answers a text of blank lines before either reader
    plain = _plain_table(text, delimiter, CONTRACT)
    if plain is None:
        return
    issues: list = []
    header, frame = _record_table(text, delimiter, issues, CONTRACT)
    assert issues == []
    assert plain[0] == header
    assert plain[1].equals(frame), (plain[1], frame)


def test_a_plain_file_takes_the_fast_path_and_keeps_its_row_numbers() -> None:
    text = "prison_code,period,data_element,value,note\r\nNM-A,2025-Q1,receptions,3,\r\n"
    plain = _plain_table(text, ",", CONTRACT)
    assert plain is not None
    assert plain[1]["row"].to_list() == [2] and plain[1]["c4"].to_list() == [""]
    table = read_csv_table(text.encode(), CONTRACT)
    assert table.frame.equals(plain[1])


def test_quotes_blank_and_ragged_lines_take_the_general_path() -> None:
    for text in (
        'a,b\n"x,y",1\n',
        "a,b\n\n1,2\n",
        "a,b\n1,2,3\n",
        "a,b\n1\n",
        "a,b\n ,\n",
        "a,b\r1,2\r",
    ):
        assert _plain_table(text, ",", CONTRACT) is None, text
    table = read_csv_table(b"a,b\n\n1,2\n", CONTRACT)
    assert table.frame["row"].to_list() == [3]
    assert table.frame.schema == pl.Schema({"c0": pl.String, "c1": pl.String, "row": pl.Int64})
