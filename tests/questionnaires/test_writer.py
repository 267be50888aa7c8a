"""The questionnaire YAML writer: the layout of the shipped files, and values that read back unchanged."""

from __future__ import annotations

import textwrap

import pytest
import yaml

from questionnaires import SHIPPED, iter_questionnaire_files, parse_questionnaire
from questionnaires.writer import dump_questionnaire

from .conftest import demo_doc


def test_the_demo_questionnaire_is_written_in_the_house_style():
    assert dump_questionnaire(demo_doc()) == textwrap.dedent("""\
        format: 1
        id: demo
        title: 演示问卷
        role: parent
        intro: |
          尊敬的家长：您好！本问卷不记名。
        outro: 感谢您的参与！

        scales:
          sat5:
            options:
              - {code: 5, label: 非常满意, score: 100}
              - {code: 4, label: 满意, score: 80}
              - {code: 3, label: 一般, score: 60}
              - {code: 2, label: 不满意, score: 30}
              - {code: 1, label: 非常不满意, score: 0}
              - {code: 0, label: 不了解, na: true}
            satisfied: [5, 4]

        questions:
          - id: q1
            type: single
            text: 您的孩子就读于哪个学段？
            options: [小学, 初中, 高中]

          - id: q2
            type: multiple
            text: 您通过哪些渠道了解本项目？（可多选）
            options: [学校通知, 家长群, 班主任]
            min: 1
            max: 2
            other: true

          - id: q3
            type: scale
            scale: sat5
            text: 您对本项目的总体情况是否满意？

          - id: q4
            type: matrix
            scale: sat5
            text: 请对以下方面进行评价
            rows:
              - {id: r1, text: 平台操作便捷性}
              - {id: r2, text: 培训效果}

          - id: q5
            type: single
            text: 您是否参加过平台使用培训？
            options: [是, 否]

          - id: q6
            type: scale
            scale: sat5
            text: 您对培训的效果是否满意？
            show_if: {q5: [是]}

          - id: q7
            type: number
            text: 您每周使用平台大约几小时？
            min: 0
            max: 168
            integer: true

          - id: q8
            type: text
            text: 您对本项目还有什么意见或建议？
            required: false
            max_length: 20
        """)


@pytest.mark.parametrize("path", iter_questionnaire_files([SHIPPED]), ids=lambda p: p.name)
def test_every_shipped_file_reads_back_as_the_same_questionnaire(path):
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    written = dump_questionnaire(raw)
    assert yaml.safe_load(written) == raw
    assert parse_questionnaire(written).content_hash == parse_questionnaire(path.read_text("utf-8")).content_hash


TRICKY = ["yes", "No", "on", "null", "~", "123", "1.5", "2025-01-01", "a: b", "#标签", "- 横线", "[方括号]",
          "{花括号}", "逗号,分隔", "引号\"在内", "'单引号'", " 前导空格", "尾随空格 ", "冒号：全角", "@at", "`反引号`",
          "%percent", "!感叹", "&锚", "*星号", "?问号", "|竖线", ">大于", "换\r行", "tab\t键", "e\u2028分隔"]


@pytest.mark.parametrize("text", TRICKY)
def test_any_text_reads_back_unchanged_as_option_key_or_block(text):
    document = {"format": 1, "id": "x", "title": text, "role": "other", "intro": f"第一段\n\n{text}\n",
                "outro": f"{text}\n结束", "questions": [{"id": "q1", "type": "single", "text": text,
                                                       "options": [text, "另一项", {"code": 7, "label": text}]}]}
    assert yaml.safe_load(dump_questionnaire(document)) == document


@pytest.mark.parametrize("number", [0, -3, 2.5, 1e-05, 1e20, 100.0])
def test_numbers_read_back_as_numbers(number):
    document = {"format": 1, "questions": [{"id": "q1", "type": "number", "min": number}]}
    assert yaml.safe_load(dump_questionnaire(document)) == document


def test_long_option_lists_go_one_per_line():
    options = [f"这是一个相当长的选项文字第{i}项" for i in range(1, 8)]
    written = dump_questionnaire({"questions": [{"id": "q1", "type": "single", "options": options}]})
    assert "    options:\n      - 这是一个相当长的选项文字第1项\n      - 这是一个相当长的选项文字第2项\n" in written
    assert yaml.safe_load(written)["questions"][0]["options"] == options
