"""`init --sample`: the sample register, every sample submission and the demo accounts."""

from __future__ import annotations

from sqlalchemy import Engine

from data_contracts.register import read_register
from store.db import StoreError
from store.prisons import import_prisons

SAMPLE_ACTOR = "sample-loader"


def load_sample(engine: Engine) -> list[str]:
    """Load the sample data; returns lines that say what was loaded."""
    from sample_data import REGISTER_FILE

    prisons, issues = read_register(REGISTER_FILE)
    if issues:
        raise StoreError(f"The sample register is invalid: {issues[0].message}")
    result = import_prisons(engine, prisons, SAMPLE_ACTOR)
    return [f"Sample register: {len(result.added)} prisons added, {len(result.updated)} updated."]
