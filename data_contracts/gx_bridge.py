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
    definition = (
        ctx.data_sources.add_pandas("submission")
        .add_dataframe_asset("rows")
        .add_batch_definition_whole_dataframe("all")
    )
    suite = gx.ExpectationSuite(
        name=contract.name,
        expectations=[
            getattr(gxe, _GX_TYPES[exp.type])(
                **expectation_kwargs(exp, params), meta={"rule": rule_id, "index": i}
            )
            for rule_id, i, exp in planned
        ],
    )
    # Batch.validate, not ValidationDefinition.run: run() also stores its result (deep copies
    # and marshmallow over every failing row, 190 s for 400,000 failures). Without
    # unexpected_index_column_names GX gives the positions of the failing rows in the pandas
    # frame (its default index 0..n-1) instead of looking each row's key up one by one.
    columns = sorted({exp.column for _, _, exp in planned})
    batch = definition.get_batch(batch_parameters={"dataframe": frame.select(columns).to_pandas()})
    result = batch.validate(
        suite, result_format={"result_format": "COMPLETE", "return_unexpected_index_query": False}
    )
    keys = frame[key]
    parts = []
    for r in result.results:
        meta = r.expectation_config.meta
        if r.exception_info and r.exception_info.get("raised_exception"):
            raise RuntimeError(
                f"the check for {meta['rule']} could not run: "
                f"{r.exception_info['exception_message']}"
            )
        if r.success:
            continue
        at = pl.Series(r.result.get("unexpected_index_list") or [], dtype=pl.Int64)
        parts.append(
            pl.DataFrame({key: keys.gather(at)}).select(
                pl.lit(meta["rule"], pl.String).alias("rule"),
                pl.lit(int(meta["index"]), pl.Int64).alias("expectation"),
                pl.col(key).cast(pl.Int64),
            )
        )
    return pl.concat(parts) if parts else pl.DataFrame(schema=schema)
