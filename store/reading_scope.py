"""What the reading commands and pages give an account (international.md §2): the rows of
the prisons of its countries, and refusals where it names what it may not read.

The rule itself is the account's (store.account_model: sees_country, sees_prison_rows);
`indicators.scope` applies it to indicator tables, this module to prison lists (the
completeness grid, the history) and to prisons asked for by name.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import polars as pl

from indicators.scope import refuse_foreign, refuse_prison_rows


def prisons_in_scope(
    frame: pl.DataFrame, account: Any, countries: Mapping[str, str]
) -> pl.DataFrame:
    """The rows of `frame` (it has prison_code) about prisons of the countries `account`
    works for; `countries`: each prison's country (store.prisons.prison_countries)."""
    if account is None or not account.countries:
        return frame
    codes = [code for code, country in countries.items() if account.sees_country(country)]
    return frame.filter(pl.col("prison_code").is_in(codes))


def require_readable(account: Any, prisons: Iterable[str], countries: Mapping[str, str]) -> None:
    """ScopeRefused when `account` may read no prison's rows (authz.role), or a prison of
    `prisons` is of a country it does not work for (authz.country)."""
    if account is None:
        return
    refuse_prison_rows(account)
    refuse_foreign(account, prisons, countries)
