"""An independent search for suppressed figures a reader can recover, partitions included.

The reader's knowledge as linear algebra. The unknowns are the prison figures of every
data element the indicators read, per quarter. Every figure the published table shows
is a known linear form of them: a prison row's numerator is one unknown, a region's or
the nation's the sum over the prisons that contribute to it (reported both figures of
the indicator), and likewise for denominators. A partition adds, at every prison that
reports its total and all its parts, "total - parts = 0", which a reader knows without
being shown anything; its aggregates follow by summing. Regions, peer groups and the
nation are each the sum over their contributing prisons. A prison the reader knows (a
director's own) gives each of its figures as known. A hidden figure is recoverable
exactly when its linear form lies in the span of the known ones: subtraction within an
aggregate or within a partition, at any level, and any chain of them. A hidden
aggregate made only of prison figures the reader reads directly (shown, or known) is
not counted: recovering it tells nothing new.

Nothing here reads `indicators.suppression`: it compares the unsuppressed table with
the published one.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import polars as pl

from indicators.registry import Registry

KEYS = ["level", "country", "region", "prison_code", "period", "indicator"]
FIGURES = ("numerator", "denominator")
GROUP_OF = {"region": "region", "peer": "peer_group"}
# Singular values below this are zero: the forms have small integer coefficients.
TOLERANCE = 1e-8


def _element(registry: Registry, indicator: str, figure: str) -> str:
    entry = registry[indicator]
    return entry.numerator if figure == "numerator" else entry.denominator


def _forms(
    quarter: pl.DataFrame, registry: Registry, variables: dict[tuple[str, str], int]
) -> list[tuple[dict, str, np.ndarray]]:
    """Each row's two figures as (row, figure, linear form over the prison unknowns)."""
    prisons = quarter.filter(
        (pl.col("level") == "prison")
        & pl.col("numerator").is_not_null()
        & pl.col("denominator").is_not_null()
    )
    contributors: dict[str, list[dict]] = {}
    for r in prisons.iter_rows(named=True):
        contributors.setdefault(r["indicator"], []).append(r)
    forms = []
    for r in quarter.iter_rows(named=True):
        for figure in FIGURES:
            if r[figure] is None:
                continue
            element = _element(registry, r["indicator"], figure)
            if r["level"] == "prison":
                members = [r["prison_code"]]
            else:
                # The column naming a prison's aggregate at this level within its country
                # (none: the nation, which is the country's).
                key = GROUP_OF.get(r["level"])
                members = [
                    p["prison_code"]
                    for p in contributors.get(r["indicator"], [])
                    if p["country"] == r["country"] and (key is None or p[key] == r[key])
                ]
            form = np.zeros(len(variables))
            for code in members:
                form[variables[(code, element)]] = 1.0
            forms.append((r, figure, form))
    return forms


def _partition_forms(
    values: pl.DataFrame,
    partitions: Mapping[str, tuple[str, ...]],
    variables: dict[tuple[str, str], int],
) -> list[np.ndarray]:
    forms = []
    reported = {(code, element) for code, element in variables}
    codes = {code for code, _ in variables}
    for total, parts in partitions.items():
        for code in codes:
            if all((code, e) in reported for e in (total, *parts)):
                form = np.zeros(len(variables))
                form[variables[(code, total)]] = 1.0
                for part in parts:
                    form[variables[(code, part)]] = -1.0
                forms.append(form)
    return forms


def recoverable_figures(
    original: pl.DataFrame,
    published: pl.DataFrame,
    values: pl.DataFrame,
    registry: Registry,
    partitions: Mapping[str, tuple[str, ...]],
    known: frozenset[str] = frozenset(),
) -> list[tuple]:
    """(level, region, prison, quarter, indicator, figure) of every hidden figure a reader
    who sees ``published`` and knows the prisons ``known`` can work out."""
    both = original.join(published, on=KEYS, how="left", nulls_equal=True, suffix="_shown")
    found = []
    for (period,), quarter in both.group_by("period"):
        elements = {
            _element(registry, i, f) for i in quarter["indicator"].unique() for f in FIGURES
        }
        reported = values.filter(
            (pl.col("period") == period)
            & pl.col("data_element").is_in(list(elements))
            & pl.col("value").is_not_null()
        )
        variables = {
            (code, element): n
            for n, (code, element) in enumerate(
                sorted(set(zip(reported["prison_code"], reported["data_element"], strict=True)))
            )
        }
        if not variables:
            continue
        forms = _forms(quarter, registry, variables)
        seen = [form for r, figure, form in forms if r[f"{figure}_shown"] is not None]
        seen += _partition_forms(reported, partitions, variables)
        # The prison figures the reader reads directly: shown in a prison row, or known.
        unread = np.array([code not in known for code, _ in variables], dtype=float)
        for r, figure, form in forms:
            if r["level"] == "prison" and r[f"{figure}_shown"] is not None:
                unread[form > 0] = 0.0
        for n in np.flatnonzero(unread == 0):
            unit = np.zeros(len(variables))
            unit[n] = 1.0
            seen.append(unit)
        null_space = _null_space(np.array(seen) if seen else np.zeros((0, len(variables))))
        for r, figure, form in forms:
            # A figure made of figures the reader reads directly (a region of a director's
            # own prison and one shown) tells nothing new.
            hidden = r[f"{figure}_shown"] is None and (form * unread).any()
            if hidden and np.abs(form @ null_space.T).max(initial=0.0) < TOLERANCE:
                found.append(
                    (r["level"], r["region"], r["prison_code"], period, r["indicator"], figure)
                )
    return found


def _null_space(matrix: np.ndarray) -> np.ndarray:
    """An orthonormal basis (rows) of the vectors orthogonal to every row of ``matrix``."""
    width = matrix.shape[1]
    if matrix.shape[0] == 0:
        return np.eye(width)
    _, singular, vt = np.linalg.svd(matrix)
    rank = int((singular > TOLERANCE * max(1.0, singular.max(initial=0.0))).sum())
    return vt[rank:]
