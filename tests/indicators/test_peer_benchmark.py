"""The peer-group benchmark (indicators.md §4.1), peer rows, and the appended columns (§6)."""

from __future__ import annotations

import re
from pathlib import Path

import polars as pl
import pytest
from indicator_frames import ost, row, values

from data_contracts.register import Prison
from indicators import stats
from indicators.aggregates import MIN_PEER_PRISONS
from indicators.compute import TABLE_COLUMNS, V1_TABLE_COLUMNS, indicator_values
from indicators.funnel import FUNNEL_LIMITS, funnel_data, funnel_limit, funnel_table
from indicators.pooling import rolling_pool
from indicators.readings import benchmark_lines, benchmark_words, own_benchmark
from indicators.registry import load_registry
from indicators.table import indicator_table

Q = "2025-Q1"
# "large": three prisons by their register peer_group; "remand": two by their prison type
# alone; X-1 has neither, so no peer group at all.
PEER_PRISONS = [
    Prison("N-A", "North A", "North", prison_type="sentenced", peer_group="large"),
    Prison("N-B", "North B", "North", peer_group="large"),
    Prison("S-A", "South A", "South", prison_type="women", peer_group="large"),
    Prison("N-C", "North C", "North", prison_type="remand"),
    Prison("S-B", "South B", "South", prison_type="remand"),
    Prison("X-1", "Unknown 1", "South"),
]
OST = {"N-A": (30, 60), "N-B": (10, 80), "S-A": (45, 50), "N-C": (20, 40), "S-B": (9, 10)}
OST["X-1"] = (5, 20)
LARGE = ["N-A", "N-B", "S-A"]


def ost_values(counts: dict[str, tuple[float, float]], period: str = Q) -> pl.DataFrame:
    return values({(code, period): ost(x, n) for code, (x, n) in counts.items()})


def peer_table(counts=OST, **options) -> pl.DataFrame:
    return indicator_values(
        ost_values(counts), PEER_PRISONS, indicators=["ost_coverage"], benchmark="peer", **options
    )


def ratio(codes: list[str], counts=OST) -> float:
    return sum(counts[c][0] for c in codes) / sum(counts[c][1] for c in codes)


def spec_columns() -> list[str]:
    """The column list of indicators.md §6, as the spec writes it."""
    for parent in Path(__file__).resolve().parents:
        spec = parent / "shared" / "spec" / "indicators.md"
        if spec.is_file():
            section = spec.read_text(encoding="utf-8").split("## 6.", 1)[1]
            listed = section.split("`level,", 1)[1].split("`", 1)[0]
            return ["level", *(c.strip() for c in listed.split(",") if c.strip())]
    raise FileNotFoundError("indicators.md")


def test_the_minimum_is_the_spec_s() -> None:
    assert MIN_PEER_PRISONS == 3  # indicators.md §4.1: "fewer than 3 reporting prisons"


def test_prisons_of_a_group_of_three_are_compared_with_its_sum() -> None:
    table = peer_table()
    large = ratio(LARGE) * 100
    for code in LARGE:
        got = row(table, level="prison", prison_code=code)
        assert got["peer_group"] == "large"
        assert got["benchmark"] == pytest.approx(large)
        expected = stats.HIGHER if got["lower_95"] > large else stats.SIMILAR
        expected = stats.LOWER if got["upper_95"] < large else expected
        assert got["significance"] == expected
    # N-B (12.5%) and S-A (90%) are far from 85 / 190 = 44.7%.
    assert row(table, level="prison", prison_code="N-B")["significance"] == stats.LOWER
    assert row(table, level="prison", prison_code="S-A")["significance"] == stats.HIGHER


def test_a_group_of_two_or_no_group_gives_no_benchmark() -> None:
    table = peer_table()
    for code in ("N-C", "S-B", "X-1"):
        got = row(table, level="prison", prison_code=code)
        assert got["value"] is not None
        assert got["benchmark"] is None and got["significance"] is None
    assert row(table, level="prison", prison_code="N-C")["peer_group"] == "remand"
    assert row(table, level="prison", prison_code="X-1")["peer_group"] is None


def test_a_group_with_one_prison_not_reporting_falls_below_three() -> None:
    counts = {**OST, "N-B": (None, 80)}
    table = peer_table(counts)
    assert row(table, level="peer", peer_group="large")["prisons"] == 2
    assert row(table, level="prison", prison_code="N-A")["benchmark"] is None


def test_peer_rows_sum_their_prisons_and_are_compared_with_the_nation() -> None:
    table = peer_table()
    national = row(table, level="national")["value"]
    for group, codes in (("large", LARGE), ("remand", ["N-C", "S-B"])):
        got = row(table, level="peer", peer_group=group)
        assert got["numerator"] == sum(OST[c][0] for c in codes)
        assert got["denominator"] == sum(OST[c][1] for c in codes)
        assert got["value"] == pytest.approx(ratio(codes) * 100)
        assert got["prisons"] == len(codes)
        assert got["region"] is None and got["prison_code"] is None
        assert got["benchmark"] == pytest.approx(national)
    # The nation still covers every prison, X-1 included.
    assert row(table, level="national")["prisons"] == len(OST)
    assert table.filter(pl.col("level") == "peer").height == 2


def test_rows_come_top_down_with_peer_rows_before_prisons() -> None:
    levels = peer_table()["level"].unique(maintain_order=True).to_list()
    assert levels == ["national", "region", "peer", "prison"]


