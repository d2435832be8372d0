"""The contract as the sample data reads it: the elements of each module, the pairs and the
breakdowns.

The generator draws the core figures and the figures of the other modules apart (so the v1
rows of every sample file stay as they were) and checks both against the contract: every
element of a module is drawn, no other, every pair holds and every breakdown adds up.
"""

from __future__ import annotations

from data_contracts.contract import Breakdown, Contract, load_contract

CONTRACT: Contract = load_contract()
BASE_MODULE = CONTRACT.base_module
PAIRS: tuple[tuple[str, str], ...] = CONTRACT.pairs
BREAKDOWNS: tuple[Breakdown, ...] = CONTRACT.breakdowns


def elements_of(*modules: str) -> list[str]:
    """The element codes of these modules, in the contract's order."""
    return CONTRACT.codes_of(*modules)


CORE_ELEMENTS = elements_of(BASE_MODULE)
V2_MODULES = CONTRACT.optional_module_ids  # the modules a register may name
V2_ELEMENTS = elements_of(*V2_MODULES)
