"""indicators.stats reproduces PHEindicatormethods' published values and Fingertips' methods."""

from __future__ import annotations

import math
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indicators import funnel_stats, stats, trend

# The published values come from R; our arithmetic is the same, so the match is far
# tighter than the 1e-6 the spec asks for.
REL = 1e-9


def _reference_dir() -> Path:
    """shared/reference beside the repository (/work/shared/reference for /work/main)."""
    for parent in Path(__file__).resolve().parents:
        candidate = parent / "shared" / "reference"
        if (candidate / "phe_confidence_intervals.csv").is_file():
            return candidate
    raise FileNotFoundError("no shared/reference directory above " + str(Path(__file__)))


REFERENCE = _reference_dir()
CI_ROWS = pl.read_csv(REFERENCE / "phe_confidence_intervals.csv").to_dicts()
FUNNEL_ROWS = pl.read_csv(REFERENCE / "phe_funnel_proportion_significance.csv")

x, n = pl.col("x"), pl.col("n")


def _row_id(row: dict) -> str:
    return (
        f"{row['method']}-{row['numerator']}/{row['denominator']}"
        f"-x{row['multiplier']}-{row['confidence']}"
    )


def _one(expr: pl.Expr, **columns: object) -> object:
    return pl.DataFrame({k: [v] for k, v in columns.items()}).select(expr).item()


# --- Confidence intervals -------------------------------------------------------------


def test_spec_z_values_are_z_for_rounded() -> None:
    assert round(stats.z_for(stats.CONFIDENCE_95), 6) == stats.Z_95
    assert round(stats.z_for(stats.CONFIDENCE_998), 6) == stats.Z_998


@pytest.mark.parametrize("row", CI_ROWS, ids=_row_id)
def test_interval_reproduces_phe_reference(row: dict) -> None:
    confidence, multiplier = row["confidence"], row["multiplier"]
    if row["statistic"] == "proportion":
        lower = stats.wilson_lower(x, n, confidence) * multiplier
        upper = stats.wilson_upper(x, n, confidence) * multiplier
    else:
        assert row["method"] == ("exact" if row["numerator"] < 10 else "byars")
        lower = stats.poisson_lower(x, confidence) / n * multiplier
        upper = stats.poisson_upper(x, confidence) / n * multiplier
    result = pl.DataFrame({"x": [row["numerator"]], "n": [row["denominator"]]}).select(
        value=x / n * multiplier, lower=lower, upper=upper
    )
    assert result.row(0, named=True) == {
        "value": pytest.approx(row["value"], rel=REL),
        "lower": pytest.approx(row["lower"], rel=REL),
        "upper": pytest.approx(row["upper"], rel=REL),
    }


def test_reference_covers_both_statistics_levels_and_methods() -> None:
    seen = {(r["method"], r["confidence"]) for r in CI_ROWS}
    assert seen == {(m, c) for m in ("wilson", "exact", "byars") for c in (0.95, 0.998)}


def test_poisson_limits_for_no_events() -> None:
    # Exact: chi2(a/2; 0) / 2 = 0 and chi2(1 - a/2; 2) / 2 = -ln(a/2).
    for confidence in (stats.CONFIDENCE_95, stats.CONFIDENCE_998):
        assert _one(stats.poisson_lower(x, confidence), x=0) == 0.0
        expected = -math.log((1 - confidence) / 2)
        assert _one(stats.poisson_upper(x, confidence), x=0) == pytest.approx(expected, rel=REL)


@pytest.mark.parametrize(
    ("x_value", "n_value"),
    [(5, 0), (5, None), (None, 10), (11, 10), (-1, 10), (None, None)],
)
def test_wilson_is_null_when_not_computable(x_value: int | None, n_value: int | None) -> None:
    frame = pl.DataFrame({"x": [x_value], "n": [n_value]}, schema={"x": pl.Int64, "n": pl.Int64})
    result = frame.select(lo=stats.wilson_lower(x, n), hi=stats.wilson_upper(x, n))
    assert result.row(0) == (None, None)


