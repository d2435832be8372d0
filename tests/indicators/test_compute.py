"""indicators.compute: small literal frames in, values worked out by hand out."""

from __future__ import annotations

import math
from statistics import NormalDist

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from indicator_frames import PRISONS, deaths, ost, row, values
from scipy.stats import chi2

from data_contracts.countries import default_country
from data_contracts.register import Prison
from indicators import compute, funnel_stats, inputs
from indicators.compute import (
    TABLE_COLUMNS,
    TABLE_SCHEMA,
    changes,
    funnel_data,
    indicator_values,
    recent_trends,
)
from indicators.registry import load_registry

Z95 = NormalDist().inv_cdf(0.975)
Z998 = NormalDist().inv_cdf(0.999)


def wilson(x: float, n: float, z: float) -> tuple[float, float]:
    """The spec's formula, in %."""
    root = z * math.sqrt(z**2 + 4 * x * (1 - x / n))
    low = (2 * x + z**2 - root) / (2 * (n + z**2))
    high = (2 * x + z**2 + root) / (2 * (n + z**2))
    return 100 * low, 100 * high


def exact_poisson(x: int, confidence: float) -> tuple[float, float]:
    alpha = 1 - confidence
    low = 0.0 if x == 0 else chi2.ppf(alpha / 2, 2 * x) / 2
    return low, chi2.ppf(1 - alpha / 2, 2 * x + 2) / 2


def byars(x: int, z: float) -> tuple[float, float]:
    low = x * (1 - 1 / (9 * x) - z / (3 * math.sqrt(x))) ** 3
    high = (x + 1) * (1 - 1 / (9 * (x + 1)) + z / (3 * math.sqrt(x + 1))) ** 3
    return low, high


def table(figures: dict, indicators: list[str] | None = None, **options) -> pl.DataFrame:
    return indicator_values(
        values(figures), PRISONS, indicators=indicators or ["ost_coverage"], **options
    )


# --- Shape ------------------------------------------------------------------------------


def test_columns_are_those_of_the_spec_in_order() -> None:
    result = table({("N-A", "2025-Q1"): ost(60, 90)})
    assert tuple(result.columns) == TABLE_COLUMNS
    assert result.schema == pl.Schema(TABLE_SCHEMA)
    assert result["suppressed"].to_list() == [False, False, False]


def test_levels_region_and_prison_code_are_empty_where_they_do_not_apply() -> None:
    result = table({("N-A", "2025-Q1"): ost(60, 90)})
    assert result.select("level", "region", "prison_code").rows() == [
        ("national", None, None),
        ("region", "North", None),
        ("prison", "North", "N-A"),
    ]


def test_one_row_per_indicator_level_unit_and_quarter() -> None:
    quarters = ("2025-Q1", "2025-Q2")
    figures = {(p.code, q): ost(5, 10) for p in PRISONS for q in quarters}
    result = indicator_values(values(figures), PRISONS)
    units = len(PRISONS) + len({p.region for p in PRISONS}) + 1  # prisons, regions, the nation
    assert result.height == len(load_registry().ids) * len(quarters) * units
    assert result["indicator"].unique(maintain_order=True).to_list() == list(load_registry().ids)


# --- Values and intervals ---------------------------------------------------------------


def test_percentage_value_and_wilson_intervals() -> None:
    got = row(table({("N-A", "2025-Q1"): ost(60, 90)}), level="prison")
    assert got["numerator"] == 60
    assert got["denominator"] == 90.0
    assert got["value"] == pytest.approx(66.666_666_666, rel=1e-9)
    assert (got["lower_95"], got["upper_95"]) == pytest.approx(wilson(60, 90, Z95), rel=1e-12)
    assert (got["lower_998"], got["upper_998"]) == pytest.approx(wilson(60, 90, Z998), rel=1e-12)
    assert got["prisons"] == 1


@pytest.mark.parametrize(
    ("received", "identified"),
    [(0, 0), (None, 90), (60, None), (None, None), (5, 0)],
    ids=["zero-denominator", "missing-numerator", "missing-denominator", "both-missing", "x/0"],
)
def test_not_computable_is_null_never_zero(
    received: float | None, identified: float | None
) -> None:
    got = row(table({("N-A", "2025-Q1"): ost(received, identified)}), level="prison")
    for column in ("value", "lower_95", "upper_95", "lower_998", "upper_998", "significance"):
        assert got[column] is None, column
    # What was reported is still shown.
    assert got["numerator"] == (None if received is None else received)
    assert got["denominator"] == (None if identified is None else identified)


