"""Exports of the hosted survey tool: numbered options, several files numbered 1..N, over-long answers and
score columns."""

from __future__ import annotations

import csv
import json

import pytest
from click.testing import CliRunner

from analysis.errors import DataError
from analysis.responses import read_responses
from analysis.screening import INFORMATIONAL_FLAGS, screen
from questionnaires import parse_questionnaire
from surveyapp.cli.stats_commands import satisfaction_command, stats_command

from .conftest import SAMPLE_YAML
from .test_responses import HOSTED_HEADER


def write(path, rows, header=HOSTED_HEADER):
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def numbered_row(no, q1, q2, q3, q4, q5, q6, q7, q9, q8=""):
    """A row of the 按选项序号 download: option positions instead of texts."""
    return [str(no), "2025/10/9 14:03:11", "125秒", "微信", "", "", q1, q2, q3, *q4, q5, q6, q7, q8, q9]


# Question q3 uses scale sat5, listed 非常满意(5), 满意(4), 一般(3), 不满意(2), 非常不满意(1), 不了解(0):
# position 1 is code 5. Ten rows of q3 by position: 1,1,1,1,2,2,2,3,5,4.
Q3_POSITIONS = ["1", "1", "1", "1", "2", "2", "2", "3", "5", "4"]


@pytest.fixture
def numbered(tmp_path):
    rows = [numbered_row(i + 1, "2", "1┋3", pos, ("1", "2", "6"), "2", "", "3", "1")
            for i, pos in enumerate(Q3_POSITIONS)]
    return write(tmp_path / "numbered.csv", rows)


def test_numbered_export_reads_positions(numbered, sample_q):
    notes = []
    frame = read_responses([numbered], {"sample": sample_q}, notes=notes)["sample"]
    # positions 1,2,3,5,4 of sat5 are codes 5,4,3,1,2
    assert frame["q3"].tolist() == [5, 5, 5, 5, 4, 4, 4, 3, 1, 2]
    first = frame.iloc[0]
    assert first["q1"] == "初中"                                  # 2nd of 小学, 初中, 高中
    assert first["q2"] == ["学校通知", "班主任"]                  # 1st and 3rd option
    assert (first["q4.r1"], first["q4.r2"], first["q4.r3"]) == (5, 4, 0)  # 6th of sat5 is 不了解 (0)
    assert first["q5"] == "否" and first["q9"] == 3               # q9: agree3, 1st is 同意 (3)
    assert first["q7"] == 3                                       # a number question keeps its number
    assert len(notes) == 1 and "按选项序号" in notes[0] and str(numbered) in notes[0]


RATING_YAML = """
format: 1
id: rating
title: 满意度
role: parent
scales:
  sat5:
    options:
      - {code: 5, label: 非常满意}
      - {code: 4, label: 满意}
      - {code: 3, label: 一般}
      - {code: 2, label: 不满意}
      - {code: 1, label: 非常不满意}
    satisfied: [5, 4]
questions:
  - id: q1
    type: scale
    scale: sat5
    text: 您对学校的总体情况是否满意？
"""


def test_numbered_export_satisfaction_the_right_way_round(tmp_path):
    qfile = tmp_path / "rating.yaml"
    qfile.write_text(RATING_YAML, encoding="utf-8")
    header = [*HOSTED_HEADER[:6], "1、您对学校的总体情况是否满意？"]
    rows = [[str(i + 1), "2025/10/9 14:03:11", "125秒", "微信", "", "", pos] for i, pos in enumerate(Q3_POSITIONS)]
    data = write(tmp_path / "rating.csv", rows, header)
    args = [str(data), "--questionnaire", str(qfile), "--questions", "q1", "--json"]
    by_position = CliRunner().invoke(satisfaction_command, args)
    assert by_position.exit_code == 0, by_position.output
    # satisfied = 非常满意 or 满意 = positions 1 and 2: 7 of 10
    assert json.loads(by_position.stdout)["rate"] == pytest.approx(0.7, abs=1e-4)
    assert "按选项序号" in by_position.stderr
    by_code = CliRunner().invoke(satisfaction_command, [*args, "--numbers", "codes"])
    assert by_code.exit_code == 0, by_code.output
    # read as codes only the 5 and the 4 count as satisfied: 2 of 10 - the mistake positions avoid
    assert json.loads(by_code.stdout)["rate"] == pytest.approx(0.2, abs=1e-4)
    assert "选项代码" in by_code.stderr


