"""What of the indicator table reaches an account (international.md §2): the rows of the
countries it works for (authz.country), and the levels its role reads (authz.role: an
international account reads national and international rows only). Who may see what is
the account's (store.account_model); these functions apply it to tables."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import polars as pl

from indicators.aggregates import COUNTRY
from indicators.suppression import Reader


class ScopeRefused(Exception):
    """An account asked for what it may not read: rows its role never reads (authz.role) or
    a prison of another country (authz.country); str(exc) starts with the rule's id."""

    def __init__(self, rule: str, message: str):
        super().__init__(f"{rule}: {message}")
        self.rule = rule


def refuse_prison_rows(account: Reader | None) -> None:
    """authz.role for an account that reads no prison's rows (international)."""
    if account is not None and not account.sees_prison_rows:
        raise ScopeRefused(
            "authz.role",
            f"'{account.name}' has the {account.role} role, which reads national and "
            "international rows only, no prison's rows; ask for --level national or "
            "--level international.",
        )


def refuse_other_countries(
    table: pl.DataFrame, prisons: Sequence[str], account: Reader | None
) -> None:
    """authz.country when `prisons` (asked for by name) holds a prison of a country
    `account` does not work for (the table's prison rows name each prison's country)."""
    if account is None or not account.countries:
        return
    rows = table.filter(pl.col("prison_code").is_in(list(prisons)))
    pairs = rows.select("prison_code", COUNTRY).unique().iter_rows()
    refuse_foreign(account, prisons, dict(pairs))


def refuse_foreign(
    account: Reader | None, prisons: Iterable[str], countries: Mapping[str, str]
) -> None:
    """authz.country when a prison of `prisons` is of a country `account` does not work for
    (Account.sees_country); `countries`: each prison's country."""
    if account is None:
        return
    foreign = sorted({p for p in prisons if not account.sees_country(countries.get(p))})
    if foreign:
        raise ScopeRefused(
            "authz.country",
            f"'{account.name}' works for {', '.join(sorted(account.countries))} only and may "
            f"not read {', '.join(foreign)}, a prison of another country. Nothing was written.",
        )


def readable_levels(
    levels: tuple[str, ...], account: Reader | None, *, named: bool
) -> tuple[str, ...]:
    """The levels asked for (`named`: by the reader, not "every level") as `account` may
    read them: a level it may not read is refused when named (ScopeRefused), else left out."""
    if account is None:
        return levels
    refused = [name for name in levels if not account.reads_level(name)]
    if refused and named:
        raise ScopeRefused(
            "authz.role",
            f"'{account.name}' has the {account.role} role, which reads national and "
            f"international rows only, not {', '.join(refused)} rows; ask for --level "
            "national or --level international.",
        )
    return tuple(name for name in levels if name not in refused)


def in_scope(table: pl.DataFrame, account: Reader | None) -> pl.DataFrame:
    """The rows of `table` about the countries `account` works for (authz.country): all of
    them for an account bound to no country."""
    if account is None or not account.countries:
        return table
    present = table[COUNTRY].drop_nulls().unique().to_list()
    return table.filter(pl.col(COUNTRY).is_in([c for c in present if account.sees_country(c)]))


def seen_by(full: pl.DataFrame, reader: Reader, *, benchmark: str = "national") -> pl.DataFrame:
    """The full table (every level, unsuppressed) as `reader` may see it: the rows of its
    countries, suppressed where due (computed over every prison of them), then only the
    levels its role reads."""
    from indicators.suppression import suppressed_for

    table = suppressed_for(in_scope(full, reader), reader, benchmark=benchmark)  # type: ignore[arg-type]
    return levels_read(table, reader)


def levels_read(table: pl.DataFrame, reader: Reader) -> pl.DataFrame:
    """The rows of `table` at the levels `reader`'s role reads."""
    if reader.sees_prison_rows:
        return table
    levels = [name for name in table["level"].unique().to_list() if reader.reads_level(name)]
    return table.filter(pl.col("level").is_in(levels))
