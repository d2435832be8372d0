"""indicators.funnel and funnel_stats: benchmark groups, §4.2 edge cases, overdispersion."""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from indicator_frames import PRISONS, deaths, ost, row, values

from indicators import funnel_stats, stats
from indicators.compute import indicator_values
from indicators.funnel import FUNNEL_COLUMNS, LIMIT_COLUMNS, funnel_data
from indicators.funnel_curve import funnel_curve
from indicators.registry import load_registry
from indicators.suppression import suppress

Q = "2025-Q1"
SEVERITY = {
    stats.LOW_001: -2,
    stats.LOW_025: -1,
    stats.NOT_SIGNIFICANT: 0,
    stats.HIGH_025: 1,
    stats.HIGH_001: 2,
}


def ost_table(figures: dict[str, tuple[float, float]]) -> pl.DataFrame:
    return indicator_values(
        values({(code, Q): ost(x, n) for code, (x, n) in figures.items()}),
        PRISONS,
        indicators=["ost_coverage"],
    )


def labels(x: list[float], n: list[float], statistic: str, overdispersion: str = "none", **kw):
    frame = pl.DataFrame({"x": x, "n": n}, schema={"x": pl.Float64, "n": pl.Float64})
    return frame.select(
        funnel_stats.funnel_significance(pl.col("x"), pl.col("n"), statistic, overdispersion, **kw)
    ).to_series()


# --- §4.2 edge cases -------------------------------------------------------------------


def test_a_quarter_all_at_100_percent_is_not_significant() -> None:
    # Round-off put the inverted Wilson limit at a benchmark of 100% just below 1.
    n = [7.0, 13.0, 30.0, 99.0, 3.0]
    for option in stats.OVERDISPERSIONS:
        assert labels(n, n, "proportion", option).to_list() == [stats.NOT_SIGNIFICANT] * 5


def test_a_quarter_all_at_0_percent_is_not_significant() -> None:
    assert (
        labels([0.0] * 4, [7.0, 13.0, 30.0, 99.0], "proportion").to_list()
        == [stats.NOT_SIGNIFICANT] * 4
    )


def test_a_unit_at_the_benchmark_is_not_significant_whatever_the_rounding() -> None:
    # 21 / 90 and 7 / 30 are the same proportion computed two ways.
    frame = pl.DataFrame({"x": [7.0], "n": [30.0]})
    got = frame.select(
        funnel_stats.funnel_significance(
            pl.col("x"), pl.col("n"), benchmark=pl.lit(21.0) / pl.lit(90.0)
        )
    ).item()
    assert got == stats.NOT_SIGNIFICANT


def test_overdispersion_never_labels_a_rate_the_exact_test_does_not() -> None:
    # One death in 100 person-years against 1 per 1,000: the exact interval (0.25-56 per
    # 1,000) holds the benchmark, the normal approximation (0.1 +/- 1.96 x 0.32 expected
    # deaths) does not.
    x, n = [100.0, 100.0, 1.0], [100_000.0, 100_000.0, 100.0]
    assert labels(x, n, "rate")[2] == stats.NOT_SIGNIFICANT
    assert labels(x, n, "rate", "multiplicative", phi=1.0)[2] == stats.NOT_SIGNIFICANT
    assert labels(x, n, "rate", "additive", tau2=0.0)[2] == stats.NOT_SIGNIFICANT


units = st.lists(st.tuples(st.integers(0, 400), st.integers(1, 400)), min_size=2, max_size=12).map(
    lambda pairs: [(min(x, n), n) for x, n in pairs]
)


@settings(max_examples=60, deadline=None)
@given(
    units, st.sampled_from(["proportion", "rate"]), st.sampled_from(["multiplicative", "additive"])
)
def test_overdispersion_never_makes_a_unit_more_significant(pairs, statistic, option) -> None:
    x = [float(a) for a, _ in pairs]
    n = [float(b) for _, b in pairs]
    plain = labels(x, n, statistic).to_list()
    adjusted = labels(x, n, statistic, option).to_list()
    for before, after in zip(plain, adjusted, strict=True):
        a, b = SEVERITY[before], SEVERITY[after]
        assert abs(b) <= abs(a) and a * b >= 0, (before, after)


