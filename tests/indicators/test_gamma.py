"""The Gamma quantiles behind the exact Poisson limits, against scipy's (which the product
no longer imports for them)."""

from __future__ import annotations

import math

import pytest
from scipy.special import gammainccinv, gammaincinv

from indicators.gamma import lower_quantile, lower_tail, upper_quantile, upper_tail
from indicators.stats import CONFIDENCE_95, CONFIDENCE_998, EXACT_POISSON_BELOW

TAILS = [(1 - c) / 2 for c in (CONFIDENCE_95, CONFIDENCE_998, 0.9, 0.99)]
# agreement to a few units in the last place of a float
RELATIVE = 1e-14


@pytest.mark.parametrize("tail", TAILS)
@pytest.mark.parametrize("shape", range(1, EXACT_POISSON_BELOW + 2))
def test_quantiles_equal_scipys(shape: int, tail: float) -> None:
    assert lower_quantile(shape, tail) == pytest.approx(
        float(gammaincinv(shape, tail)), rel=RELATIVE
    )
    assert upper_quantile(shape, tail) == pytest.approx(
        float(gammainccinv(shape, tail)), rel=RELATIVE
    )


def test_the_tails_are_complements() -> None:
    for shape in (1, 3, 9):
        for x in (0.01, 0.5, 2.0, 7.5, 30.0):
            assert lower_tail(shape, x) + upper_tail(shape, x) == pytest.approx(1.0, abs=1e-14)


def test_shape_one_is_the_exponential() -> None:
    # Gamma(1) is Exp(1): its p-quantile is -log(1 - p)
    assert lower_quantile(1, 0.025) == pytest.approx(-math.log(0.975), rel=RELATIVE)
    assert upper_quantile(1, 0.025) == pytest.approx(-math.log(0.025), rel=RELATIVE)


def test_a_shape_below_one_is_refused() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        lower_quantile(0, 0.5)
