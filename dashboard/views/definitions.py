"""Every indicator and data element, verbatim from the registry and the contract."""

from __future__ import annotations

import polars as pl
import streamlit as st

from data_contracts.contract import load_contract, translated
from i18n import N_, _
from indicators.aggregates import MIN_PEER_PRISONS
from indicators.availability import STATES
from indicators.changes import CHANGE_TESTS
from indicators.registry import load_registry, unit_label
from indicators.registry_docs import indicator_markdown, modules_markdown
from indicators.suppression import SUPPRESSION_THRESHOLD


def render() -> None:
    st.title(_("Definitions"))
    registry = load_registry()
    contract = load_contract()
    tab_indicators, tab_modules, tab_elements, tab_rules, tab_methods = st.tabs(
        [_("Indicators"), _("Modules"), _("Data elements"), _("Contract rules"), _("Methods")]
    )
    with tab_indicators:
        for domain, members in registry.by_domain().items():
            st.subheader(translated(domain, "title"), anchor=False)
            st.caption(translated(domain, "description"))
            for ind in members:
                with st.expander(
                    f"**{translated(ind, 'title')}** · `{ind.id}` · {unit_label(ind.unit)}"
                ):
                    st.markdown(indicator_markdown(ind))
    with tab_modules:
        st.markdown(modules_markdown(contract))
    with tab_elements:
        st.dataframe(
            pl.DataFrame(
                [
                    {
                        _("code"): e.code,
                        _("module"): e.module,
                        _("title"): translated(e, "title"),
                        _("kind"): e.kind,
                        _("definition"): translated(e, "definition"),
                    }
                    for e in contract.data_elements
                ]
            ),
            hide_index=True,
            width="stretch",
        )
        st.caption(
            _(
                "Counts are whole numbers of persons (or events, for overdoses), 0 or more; "
                "population_average may have decimals. An empty value means not reported."
            )
        )
        st.subheader(_("Subsets"))
        st.dataframe(
            pl.DataFrame(
                {
                    _("value"): [a for a, _b in contract.pairs],
                    _("must not exceed"): [b for _a, b in contract.pairs],
                }
            ),
            hide_index=True,
        )
    with tab_rules:
        st.dataframe(
            pl.DataFrame(
                [
                    {_("rule"): r.id, _("severity"): r.severity, _("when"): translated(r, "when")}
                    for r in contract.rules
                ]
            ),
            hide_index=True,
            width="stretch",
        )
    with tab_methods:
        st.markdown(
            ("\n" + "\n\n".join(_(part) for part in METHODS) + "\n").format(
                tests=CHANGE_TESTS, small=SUPPRESSION_THRESHOLD - 1, peers=MIN_PEER_PRISONS
            )
        )
        st.markdown(
            _("**A figure without a value** is one of four things, each with its own word:")
        )
        st.dataframe(
            pl.DataFrame(
                {
                    _("word"): [s.said() for s in STATES.values()],
                    _("meaning"): [s.meaning() for s in STATES.values()],
                }
            ),
            hide_index=True,
            width="stretch",
        )


# The methods tab, a paragraph each (joined by a blank line)
METHODS = (
    N_(
        "**Values.** Percentages are numerator / denominator × 100. Rates are events per "
        "1,000 person-years, with person-years = average population × days in the quarter / "
        "365.25. Deaths within 28 days of release are per 1,000 releases: a proportion of the"
        " releases, with its interval as for percentages. A value with a missing numerator or"
        " denominator, or a denominator of 0, is not computable and shown empty, never as 0."
    ),
    N_(
        "**Aggregates.** Region, peer-group and national figures add up the numerators and "
        "the denominators of the prisons that reported both; they never average prison "
        "percentages, and say how many prisons they cover. A prison's peer group is the "
        "register's `peer_group`, else its prison type; a peer group of fewer than {peers} "
        "prisons is no benchmark."
    ),
    N_(
        "**Shares.** The medicines of opioid substitution treatment and the types of "
        "psychosocial intervention are shares of their total (the contract's breakdowns): "
        "those of a partition add up to 100%, those of an overlapping breakdown can add up to"
        " more."
    ),
    N_(
        "**Uncertainty.** Every value has 95% and 99.8% confidence intervals: Wilson score "
        "intervals for percentages; exact Poisson limits (fewer than 10 events) or Byar's "
        "method for rates, as in England's public-health indicators (PHEindicatormethods / "
        "Fingertips)."
    ),
    N_(
        "**Comparison.** A prison is *similar* to the benchmark (the national value of the "
        "same quarter, its region's or its peer group's) when the benchmark lies inside its "
        "95% interval, otherwise *higher* or *lower*; the indicator's polarity turns that "
        "into *better* or *worse* (an indicator without a polarity, such as a share, stays "
        "*higher* or *lower*, never coloured better or worse). Funnel plots draw 95% and "
        "99.8% control limits around the chosen benchmark (national, or one funnel per region"
        " or peer group) that depend on the denominator; they can be widened for "
        "overdispersion (Spiegelhalter 2005, multiplicative φ or additive τ²), which never "
        "makes a prison more significant."
    ),
    N_(
        "**Changes.** A change on the previous quarter or on a year before is coloured only "
        "when it is significant at 95% ({tests})."
    ),
    N_(
        "**Trends.** The recent trend uses the last five quarters: a chi-square test for "
        "linear trend for percentages, a weighted regression for rates (99.8% level, as "
        "Fingertips)."
    ),
    N_(
        "**Small numbers.** A prison's figure about 1–{small} persons (numerator, or "
        "denominator for a percentage) is suppressed wherever it reaches someone who may not "
        "see it, and a second figure is suppressed with it where one alone could be recovered"
        " by subtraction from a published total, or from a total and the other parts of a "
        "partition (the medicines of opioid substitution treatment). Ministry staff see every"
        " figure; directors see their own prison's. Suppressed figures come without "
        "peer-group benchmarks for now: a region and a peer group together could give one "
        "away."
    ),
)


render()
