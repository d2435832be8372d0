"""Countries (international.md §1): ISO 3166-1 alpha-2 codes, and the deployment's default.

A register names each prison's country by its ISO 3166-1 alpha-2 code (`BE`, `FR`, `MD`, …).
The codes the standard leaves to its users (AA, QM–QZ, XA–XZ, ZZ) are accepted too: a
deployment may name a territory the standard does not list (the sample data's fictional
countries use them). A register without the `country` column is read as one country, the
setting `default_country` (the environment variable PRISON_MONITOR_DEFAULT_COUNTRY, else
NO_COUNTRY: "XX", a user-assigned code, until the deployment names its country).
"""

from __future__ import annotations

import os
import string
from collections.abc import Mapping
from functools import cache

DEFAULT_COUNTRY_SETTING = "PRISON_MONITOR_DEFAULT_COUNTRY"
NO_COUNTRY = "XX"
# ISO 3166-1 §8.1.3: codes the standard reserves for its users.
USER_ASSIGNED = frozenset(
    {"AA", "ZZ"}
    | {f"Q{c}" for c in string.ascii_uppercase[string.ascii_uppercase.index("M") :]}
    | {f"X{c}" for c in string.ascii_uppercase}
)


@cache
def _official() -> frozenset[str]:
    import pycountry

    return frozenset(c.alpha_2 for c in pycountry.countries)


def is_country_code(code: str) -> bool:
    """An ISO 3166-1 alpha-2 code the standard lists, or one it leaves to its users."""
    return code in USER_ASSIGNED or code in _official()


def default_country(environ: Mapping[str, str] = os.environ) -> str:
    """The country of a register without the `country` column (the deployment's setting)."""
    return (environ.get(DEFAULT_COUNTRY_SETTING) or "").strip() or NO_COUNTRY


def country_name(code: str) -> str:
    """A country's name as ISO 3166-1 gives it in English (its code for a code the standard
    leaves to its users, which names no country)."""
    import pycountry

    found = pycountry.countries.get(alpha_2=code) if code not in USER_ASSIGNED else None
    return found.name if found is not None else code
