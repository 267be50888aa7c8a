"""statistics.xlsx: summary sheet and per-question sheets in report layout."""

from __future__ import annotations

import openpyxl
import pytest

from analysis.workbook import sheet_name, write_statistics_workbook


def test_workbook_layout(tmp_path, sample_q, frame_of):
    frame = frame_of(sample_q, [
        {"q1": "小学", "q2": ["学校通知", "其他"], "q2.other": "=1+1", "q3": 5, "q4.r1": 5, "q8": "+好"},
        {"q1": "小学", "q3": 4, "q4.r1": 4},
        {"q1": "初中", "q3": 3},
        {"q1": "高中", "q3": 1},
    ], status=["valid", "valid", "valid", "invalid:答题时间过短"])
    path = write_statistics_workbook(frame, sample_q, tmp_path / "statistics.xlsx")
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["汇总", "满意度"] + [f"第{i}题" for i in range(1, 10)]
    summary = [[c.value for c in row] for row in book["汇总"].iter_rows()]
    assert ["回收答卷", 4] == summary[2][:2] and ["有效答卷", 3] == summary[3][:2]
    q1 = book["第1题"]
    assert q1["A1"].value == "第1题（单选题）：您的孩子就读于哪个学段？"
    assert [q1["A2"].value, q1["B2"].value, q1["C2"].value] == ["选项", "小计", "比例"]
    # the invalid response (高中) is not counted: 2 of 3 chose 小学
    assert [q1["A3"].value, q1["B3"].value] == ["小学", 2]
    assert q1["C3"].value == pytest.approx(2 / 3) and q1["C3"].number_format == "0.00%"
    assert [q1["A5"].value, q1["B5"].value, q1["C5"].value] == ["高中", 0, 0]
    assert [q1["A6"].value, q1["B6"].value] == ["本题有效填写人次", 3]
    # the other text is a string cell with the text as typed: no formula, no visible '
    other = [c for c in book["第2题"]["A"] if c.value == "=1+1"]
    assert [c.data_type for c in other] == ["s"]
    # the matrix: one combined table, rows × options (小计, 比例), 有效填写人次 and 满意度
    q4 = [[c.value for c in row] for row in book["第4题"].iter_rows()]
    assert q4[0][0] == "第4题（矩阵量表题）：请对以下方面进行评价"
    assert q4[1][:5] == ["评价项目", "非常满意", "", "满意", ""] and q4[1][-2:] == ["有效填写人次", "满意度"]
    assert q4[2][1:5] == ["小计", "比例", "小计", "比例"]
    # 平台操作便捷性: 5 and 4 from the two valid rows -> 1 (50%) each, 2 of 2 satisfied
    assert q4[3][:5] == ["平台操作便捷性", 1, 0.5, 1, 0.5] and q4[3][-2:] == [2, 1]
    assert q4[4][0] == "培训效果" and q4[4][-2] == 0 and q4[4][-1] is None   # nobody answered: no rate
    assert q4[6][:2] == ["本题有效填写人次", 2]
    assert [c.data_type for c in book["第8题"]["A"] if c.value == "+好"] == ["s"]       # as typed, no '
    book.close()


def test_sheet_names_unique_and_short():
    taken: set[str] = set()
    long = "很长的名字" * 10
    names = [sheet_name(long, taken), sheet_name(long, taken), sheet_name("a/b:c", taken)]
    assert all(len(n) <= 31 for n in names)
    assert len({n.lower() for n in names}) == 3
    assert names[2] == "a_b_c"


def _rows(sheet):
    return [[c.value for c in row] for row in sheet.iter_rows()]


def test_satisfaction_sheet_shows_respondents_and_the_clustered_interval(tmp_path, sample_q, frame_of):
    import math

    frame = frame_of(sample_q, [
        {"q3": 5, "q4.r1": 5, "q4.r2": 4, "q4.r3": 5, "q6": 5, "q5": "是"},
        {"q3": 2, "q4.r1": 1, "q4.r2": 2, "q4.r3": 3},
        {"q3": 4, "q4.r1": 3, "q4.r2": 0, "q4.r3": 4},
    ], unit=["s1", "s1", "s2"], unit_name=["一小", "一小", "二小"])
    path = write_statistics_workbook(frame, sample_q, tmp_path / "s.xlsx")
    rows = _rows(openpyxl.load_workbook(path)["满意度"])
    assert rows[2] == ["范围", "名称", "满意度", "有效评价数", "人数", "有效样本量", "95%置信区间下限",
                       "95%置信区间上限", "不适用"]
    # q9's scale lists no satisfied codes, so the questionnaire's rate is the mean score of q3, q4, q6, q9
    # (q9 unanswered here); per respondent (不了解 left out):
    assert rows[3][:2] == ["全部", "全部有效答卷"]
    scores = {"A": [100, 100, 80, 100, 100], "B": [30, 0, 30, 60], "C": [80, 60, 80]}
    every = [x for person in scores.values() for x in person]
    n, mean = len(every), sum(every) / len(every)
    s2 = sum((x - mean) ** 2 for x in every) / (n - 1)
    v = 3 / 2 * sum((sum(p) - mean * len(p)) ** 2 for p in scores.values()) / n ** 2
    n_eff = min(n, n / (v / (s2 / n)))
    half = 1.959964 * math.sqrt(s2 / n_eff)
    assert rows[3][2:6] == [pytest.approx(mean), n, 3, pytest.approx(n_eff)]
    assert rows[3][6:9] == [pytest.approx(mean - half), pytest.approx(mean + half), 1]
    assert [r[:2] for r in rows[4:]] == [["调查对象", "家长"], ["单位", "一小"], ["单位", "二小"]]
    assert rows[5][3:5] == [9, 2]


def test_crosstab_sheet(tmp_path, sample_q, frame_of):
    from scipy.stats import chi2_contingency

    frame = frame_of(sample_q, [{"q5": "是", "q1": "小学"}] * 4 + [{"q5": "否", "q1": "初中"}] * 3
                     + [{"q5": "是", "q1": "初中"}, {"q5": "否", "q1": "小学"}])
    path = write_statistics_workbook(frame, sample_q, tmp_path / "c.xlsx", crosstabs=["q5:q1", ("q5", "role")])
    book = openpyxl.load_workbook(path)
    assert book.sheetnames[-1] == "交叉分析"
    rows = _rows(book["交叉分析"])
    assert rows[0][0] == "交叉分析：第5题：您是否参加过培训？ × 第1题：您的孩子就读于哪个学段？"
    assert rows[1][:5] == ["", "小学", "初中", "高中", "合计"]
    assert rows[2][:5] == ["是", 4, 1, 0, 5] and rows[3][:5] == ["否", 1, 3, 0, 4]
    assert rows[4][:5] == ["合计", 5, 4, 0, 9]
    assert rows[7][1:3] == [pytest.approx(0.8), pytest.approx(0.2)]
    expected = chi2_contingency([[4, 1], [1, 3]], correction=False)
    found = {r[0]: r[1] for r in rows if r and r[0] in ("Pearson卡方", "自由度", "p值", "有效样本")}
    assert found["Pearson卡方"] == pytest.approx(expected.statistic) and found["自由度"] == 1
    assert found["p值"] == pytest.approx(expected.pvalue) and found["有效样本"] == 9
    assert any(r[0] == "交叉分析：第5题：您是否参加过培训？ × 调查对象" for r in rows)
    with pytest.raises(ValueError, match="rows:cols"):
        write_statistics_workbook(frame, sample_q, tmp_path / "d.xlsx", crosstabs=["q5"])
    assert not (tmp_path / "d.xlsx").exists()
