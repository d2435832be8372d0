"""Filters that live in the URL (st.query_params), so a view can be shared and reopened.

Each widget starts from the URL's value (when it is valid) and writes its
value back; a default value is left out of the URL to keep links short.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import polars as pl
import streamlit as st

from data_contracts.periods import is_period, period_index, period_label


def _param(name: str) -> str | None:
    return st.query_params.get(name)


def set_param(name: str, value: Any, default: Any = None) -> None:
    if value is None or value == default or value == []:
        if name in st.query_params:
            del st.query_params[name]
    elif isinstance(value, list):
        st.query_params[name] = [str(v) for v in value]
    else:
        st.query_params[name] = str(value)


def int_param(name: str, default: int) -> int:
    try:
        return int(_param(name) or default)
    except ValueError:
        return default


def choice(
    label: str,
    options: Sequence[Any],
    param: str,
    default: Any,
    *,
    format_func=str,
    sidebar: bool = True,
    help: str | None = None,
) -> Any:
    """A selectbox whose value is kept in the URL under `param`."""
    options = list(options)
    if not options:
        return None
    from_url = _param(param)
    value = next((o for o in options if str(o) == from_url), default)
    if value not in options:
        value = options[0]
    where = st.sidebar if sidebar else st
    chosen = where.selectbox(
        label,
        options,
        index=options.index(value),
        format_func=format_func,
        key=f"f_{param}",
        help=help,
    )
    set_param(param, chosen, default)
    return chosen


def choices(
    label: str,
    options: Sequence[str],
    param: str,
    *,
    sidebar: bool = True,
    max_selections: int | None = None,
    default: Sequence[str] = (),
) -> list[str]:
    """A multiselect whose values are kept in the URL under `param` (repeated)."""
    options = list(options)
    from_url = [v for v in st.query_params.get_all(param) if v in options]
    initial = from_url or [d for d in default if d in options]
    where = st.sidebar if sidebar else st
    chosen = where.multiselect(
        label, options, default=initial, key=f"f_{param}", max_selections=max_selections
    )
    set_param(param, chosen, list(default))
    return chosen


def quarter_range(default_first: int, default_last: int) -> tuple[int, int]:
    """From and to quarters (indexes), kept in the URL as `from` and `to`."""
    options = [period_label(i) for i in range(default_last - 39, default_last + 1)]
    first = choice("From quarter", options, "from", period_label(default_first))
    last = choice("To quarter", options, "to", period_label(default_last))
    a, b = period_index(first), period_index(last)
    return (a, b) if a <= b else (b, a)


def quarter(label: str, options: Sequence[str], default: str) -> str:
    valid = [o for o in options if is_period(o)]
    return choice(label, valid, "q", default)


def prison_filter(frame: pl.DataFrame, *, regions: Sequence[str] | None = None) -> pl.DataFrame:
    """Region and prison type filters (in the URL) applied to a frame of prisons."""
    all_regions = sorted(frame["region"].drop_nulls().unique().to_list())
    chosen_regions = choices("Region", all_regions, "region")
    types = sorted(frame["prison_type"].drop_nulls().unique().to_list())
    chosen_types = choices("Prison type", types, "type")
    if chosen_regions:
        frame = frame.filter(pl.col("region").is_in(chosen_regions))
    if chosen_types:
        frame = frame.filter(pl.col("prison_type").is_in(chosen_types))
    return frame


def describe() -> str:
    """The filters of the current view, for the footer of an export."""
    parts = []
    for key in sorted(st.query_params.keys()):
        values = st.query_params.get_all(key)
        parts.append(f"{key}={','.join(values)}")
    return "; ".join(parts) or "no filters"


def indicator(registry, *, sidebar: bool = True):  # type: ignore[no-untyped-def]
    """The indicator chosen (kept in the URL as `ind`)."""
    ids = list(registry.ids)
    chosen = choice(
        "Indicator", ids, "ind", ids[0], format_func=lambda i: registry[i].title, sidebar=sidebar
    )
    return registry[chosen]


def benchmark() -> str:
    return choice(
        "Benchmark",
        ["national", "region"],
        "bench",
        "national",
        format_func=lambda b: "National value" if b == "national" else "The prison's region",
        help="A prison is compared with the national value of the same quarter, or its region's.",
    )


def indicator_rows(page_title: str):  # type: ignore[no-untyped-def]
    """The preamble of a one-indicator page: the indicator and benchmark chosen, its title,
    and the indicator's table as the account may see it (None when it has no data yet)."""
    from dashboard import auth, data
    from indicators.registry import load_registry

    account = auth.current_account()
    assert account is not None
    ind = indicator(load_registry())
    chosen = benchmark()
    table = data.indicator_table(account, chosen).filter(pl.col("indicator") == ind.id)
    st.title(f"{page_title}: {ind.title}")
    if table.height == 0:
        st.info("No data for this indicator yet.")
        return account, ind, chosen, None
    return account, ind, chosen, table
