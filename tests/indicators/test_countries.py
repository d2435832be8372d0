"""Several countries in one table (international.md §1): a national row per country, region
and peer aggregates that never mix countries, each prison judged against its own country,
one funnel per country. The expected values are computed here by hand from the literal
figures (sums of numerators over sums of denominators), not by the engine."""

from __future__ import annotations

import polars as pl
from indicator_frames import ost, row, values

from data_contracts.register import Prison
from indicators.compute import TABLE_COLUMNS, indicator_values
from indicators.funnel import funnel_data

Q = "2025-Q1"
# Two countries, each with a region called "Centre" (the same name must not merge them).
PRISONS = [
    Prison("BE-A", "A", "Centre", prison_type="remand", country="BE"),
    Prison("BE-B", "B", "Centre", prison_type="remand", country="BE"),
    Prison("BE-C", "C", "Coast", prison_type="remand", country="BE"),
    Prison("NL-A", "A", "Centre", prison_type="remand", country="NL"),
    Prison("NL-B", "B", "Centre", prison_type="remand", country="NL"),
    Prison("NL-C", "C", "Centre", prison_type="remand", country="NL"),
]
FIGURES = {
    ("BE-A", Q): ost(30, 100),
    ("BE-B", Q): ost(10, 50),
    ("BE-C", Q): ost(40, 50),
    ("NL-A", Q): ost(90, 100),
    ("NL-B", Q): ost(80, 100),
    ("NL-C", Q): ost(70, 100),
}


def table(benchmark: str = "national") -> pl.DataFrame:
    return indicator_values(
        values(FIGURES), PRISONS, indicators=["ost_coverage"], benchmark=benchmark, peer_rows=True
    )


def test_country_column_follows_level() -> None:
    assert TABLE_COLUMNS[:3] == ("level", "country", "region")
    assert table().columns == list(TABLE_COLUMNS)


def test_one_national_row_per_country_summed_within_it() -> None:
    got = table()
    national = got.filter(pl.col("level") == "national")
    assert sorted(national["country"]) == ["BE", "NL"]
    be = row(got, level="national", country="BE")
    assert (be["numerator"], be["denominator"], be["prisons"]) == (80, 200.0, 3)
    assert be["value"] == 80 / 200 * 100
    nl = row(got, level="national", country="NL")
    assert (nl["numerator"], nl["denominator"], nl["prisons"]) == (240, 300.0, 3)


def test_regions_and_peer_groups_of_the_same_name_stay_apart() -> None:
    got = table()
    be = row(got, level="region", country="BE", region="Centre")
    nl = row(got, level="region", country="NL", region="Centre")
    assert (be["numerator"], be["denominator"], be["prisons"]) == (40, 150.0, 2)
    assert (nl["numerator"], nl["denominator"], nl["prisons"]) == (240, 300.0, 3)
    assert be["benchmark"] == 40.0 and nl["benchmark"] == 80.0  # each its own country
    peers = got.filter(pl.col("level") == "peer")
    assert sorted(zip(peers["country"], peers["prisons"], strict=True)) == [("BE", 3), ("NL", 3)]


def test_each_prison_is_judged_against_its_own_country() -> None:
    got = table()
    assert row(got, level="prison", prison_code="BE-C")["benchmark"] == 40.0
    assert row(got, level="prison", prison_code="NL-C")["benchmark"] == 80.0
    assert row(got, level="prison", prison_code="BE-C")["country"] == "BE"
    by_region = table("region")
    assert row(by_region, level="prison", prison_code="BE-A")["benchmark"] == 40 / 150 * 100
    assert row(by_region, level="prison", prison_code="NL-A")["benchmark"] == 80.0


def test_one_funnel_per_country() -> None:
    funnel = funnel_data(table(), "ost_coverage", Q)
    groups = dict(zip(funnel["prison_code"], funnel["group"], strict=True))
    assert groups == {
        "BE-A": "BE",
        "BE-B": "BE",
        "BE-C": "BE",
        "NL-A": "NL",
        "NL-B": "NL",
        "NL-C": "NL",
    }
    benchmark = dict(zip(funnel["group"], funnel["benchmark"], strict=False))
    assert benchmark == {"BE": 40.0, "NL": 80.0}
    regional = funnel_data(table("region"), "ost_coverage", Q, benchmark="region")
    assert set(regional["group"]) == {"BE Centre", "BE Coast", "NL Centre"}


def test_suppression_never_leaves_one_hidden_figure_in_a_country_or_its_regions() -> None:
    """Each country's nation and regions are their own equations: two regions of one name
    in two countries, each hiding one prison, must each hide a second (or themselves)."""
    from indicators.suppression import suppress

    prisons = [
        Prison("BE-A", "A", "Centre", country="BE"),
        Prison("BE-B", "B", "Centre", country="BE"),
        Prison("BE-C", "C", "Coast", country="BE"),
        Prison("NL-A", "A", "Centre", country="NL"),
        Prison("NL-B", "B", "Centre", country="NL"),
        Prison("NL-C", "C", "Coast", country="NL"),
    ]
    figures = {
        ("BE-A", Q): ost(2, 100),  # 2 persons: suppressed
        ("BE-B", Q): ost(50, 100),
        ("BE-C", Q): ost(60, 100),
        ("NL-A", Q): ost(3, 100),  # 3 persons: suppressed
        ("NL-B", Q): ost(70, 100),
        ("NL-C", Q): ost(80, 100),
    }
    full = indicator_values(values(figures), prisons, indicators=["ost_coverage"])
    shown = suppress(full)
    prison_rows = shown.filter(pl.col("level") == "prison")
    for level, keys in (("national", ["country"]), ("region", ["country", "region"])):
        for aggregate in shown.filter(pl.col("level") == level).iter_rows(named=True):
            if aggregate["suppressed"]:
                continue
            members = prison_rows
            for key in keys:
                members = members.filter(pl.col(key) == aggregate[key])
            hidden = members["suppressed"].sum()
            assert hidden != 1, f"{level} {[aggregate[k] for k in keys]} hides exactly one prison"
