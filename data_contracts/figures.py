"""Numbers and phrases inside the sentences the file checks compose (data_contracts.reader,
excel, parquet, …), in the current language.

`said` is a phrase of the contract (`phrases:` of submission_v1.yaml, translated beside
its English); `figure` a number to put in one: in English exactly as Python writes it
(`1,234`, `12.5`), in the other languages with their separators (i18n.formats, Babel's
locale data): `1 234`, `12,5`.
"""

from __future__ import annotations

from typing import Any

from data_contracts.languages import DEFAULT_LANGUAGE, current_language


def said(phrase_id: str, /, **fields: Any) -> str:
    """The contract's phrase `phrase_id` in the current language, filled with `fields`."""
    from data_contracts.contract import load_contract

    return load_contract().phrase(phrase_id, **fields)


def figure(value: float, decimals: int = 0, *, grouped: bool = True) -> str:
    """`value` with `decimals` decimals, for a sentence in the current language."""
    if current_language() == DEFAULT_LANGUAGE:
        if isinstance(value, int) and not decimals:
            return f"{value:,}" if grouped else str(value)
        return f"{value:,.{decimals}f}" if grouped else f"{value:.{decimals}f}"
    from i18n.formats import number

    return number(value, decimals)
