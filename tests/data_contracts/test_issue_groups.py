"""Identical problems are shown once with their rows; elements by title beside their code."""

from __future__ import annotations

from data_contracts.contract import load_contract
from data_contracts.issue_groups import grouped_issues, row_runs
from data_contracts.report import make_issue


def test_row_runs() -> None:
    assert row_runs([5]) == "row 5"
    assert row_runs([4, 2, 3, 9, 11, 12]) == "rows 2–4, 9, 11–12"
    assert row_runs(range(2, 40, 2), shown=3) == "rows 2, 4, 6 and 16 more"


def test_identical_problems_are_one_line_with_their_rows() -> None:
    period = [
        make_issue("period.format", row=r, column="period", value="Q3-2023", suggestion="")
        for r in range(2, 20)
    ]
    negative = make_issue(
        "value.negative", row=7, column="value", data_element="receptions", value="-1"
    )
    missing = make_issue("population.missing", prison_code="NM-WFP", period="2023-Q3")
    table = grouped_issues([*period, negative, missing])
    assert table["where"].to_list() == ["rows 2–19", "row 7", "NM-WFP 2023-Q3"]
    assert table["count"].to_list() == [len(period), 1, 1]
    assert table["what to fix"][0] == period[0].message  # the message whole, never cut
    title = load_contract().title("receptions")
    assert table["data element"][1] == f"{title} (receptions)"


def test_a_problem_over_many_elements_counts_them() -> None:
    from data_contracts.issue_groups import SHOWN_ELEMENTS

    codes = load_contract().element_codes[: SHOWN_ELEMENTS + 1]
    issues = [
        make_issue("period.format", row=r, column="period", data_element=c, value="Q3-2023")
        for r, c in enumerate(codes, start=2)
    ]
    assert grouped_issues(issues)["data element"].to_list() == [f"{len(codes)} data elements"]


def test_different_messages_stay_apart() -> None:
    issues = [
        make_issue("period.format", row=2, column="period", value="Q3-2023"),
        make_issue("period.format", row=3, column="period", value="2023Q3"),
    ]
    assert grouped_issues(issues).height == 2
