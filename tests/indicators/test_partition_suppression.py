"""indicators.suppression across a partition (indicators.md §5): literal cases.

The medication breakdown (submission-format.md §3.3) is a partition of ost_received;
its shares divide each part by that total, which ost_coverage shows as its numerator.
Which elements and indicators these are comes from the registry.
"""

from __future__ import annotations

from dataclasses import replace

import polars as pl
from indicator_frames import PRISONS, row, values
from partition_recovery import recoverable_figures

from data_contracts.contract import BREAKDOWN_KINDS, load_contract
from data_contracts.register import Prison
from indicators.compute import indicator_values
from indicators.registry import load_registry
from indicators.suppression import shared_elements, suppress, suppressed_for
from indicators.suppression_aggregates import NESTED_LEVELS, PEER
from indicators.suppression_partition import (
    PARTITION,
    default_partitions,
    linked_indicators,
    partitions_from_breakdowns,
)
from store.accounts import Account

Q = "2025-Q1"
REGISTRY = load_registry()
BREAKDOWNS = REGISTRY.by_breakdown()
CONTRACT_BREAKDOWNS = {b.id: (b.total, b.parts, b.kind) for b in load_contract().breakdowns}
MEDICATION = CONTRACT_BREAKDOWNS["ost_medication"]
PSYCHOSOCIAL = CONTRACT_BREAKDOWNS["psychosocial_type"]
PARTITIONS = default_partitions()
TOTAL, PARTS, _ = MEDICATION
SHARES = [share.id for share in BREAKDOWNS["ost_medication"]]
SHARE_OF = {share.numerator: share.id for share in BREAKDOWNS["ost_medication"]}
# The indicators that show the total as their numerator (ost_coverage).
TOTAL_AS_NUMERATOR = [i.id for i in REGISTRY if i.numerator == TOTAL]
INDICATORS = [*TOTAL_AS_NUMERATOR, *SHARES]
IDENTIFIED = REGISTRY[TOTAL_AS_NUMERATOR[0]].denominator


def medication(total: int | None, parts: tuple[int | None, ...]) -> dict[str, float | None]:
    """A prison-quarter's partition: its total (also the numerator of ost_coverage), parts."""
    return {
        "population_average": 100.0,
        IDENTIFIED: None if total is None else total + 10,
        TOTAL: total,
        **dict(zip(PARTS, parts, strict=True)),
    }


BIG_SOUTH = {("S-A", Q): medication(90, (50, 30, 10)), ("S-B", Q): medication(80, (40, 20, 20))}


def suppressed_with(figures: dict, prisons=PRISONS, indicators=INDICATORS, partitions=PARTITIONS):
    frame = values(figures)
    original = indicator_values(frame, prisons, indicators=indicators, registry=REGISTRY)
    result = suppress(original, registry=REGISTRY, partitions=partitions)
    return frame, original, result


def hidden_parts(result: pl.DataFrame, code: str) -> set[str]:
    """The parts whose share row of prison ``code`` is suppressed."""
    rows = result.filter((pl.col("prison_code") == code) & pl.col("indicator").is_in(SHARES))
    return {
        part
        for part in PARTS
        if rows.filter(pl.col("indicator") == SHARE_OF[part]).row(0, named=True)["suppressed"]
    }


def total_shown(result: pl.DataFrame, code: str) -> bool:
    rows = result.filter((pl.col("prison_code") == code) & pl.col("indicator").is_in(INDICATORS))
    as_numerator = rows.filter(pl.col("indicator").is_in(TOTAL_AS_NUMERATOR))["numerator"]
    as_denominator = rows.filter(pl.col("indicator").is_in(SHARES))["denominator"]
    return as_numerator.is_not_null().any() or as_denominator.is_not_null().any()


def assert_nothing_recoverable(frame, original, result) -> None:
    assert recoverable_figures(original, result, frame, REGISTRY, PARTITIONS) == []


# --- The derivation of partitions ------------------------------------------------------


def test_only_partitions_are_taken_from_the_breakdowns() -> None:
    assert PARTITION in BREAKDOWN_KINDS
    assert partitions_from_breakdowns([MEDICATION, PSYCHOSOCIAL]) == {TOTAL: PARTS}
    assert partitions_from_breakdowns([PSYCHOSOCIAL]) == {}
    assert partitions_from_breakdowns([]) == {}
    partitions = [b for b in CONTRACT_BREAKDOWNS.values() if b[2] == PARTITION]
    assert {total: parts for total, parts, _ in partitions} == PARTITIONS


