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
    assert book.sheetnames == ["汇总"] + [f"第{i}题" for i in range(1, 10)]
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
    q2_values = [c.value for c in book["第2题"]["A"]]
    assert "'=1+1" in q2_values  # other text neutralised
    q4_titles = [v for v in (c.value for c in book["第4题"]["A"]) if v and str(v).startswith("第4题")]
    assert len(q4_titles) == 3 and q4_titles[0].endswith("平台操作便捷性")
    assert "'+好" in [c.value for c in book["第8题"]["A"]]
    book.close()


def test_sheet_names_unique_and_short():
    taken: set[str] = set()
    long = "很长的名字" * 10
    names = [sheet_name(long, taken), sheet_name(long, taken), sheet_name("a/b:c", taken)]
    assert all(len(n) <= 31 for n in names)
    assert len({n.lower() for n in names}) == 3
    assert names[2] == "a_b_c"