@pytest.mark.parametrize("count", [None, -1, 2.5])
def test_poisson_is_null_when_not_a_count(count: float | None) -> None:
    frame = pl.DataFrame({"x": [count]}, schema={"x": pl.Float64})
    result = frame.select(lo=stats.poisson_lower(x), hi=stats.poisson_upper(x))
    assert result.row(0) == (None, None)


def test_wilson_at_the_bounds_stays_within_0_and_1() -> None:
    frame = pl.DataFrame({"x": [0, 7], "n": [7, 7]})
    result = frame.select(lo=stats.wilson_lower(x, n), hi=stats.wilson_upper(x, n))
    assert (result["lo"][0], result["hi"][1]) == (0.0, 1.0)


# --- Property tests -------------------------------------------------------------------

proportion_pairs = st.lists(
    st.integers(min_value=1, max_value=10_000_000).flatmap(
        lambda size: st.tuples(st.integers(min_value=0, max_value=size), st.just(size))
    ),
    min_size=1,
    max_size=40,
)


@settings(deadline=None)
@given(proportion_pairs)
def test_wilson_brackets_the_proportion_within_0_and_1(pairs: list[tuple[int, int]]) -> None:
    frame = pl.DataFrame(pairs, schema=["x", "n"], orient="row")
    result = frame.select(
        value=x / n,
        lo95=stats.wilson_lower(x, n, stats.CONFIDENCE_95),
        hi95=stats.wilson_upper(x, n, stats.CONFIDENCE_95),
        lo998=stats.wilson_lower(x, n, stats.CONFIDENCE_998),
        hi998=stats.wilson_upper(x, n, stats.CONFIDENCE_998),
    )
    assert result.null_count().sum_horizontal().item() == 0
    for r in result.iter_rows(named=True):
        assert 0.0 <= r["lo998"] <= r["lo95"] <= r["value"] <= r["hi95"] <= r["hi998"] <= 1.0


@settings(deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(min_value=0, max_value=10_000_000),
            st.floats(min_value=1e-3, max_value=1e7, allow_nan=False),
        ),
        min_size=1,
        max_size=40,
    )
)
def test_rate_limits_bracket_the_rate(pairs: list[tuple[int, float]]) -> None:
    frame = pl.DataFrame(pairs, schema=["x", "n"], orient="row")
    result = frame.select(
        rate=x / n,
        lo95=stats.poisson_lower(x, stats.CONFIDENCE_95) / n,
        hi95=stats.poisson_upper(x, stats.CONFIDENCE_95) / n,
        lo998=stats.poisson_lower(x, stats.CONFIDENCE_998) / n,
        hi998=stats.poisson_upper(x, stats.CONFIDENCE_998) / n,
    )
    assert result.null_count().sum_horizontal().item() == 0
    for r in result.iter_rows(named=True):
        assert 0.0 <= r["lo998"] <= r["lo95"] <= r["rate"] <= r["hi95"] <= r["hi998"]


optional_counts = st.one_of(st.none(), st.integers(min_value=-3, max_value=50))


@settings(deadline=None)
@given(st.lists(st.tuples(optional_counts, optional_counts), min_size=1, max_size=40))
def test_intervals_are_null_never_zero_exactly_when_not_computable(
    pairs: list[tuple[int | None, int | None]],
) -> None:
    frame = pl.DataFrame(pairs, schema={"x": pl.Int64, "n": pl.Int64}, orient="row")
    result = frame.select(
        proportion_ok=stats.counts_are_usable(x, n, "proportion").fill_null(False),
        count_ok=(x >= 0).fill_null(False),
        wilson_lo=stats.wilson_lower(x, n),
        wilson_hi=stats.wilson_upper(x, n),
        poisson_lo=stats.poisson_lower(x),
        poisson_hi=stats.poisson_upper(x),
    )
    for r in result.iter_rows(named=True):
        assert (r["wilson_lo"] is not None) == r["proportion_ok"]
        assert (r["wilson_hi"] is not None) == r["proportion_ok"]
        assert (r["poisson_lo"] is not None) == r["count_ok"]
        assert (r["poisson_hi"] is not None) == r["count_ok"]


