"""Charts for many prisons: a federal system has thousands, too many for a labelled line each."""

from __future__ import annotations

from types import SimpleNamespace

import polars as pl

from dashboard import charts, completeness_charts

META = SimpleNamespace(title="OST coverage", unit="%", polarity="high_is_good")


def compare_rows(n: int, suppressed: int = 0) -> pl.DataFrame:
    values = [10.0 + i % 50 for i in range(n)]
    return pl.DataFrame(
        {
            "prison_code": [f"BX-{i:04d}" for i in range(n)],
            "value": [None if i < suppressed else v for i, v in enumerate(values)],
            "lower_95": [v - 2 for v in values],
            "upper_95": [v + 2 for v in values],
            "numerator": [10.0] * n,
            "denominator": [100.0] * n,
            "significance": ["higher" if v > 40 else "similar" for v in values],
            "benchmark": [30.0] * n,
            "suppressed": [i < suppressed for i in range(n)],
            "state": ["suppressed" if i < suppressed else "shown" for i in range(n)],
            "judgement": ["better" if v > 40 else "similar" for v in values],
        }
    )


def test_a_few_prisons_get_one_labelled_line_each() -> None:
    fig = charts.compare_chart(compare_rows(24, suppressed=2), META, "national value")
    assert fig.layout.yaxis.showticklabels is not False
    assert list(fig.layout.yaxis.categoryarray)[:2] == ["BX-0000", "BX-0001"]
    assert fig.layout.height == 22 * 24 + 120
    assert any(t.name == "suppressed" for t in fig.data), "each kind of absence has its entry"


def test_thousands_of_prisons_become_a_ranked_caterpillar_of_fixed_height() -> None:
    fig = charts.compare_chart(compare_rows(2000, suppressed=7), META, "national value")
    assert fig.layout.height == 720
    assert fig.layout.yaxis.showticklabels is False
    assert fig.layout.yaxis.title.text == (
        "2,000 prisons, ranked by value (7 without a value, at the bottom)"
    )
    points = [(x, y) for t in fig.data for x, y in zip(t.x, t.y, strict=True)]
    assert len(points) == 2000 - 7
    ranks = sorted(points, key=lambda p: p[1])
    assert ranks[0][1] == 8, "ranks 1-7 are the suppressed prisons, drawn without a point"
    assert [x for x, _ in ranks] == sorted(x for x, _ in ranks), "rank follows the value"
    codes = {code for t in fig.data for code in t.text}
    assert "BX-1999" in codes and "BX-0000" not in codes, "the hover names each drawn prison"


def completeness_grid(n_prisons: int, periods: list[str]) -> pl.DataFrame:
    rows = []
    for i in range(n_prisons):
        for j, period in enumerate(periods):
            status = "on time"
            if i % 10 == 0 and j < i % 4 + 1:
                status = "missing"
            elif i % 7 == 0 and j == 0:
                status = "late"
            rows.append({"prison_code": f"BX-{i:04d}", "period": period, "status": status})
    return pl.DataFrame(rows)


def test_completeness_counts_per_quarter_add_up_to_every_prison() -> None:
    periods = ["2025-Q1", "2025-Q2", "2025-Q3"]
    grid = completeness_grid(500, periods)
    fig = completeness_charts.completeness_by_quarter(grid)
    totals = {p: 0 for p in periods}
    by_status = {}
    for trace in fig.data:
        by_status[trace.name] = dict(zip(trace.x, trace.y, strict=True))
        for x, y in zip(trace.x, trace.y, strict=True):
            totals[x] += y
    assert totals == {p: 500 for p in periods}
    assert by_status["missing"]["2025-Q1"] == 50
    assert fig.layout.barmode == "stack"


def test_the_prisons_needing_attention_are_the_most_missing_then_late() -> None:
    grid = completeness_grid(2000, ["2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4"])
    worst = completeness_charts.needing_attention(grid, limit=60)
    codes = worst["prison_code"].unique().to_list()
    assert len(codes) == 60
    missing = worst.group_by("prison_code").agg((pl.col("status") == "missing").sum())
    # 100 prisons (i = 10, 30, 50, ...) miss 3 quarters, the most of any: 60 of them are shown
    assert missing["status"].to_list() == [3] * 60
    assert (
        completeness_charts.needing_attention(
            completeness_grid(5, ["2025-Q1"]).with_columns(pl.lit("on time").alias("status"))
        ).height
        == 0
    )
