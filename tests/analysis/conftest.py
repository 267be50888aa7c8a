"""Small hand-made questionnaires and frames for the analysis tests."""

from __future__ import annotations

import textwrap

import pytest

from questionnaires import parse_questionnaire
from tests.frames import make_frame

SAMPLE_YAML = textwrap.dedent("""
    format: 1
    id: sample
    title: 样例问卷
    role: parent
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
      agree3:
        options:
          - {code: 3, label: 同意, score: 100}
          - {code: 2, label: 说不清, score: 50}
          - {code: 1, label: 不同意, score: 0}
    questions:
      - id: q1
        type: single
        text: 您的孩子就读于哪个学段？
        options: [小学, 初中, 高中]
      - id: q2
        type: multiple
        text: 您通过哪些渠道了解本项目？（可多选）
        options: [学校通知, 家长群, 班主任, 新闻媒体]
        other: true
        required: false
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
          - {id: r3, text: 服务态度}
      - id: q5
        type: single
        text: 您是否参加过培训？
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
      - id: q8
        type: text
        text: 您对本项目还有什么意见或建议？
        required: false
      - id: q9
        type: scale
        scale: agree3
        text: 您是否同意继续实施本项目？
""")


@pytest.fixture
def sample_q():
    return parse_questionnaire(SAMPLE_YAML, "sample.yaml")


@pytest.fixture
def frame_of():
    return make_frame