# --- Funnel plots ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def funnel_labels() -> list[str]:
    labels = FUNNEL_ROWS.select(
        funnel_stats.funnel_significance(pl.col("numerator"), pl.col("denominator"))
    )
    return labels.to_series().to_list()


@pytest.mark.parametrize("index", range(FUNNEL_ROWS.height), ids=FUNNEL_ROWS["Area"].to_list())
def test_funnel_label_reproduces_phe_reference(funnel_labels: list[str], index: int) -> None:
    assert funnel_labels[index] == FUNNEL_ROWS["significance"][index]


def test_funnel_reference_holds_303_areas_and_every_label() -> None:
    assert FUNNEL_ROWS.height == 303
    assert set(FUNNEL_ROWS["significance"]) == set(stats.FUNNEL_LABELS)


@pytest.mark.parametrize("confidence", [stats.CONFIDENCE_95, stats.CONFIDENCE_998])
@pytest.mark.parametrize("benchmark", [0.05, 0.4, 0.9])
@pytest.mark.parametrize("size", [10, 100, 1_000, 50_000])
def test_funnel_proportion_limits_are_inverted_wilson_limits(
    confidence: float, benchmark: float, size: int
) -> None:
    limits = pl.DataFrame({"n": [float(size)]}).select(
        lo=funnel_stats.funnel_proportion_limit(n, benchmark, confidence, "lower"),
        hi=funnel_stats.funnel_proportion_limit(n, benchmark, confidence, "upper"),
    )
    lo, hi = limits.row(0)
    # Numerators on the lower limit, on the upper limit, and at the two extremes.
    wilson = pl.DataFrame({"x": [lo * size, hi * size, 0.0, size], "n": [float(size)] * 4})
    upper = wilson.select(stats.wilson_upper(x, n, confidence)).to_series()
    lower = wilson.select(stats.wilson_lower(x, n, confidence)).to_series()
    # A proportion on the lower limit has its Wilson upper limit on the benchmark, unless
    # the limit is cut at 0 because even no events would not be significantly low.
    if lo > 0:
        assert upper[0] == pytest.approx(benchmark, rel=REL)
    else:
        assert upper[2] >= benchmark
    if hi < 1:
        assert lower[1] == pytest.approx(benchmark, rel=REL)
    else:
        assert lower[3] <= benchmark


@pytest.mark.parametrize("confidence", [stats.CONFIDENCE_95, stats.CONFIDENCE_998])
@pytest.mark.parametrize("events", [1, 3, 9, 10, 25, 200])
def test_funnel_rate_limits_match_phe_funnels_at_whole_counts(
    confidence: float, events: int
) -> None:
    """phe_funnels draws the rate limit k / population at population = exact limit(k) / rate."""
    from scipy.stats import chi2

    benchmark = 0.002
    tail = (1 - confidence) / 2
    population_low = chi2.ppf(1 - tail, 2 * events + 2) / 2 / benchmark
    population_high = chi2.ppf(tail, 2 * events) / 2 / benchmark
    frame = pl.DataFrame({"n": [population_low, population_high]})
    limits = frame.select(
        lo=funnel_stats.funnel_rate_limit(n, benchmark, confidence, "lower").first(),
        hi=funnel_stats.funnel_rate_limit(n, benchmark, confidence, "upper").last(),
    )
    assert limits.row(0) == (
        pytest.approx(events / population_low, rel=1e-8),
        pytest.approx(events / population_high, rel=1e-8),
    )


@settings(deadline=None)
@given(
    st.floats(min_value=0.001, max_value=0.999),
    st.lists(st.floats(min_value=1.0, max_value=1e7), min_size=1, max_size=20),
)
def test_funnel_limits_bracket_the_benchmark_and_nest(
    benchmark: float, denominators: list[float]
) -> None:
    frame = pl.DataFrame({"n": denominators})
    for limit in (funnel_stats.funnel_proportion_limit, funnel_stats.funnel_rate_limit):
        result = frame.select(
            lo998=limit(n, benchmark, stats.CONFIDENCE_998, "lower"),
            lo95=limit(n, benchmark, stats.CONFIDENCE_95, "lower"),
            hi95=limit(n, benchmark, stats.CONFIDENCE_95, "upper"),
            hi998=limit(n, benchmark, stats.CONFIDENCE_998, "upper"),
        )
        for r in result.iter_rows(named=True):
            assert 0.0 <= r["lo998"] <= r["lo95"] <= benchmark <= r["hi95"] <= r["hi998"]
            if limit is funnel_stats.funnel_proportion_limit:
                assert r["hi998"] <= 1.0


