"""Literal values of the elements beyond the base module, coherent with submission_files' core
return, and the small test register with BE-HAS reporting chosen modules."""

from __future__ import annotations

from dataclasses import replace

from submission_files import PRISONS

from data_contracts.contract import load_contract
from data_contracts.register import Register

CONTRACT = load_contract()
OPTIONAL = CONTRACT.optional_module_ids


# A coherent value for every element beyond the base module, with submission_files' core
# return: every pair holds, every breakdown adds up.
MODULE_VALUES = {
    "drug_screening_reception": "250",
    "drug_problem_reception": "100",
    "drug_problem_in_custody": "150",
    "ost_methadone": "40",
    "ost_buprenorphine": "15",
    "ost_other_agonist": "5",
    "naltrexone_received": "3",
    "psychosocial_received": "30",
    "psychosocial_cbt": "12",
    "psychosocial_mi": "10",
    "psychosocial_cm": "4",
    "psychosocial_peer": "6",
    "psychosocial_tc": "2",
    "psychosocial_other": "1",
    "psychosocial_completed": "8",
    "hiv_tested_reception": "200",
    "hiv_positive_reception": "3",
    "hiv_in_custody": "6",
    "hiv_on_art": "5",
    "hcv_rna_tested": "25",
    "pwid_identified": "20",
    "nsp_received": "8",
    "drug_deaths_28d_release": "0",
}
assert list(MODULE_VALUES) == CONTRACT.codes_of(*OPTIONAL)


def register_with(*modules: str) -> Register:
    """The test register, BE-HAS reporting these modules beyond the base module."""
    prisons = [replace(p, modules=modules) if p.code == "BE-HAS" else p for p in PRISONS]
    return Register({p.code: p for p in prisons})