def test_zero_numerator_is_a_value_of_zero() -> None:
    got = row(table({("N-A", "2025-Q1"): ost(0, 40)}), level="prison")
    assert got["value"] == 0.0
    assert got["lower_95"] == 0.0
    assert got["upper_95"] == pytest.approx(wilson(0, 40, Z95)[1])


@pytest.mark.parametrize(
    ("period", "days"),
    [("2023-Q1", 90), ("2024-Q1", 91), ("2024-Q2", 91), ("2024-Q3", 92), ("2024-Q4", 92)],
)
def test_person_years_use_the_real_days_of_the_quarter(period: str, days: int) -> None:
    # 2024 is a leap year: its first quarter has 91 days, 2023's has 90.
    result = table({("N-A", period): deaths(0, 365.25)}, ["overdose_death_rate"])
    assert row(result, level="prison")["denominator"] == pytest.approx(days)


def test_rate_per_1000_person_years_with_exact_poisson_interval() -> None:
    result = table({("N-A", "2024-Q1"): deaths(2, 1000)}, ["overdose_death_rate"])
    got = row(result, level="prison")
    person_years = 1000 * 91 / 365.25
    assert got["denominator"] == pytest.approx(person_years)
    assert got["value"] == pytest.approx(2 / person_years * 1000)  # 8.0275 per 1,000
    low, high = exact_poisson(2, 0.95)
    assert (got["lower_95"], got["upper_95"]) == pytest.approx(
        (low / person_years * 1000, high / person_years * 1000), rel=1e-9
    )
    low, high = exact_poisson(2, 0.998)
    assert (got["lower_998"], got["upper_998"]) == pytest.approx(
        (low / person_years * 1000, high / person_years * 1000), rel=1e-9
    )


def test_rate_with_ten_or_more_events_uses_byars() -> None:
    result = table({("N-A", "2025-Q3"): deaths(12, 800)}, ["overdose_death_rate"])
    got = row(result, level="prison")
    person_years = 800 * 92 / 365.25
    low, high = byars(12, Z95)
    assert (got["lower_95"], got["upper_95"]) == pytest.approx(
        (low / person_years * 1000, high / person_years * 1000), rel=1e-9
    )


def test_rate_without_population_is_not_computable() -> None:
    result = table({("N-A", "2025-Q1"): deaths(1, None)}, ["overdose_death_rate"])
    got = row(result, level="prison")
    assert got["denominator"] is None
    assert got["value"] is None


# --- Aggregates -------------------------------------------------------------------------


def test_aggregates_sum_numerators_and_denominators_not_percentages() -> None:
    # 10% and 50%: their average is 30%, the pooled figure 51 / 110 = 46.4%.
    result = table({("N-A", "2025-Q1"): ost(1, 10), ("N-B", "2025-Q1"): ost(50, 100)})
    for level in ("region", "national"):
        got = row(result, level=level)
        assert (got["numerator"], got["denominator"], got["prisons"]) == (51, 110.0, 2)
        assert got["value"] == pytest.approx(51 / 110 * 100)
        assert got["value"] != pytest.approx(30.0)
        assert (got["lower_95"], got["upper_95"]) == pytest.approx(wilson(51, 110, Z95))


def test_aggregates_count_only_prisons_that_reported_both() -> None:
    result = table(
        {
            ("N-A", "2025-Q1"): ost(10, 20),
            ("N-B", "2025-Q1"): ost(7, None),
            ("N-C", "2025-Q1"): ost(None, 30),
            ("S-A", "2025-Q1"): ost(0, 0),
        }
    )
    nation = row(result, level="national")
    assert (nation["numerator"], nation["denominator"], nation["prisons"]) == (10, 20.0, 2)
    north = row(result, level="region", region="North")
    assert (north["numerator"], north["denominator"], north["prisons"]) == (10, 20.0, 1)
    south = row(result, level="region", region="South")
    assert (south["numerator"], south["denominator"], south["prisons"]) == (0, 0.0, 1)
    assert south["value"] is None


def test_an_aggregate_no_prison_contributes_to_is_null_with_zero_prisons() -> None:
    result = table({("N-A", "2025-Q1"): ost(None, 30)})
    nation = row(result, level="national")
    assert (nation["numerator"], nation["denominator"], nation["value"], nation["prisons"]) == (
        None,
        None,
        None,
        0,
    )


def test_one_prison_is_its_region_and_its_nation() -> None:
    result = table({("S-B", "2025-Q1"): ost(3, 7)})
    values_by_level = {r["level"]: r["value"] for r in result.iter_rows(named=True)}
    assert values_by_level == pytest.approx(
        {"prison": 300 / 7, "region": 300 / 7, "national": 300 / 7}
    )
    assert result["prisons"].to_list() == [1, 1, 1]