def test_funnel_limits_narrow_as_the_denominator_grows() -> None:
    frame = pl.DataFrame({"n": [50.0, 500.0, 5_000.0, 50_000.0]})
    for limit in (funnel_stats.funnel_proportion_limit, funnel_stats.funnel_rate_limit):
        result = frame.select(
            lo=limit(n, 0.3, stats.CONFIDENCE_998, "lower"),
            hi=limit(n, 0.3, stats.CONFIDENCE_998, "upper"),
        )
        assert result["lo"].is_sorted()
        assert result["hi"].is_sorted(descending=True)


def test_funnel_limits_are_null_without_a_denominator() -> None:
    frame = pl.DataFrame({"n": [0.0, None, 100.0]}, schema={"n": pl.Float64})
    limits = frame.select(
        proportion=funnel_stats.funnel_proportion_limit(n, 0.3, stats.CONFIDENCE_95, "lower"),
        rate=funnel_stats.funnel_rate_limit(n, 0.3, stats.CONFIDENCE_95, "upper"),
        overdispersed=funnel_stats.overdispersed_funnel_limit(n, 0.3, stats.CONFIDENCE_95, "upper"),
    )
    assert limits.null_count().row(0) == (2, 2, 2)
    assert limits.drop_nulls().height == 1


def test_funnel_rate_limit_takes_the_benchmark_of_each_quarter() -> None:
    units = pl.DataFrame(
        {"q": ["a", "a", "b", "b"], "x": [10, 30, 100, 300], "n": [1000.0, 1000.0, 1000.0, 1000.0]}
    )
    per_quarter = units.select(
        funnel_stats.funnel_rate_limit(n, funnel_stats.funnel_benchmark(x, n), 0.998, "upper").over(
            "q"
        )
    ).to_series()
    fixed = units.select(
        a=funnel_stats.funnel_rate_limit(n, 0.02, 0.998, "upper"),
        b=funnel_stats.funnel_rate_limit(n, 0.2, 0.998, "upper"),
    )
    assert per_quarter.to_list() == [*fixed["a"][:2], *fixed["b"][2:]]


def test_funnel_rate_labels_compare_the_benchmark_with_each_interval() -> None:
    # 134 events over 6,000 person-years: 22.3 expected in each unit of 1,000.
    units = pl.DataFrame(
        {"events": [0, 10, 25, 5, 60, 34], "person_years": [1000.0] * 6},
    )
    labels = units.select(
        funnel_stats.funnel_significance(pl.col("events"), pl.col("person_years"), "rate")
    )
    assert labels.to_series().to_list() == [
        stats.LOW_001,  # exact 99.8% upper limit of 0 events is 6.9
        stats.LOW_025,  # Byar's: 95% upper 18.4, 99.8% upper 24.2
        stats.NOT_SIGNIFICANT,  # 95% interval 16.2 to 36.9
        stats.LOW_001,  # exact 99.8% upper limit of 5 events is 16.4
        stats.HIGH_001,  # 99.8% lower limit 38.8
        stats.HIGH_025,  # 95% lower 23.5, 99.8% lower 18.7
    ]


def test_funnel_leaves_units_without_a_value_out_of_the_benchmark() -> None:
    units = pl.DataFrame(
        {"x": [30, 60, 90, None, 5], "n": [100, 200, 300, 100, 0]},
        schema={"x": pl.Int64, "n": pl.Int64},
    )
    result = units.select(
        benchmark=funnel_stats.funnel_benchmark(x, n),
        label=funnel_stats.funnel_significance(x, n),
    )
    assert result["benchmark"][0] == pytest.approx(0.3)
    assert result["label"].to_list() == [stats.NOT_SIGNIFICANT] * 3 + [None, None]


