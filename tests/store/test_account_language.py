"""The language kept with an account (international.md §3): store.account_language."""

from __future__ import annotations

import pytest

from data_contracts.languages import DEFAULT_LANGUAGE, LANGUAGES, LanguageError
from store.account_language import language_of, set_language
from store.account_model import AccountError
from store.accounts import get_account


def test_a_chosen_language_is_kept_and_ends_no_session(engine) -> None:
    before = get_account(engine, "dir")
    assert before is not None and language_of(before) == DEFAULT_LANGUAGE
    for language in LANGUAGES:
        account = set_language(engine, "dir", language.upper())
        assert account.language == language
        assert get_account(engine, "dir").language == language
        # What the person may see or do is unchanged, so the session stays.
        assert account.stamp == before.stamp


def test_an_unknown_language_or_account_is_refused_and_nothing_changes(engine) -> None:
    set_language(engine, "dir", "nl")
    with pytest.raises(LanguageError, match="is not one of the languages"):
        set_language(engine, "dir", "xx")
    with pytest.raises(AccountError, match="no account 'nobody'"):
        set_language(engine, "nobody", "fr")
    assert get_account(engine, "dir").language == "nl"
    assert language_of(None) == DEFAULT_LANGUAGE