def test_regions_and_prisons_count() -> None:
    figures = {(p.code, "2025-Q1"): ost(5, 10) for p in PRISONS}
    result = table(figures)
    assert row(result, level="national")["prisons"] == 5
    assert row(result, level="region", region="North")["prisons"] == 3
    assert row(result, level="region", region="South")["prisons"] == 2


def test_rate_aggregates_sum_events_and_person_years() -> None:
    result = table(
        {("N-A", "2024-Q1"): deaths(2, 1000), ("N-B", "2024-Q1"): deaths(0, 500)},
        ["overdose_death_rate"],
    )
    nation = row(result, level="national")
    person_years = 1500 * 91 / 365.25
    assert nation["numerator"] == 2
    assert nation["denominator"] == pytest.approx(person_years)
    assert nation["value"] == pytest.approx(2 / person_years * 1000)


def test_prisons_missing_from_the_register_are_left_out() -> None:
    result = indicator_values(
        values({("N-A", "2025-Q1"): ost(5, 10), ("X-Z", "2025-Q1"): ost(50, 60)}),
        PRISONS,
        indicators=["ost_coverage"],
    )
    assert "X-Z" not in result["prison_code"].to_list()
    assert row(result, level="national")["numerator"] == 5


def test_the_register_may_be_a_frame() -> None:
    register = pl.DataFrame({"prison_code": ["N-A"], "region": ["North"]})
    result = indicator_values(values({("N-A", "2025-Q1"): ost(5, 10)}), register)
    assert set(result["region"].drop_nulls()) == {"North"}


def test_no_values_give_an_empty_table_with_the_columns() -> None:
    result = indicator_values(values({}), PRISONS)
    assert result.height == 0
    assert tuple(result.columns) == TABLE_COLUMNS


# --- Benchmark and significance ---------------------------------------------------------


SPREAD = {
    ("N-A", "2025-Q1"): ost(90, 100),  # far above 50%
    ("N-B", "2025-Q1"): ost(10, 100),  # far below
    ("S-A", "2025-Q1"): ost(50, 100),  # at the national value
}


def test_significance_against_the_national_value() -> None:
    result = table(SPREAD)
    national = 150 / 300 * 100
    prisons = result.filter(pl.col("level") == "prison")
    assert prisons["benchmark"].to_list() == pytest.approx([national] * 3)
    assert dict(zip(prisons["prison_code"], prisons["significance"], strict=True)) == {
        "N-A": "higher",
        "N-B": "lower",
        "S-A": "similar",
    }
    # North is 100 / 200 = 50%: similar; the nation is compared with nothing.
    assert row(result, level="region", region="North")["significance"] == "similar"
    nation = row(result, level="national")
    assert (nation["benchmark"], nation["significance"]) == (None, None)


def test_significance_follows_the_95_interval_exactly() -> None:
    got = row(table(SPREAD), prison_code="N-A")
    assert got["lower_95"] > got["benchmark"]


def test_benchmark_may_be_the_region() -> None:
    result = table(SPREAD, benchmark="region")
    north = 100 / 200 * 100
    assert row(result, prison_code="N-A")["benchmark"] == pytest.approx(north)
    assert row(result, prison_code="S-A")["benchmark"] == pytest.approx(50.0)
    assert row(result, prison_code="S-A")["significance"] == "similar"
    # Regions are still compared with the nation.
    assert row(result, level="region", region="North")["benchmark"] == pytest.approx(50.0)


def test_an_unknown_benchmark_is_refused() -> None:
    with pytest.raises(ValueError, match="benchmark"):
        table(SPREAD, benchmark="europe")


# --- Changes, funnel, trend -------------------------------------------------------------


def test_change_on_previous_quarter_and_on_the_same_quarter_a_year_before() -> None:
    figures = {
        ("N-A", "2024-Q2"): ost(20, 100),
        ("N-A", "2025-Q1"): ost(30, 100),
        ("N-A", "2025-Q2"): ost(45, 100),
    }
    got = changes(table(figures)).filter(
        (pl.col("level") == "prison") & (pl.col("period") == "2025-Q2")
    )
    assert got.row(0, named=True) == {
        "level": "prison",
        "country": default_country(),
        "region": "North",
        "prison_code": "N-A",
        "indicator": "ost_coverage",
        "peer_group": None,  # the test register's prisons have none
        "period": "2025-Q2",
        "value": pytest.approx(45.0),
        "previous_quarter_value": pytest.approx(30.0),
        "change_on_previous_quarter": pytest.approx(15.0),
        "year_before_value": pytest.approx(20.0),
        "change_on_year_before": pytest.approx(25.0),
    }


