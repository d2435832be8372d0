"""The one place where Polars meets Great Expectations (and so pandas).

The contract's row-level rules are declared in YAML as expectations; this
module turns them into a Great Expectations suite, runs it on an ephemeral
context (nothing written to disk, no progress bars, no analytics), and hands
back every failing row as a small Polars frame. Great Expectations is
imported here only, and only when a file is checked.
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Mapping
from importlib.machinery import PathFinder
from typing import Any

import polars as pl

from data_contracts.contract import Contract, Expectation

# Great Expectations imports altair (chart rendering) and scipy.stats (profiling)
# at start-up, about a second of the `validate` command's budget, though no
# expectation this contract uses needs them. Loading them lazily keeps them
# fully functional (the first attribute access imports them for real).
_DEFERRED_MODULES = frozenset({"altair", "scipy.stats"})


class _DeferredImport:
    @classmethod
    def find_spec(cls, name: str, path: Any = None, target: Any = None) -> Any:
        if name not in _DEFERRED_MODULES:
            return None
        spec = PathFinder.find_spec(name, path, target)
        if spec is not None and spec.loader is not None:
            spec.loader = importlib.util.LazyLoader(spec.loader)
        return spec


def _import_gx() -> tuple[Any, Any, Any]:
    if "great_expectations" not in sys.modules:
        sys.meta_path.insert(0, _DeferredImport)
        try:
            import great_expectations  # noqa: F401
        finally:
            sys.meta_path.remove(_DeferredImport)
    import great_expectations as gx
    import great_expectations.expectations as gxe
    from great_expectations.data_context.types.base import ProgressBarsConfig

    return gx, gxe, ProgressBarsConfig


_GX_TYPES = {
    "not_null": "ExpectColumnValuesToNotBeNull",
    "in_set": "ExpectColumnValuesToBeInSet",
    "not_in_set": "ExpectColumnValuesToNotBeInSet",
    "regex": "ExpectColumnValuesToMatchRegex",
    "between": "ExpectColumnValuesToBeBetween",
}


def _resolve(value: Any, params: Mapping[str, Any]) -> Any:
    """A YAML parameter may name a value known only at check time (the register, today)."""
    return params[value] if isinstance(value, str) and value in params else value


def expectation_kwargs(exp: Expectation, params: Mapping[str, Any]) -> dict[str, Any]:
    kwargs: dict[str, Any] = {"column": exp.column}
    for key, value in exp.params.items():
        kwargs[key] = _resolve(value, params)
    return kwargs


def failing_rows(
    frame: pl.DataFrame,
    contract: Contract,
    params: Mapping[str, Any],
    skip_sources: set[str] = frozenset(),  # type: ignore[assignment]
    key: str = "row",
) -> pl.DataFrame:
    """Run every row-level expectation of the contract on `frame`.

    Returns one row per failure: the rule id, the expectation's position in
    that rule, and the failing row's `key` (a unique column of `frame`).
    Expectations reading a column the file does not have (`skip_sources`)
    are not run.
    """
    schema = {"rule": pl.String, "expectation": pl.Int64, key: pl.Int64}
    planned = [
        (rule.id, i, exp)
        for rule in contract.rules
        for i, exp in enumerate(rule.expectations)
        if exp.source not in skip_sources
    ]
    if not planned or frame.height == 0:
        return pl.DataFrame(schema=schema)
    gx, gxe, progress_bars = _import_gx()
    ctx = gx.get_context(mode="ephemeral")
    ctx.variables.progress_bars = progress_bars(globally=False)
    batch = (
        ctx.data_sources.add_pandas("submission")
        .add_dataframe_asset("rows")
        .add_batch_definition_whole_dataframe("all")
    )
    expectations = [
        getattr(gxe, _GX_TYPES[exp.type])(
            **expectation_kwargs(exp, params), meta={"rule": rule_id, "index": i}
        )
        for rule_id, i, exp in planned
    ]
    suite = ctx.suites.add(gx.ExpectationSuite(name=contract.name, expectations=expectations))
    definition = ctx.validation_definitions.add(
        gx.ValidationDefinition(name=contract.name, data=batch, suite=suite)
    )
    columns = sorted({exp.column for _, _, exp in planned} | {key})
    result = definition.run(
        batch_parameters={"dataframe": frame.select(columns).to_pandas()},
        result_format={"result_format": "COMPLETE", "unexpected_index_column_names": [key]},
    )
    rules, indexes, rows = [], [], []
    for r in result.results:
        meta = r.expectation_config.meta
        if r.exception_info and r.exception_info.get("raised_exception"):
            raise RuntimeError(
                f"the check for {meta['rule']} could not run: "
                f"{r.exception_info['exception_message']}"
            )
        if r.success:
            continue
        for hit in r.result.get("unexpected_index_list") or []:
            rules.append(meta["rule"])
            indexes.append(int(meta["index"]))
            rows.append(int(hit[key]))
    return pl.DataFrame({"rule": rules, "expectation": indexes, key: rows}, schema=schema)