def test_funnel_significance_over_quarters_uses_each_quarters_benchmark() -> None:
    quarter_a = pl.DataFrame({"x": [100, 300, 200], "n": [1000, 1000, 1000]})
    quarter_b = pl.DataFrame({"x": [500, 520, 480], "n": [1000, 1000, 1000]})
    both = pl.concat([quarter_a.with_columns(q=pl.lit("a")), quarter_b.with_columns(q=pl.lit("b"))])
    over = both.select(funnel_stats.funnel_significance(x, n).over("q")).to_series().to_list()
    alone = [
        label
        for quarter in (quarter_a, quarter_b)
        for label in quarter.select(funnel_stats.funnel_significance(x, n)).to_series().to_list()
    ]
    assert over == alone
    assert over[:3] == [stats.LOW_001, stats.HIGH_001, stats.NOT_SIGNIFICANT]


# Prisons whose proportions scatter far more than binomial chance allows.
OVERDISPERSED = pl.DataFrame(
    {
        "x": [200, 260, 300, 340, 380, 400, 420, 460, 500, 560, 600, 330, 470, 250, 550],
        "n": [1000] * 15,
    }
)


@pytest.mark.parametrize("statistic", ["proportion", "rate"])
def test_overdispersion_widens_the_funnel(statistic: stats.Statistic) -> None:
    estimates = OVERDISPERSED.select(
        benchmark=funnel_stats.funnel_benchmark(x, n),
        phi=funnel_stats.overdispersion_phi(x, n, statistic),
        tau2=funnel_stats.overdispersion_tau2(x, n, statistic),
    ).row(0, named=True)
    assert estimates["phi"] > 1
    assert estimates["tau2"] > 0

    plain_limit = (
        funnel_stats.funnel_proportion_limit
        if statistic == "proportion"
        else funnel_stats.funnel_rate_limit
    )
    grid = pl.DataFrame({"n": [100.0, 1_000.0, 10_000.0]})
    for spread in ({"phi": estimates["phi"]}, {"tau2": estimates["tau2"]}):
        for confidence in (stats.CONFIDENCE_95, stats.CONFIDENCE_998):
            limits = grid.select(
                plain_lo=plain_limit(n, estimates["benchmark"], confidence, "lower"),
                plain_hi=plain_limit(n, estimates["benchmark"], confidence, "upper"),
                wide_lo=funnel_stats.overdispersed_funnel_limit(
                    n, estimates["benchmark"], confidence, "lower", statistic, **spread
                ),
                wide_hi=funnel_stats.overdispersed_funnel_limit(
                    n, estimates["benchmark"], confidence, "upper", statistic, **spread
                ),
            )
            for r in limits.iter_rows(named=True):
                assert r["wide_lo"] < r["plain_lo"]
                assert r["wide_hi"] > r["plain_hi"]

    def flagged(overdispersion: stats.Overdispersion) -> int:
        labels = OVERDISPERSED.select(
            funnel_stats.funnel_significance(x, n, statistic, overdispersion)
        ).to_series()
        return (labels != stats.NOT_SIGNIFICANT).sum()

    assert flagged("multiplicative") < flagged("none")
    assert flagged("additive") < flagged("none")


def test_overdispersion_never_narrows_the_funnel() -> None:
    at_benchmark = pl.DataFrame({"x": [300, 150, 600], "n": [1000, 500, 2000]})
    estimates = at_benchmark.select(
        phi=funnel_stats.overdispersion_phi(x, n), tau2=funnel_stats.overdispersion_tau2(x, n)
    )
    assert estimates.row(0) == (0.0, 0.0)
    limits = pl.DataFrame({"n": [1000.0]}).select(
        adjusted=funnel_stats.overdispersed_funnel_limit(n, 0.3, 0.998, "upper", phi=0.0),
        unadjusted=funnel_stats.overdispersed_funnel_limit(n, 0.3, 0.998, "upper"),
    )
    assert limits["adjusted"][0] == limits["unadjusted"][0]
    assert limits["unadjusted"][0] == pytest.approx(
        0.3 + stats.z_for(0.998) * math.sqrt(0.3 * 0.7 / 1000), rel=REL
    )