def test_change_is_null_without_the_earlier_quarter_and_works_for_aggregates() -> None:
    figures = {("N-A", "2025-Q1"): ost(30, 100), ("N-A", "2025-Q3"): ost(40, 100)}
    got = changes(table(figures)).filter(pl.col("period") == "2025-Q3")
    assert got["change_on_previous_quarter"].to_list() == [None, None, None]
    nation = changes(table({**figures, ("N-A", "2025-Q2"): ost(35, 100)})).filter(
        (pl.col("level") == "national") & (pl.col("period") == "2025-Q3")
    )
    assert nation["change_on_previous_quarter"].to_list() == pytest.approx([5.0])


def test_funnel_data_labels_prisons_as_stats_does() -> None:
    result = table(SPREAD)
    funnel = funnel_data(result, "ost_coverage", "2025-Q1")
    assert funnel["prison_code"].to_list() == ["N-A", "N-B", "S-A"]
    assert funnel["benchmark"].to_list() == pytest.approx([50.0] * 3)
    expected = pl.DataFrame({"x": [90, 10, 50], "n": [100, 100, 100]}).select(
        funnel_stats.funnel_significance(pl.col("x"), pl.col("n"))
    )
    assert funnel["funnel_significance"].to_list() == expected.to_series().to_list()
    assert funnel["funnel_significance"].to_list()[:2] == ["High (0.001)", "Low (0.001)"]
    limit = pl.DataFrame({"n": [100.0]}).select(
        funnel_stats.funnel_proportion_limit(pl.col("n"), 0.5, 0.95, "lower") * 100
    )
    assert funnel["lower_95_limit"][0] == pytest.approx(limit.item())
    assert (funnel["lower_998_limit"] < funnel["lower_95_limit"]).all()


def test_funnel_data_of_a_rate() -> None:
    result = table(
        {("N-A", "2025-Q1"): deaths(9, 300), ("N-B", "2025-Q1"): deaths(0, 900)},
        ["overdose_death_rate"],
    )
    funnel = funnel_data(result, "overdose_death_rate", "2025-Q1")
    assert funnel["funnel_significance"].to_list()[0].startswith("High")
    assert funnel["benchmark"][0] == pytest.approx(row(result, level="national")["value"])


def test_funnel_data_hides_what_the_readers_table_hides() -> None:
    result = table(SPREAD)
    shown = result.with_columns(
        pl.when(pl.col("prison_code") == "N-B").then(True).otherwise(False).alias("suppressed"),
        pl.when(pl.col("prison_code") == "N-B")
        .then(None)
        .otherwise(pl.col("denominator"))
        .alias("denominator"),
    )
    funnel = funnel_data(result, "ost_coverage", "2025-Q1", shown=shown)
    hidden = funnel.filter(pl.col("prison_code") == "N-B").row(0, named=True)
    assert hidden["numerator"] is None and hidden["value"] is None
    assert hidden["funnel_significance"] is None and hidden["lower_95_limit"] is None
    assert funnel["benchmark"].to_list() == pytest.approx([50.0] * 3)


def test_recent_trend_over_the_last_five_quarters() -> None:
    quarters = ["2024-Q3", "2024-Q4", "2025-Q1", "2025-Q2", "2025-Q3"]
    figures = {("N-A", q): ost(10 + 15 * i, 100) for i, q in enumerate(quarters)}
    figures |= {("N-B", q): ost(50, 100) for q in quarters[1:]}  # one quarter missing
    trends = recent_trends(table(figures))
    by_prison = dict(
        trends.filter(pl.col("level") == "prison").select("prison_code", "trend").iter_rows()
    )
    assert by_prison == {"N-A": "increasing", "N-B": "cannot be calculated"}


def test_recent_trend_is_anchored_at_the_latest_quarter_of_the_table() -> None:
    quarters = ["2024-Q3", "2024-Q4", "2025-Q1", "2025-Q2", "2025-Q3"]
    figures = {("N-A", q): ost(10 + 15 * i, 100) for i, q in enumerate(quarters)}
    figures[("N-B", "2025-Q4")] = ost(5, 10)  # the table now ends a quarter later
    trends = recent_trends(table(figures))
    assert row(trends, prison_code="N-A")["trend"] == "cannot be calculated"
    assert row(recent_trends(table(figures), last="2025-Q3"), prison_code="N-A")["trend"] == (
        "increasing"
    )


# --- Properties -------------------------------------------------------------------------

COUNT = st.one_of(st.none(), st.integers(0, 60))
PERIODS = ["2024-Q1", "2024-Q2"]


