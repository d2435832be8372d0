"""Password rules and hashing: the one place that says what a password may be.

A password set by a person has at least MIN_PASSWORD_LENGTH characters (NIST
SP 800-63B-4 for a password used alone), is not one of the common or breached
passwords shipped in store/data/common_passwords.txt (compared without case),
and is not the account's own name. Passwords are kept only as argon2 hashes;
checking a wrong name spends the same hashing time as a wrong password.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from functools import cache
from importlib import resources

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MIN_PASSWORD_LENGTH = 15
COMMON_PASSWORDS_FILE = "common_passwords.txt"
# The password of the demo accounts that only `init --sample` creates (store.sample).
DEMO_PASSWORD = "demo"
# Hash checks run side by side when many accounts are looked at (serve's demo warning).
HASH_WORKERS = 4

_HASHER = PasswordHasher()


class PasswordRuleError(ValueError):
    """A password breaks a rule; the message is the one sentence to show."""


@cache
def common_passwords() -> frozenset[str]:
    """The shipped list, lower-cased (comment lines start with '#')."""
    text = resources.files("store").joinpath("data", COMMON_PASSWORDS_FILE).read_text("utf-8")
    return frozenset(
        line.strip().casefold() for line in text.splitlines() if line and not line.startswith("#")
    )


def check_password(password: str, *, name: str) -> None:
    """Raise PasswordRuleError with one sentence when `password` may not be used for `name`."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise PasswordRuleError(
            f"The password has {len(password)} characters; use at least {MIN_PASSWORD_LENGTH} "
            "(a few ordinary words in a row are easy to remember)."
        )
    if password.casefold() == name.casefold():
        raise PasswordRuleError("The password is the account's name; choose another one.")
    if password.casefold() in common_passwords():
        raise PasswordRuleError(
            "The password is in the list of common and breached passwords; choose another one."
        )


def hash_password(password: str) -> str:
    return _HASHER.hash(password)


@cache
def _dummy_hash() -> str:
    """A hash to check against when there is no account, so a wrong name costs the same time."""
    return _HASHER.hash("no account has this password")


def verify_password(stored: str | None, password: str) -> bool:
    """Whether `password` matches `stored`; with no stored hash, spend the time and say no."""
    try:
        return _HASHER.verify(stored or _dummy_hash(), password) and bool(stored)
    except (VerificationError, InvalidHashError):
        return False


def is_demo_password(stored: str | None) -> bool:
    return bool(stored) and verify_password(stored, DEMO_PASSWORD)


def demo_password_flags(hashes: list[str | None]) -> list[bool]:
    """For each hash, whether it is the demo password (checked side by side: each costs a hash)."""
    with ThreadPoolExecutor(max_workers=HASH_WORKERS) as pool:
        return list(pool.map(is_demo_password, hashes))