@settings(max_examples=40, deadline=None)
@given(units, st.sampled_from(["multiplicative", "additive"]))
def test_overdispersed_limits_are_never_inside_the_exact_ones(pairs, option) -> None:
    spec = load_registry()["ost_coverage"]
    from indicators.funnel import funnel_limit

    grid = pl.DataFrame({"denominator": [float(n) for _, n in pairs]})
    benchmark = pl.lit(0.3)
    for confidence in (stats.CONFIDENCE_95, stats.CONFIDENCE_998):
        for side in ("lower", "upper"):
            got = grid.select(
                plain=funnel_limit(spec, benchmark, confidence, side),
                wide=funnel_limit(
                    spec, benchmark, confidence, side, overdispersion=option, phi=0.5, tau2=0.0
                ),
            )
            sign = 1 if side == "upper" else -1
            assert ((got["wide"] - got["plain"]) * sign >= 0).all()


# --- Benchmark groups ------------------------------------------------------------------

FIGURES = {
    "N-A": (90, 100),
    "N-B": (20, 100),
    "N-C": (50, 100),
    "S-A": (10, 100),
    "S-B": (30, 200),
}


def test_columns_and_national_benchmark() -> None:
    funnel = funnel_data(ost_table(FIGURES), "ost_coverage", Q)
    assert funnel.columns == list(FUNNEL_COLUMNS)
    assert funnel["group"].unique().to_list() == ["national"]
    assert funnel["benchmark"].to_list() == pytest.approx([200 / 600 * 100] * 5)
    assert funnel["overdispersion"].unique().to_list() == ["none"]


def test_each_prison_is_compared_with_its_own_region() -> None:
    full = ost_table(FIGURES)
    funnel = funnel_data(full, "ost_coverage", Q, benchmark="region")
    for code, (_, n) in FIGURES.items():
        got = row(funnel, prison_code=code)
        region = got["region"]
        assert got["group"] == region
        assert got["benchmark"] == pytest.approx(row(full, level="region", region=region)["value"])
        members = {c: f for c, f in FIGURES.items() if c[0] == code[0]}
        own = labels(
            [f[0] for f in members.values()], [f[1] for f in members.values()], "proportion"
        )
        assert got["funnel_significance"] == own[list(members).index(code)]
        limit = pl.select(
            funnel_stats.funnel_proportion_limit(
                pl.lit(float(n)), got["benchmark"] / 100, 0.95, "lower"
            )
        ).item()
        assert got["lower_95_limit"] == pytest.approx(limit * 100)
    # South's 40 / 300 is far below the nation's third: S-A is not low against its region.
    assert row(funnel, prison_code="S-A")["funnel_significance"] == stats.NOT_SIGNIFICANT
    national = funnel_data(full, "ost_coverage", Q)
    assert row(national, prison_code="S-A")["funnel_significance"].startswith("Low")


def test_an_unknown_benchmark_is_refused() -> None:
    with pytest.raises(ValueError, match="benchmark must be one of"):
        funnel_data(ost_table(FIGURES), "ost_coverage", Q, benchmark="europe")  # type: ignore[arg-type]


def test_phi_is_estimated_within_each_region_and_named() -> None:
    full = ost_table(FIGURES)
    funnel = funnel_data(
        full, "ost_coverage", Q, benchmark="region", overdispersion="multiplicative"
    )
    for region, codes in (("North", ["N-A", "N-B", "N-C"]), ("South", ["S-A", "S-B"])):
        x = pl.Series([float(FIGURES[c][0]) for c in codes])
        n = pl.Series([float(FIGURES[c][1]) for c in codes])
        phi = pl.select(funnel_stats.overdispersion_phi(pl.lit(x), pl.lit(n))).item()
        got = funnel.filter(pl.col("group") == region)
        assert got["phi"].to_list() == pytest.approx([phi] * len(codes))
        assert got["overdispersion"].unique().to_list() == [f"multiplicative phi={max(phi, 1):.2f}"]
    assert funnel["tau2"].is_null().all()


