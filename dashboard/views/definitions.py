"""Every indicator and data element, verbatim from the registry and the contract."""

from __future__ import annotations

import polars as pl
import streamlit as st

from data_contracts.contract import load_contract
from indicators.availability import STATES
from indicators.changes import CHANGE_TESTS
from indicators.registry import load_registry
from indicators.suppression import SUPPRESSION_THRESHOLD

POLARITY = {
    "high_is_good": "higher is better",
    "low_is_good": "lower is better",
    "no_judgement": "no judgement (higher or lower is only described)",
}


def render() -> None:
    st.title("Definitions")
    registry = load_registry()
    contract = load_contract()
    tab_indicators, tab_elements, tab_rules, tab_methods = st.tabs(
        ["Indicators", "Data elements", "Contract rules", "Methods"]
    )
    with tab_indicators:
        for ind in registry:
            with st.expander(f"**{ind.title}** · `{ind.id}` · {ind.unit}"):
                st.markdown(ind.definition)
                st.markdown(
                    f"**Numerator:** `{ind.numerator}` · **Denominator:** `{ind.denominator}` · "
                    f"**Statistic:** {ind.statistic} · **Polarity:** {POLARITY[ind.polarity]}"
                )
                st.markdown(f"**Why it matters.** {ind.rationale}")
                st.caption(f"Source: {ind.source}")
    with tab_elements:
        st.dataframe(
            pl.DataFrame(
                [
                    {"code": e.code, "title": e.title, "kind": e.kind, "definition": e.definition}
                    for e in contract.data_elements
                ]
            ),
            hide_index=True,
            width="stretch",
        )
        st.caption(
            "Counts are whole numbers of persons (or events, for overdoses), 0 or more; "
            "population_average may have decimals. An empty value means not reported."
        )
        st.subheader("Subsets")
        st.dataframe(
            pl.DataFrame(
                {
                    "value": [a for a, _ in contract.pairs],
                    "must not exceed": [b for _, b in contract.pairs],
                }
            ),
            hide_index=True,
        )
    with tab_rules:
        st.dataframe(
            pl.DataFrame(
                [{"rule": r.id, "severity": r.severity, "when": r.when} for r in contract.rules]
            ),
            hide_index=True,
            width="stretch",
        )
    with tab_methods:
        st.markdown(METHODS.format(tests=CHANGE_TESTS, small=SUPPRESSION_THRESHOLD - 1))
        st.markdown("**A figure without a value** is one of four things, each with its own word:")
        st.dataframe(
            pl.DataFrame(
                {
                    "word": [s.word for s in STATES.values()],
                    "meaning": [s.footnote for s in STATES.values()],
                }
            ),
            hide_index=True,
            width="stretch",
        )


METHODS = """
**Values.** Percentages are numerator / denominator × 100. Rates are events per 1,000
person-years, with person-years = average population × days in the quarter / 365.25.
A value with a missing numerator or denominator, or a denominator of 0, is not computable
and shown empty, never as 0.

**Aggregates.** Region and national figures add up the numerators and the denominators of the
prisons that reported both; they never average prison percentages, and say how many prisons
they cover.

**Uncertainty.** Every value has 95% and 99.8% confidence intervals: Wilson score intervals for
percentages; exact Poisson limits (fewer than 10 events) or Byar's method for rates, as in
England's public-health indicators (PHEindicatormethods / Fingertips).

**Comparison.** A prison is *similar* to the benchmark (the national value of the same quarter,
or its region's) when the benchmark lies inside its 95% interval, otherwise *higher* or
*lower*; the indicator's polarity turns that into *better* or *worse*. Funnel plots draw 95%
and 99.8% control limits around the chosen benchmark (national, or one funnel per region) that
depend on the denominator; they can be widened for overdispersion (Spiegelhalter 2005,
multiplicative φ or additive τ²), which never makes a prison more significant.

**Changes.** A change on the previous quarter or on a year before is coloured only when it is
significant at 95% ({tests}).

**Trends.** The recent trend uses the last five quarters: a chi-square test for linear trend
for percentages, a weighted regression for rates (99.8% level, as Fingertips).

**Small numbers.** A prison's figure about 1–{small} persons (numerator, or denominator for a
percentage) is suppressed wherever it reaches someone who may not see it, and a second
figure is suppressed with it where one alone could be recovered by subtraction from a
published total. Ministry staff see every figure; directors see their own prison's.
"""


render()
