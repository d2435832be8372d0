"""`--json` output: indented for a person, compact (the same data) when it is very large."""

from __future__ import annotations

import json

from cli import common

DATA = {
    "errors": [
        {"rule": "value.negative", "row": i, "note": "\x1b[2J \x9b\u202e é ٣"} for i in range(50)
    ]
}


def test_small_output_is_indented_and_large_output_compact_with_the_same_data(
    capsys, monkeypatch
) -> None:
    common.print_json(DATA)
    small = capsys.readouterr().out
    assert small.count("\n") > len(DATA["errors"])  # one line per field, for a person
    monkeypatch.setattr(common, "INDENTED_JSON_MAX_CHARS", len(json.dumps(DATA)) - 1)
    common.print_json(DATA)
    large = capsys.readouterr().out
    assert large.count("\n") == 1
    assert json.loads(large) == json.loads(small) == DATA
    for unsafe in ("\x1b", "\x9b", "\u202e"):  # escaped in both forms
        assert unsafe not in small and unsafe not in large
    assert "é ٣" in small and large.isascii()