def test_the_registry_s_shares_divide_the_contract_s_parts_by_its_total() -> None:
    for name, (total, parts, _) in CONTRACT_BREAKDOWNS.items():
        shares = BREAKDOWNS[name]
        assert {share.denominator for share in shares} == {total}
        assert tuple(share.numerator for share in shares) == parts


def test_linked_indicators_are_suppressed_together() -> None:
    linked = linked_indicators([SHARES[0]], REGISTRY)
    assert set(INDICATORS) <= set(linked)  # the other parts' shares, ost_coverage, ...
    assert linked == tuple(i for i in REGISTRY.ids if i in linked)  # in registry order
    assert linked_indicators(linked, REGISTRY) == linked  # and closed
    shared = shared_elements(REGISTRY)
    alone = [i for i in REGISTRY if i.is_rate and i.numerator not in shared]
    assert all(linked_indicators([i.id], REGISTRY) == (i.id,) for i in alone)
    # A partition ties its figures even where no indicator shares one.
    first, second = alone[:2]
    tied = linked_indicators([first.id], REGISTRY, {first.numerator: (second.numerator,)})
    assert set(tied) == {first.id, second.id}


# --- The rule --------------------------------------------------------------------------


def test_one_hidden_part_takes_the_next_smallest_part_zero_included() -> None:
    figures = {
        ("N-A", Q): medication(40, (3, 0, 37)),  # methadone 3: small; buprenorphine 0
        ("N-B", Q): medication(50, (20, 10, 20)),
        ("N-C", Q): medication(60, (10, 30, 20)),
        **BIG_SOUTH,
    }
    frame, original, result = suppressed_with(figures)
    methadone, buprenorphine, other = PARTS
    assert hidden_parts(result, "N-A") == {methadone, buprenorphine}
    assert total_shown(result, "N-A")  # 40 stays shown: 40 - 37 is the sum of two parts
    assert row(result, prison_code="N-A", indicator=SHARE_OF[other])["numerator"] == 37
    assert_nothing_recoverable(frame, original, result)
    assert suppress(original, registry=REGISTRY).equals(result)  # the contract's, by default

    # Without the partition rule 40 - 0 - 37 would give the 3 away.
    _, _, without = suppressed_with(figures, partitions={})
    assert hidden_parts(without, "N-A") == {methadone}
    leaks = recoverable_figures(original, without, frame, REGISTRY, PARTITIONS)
    assert ("prison", "North", "N-A", Q, SHARE_OF[methadone], "numerator") in leaks


def test_the_total_counts_as_shown_where_only_the_shares_show_it() -> None:
    figures = {
        ("N-A", Q): medication(40, (3, 0, 37)),
        ("N-B", Q): medication(50, (20, 10, 20)),
        ("N-C", Q): medication(60, (10, 30, 20)),
        **BIG_SOUTH,
    }
    frame, original, result = suppressed_with(figures, indicators=SHARES)
    assert hidden_parts(result, "N-A") == set(PARTS[:2])
    assert_nothing_recoverable(frame, original, result)


FOUR_NORTH = [Prison(f"N-{c}", f"North {c}", "North") for c in "ABCD"] + PRISONS[3:]


def test_the_rules_are_applied_again_until_none_hides_more() -> None:
    methadone, buprenorphine, other = PARTS
    figures = {
        ("N-A", Q): medication(40, (3, 0, 37)),
        ("N-B", Q): medication(50, (20, 6, 24)),
        ("N-C", Q): medication(60, (30, 21, 9)),
        ("N-D", Q): medication(60, (8, 40, 12)),
        **BIG_SOUTH,
    }
    frame, original, result = suppressed_with(figures, prisons=FOUR_NORTH)
    # N-A: methadone (primary), buprenorphine 0 (partition). North's methadone then hides
    # N-D's 8 (secondary), whose partition hides its other 12; North's buprenorphine hides
    # N-B's 6 (secondary after a partition), whose partition hides its methadone 20;
    # North's other agonists hide N-C's 9, whose partition hides its buprenorphine 21.
    assert hidden_parts(result, "N-A") == {methadone, buprenorphine}
    assert hidden_parts(result, "N-B") == {buprenorphine, methadone}
    assert hidden_parts(result, "N-C") == {other, buprenorphine}
    assert hidden_parts(result, "N-D") == {methadone, other}
    assert all(total_shown(result, p.code) for p in FOUR_NORTH)
    assert_nothing_recoverable(frame, original, result)


def test_a_total_not_reported_gives_no_equation() -> None:
    figures = {
        ("N-A", Q): medication(None, (3, 10, 20)),
        ("N-B", Q): medication(50, (20, 10, 20)),
        ("N-C", Q): medication(60, (10, 30, 20)),
        **BIG_SOUTH,
    }
    frame, original, result = suppressed_with(figures)
    assert not total_shown(original, "N-A")
    assert hidden_parts(result, "N-A") == {PARTS[0]}
    assert_nothing_recoverable(frame, original, result)