# --- Comparison with a benchmark ------------------------------------------------------


@pytest.mark.parametrize(
    ("lower", "upper", "benchmark", "expected"),
    [
        (0.5, 0.7, 0.4, "higher"),
        (0.2, 0.3, 0.4, "lower"),
        (0.3, 0.5, 0.4, "similar"),
        (0.4, 0.5, 0.4, "similar"),
        (0.3, 0.4, 0.4, "similar"),
        (None, 0.5, 0.4, None),
        (0.3, None, 0.4, None),
        (0.3, 0.5, None, None),
    ],
)
def test_benchmark_comparison(
    lower: float | None, upper: float | None, benchmark: float | None, expected: str | None
) -> None:
    frame = pl.DataFrame(
        {"lo": [lower], "hi": [upper], "b": [benchmark]},
        schema={"lo": pl.Float64, "hi": pl.Float64, "b": pl.Float64},
    )
    comparison = stats.benchmark_comparison(pl.col("lo"), pl.col("hi"), pl.col("b"))
    assert frame.select(comparison).item() == expected


@pytest.mark.parametrize(
    ("comparison", "polarity", "expected"),
    [
        ("higher", "high_is_good", "better"),
        ("lower", "high_is_good", "worse"),
        ("similar", "high_is_good", "similar"),
        ("higher", "low_is_good", "worse"),
        ("lower", "low_is_good", "better"),
        ("similar", "low_is_good", "similar"),
        ("higher", "no_judgement", "not judged"),
        ("lower", "no_judgement", "not judged"),
        ("similar", "no_judgement", "not judged"),
        (None, "high_is_good", None),
    ],
)
def test_polarity_judgement(comparison: str | None, polarity: str, expected: str | None) -> None:
    frame = pl.DataFrame(
        {"c": [comparison], "p": [polarity]}, schema={"c": pl.String, "p": pl.String}
    )
    from_literal = stats.polarity_judgement(pl.col("c"), polarity)
    from_column = stats.polarity_judgement(pl.col("c"), pl.col("p"))
    assert frame.select(a=from_literal, b=from_column).row(0) == (expected, expected)


def test_polarity_must_be_known() -> None:
    with pytest.raises(ValueError, match="polarity"):
        stats.polarity_judgement(pl.col("c"), "high is good")


# --- Recent trend ----------------------------------------------------------------------


def _series(numerators: list[int | None], denominators: list[float | None]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "prison": "A",
            "period_index": list(range(1, len(numerators) + 1)),
            "numerator": numerators,
            "denominator": denominators,
        },
        schema_overrides={"numerator": pl.Int64, "denominator": pl.Float64},
    )


def _trend(frame: pl.DataFrame, statistic: stats.Statistic, **options: float) -> str:
    return trend.recent_trend(frame, ["prison"], statistic, **options)["trend"].item()


THOUSAND = [1000.0] * 5