def test_additive_names_tau2() -> None:
    funnel = funnel_data(ost_table(FIGURES), "ost_coverage", Q, overdispersion="additive")
    tau2 = funnel["tau2"][0]
    assert tau2 > 0
    assert funnel["overdispersion"][0] == f"additive tau2={tau2:.3g}"


@pytest.mark.parametrize("option", stats.OVERDISPERSIONS)
def test_the_drawn_curve_passes_through_each_prisons_limits(option: str) -> None:
    spec = load_registry()["ost_coverage"]
    funnel = funnel_data(ost_table(FIGURES), "ost_coverage", Q, overdispersion=option)
    first = funnel.row(0, named=True)
    for prison in funnel.iter_rows(named=True):
        n = prison["denominator"]
        curve = funnel_curve(
            spec,
            first["benchmark"],
            n,
            n,
            overdispersion=option,
            phi=first["phi"],
            tau2=first["tau2"],
        ).row(0, named=True)
        for column in LIMIT_COLUMNS:
            assert curve[column.removesuffix("_limit")] == pytest.approx(prison[column])


def test_a_rate_funnel_by_region() -> None:
    figures = {("N-A", Q): deaths(4, 800), ("N-B", Q): deaths(0, 900), ("S-A", Q): deaths(1, 700)}
    full = indicator_values(values(figures), PRISONS, indicators=["overdose_death_rate"])
    funnel = funnel_data(full, "overdose_death_rate", Q, benchmark="region")
    assert row(funnel, prison_code="S-A")["benchmark"] == pytest.approx(
        row(full, level="region", region="South")["value"]
    )
    assert row(funnel, prison_code="S-A")["funnel_significance"] == stats.NOT_SIGNIFICANT


# --- What a reader who sees figures suppressed gets ------------------------------------


def test_a_suppressed_region_benchmark_hides_that_regions_funnel_only() -> None:
    # With two regions, suppression hides a second aggregate next to a suppressed region;
    # a reader's table where only South's aggregate is suppressed isolates the rule.
    full = ost_table(FIGURES)
    south = (pl.col("level") == "region") & (pl.col("region") == "South")
    shown = full.with_columns(south.alias("suppressed"))
    funnel = funnel_data(full, "ost_coverage", Q, shown=shown, benchmark="region")
    south = funnel.filter(pl.col("group") == "South")
    north = funnel.filter(pl.col("group") == "North")
    assert south.select("benchmark", *LIMIT_COLUMNS, "funnel_significance").null_count().row(0) == (
        (south.height,) * (len(LIMIT_COLUMNS) + 2)
    )
    assert north["benchmark"].is_not_null().all()
    assert north["funnel_significance"].is_not_null().all()


def test_overdispersion_is_estimated_from_the_prisons_the_reader_sees() -> None:
    figures = {**FIGURES, "N-B": (2, 100), "N-C": (3, 100)}
    full = ost_table(figures)
    shown = suppress(full)
    hidden = shown.filter((pl.col("level") == "prison") & pl.col("suppressed"))["prison_code"]
    assert set(hidden) >= {"N-B", "N-C"}
    funnel = funnel_data(full, "ost_coverage", Q, shown=shown, overdispersion="multiplicative")
    seen = [c for c in figures if c not in set(hidden)]
    x = pl.Series([float(figures[c][0]) for c in seen])
    n = pl.Series([float(figures[c][1]) for c in seen])
    benchmark = pl.lit(sum(f[0] for f in figures.values()) / sum(f[1] for f in figures.values()))
    phi = pl.select(
        funnel_stats.overdispersion_phi(pl.lit(x), pl.lit(n), benchmark=benchmark)
    ).item()
    assert funnel["phi"].to_list() == pytest.approx([phi] * funnel.height)
    assert (
        funnel.filter(pl.col("prison_code").is_in(hidden.to_list()))["funnel_significance"]
        .is_null()
        .all()
    )
