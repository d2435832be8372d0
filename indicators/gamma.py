"""Quantiles of the Gamma distribution with a whole shape, in plain Python.

The exact Poisson limits of a count k (indicators.stats) are Gamma quantiles: the lower
limit is the `tail` quantile of Gamma(k), the upper the `1 - tail` quantile of Gamma(k + 1).
For a whole shape the Gamma distribution's tails are Poisson sums, so a quantile is found
by bisection on them to the last bit of a float, without importing scipy.special (0.37 s
of every command that computes a rate; tests/indicators/test_gamma.py checks these against
scipy's gammaincinv and gammainccinv).
"""

from __future__ import annotations

import math

# Bisection halves the bracket until it holds no float between its ends; this bounds it.
MAX_HALVINGS = 2_000
# Series terms past this share of the sum change nothing in a float.
NEGLIGIBLE = 1e-18


def lower_tail(shape: int, x: float) -> float:
    """P(X <= x) for X ~ Gamma(shape): the Poisson probability of at least `shape` events
    with mean x, summed from its first term (accurate where the result is small)."""
    if x <= 0:
        return 0.0
    term = math.exp(shape * math.log(x) - x - math.lgamma(shape + 1))
    total = term
    i = shape
    while True:
        i += 1
        term *= x / i
        total += term
        if term < total * NEGLIGIBLE and i > x:
            return min(total, 1.0)


def upper_tail(shape: int, x: float) -> float:
    """P(X > x) for X ~ Gamma(shape): the Poisson probability of fewer than `shape` events
    with mean x (a finite sum; accurate where the result is small)."""
    if x <= 0:
        return 1.0
    total = 0.0
    log_x = math.log(x)
    for i in range(shape):
        total += math.exp(i * log_x - x - math.lgamma(i + 1))
    return min(total, 1.0)


def _bisect(falls: bool, tail, target: float) -> float:  # type: ignore[no-untyped-def]
    """The x at which `tail(x)` (rising with x unless `falls`) reaches `target`."""
    low, high = 0.0, 1.0
    while (tail(high) > target) if falls else (tail(high) < target):
        high *= 2
    for _ in range(MAX_HALVINGS):
        middle = (low + high) / 2
        if middle in (low, high):
            break
        beyond = tail(middle) < target if falls else tail(middle) >= target
        if beyond:
            high = middle
        else:
            low = middle
    return high


def lower_quantile(shape: int, probability: float) -> float:
    """x with P(X <= x) = probability, X ~ Gamma(shape) (scipy's gammaincinv)."""
    if shape < 1:
        raise ValueError("the shape must be a whole number of at least 1")
    return _bisect(False, lambda x: lower_tail(shape, x), probability)


def upper_quantile(shape: int, probability: float) -> float:
    """x with P(X > x) = probability, X ~ Gamma(shape) (scipy's gammainccinv)."""
    if shape < 1:
        raise ValueError("the shape must be a whole number of at least 1")
    return _bisect(True, lambda x: upper_tail(shape, x), probability)