def test_a_hidden_total_is_hidden_in_every_row_that_shows_it() -> None:
    # N-A's total of 3 is small; ost_coverage then hides N-B's 12, the next smallest, and
    # with it every share of N-B: its parts are four unknowns with no shown total.
    figures = {
        ("N-A", Q): medication(3, (1, 1, 1)),
        ("N-B", Q): medication(12, (6, 6, 0)),
        ("N-C", Q): medication(60, (10, 30, 20)),
        **BIG_SOUTH,
    }
    frame, original, result = suppressed_with(figures)
    for code in ("N-A", "N-B"):
        assert not total_shown(result, code)
        assert hidden_parts(result, code) == set(PARTS)
    assert_nothing_recoverable(frame, original, result)


def test_an_overlapping_breakdown_gets_no_partition_rule() -> None:
    total, parts, _ = PSYCHOSOCIAL
    shares = [share.id for share in BREAKDOWNS["psychosocial_type"]]

    def types(first: int) -> dict[str, float | None]:
        counts = [first, *([20] * (len(parts) - 1))]
        return {"population_average": 100.0, total: 40.0, **dict(zip(parts, counts, strict=True))}

    figures = {(p.code, Q): types(3 if p.code == "N-A" else 30) for p in PRISONS}
    _, _, result = suppressed_with(figures, indicators=shares)
    mine = result.filter((pl.col("prison_code") == "N-A") & pl.col("suppressed"))
    assert mine["indicator"].to_list() == [shares[0]]


# --- A new aggregate level is an entry -------------------------------------------------


def test_peer_groups_are_protected_like_regions() -> None:
    assert PEER in {a.level for a in NESTED_LEVELS}
    # N-A (small) and S-B share a peer group across the two regions.
    figures = {
        ("N-A", Q): medication(3, (1, 1, 1)),
        ("N-B", Q): medication(40, (20, 10, 10)),
        ("N-C", Q): medication(60, (10, 30, 20)),
        ("S-A", Q): medication(90, (50, 30, 10)),
        ("S-B", Q): medication(30, (10, 10, 10)),
    }
    peer_of = {"N-A": "small", "S-B": "small", "N-B": "large", "N-C": "large", "S-A": "large"}
    prisons = [replace(p, peer_group=peer_of[p.code]) for p in PRISONS]
    original = indicator_values(
        values(figures), prisons, indicators=TOTAL_AS_NUMERATOR, peer_rows=True, registry=REGISTRY
    )
    assert original.filter(pl.col("level") == PEER).height == len(set(peer_of.values()))
    result = suppress(original, registry=REGISTRY)
    hidden = set(result.filter(pl.col("suppressed"))["prison_code"].drop_nulls())
    # North hides N-A and N-B (next smallest); the peer group "small" then S-B, the group
    # "large" (where N-B is hidden) N-C, and South (where S-B is) S-A.
    assert hidden == {"N-A", "N-B", "S-B", "N-C", "S-A"}
    peers = result.filter(pl.col("level") == PEER)
    assert not peers["suppressed"].any() and peers.height == len(set(peer_of.values()))


def test_a_director_cannot_add_up_a_hidden_aggregate_from_their_own_hidden_figures() -> None:
    """Found by hypothesis (seed 3). A director of P000 and P001 asks for everything in
    suppressed form: the national other-agonist share is hidden, but its contributors are
    P002 and P010 (shown) and the director's own two (hidden, yet known to them), so they
    add it up (5) and read the national methadone figure off the partition (12 total, 6
    buprenorphine shown: 1). A hidden aggregate whose contributors unknown to the reader
    are all shown needs one of them hidden."""
    own = frozenset({"P000", "P001"})
    prisons = [
        Prison(code, code, region, country="XA")
        for code, region in (("P000", "R0"), ("P001", "R0"), ("P002", "R0"), ("P010", "R1"))
    ]
    frame = values(
        {
            ("P000", Q): medication(6, (0, 6, 0)),
            ("P001", Q): medication(0, (0, 0, 0)),
            ("P002", Q): medication(6, (1, 0, 5)),
            ("P010", Q): medication(0, (0, 0, 0)),
        }
    )
    original = indicator_values(frame, prisons, indicators=INDICATORS, registry=REGISTRY)
    director = Account("d", "director", own)
    for everything in (False, True):
        result = suppressed_for(
            original, director, everything=everything, registry=REGISTRY, partitions=PARTITIONS
        )
        assert recoverable_figures(original, result, frame, REGISTRY, PARTITIONS, known=own) == []