@pytest.mark.parametrize(
    ("statistic", "numerators", "denominators", "expected"),
    [
        ("proportion", [100, 150, 200, 250, 300], THOUSAND, stats.INCREASING),
        ("proportion", [300, 250, 200, 150, 100], THOUSAND, stats.DECREASING),
        ("proportion", [200, 200, 200, 200, 200], THOUSAND, stats.NO_SIGNIFICANT_CHANGE),
        ("proportion", [200, 204, 196, 203, 199], THOUSAND, stats.NO_SIGNIFICANT_CHANGE),
        ("proportion", [0, 0, 0, 0, 0], THOUSAND, stats.NO_SIGNIFICANT_CHANGE),
        ("proportion", [0, 5, 20, 40, 80], [100.0] * 5, stats.INCREASING),
        ("proportion", [100, 150, 200, 250], THOUSAND[:4], stats.CANNOT_BE_CALCULATED),
        ("proportion", [100, 150, None, 250, 300], THOUSAND, stats.CANNOT_BE_CALCULATED),
        (
            "proportion",
            [100, 150, 0, 250, 300],
            [1000, 1000, 0, 1000, 1000],
            stats.CANNOT_BE_CALCULATED,
        ),
        (
            "proportion",
            [100, 150, 200, 250, 300],
            [1000, None, 1000, 1000, 1000],
            stats.CANNOT_BE_CALCULATED,
        ),
        # A series of any length is judged on its last five points only.
        ("proportion", [None, 0, 300, 250, 200, 150, 100], [1000.0] * 7, stats.DECREASING),
        # Chi-square 114 (rate below: 13.3), but the rise is carried by the last point alone.
        ("proportion", [110, 100, 95, 90, 300], THOUSAND, stats.NO_SIGNIFICANT_CHANGE),
        ("rate", [20, 30, 40, 50, 60], THOUSAND, stats.INCREASING),
        ("rate", [60, 50, 40, 30, 20], THOUSAND, stats.DECREASING),
        ("rate", [30, 30, 30, 30, 30], THOUSAND, stats.NO_SIGNIFICANT_CHANGE),
        ("rate", [0, 0, 0, 0, 0], THOUSAND, stats.NO_SIGNIFICANT_CHANGE),
        ("rate", [30, 28, 26, 24, 200], THOUSAND, stats.NO_SIGNIFICANT_CHANGE),
        ("rate", [20, 30, 40, 50], THOUSAND[:4], stats.CANNOT_BE_CALCULATED),
        ("rate", [20, 30, 40, 50, 60], [1000, 1000, 0, 1000, 1000], stats.CANNOT_BE_CALCULATED),
    ],
)
def test_recent_trend(
    statistic: stats.Statistic,
    numerators: list[int | None],
    denominators: list[float | None],
    expected: str,
) -> None:
    assert _trend(_series(numerators, denominators), statistic) == expected


@pytest.mark.parametrize(
    ("statistic", "numerators"),
    [("proportion", [200, 210, 220, 230, 240]), ("rate", [20, 24, 28, 32, 36])],
)
def test_recent_trend_is_tested_at_998_unless_asked_otherwise(
    statistic: stats.Statistic, numerators: list[int]
) -> None:
    # chi-square about 5.5: significant at 95% (3.84), not at 99.8% (9.55).
    frame = _series(numerators, THOUSAND)
    assert _trend(frame, statistic) == stats.NO_SIGNIFICANT_CHANGE
    assert _trend(frame, statistic, confidence=stats.CONFIDENCE_95) == stats.INCREASING


def test_recent_trend_needs_the_five_latest_periods_without_a_gap() -> None:
    frame = _series([100, 150, 200, 250, 300], THOUSAND).with_columns(
        period_index=pl.Series([1, 2, 3, 5, 6])
    )
    assert _trend(frame, "proportion") == stats.CANNOT_BE_CALCULATED


def test_recent_trend_gives_one_label_per_series() -> None:
    rising = _series([100, 150, 200, 250, 300], THOUSAND)
    falling = _series([300, 250, 200, 150, 100], THOUSAND).with_columns(prison=pl.lit("B"))
    short = _series([1, 2], THOUSAND[:2]).with_columns(prison=pl.lit("C"))
    frame = pl.concat([short, falling, rising]).with_columns(indicator=pl.lit("ost_coverage"))
    result = trend.recent_trend(frame, ["indicator", "prison"], "proportion")
    assert result.to_dicts() == [
        {"indicator": "ost_coverage", "prison": "A", "trend": stats.INCREASING},
        {"indicator": "ost_coverage", "prison": "B", "trend": stats.DECREASING},
        {"indicator": "ost_coverage", "prison": "C", "trend": stats.CANNOT_BE_CALCULATED},
    ]


def test_recent_trend_of_a_single_series() -> None:
    frame = _series([100, 150, 200, 250, 300], THOUSAND).drop("prison")
    result = trend.recent_trend(frame, [], "proportion")
    assert result.to_dicts() == [{"trend": stats.INCREASING}]


def test_recent_trend_refuses_two_rows_for_one_period() -> None:
    frame = _series([100, 150, 200, 250, 300], THOUSAND).with_columns(
        period_index=pl.Series([1, 2, 3, 4, 4])
    )
    with pytest.raises(ValueError, match="period_index"):
        trend.recent_trend(frame, ["prison"], "proportion")
