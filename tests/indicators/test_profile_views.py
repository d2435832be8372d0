"""The profile's cascades and breakdowns, on small literal frames."""

from __future__ import annotations

import polars as pl

from data_contracts.contract import load_contract
from indicators.availability import NOT_REPORTED, SHOWN, SUPPRESSED
from indicators.profile_views import (
    CASCADES,
    breakdown_series,
    breakdown_views,
    cascade,
    cascade_modules,
    cascade_steps,
    outside_its_modules,
)
from indicators.registry import load_registry

REGISTRY, CONTRACT = load_registry(), load_contract()


def test_every_step_counts_a_figure_of_a_known_indicator() -> None:
    for chosen in CASCADES:
        for step in chosen.steps:
            assert step.indicator in REGISTRY and step.count in ("numerator", "denominator")


def test_cascade_steps_take_counts_and_say_why_one_is_absent() -> None:
    hiv = cascade("hiv")
    rows = pl.DataFrame(
        {
            "indicator": ["hiv_testing_coverage", "hiv_positivity", "art_coverage"],
            "numerator": [300, None, 20],
            "denominator": [400, 300, 25],
            "state": [SHOWN, SUPPRESSED, SHOWN],
        }
    )
    steps = cascade_steps(rows, hiv)
    assert steps["step"].to_list() == [s.label for s in hiv.steps]
    assert steps["persons"].to_list() == [300.0, None, 25.0, 20.0]
    assert steps["state"].to_list() == [SHOWN, SUPPRESSED, SHOWN, SHOWN]
    assert cascade_steps(rows.head(0), hiv)["state"].to_list() == [NOT_REPORTED] * len(hiv.steps)


def test_breakdown_views_follow_the_contract() -> None:
    views = {v.id: v for v in breakdown_views(REGISTRY, CONTRACT)}
    assert set(views) == {b.id for b in CONTRACT.breakdowns}
    for b in CONTRACT.breakdowns:
        assert views[b.id].kind == b.kind and views[b.id].title == b.title
        assert views[b.id].module == CONTRACT.element(b.parts[0]).module


def _table() -> pl.DataFrame:
    shares = [i.id for i in REGISTRY if i.breakdown == "ost_medication"]
    rows = []
    for period, suppressed in (("2026-Q2", True), ("2026-Q1", False)):
        for n, ind in enumerate(shares):
            hidden = suppressed and n > 0
            rows.append(
                {
                    "level": "prison",
                    "prison_code": "A",
                    "period": period,
                    "indicator": ind,
                    "value": None if hidden else 10.0 * (n + 1),
                    "lower_95": None if hidden else 5.0,
                    "upper_95": None if hidden else 50.0,
                    "denominator": None if hidden else 40,
                    "suppressed": hidden,
                }
            )
    rows.append({**rows[0], "prison_code": "B"})
    return pl.DataFrame(rows)


def test_breakdown_series_is_one_prisons_shares_in_order() -> None:
    series = breakdown_series(_table(), "A", "ost_medication", REGISTRY)
    shares = [i.id for i in REGISTRY if i.breakdown == "ost_medication"]
    assert series["period"].to_list() == ["2026-Q1"] * 3 + ["2026-Q2"] * 3
    assert series["indicator"].to_list() == shares * 2
    assert series["state"].to_list() == [SHOWN] * 4 + [SUPPRESSED] * 2
    one = breakdown_series(_table(), "A", "ost_medication", REGISTRY, period="2026-Q2")
    assert one.height == 3 and one["value"].null_count() == 2


def test_a_chart_outside_the_prisons_modules_is_not_drawn() -> None:
    register = pl.DataFrame(
        {"prison_code": ["A", "B"], "modules": [["medication"], []]},
        schema={"prison_code": pl.String, "modules": pl.List(pl.String)},
    )
    empty = pl.Series([None, None], dtype=pl.Float64)
    assert not outside_its_modules(register, "A", ["medication"], empty, CONTRACT)
    assert outside_its_modules(register, "B", ["medication"], empty, CONTRACT)
    assert not outside_its_modules(register, "B", ["medication"], pl.Series([1.0]), CONTRACT)
    assert cascade_modules(cascade("hiv"), REGISTRY, CONTRACT) == {"blood_borne_viruses"}
    assert CONTRACT.base_module in cascade_modules(cascade("hcv"), REGISTRY, CONTRACT)
