"""What the Prison profile shows beyond the spine chart: cascades of care and breakdowns.

- A cascade of care counts the persons at each step (tested, positive, confirmed,
  treated), each step a count an indicator already has (its numerator or denominator),
  so it is suppressed exactly as that indicator is. CASCADES is the data; `cascade_steps`
  reads one prison's quarter.
- A breakdown's shares (the medicines of opioid agonist treatment, the types of
  psychosocial intervention: the registry's `breakdown`) over the quarters of one prison,
  for a stacked bar (a partition adds up to 100%) or side-by-side bars (an overlapping
  breakdown can add up to more).

The functions work on the indicator table as its reader sees it (after suppression), so a
figure hidden there is hidden here, with the state that says why.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

import polars as pl

from data_contracts.contract import Contract, translated
from i18n import N_, _
from indicators.availability import NOT_REPORTED, SHOWN, row_state
from indicators.registry import Registry

# What a breakdown's shares are, in the caption under its chart: those of a partition add
# up to 100%; those of an overlapping breakdown may add up to more.
BREAKDOWN_WORDS = {
    "partition": N_("each person is in one part, so the shares add up to 100%"),
    "overlapping": N_(
        "a person may be in several parts, so the shares can add up to more than 100%"
    ),
}
# (The texts here are English, marked for the catalogs; pages show them with `_()`, and the
# frames and views built below carry them in the current language.)
SHARE_AXIS = N_("Share (%)")


@dataclass(frozen=True)
class Step:
    label: str
    indicator: str
    count: str  # "numerator" or "denominator" of the indicator


@dataclass(frozen=True)
class Cascade:
    id: str
    title: str
    steps: tuple[Step, ...]
    note: str  # what the steps count, shown under the chart


CASCADES = (
    Cascade(
        "hcv",
        N_("Hepatitis C cascade"),
        (
            Step(N_("Tested at reception"), "hcv_testing_coverage", "numerator"),
            Step(N_("Antibody-positive"), "hcv_antibody_positivity", "numerator"),
            Step(N_("RNA-tested"), "hcv_rna_testing", "numerator"),
            Step(N_("RNA-positive"), "hcv_treatment_uptake", "denominator"),
            Step(N_("Started treatment"), "hcv_treatment_uptake", "numerator"),
        ),
        N_(
            "Persons in the quarter at each step; RNA testing confirms a current infection in "
            "antibody-positive persons, and treatment is for those RNA-positive."
        ),
    ),
    Cascade(
        "hiv",
        N_("HIV cascade"),
        (
            Step(N_("Tested at reception"), "hiv_testing_coverage", "numerator"),
            Step(N_("Positive at reception"), "hiv_positivity", "numerator"),
            Step(N_("Known HIV-positive in custody"), "art_coverage", "denominator"),
            Step(N_("On antiretroviral treatment"), "art_coverage", "numerator"),
        ),
        N_(
            "Persons in the quarter: the first two steps are people received into custody, "
            "the last two everyone in custody known to be living with HIV."
        ),
    ),
)


def cascade(cascade_id: str) -> Cascade:
    return next(c for c in CASCADES if c.id == cascade_id)


def cascade_steps(rows: pl.DataFrame, chosen: Cascade) -> pl.DataFrame:
    """The persons at each step of `chosen` from one prison-quarter's `profile_rows`.

    Columns: step, persons (null when absent), state (shown, or why it is absent: the
    indicator's state; a count of a shown indicator is shown).
    """
    out = []
    for step in chosen.steps:
        row = rows.filter(pl.col("indicator") == step.indicator)
        value = row[step.count][0] if row.height else None
        state = SHOWN if value is not None else (row["state"][0] if row.height else NOT_REPORTED)
        out.append(
            {
                "step": _(step.label),
                "persons": None if value is None else float(value),
                "state": state,
            }
        )
    return pl.DataFrame(out, schema={"step": pl.String, "persons": pl.Float64, "state": pl.String})


@dataclass(frozen=True)
class BreakdownView:
    id: str
    kind: str  # the contract's: partition or overlapping
    module: str  # the module its parts belong to
    title: str  # the contract's, e.g. "Opioid substitution treatment by medication"
    caption: str  # what the shares are shares of, and whether they add up to 100%


def breakdown_views(registry: Registry, contract: Contract) -> list[BreakdownView]:
    """The contract's breakdowns that have shares in the registry, in registry order."""
    ids = list(dict.fromkeys(i.breakdown for i in registry if i.breakdown))
    views = []
    for breakdown in (b for i in ids for b in contract.breakdowns if b.id == i):
        total = translated(contract.element(breakdown.total), "title")
        views.append(
            BreakdownView(
                breakdown.id,
                breakdown.kind,
                contract.element(breakdown.parts[0]).module,
                translated(breakdown, "title"),
                _("Shares of {total}: {meaning}.").format(
                    total=total[0].lower() + total[1:], meaning=_(BREAKDOWN_WORDS[breakdown.kind])
                ),
            )
        )
    return views


def reports_module(register: pl.DataFrame, prison: str, module: str, contract: Contract) -> bool:
    """Whether the register says `prison` reports `module` (every prison the base module)."""
    if module == contract.base_module:
        return True
    row = register.filter(pl.col("prison_code") == prison)
    return bool(row.height) and module in (row["modules"].to_list()[0] or [])


def outside_its_modules(
    register: pl.DataFrame,
    prison: str,
    modules: Collection[str],
    figures: pl.Series,
    contract: Contract,
) -> bool:
    """A chart not to draw: the prison reports none of `modules` and none of its `figures`
    is shown (a prison that reported them before the register changed keeps its chart)."""
    shown = figures.is_not_null().any()
    return not shown and not any(reports_module(register, prison, m, contract) for m in modules)


def cascade_modules(chosen: Cascade, registry: Registry, contract: Contract) -> set[str]:
    """The modules of the data elements a cascade's steps count."""
    elements = {getattr(registry[s.indicator], s.count) for s in chosen.steps}
    return {contract.element(e).module for e in elements if e in contract.element_codes}


def breakdown_series(
    table: pl.DataFrame,
    prison: str,
    breakdown: str,
    registry: Registry,
    period: str | None = None,
) -> pl.DataFrame:
    """One prison's shares of `breakdown`, every quarter it has a row for (or `period`).

    Columns: period, indicator, title, value (null unless shown), lower_95, upper_95,
    state; periods ascending, the shares in registry order.
    """
    shares = [i for i in registry if i.breakdown == breakdown]
    order = {i.id: n for n, i in enumerate(shares)}
    titles = {i.id: translated(i, "title") for i in shares}
    return (
        table.filter(
            (pl.col("level") == "prison")
            & (pl.col("prison_code") == prison)
            & pl.col("indicator").is_in(list(order))
            & (pl.lit(True) if period is None else pl.col("period") == period)
        )
        .select(
            "period",
            "indicator",
            pl.col("indicator").replace_strict(titles).alias("title"),
            *(
                pl.when(~pl.col("suppressed")).then(pl.col(c)).alias(c)
                for c in ("value", "lower_95", "upper_95")
            ),
            row_state().alias("state"),
        )
        .sort("period", pl.col("indicator").replace_strict(order))
    )
