"""Cross tables (交叉分析): counts, row percentages and Pearson's chi-square."""

from __future__ import annotations

import pytest
from scipy.stats import chi2 as chi2_distribution
from scipy.stats import chi2_contingency

from analysis.crosstab import crosstab, crosstab_json


@pytest.fixture
def frame(sample_q, frame_of):
    # q5 (是/否) by q1 (小学/初中/高中):
    #        小学 初中 高中
    #   是     6    2    0
    #   否     2    4    0      (nobody in 高中: that column is left out of the test)
    # plus one response without q5 and one without q1: counted nowhere
    rows = ([{"q5": "是", "q1": "小学"}] * 6 + [{"q5": "是", "q1": "初中"}] * 2 + [{"q5": "否", "q1": "小学"}] * 2
            + [{"q5": "否", "q1": "初中"}] * 4 + [{"q1": "小学"}, {"q5": "是"}])
    units = ["s1"] * 5 + ["s2"] * 5 + ["s1"] * 6
    return frame_of(sample_q, rows, unit=units, unit_name=["一小" if u == "s1" else "二小" for u in units])


def test_counts_labels_and_row_percents(frame, sample_q):
    table = crosstab(frame, sample_q, "q5", "q1")
    assert table.row_labels == ["是", "否"] and table.col_labels == ["小学", "初中", "高中"]
    assert table.counts == [[6, 2, 0], [2, 4, 0]]
    assert table.n == 14
    assert table.row_percents[0] == [0.75, 0.25, 0.0]
    assert table.row_percents[1] == pytest.approx([2 / 6, 4 / 6, 0.0])


def test_chi_square_by_hand_and_by_scipy(frame, sample_q):
    table = crosstab(frame, sample_q, "q5", "q1")
    # expected counts over the 2 x 2 table with non-zero totals: rows 8, 6; cols 8, 6; n 14
    expected = [[8 * 8 / 14, 8 * 6 / 14], [6 * 8 / 14, 6 * 6 / 14]]
    observed = [[6, 2], [2, 4]]
    by_hand = sum((observed[i][j] - expected[i][j]) ** 2 / expected[i][j] for i in range(2) for j in range(2))
    assert table.chi2 == pytest.approx(by_hand)
    assert table.dof == 1
    assert table.p_value == pytest.approx(chi2_distribution.sf(by_hand, 1))
    independent = chi2_contingency(observed, correction=False)
    assert table.chi2 == pytest.approx(independent.statistic)
    assert table.p_value == pytest.approx(independent.pvalue)
    # expected counts 4.57, 3.43, 3.43, 2.57: all below 5, the test is rough here
    assert table.small_expected == 1.0


def test_units_as_columns(frame, sample_q):
    table = crosstab(frame, sample_q, "q5", "unit")
    assert table.col_labels == ["一小", "二小"] and table.col_title == "单位"
    # fixture rows 1-5 and 11-16 are in s1, rows 6-10 in s2:
    # 是: rows 1-5 and 16 in s1 (6), rows 6-8 in s2 (3); 否: rows 9-10 in s2 (2), rows 11-14 in s1 (4)
    assert table.counts == [[6, 3], [4, 2]]
    assert table.n == 15  # the response without q5 is not counted; the one without q1 is
    table = crosstab(frame, sample_q, "q5", "role")
    assert table.col_labels == ["家长"] and table.counts == [[9], [6]]
    assert (table.chi2, table.dof, table.p_value) == (None, None, None)  # one column: no test


def test_multiple_choice_rows_count_respondents(sample_q, frame_of):
    frame = frame_of(sample_q, [
        {"q2": ["学校通知", "家长群"], "q1": "小学"},
        {"q2": ["家长群"], "q1": "小学"},
        {"q2": ["班主任", "家长群"], "q1": "初中"},
        {"q1": "初中"},
    ])
    table = crosstab(frame, sample_q, "q2", "q1")
    assert table.row_labels[:4] == ["学校通知", "家长群", "班主任", "新闻媒体"]
    assert table.counts[:4] == [[1, 0, 0], [2, 1, 0], [0, 1, 0], [0, 0, 0]]
    assert table.n == 3
    doc = crosstab_json(table)
    assert (doc["chi2"], doc["dof"], doc["p_value"]) == (None, None, None)


def test_matrix_row_and_json_keys(sample_q, frame_of):
    frame = frame_of(sample_q, [{"q4.r1": 5, "q5": "是"}, {"q4.r1": 2, "q5": "否"}, {"q4.r1": 5, "q5": "否"}])
    doc = crosstab_json(crosstab(frame, sample_q, "q4.r1", "q5"))
    assert list(doc)[:9] == ["rows", "cols", "row_labels", "col_labels", "counts", "n", "chi2", "dof", "p_value"]
    assert doc["row_labels"] == ["非常满意", "满意", "一般", "不满意", "非常不满意", "不了解"]
    assert doc["counts"] == [[1, 1], [0, 0], [0, 0], [0, 1], [0, 0], [0, 0]]
    assert doc["row_percents"][0] == [0.5, 0.5] and doc["row_percents"][1] == [None, None]


@pytest.mark.parametrize("rows,cols,message", [
    ("q7", "q1", "number question"), ("q1", "q2", "multiple question"), ("q4", "q1", "matrix"),
    ("q99", "q1", "no question"), ("q1", "q1", "both"), ("unit", "q1", "only be the cols"),
])
def test_bad_variables(frame, sample_q, rows, cols, message):
    with pytest.raises(ValueError, match=message):
        crosstab(frame, sample_q, rows, cols)