def test_numbered_export_number_outside_the_options(tmp_path, sample_q):
    rows = [numbered_row(1, "2", "1", "1", ("1", "1", "1"), "2", "", "3", "1"),
            numbered_row(2, "4", "1", "7", ("1", "1", "1"), "2", "", "3", "1")]
    path = write(tmp_path / "numbered.csv", rows)
    with pytest.raises(DataError) as caught:
        read_responses([path], {"sample": sample_q})
    assert caught.value.source == str(path)
    assert caught.value.problems == [
        ("row 3, column '1、您的孩子就读于哪个学段？'", "value '4': '4' is not an option of q1 (小学, 初中, 高中)"),
        ("row 3, column '3、您对本项目的总体情况是否满意？'",
         "value '7': '7' is not an option of q3 (非常满意, 满意, 一般, 不满意, 非常不满意, 不了解)"),
    ]
    # read as codes, 0 is a code of sat5 but 7 is not; q1's options have text codes
    with pytest.raises(DataError) as caught:
        read_responses([path], {"sample": sample_q}, numbers="codes")
    assert [p for p, _ in caught.value.problems][:2] == ["row 2, column '1、您的孩子就读于哪个学段？'",
                                                         "row 2, column '2、您通过哪些渠道了解本项目？（可多选）'"]


def test_text_export_is_not_read_as_numbers(tmp_path, sample_q):
    path = write(tmp_path / "text.csv", [numbered_row(1, "初中", "学校通知", "满意", ("满意", "满意", "一般"), "否",
                                                      "", "3", "同意")])
    notes = []
    frame = read_responses([path], {"sample": sample_q}, notes=notes)["sample"]
    assert frame["q3"].tolist() == [4] and notes == []


def test_several_exports_numbered_from_one(tmp_path, sample_q):
    row = ["1", "2025/10/9 14:03:11", "125秒", "微信", "", "", "小学", "", "满意", "满意", "满意", "满意", "否",
           "", "3", "", "同意"]
    first = write(tmp_path / "一小.csv", [row, ["2", *row[1:]]])
    second = write(tmp_path / "二小.csv", [row])
    frame = read_responses([first, second], {"sample": sample_q})["sample"]
    assert frame["response_id"].tolist() == ["一小-1", "一小-2", "二小-1"]
    # one file alone keeps its 序号
    assert read_responses([second], {"sample": sample_q})["sample"]["response_id"].tolist() == ["1"]
    repeated = write(tmp_path / "三小.csv", [row, row])
    with pytest.raises(DataError) as caught:
        read_responses([first, repeated], {"sample": sample_q})
    assert caught.value.source == str(repeated)
    assert caught.value.problems == [("row 3", f"response_id '三小-1' repeats {repeated}, row 2")]


def test_too_long_answer_is_read_and_flagged(tmp_path):
    changed = SAMPLE_YAML.replace("    text: 您对本项目还有什么意见或建议？\n",
                                  "    text: 您对本项目还有什么意见或建议？\n    max_length: 10\n")
    q = parse_questionnaire(changed, "sample.yaml")
    assert q.question("q8").max_length == 10
    long_text = "希望学校多组织一些亲子活动和家长会"  # 17 characters
    row = ["1", "2025/10/9 14:03:11", "125秒", "微信", "", "", "小学", "", "满意", "满意", "满意", "满意", "否",
           "", "3", long_text, "同意"]
    path = write(tmp_path / "long.csv", [row, ["2", *row[1:15], "很好", row[16]]])
    frame = read_responses([path], {"sample": q})["sample"]
    assert frame["q8"].tolist() == [long_text, "很好"]  # in full
    flags = screen(frame, q)
    too_long = flags[flags["flag"] == "too_long"]
    assert too_long["response_id"].tolist() == ["1"]
    assert too_long["reason"].tolist() == ["回答过长：第8题回答共17字，超过上限10字（全文保留）"]
    assert "too_long" in INFORMATIONAL_FLAGS


def test_score_columns_skipped_with_a_note(tmp_path, sample_q):
    header = [*HOSTED_HEADER, "总分", "得分"]
    row = ["1", "2025/10/9 14:03:11", "125秒", "微信", "", "", "小学", "", "满意", "满意", "满意", "满意", "否",
           "", "3", "", "同意", "80", "80"]
    path = write(tmp_path / "quiz.csv", [row], header)
    notes = []
    frame = read_responses([path], {"sample": sample_q}, notes=notes)["sample"]
    assert "总分" not in frame.columns and len(frame) == 1
    assert notes == [f"{path}: 跳过非题目列 总分、得分（评分列，不是问卷题目）"]
    # a column that is no score is still refused
    write(path, [[*row[:-1], "x"]], [*HOSTED_HEADER, "总分", "备注"])
    with pytest.raises(DataError, match="备注"):
        read_responses([path], {"sample": sample_q})


def test_stats_cli_prints_the_note_on_stderr(numbered, tmp_path):
    qfile = tmp_path / "sample.yaml"
    qfile.write_text(SAMPLE_YAML, encoding="utf-8")
    result = CliRunner().invoke(stats_command, [str(numbered), "--questionnaire", str(qfile), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["questions"][0]["valid"] == 10
    assert result.stderr.startswith("note: ") and "按选项序号" in result.stderr