@st.composite
def random_values(draw: st.DrawFn) -> pl.DataFrame:
    figures = {}
    for prison in PRISONS:
        for period in PERIODS:
            if draw(st.booleans()):
                continue
            population = draw(st.one_of(st.none(), st.floats(0.5, 2000)))
            figures[(prison.code, period)] = {
                "population_average": population,
                "oud_identified": draw(COUNT),
                "ost_received": draw(COUNT),
                "overdose_deaths": draw(COUNT),
                "hcv_tested_reception": draw(COUNT),
                "hcv_antibody_positive": draw(COUNT),
            }
    return values(figures)


PROPERTY_INDICATORS = ["ost_coverage", "overdose_death_rate", "hcv_antibody_positivity"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(random_values())
def test_intervals_contain_values_and_percentages_stay_in_range(frame: pl.DataFrame) -> None:
    result = indicator_values(frame, PRISONS, indicators=PROPERTY_INDICATORS)
    tolerance = 1e-9
    computed = result.filter(pl.col("value").is_not_null())
    assert (computed["lower_998"] <= computed["lower_95"] + tolerance).all()
    assert (computed["lower_95"] <= computed["value"] + tolerance).all()
    assert (computed["value"] <= computed["upper_95"] + tolerance).all()
    assert (computed["upper_95"] <= computed["upper_998"] + tolerance).all()
    percentages = computed.filter(pl.col("indicator") != "overdose_death_rate")
    for column in ("value", "lower_95", "upper_95", "lower_998", "upper_998"):
        assert percentages[column].is_between(0, 100).all(), column


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(random_values())
def test_not_computable_is_null_and_computable_is_not(frame: pl.DataFrame) -> None:
    result = indicator_values(frame, PRISONS, indicators=PROPERTY_INDICATORS)
    x, n = pl.col("numerator"), pl.col("denominator")
    percent = pl.col("indicator") != "overdose_death_rate"
    computable = x.is_not_null() & n.is_not_null() & (n > 0) & (~percent | (x <= n))
    checked = result.with_columns(computable.fill_null(False).alias("_ok"))
    assert (checked["_ok"] == checked["value"].is_not_null()).all()
    for column in ("lower_95", "upper_95", "lower_998", "upper_998"):
        assert (checked["_ok"] == checked[column].is_not_null()).all()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(random_values())
def test_national_figures_are_sums_over_prisons_that_reported_both(frame: pl.DataFrame) -> None:
    result = indicator_values(frame, PRISONS, indicators=PROPERTY_INDICATORS)
    prisons = result.filter(
        (pl.col("level") == "prison")
        & pl.col("numerator").is_not_null()
        & pl.col("denominator").is_not_null()
    )
    expected = prisons.group_by("indicator", "period").agg(
        pl.col("numerator").sum().alias("n_sum"),
        pl.col("denominator").sum().alias("d_sum"),
        pl.len().cast(pl.Int64).alias("covered"),
    )
    nation = result.filter(pl.col("level") == "national").join(
        expected, on=["indicator", "period"], how="left"
    )
    for got in nation.iter_rows(named=True):
        assert got["prisons"] == (got["covered"] or 0)
        if got["prisons"]:
            assert got["numerator"] == got["n_sum"]
            assert got["denominator"] == pytest.approx(got["d_sum"])


def test_person_years_helper_matches_the_spec() -> None:
    frame = pl.DataFrame({"p": [365.25], "q": [2024 * 4]})
    assert frame.select(inputs.person_years(pl.col("p"), pl.col("q"))).item() == 91.0


def test_register_frame_from_prisons() -> None:
    frame = compute.register_frame(
        [
            Prison("A-1", "A", "West", country="BE"),
            Prison("A-2", "A", "West", prison_type="remand", country="BE"),
            Prison("A-3", "A", "West", prison_type="remand", peer_group="large", country="NL"),
        ]
    )
    # The peer group is the register's, else the prison type, else none (indicators.md §4.1).
    assert frame.rows() == [
        ("A-1", "BE", "West", None),
        ("A-2", "BE", "West", "remand"),
        ("A-3", "NL", "West", "large"),
    ]


def test_register_frame_from_a_frame_without_peer_groups_or_countries(monkeypatch) -> None:
    from data_contracts.countries import DEFAULT_COUNTRY_SETTING

    monkeypatch.setenv(DEFAULT_COUNTRY_SETTING, "LU")
    frame = compute.register_frame(pl.DataFrame({"prison_code": ["A-1"], "region": ["West"]}))
    assert frame.rows(named=True) == [
        {"prison_code": "A-1", "country": "LU", "region": "West", "peer_group": None}
    ]
