"""The readable raw-data workbook (hosted survey tool's layout): cells as an evaluator sees them, read back."""

from __future__ import annotations

import csv
from datetime import datetime

import openpyxl
import pandas as pd
import pytest

from analysis.errors import DataError
from analysis.frames import empty_frame
from analysis.readable_export import write_readable_xlsx
from analysis.responses import read_responses
from analysis.tables import stats_json
from questionnaires import parse_questionnaire

from .conftest import SAMPLE_YAML
from .test_responses import answers

META = ["序号", "提交答卷时间", "所用时间", "来源", "学校", "角色", "状态", "无效原因"]
QUESTIONS = ["1、您的孩子就读于哪个学段？", "2、您通过哪些渠道了解本项目？（可多选）",
             "3、您对本项目的总体情况是否满意？", "4、(平台操作便捷性)", "4、(培训效果)", "4、(服务态度)",
             "5、您是否参加过培训？", "6、您对培训的效果是否满意？", "7、您每周使用平台大约几小时？",
             "8、您对本项目还有什么意见或建议？", "9、您是否同意继续实施本项目？"]


@pytest.fixture
def frame(sample_q, frame_of):
    return frame_of(sample_q, answers(), unit=["s1", None, "s2"], unit_name=["第一小学", None, "第二中学"],
                    role=["parent", "teacher", "parent"], status=["valid", "invalid:重复提交", "valid"],
                    duration_s=[120.0, float("nan"), 45.4], channel=["微信", "电脑", None])


def test_cells_as_the_hosted_tool_writes_them(tmp_path, sample_q, frame):
    path = write_readable_xlsx({"sample": frame}, {"sample": sample_q}, tmp_path / "raw.xlsx")
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["样例问卷"]
    sheet = book["样例问卷"]
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == "A1:S4"
    rows = [list(r) for r in sheet.iter_rows()]
    assert [c.value for c in rows[0]] == META + QUESTIONS
    first, second, third = ([c.value for c in r] for r in rows[1:])
    # 14:00 Beijing time a minute apart (tests/frames.py), as date-time cells
    assert rows[1][1].is_date and rows[1][1].number_format == "yyyy-mm-dd hh:mm:ss"
    assert first[:8] == [1, datetime(2025, 10, 9, 14, 0), "120秒", "微信", "第一小学", "家长", "有效", None]
    assert second[:8] == [2, datetime(2025, 10, 9, 14, 1), None, "电脑", None, "教师", "无效", "重复提交"]
    assert third[2:5] == ["45秒", None, "第二中学"]
    assert first[8:] == ["小学", '学校通知┋其他〖=HYPERLINK("x")〗', "非常满意", "非常满意", "满意", "不了解", "是",
                         "满意", 2.5, "-希望多培训", "同意"]
    # q2 unanswered: empty; q6 hidden because q5 is 否: (跳过); q8 unanswered: empty
    assert second[8:] == ["初中", None, "满意", "非常满意", "满意", "一般", "否", "(跳过)", 3, None, "不同意"]
    assert third[9] == "家长群┋班主任┋新闻媒体" and third[17] == "@无"
    # text as typed, in string cells: no formula, no '
    assert {rows[1][9].data_type, rows[1][17].data_type, rows[3][17].data_type} == {"s"}
    assert rows[1][16].data_type == "n"
    widths = {k: d.width for k, d in sheet.column_dimensions.items()}
    assert widths["B"] > 19 and widths["J"] > widths["A"]     # time and the long multiple-choice column


def test_read_back_gives_the_same_answers_and_tables(tmp_path, sample_q, frame):
    path = write_readable_xlsx({"sample": frame}, {"sample": sample_q}, tmp_path / "raw.xlsx")
    back = read_responses([path], {"sample": sample_q})["sample"]
    assert back["response_id"].tolist() == ["1", "2", "3"]
    assert back["role"].tolist() == ["parent", "teacher", "parent"]
    assert back["status"].tolist() == ["valid", "invalid:重复提交", "valid"]
    # the school comes back by name only
    assert back["unit"].tolist() == back["unit_name"].tolist() == ["第一小学", None, "第二中学"]
    assert back["channel"].tolist() == ["微信", "电脑", None]
    assert back["duration_s"].tolist()[::2] == [120.0, 45.0]      # whole seconds, as 所用时间 shows them
    pd.testing.assert_series_equal(back["submitted_at"], frame["submitted_at"])
    variables = sample_q.variables
    pd.testing.assert_frame_equal(back[variables], frame[variables])
    assert stats_json(back, sample_q) == stats_json(frame, sample_q)


def test_several_questionnaires_and_no_responses(tmp_path, sample_q, frame_of):
    other = parse_questionnaire(SAMPLE_YAML.replace("id: sample", "id: other"), "other.yaml")
    frames = {"sample": frame_of(sample_q, answers()), "other": empty_frame(other)}
    path = write_readable_xlsx(frames, {"sample": sample_q, "other": other}, tmp_path / "raw.xlsx")
    book = openpyxl.load_workbook(path, read_only=True)
    assert book.sheetnames == ["样例问卷", "样例问卷(2)"]             # same title: a unique sheet name
    assert [r for r in book["样例问卷(2)"].iter_rows(values_only=True)] == [tuple(META + QUESTIONS)]
    book.close()


def test_bad_role_or_status_reported_by_row_and_column(tmp_path, sample_q):
    path = tmp_path / "raw.csv"
    cells = ["小学", "", "满意", "满意", "满意", "满意", "否", "(跳过)", "3", "", "同意"]
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(META + QUESTIONS)
        writer.writerow(["1", "2025-10-09 14:00:00", "120秒", "微信", "一小", "园长", "有效", ""] + cells)
        writer.writerow(["2", "2025-10-09 14:00:00", "120秒", "微信", "一小", "家长", "作废", ""] + cells)
        writer.writerow(["3", "2025-10-09 14:00:00", "120秒", "微信", "一小", "校长", "无效", ""] + cells)
    with pytest.raises(DataError) as caught:
        read_responses([path], {"sample": sample_q})
    assert caught.value.problems == [
        ("row 2, column '角色'", "value '园长': not a role (教师、家长、学生、校长、其他)"),
        ("row 3, column '状态'", "value '作废': not 有效 or 无效"),
    ]