def test_peer_rows_only_where_asked_or_the_benchmark() -> None:
    plain = indicator_values(ost_values(OST), PEER_PRISONS, indicators=["ost_coverage"])
    assert "peer" not in plain["level"].to_list()
    asked = indicator_values(
        ost_values(OST), PEER_PRISONS, indicators=["ost_coverage"], peer_rows=True
    )
    assert asked.filter(pl.col("level") == "peer").height == 2
    # With the national benchmark, prisons are compared with the nation all the same.
    national = row(asked, level="national")["value"]
    assert row(asked, level="prison", prison_code="N-C")["benchmark"] == pytest.approx(national)


def test_appended_columns_follow_the_v1_columns_in_order() -> None:
    # international.md §1 puts `country` after `level` in indicators.md §6's list
    assert list(V1_TABLE_COLUMNS) == ["level", "country", *spec_columns()[1:]]
    assert (*V1_TABLE_COLUMNS, "peer_group", "domain") == TABLE_COLUMNS
    table = peer_table()
    assert tuple(table.columns) == TABLE_COLUMNS
    aggregates = table.filter(pl.col("level").is_in(["national", "region"]))
    assert aggregates["peer_group"].is_null().all()
    assert set(table["domain"]) == {load_registry()["ost_coverage"].domain}


def test_indicator_table_level_peer_and_prisons_named() -> None:
    peers = indicator_table(
        ost_values(OST), PEER_PRISONS, level="peer", indicators=["ost_coverage"]
    )
    assert sorted(peers["peer_group"]) == ["large", "remand"]
    assert tuple(peers.columns) == TABLE_COLUMNS
    theirs = indicator_table(
        ost_values(OST), PEER_PRISONS, level=None, prisons=["N-C"], indicators=["ost_coverage"]
    )
    assert theirs.filter(pl.col("level") == "peer")["peer_group"].to_list() == ["remand"]


def test_funnel_against_the_peer_group() -> None:
    table = peer_table()
    funnel = funnel_data(table, "ost_coverage", Q, benchmark="peer")
    spec = load_registry()["ost_coverage"]
    large = ratio(LARGE)
    grid = funnel.filter(pl.col("prison_code").is_in(LARGE)).sort("prison_code")
    assert grid["benchmark"].to_list() == pytest.approx([large * 100] * len(LARGE))
    for name, confidence, side in FUNNEL_LIMITS:
        want = grid.select(funnel_limit(spec, pl.lit(large), confidence, side))
        assert grid[name].to_list() == pytest.approx(want.to_series().to_list())
    assert row(funnel, prison_code="S-A")["funnel_significance"].startswith("High")
    # Too small a group, or none: nothing to compare with.
    for code in ("N-C", "S-B", "X-1"):
        got = row(funnel, prison_code=code)
        assert got["benchmark"] is None and got["funnel_significance"] is None
        assert all(got[name] is None for name, _, _ in FUNNEL_LIMITS)
    # The national funnel compares the same prisons with the nation instead.
    national = funnel_data(table, "ost_coverage", Q)
    assert row(national, prison_code="N-A")["benchmark"] == pytest.approx(ratio(list(OST)) * 100)


def test_funnel_table_names_each_prison_s_peer_group() -> None:
    got = funnel_table(ost_values(OST), PEER_PRISONS, "ost_coverage", Q, benchmark="peer")
    groups = dict(got.select("prison_code", "peer_group").iter_rows())
    assert groups == {p.code: p.peer for p in PEER_PRISONS}
    assert row(got, prison_code="N-A")["benchmark"] == pytest.approx(ratio(LARGE) * 100)


def test_pooled_windows_compare_prisons_with_their_pooled_peer_group() -> None:
    quarters = ["2024-Q2", "2024-Q3", "2024-Q4", "2025-Q1"]
    frames = [ost_values(OST, period=q) for q in quarters]
    full = indicator_values(
        pl.concat(frames), PEER_PRISONS, indicators=["ost_coverage"], benchmark="peer"
    )
    pooled = rolling_pool(full, benchmark="peer")
    last = pooled.filter(pl.col("period") == quarters[-1])
    got = row(last, level="prison", prison_code="N-A")
    assert got["numerator"] == OST["N-A"][0] * len(quarters)
    assert got["benchmark"] == pytest.approx(ratio(LARGE) * 100)
    assert row(last, level="prison", prison_code="N-C")["benchmark"] is None
    assert row(last, level="peer", peer_group="remand")["numerator"] == len(quarters) * 29


def test_an_unknown_benchmark_names_peer_among_the_choices() -> None:
    with pytest.raises(ValueError, match=re.escape("national, region, peer")):
        indicator_values(ost_values(OST), PEER_PRISONS, benchmark="europe")  # type: ignore[arg-type]


def test_readings_name_and_draw_the_peer_benchmark() -> None:
    table = peer_table()
    prisons = table.filter(pl.col("level") == "prison")
    labels = dict(own_benchmark(prisons, "peer").select("prison_code", "benchmark_label").rows())
    assert labels["N-A"] == "peer group large" and labels["N-C"] == "peer group remand"
    assert labels["X-1"] is None
    assert benchmark_words("peer") == "prison's peer group"
    lines = benchmark_lines(table, prisons, "peer")
    # Only the group big enough to be a benchmark gives a line.
    assert lines["label"].to_list() == ["peer group large"]
    assert lines["value"].to_list() == pytest.approx([ratio(LARGE) * 100])
