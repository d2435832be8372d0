"""The one rule on peer groups and suppression: no suppressed table has peer-group figures.

A region and a peer group cut across each other, and the suppression of the aggregates
(indicators.suppression_aggregates) protects each aggregate, not every way of adding
them up in two dimensions: an exact search found suppressed figures recoverable from a
region, a peer group and the prisons they share. Until that is protected, a suppressed
table never holds peer-group rows or a peer benchmark: a reader who sees suppressed
figures is not offered the peer benchmark (`benchmarks_for`), and asking for it anyway
is refused in one sentence (`PeerSuppressionRefused`), by the CLI (exit 2) and the
dashboard alike.
"""

from __future__ import annotations

from typing import Protocol

from indicators.aggregates import BENCHMARKS, PEER

PEER_SUPPRESSION_REFUSED = (
    "Suppressed figures with peer-group rows or a peer benchmark are not available yet (a "
    "region and a peer group together could give a suppressed figure away); ask for the "
    "national or region benchmark, or for unsuppressed figures if your role allows it."
)
# Why a reader of suppressed figures is offered no peer benchmark (shown by the dashboard).
PEER_NOT_OFFERED = (
    "The peer-group benchmark is offered only with unsuppressed figures: a region and a "
    "peer group together could give a suppressed figure away."
)


class PeerSuppressionRefused(ValueError):
    """A suppressed table with peer rows would not be safe yet; str(exc) is one sentence."""


class Reader(Protocol):
    def sees_unsuppressed(self, prison_code: str | None) -> bool: ...


def peer_allowed(suppressed: bool) -> bool:
    """Whether a table may hold peer-group figures: only when nothing in it is suppressed."""
    return not suppressed


def refuse_peer(suppressed: bool, wants_peer: bool) -> None:
    """Raise PeerSuppressionRefused when a suppressed table is asked for peer figures."""
    if wants_peer and not peer_allowed(suppressed):
        raise PeerSuppressionRefused(PEER_SUPPRESSION_REFUSED)


def benchmarks_for(reader: Reader) -> tuple[str, ...]:
    """The benchmarks `reader` may choose: the peer group only if they see every aggregate
    unsuppressed (a reader who sees aggregates suppressed sees a suppressed table)."""
    suppressed = not reader.sees_unsuppressed(None)
    return tuple(b for b in BENCHMARKS if b != PEER or peer_allowed(suppressed))
