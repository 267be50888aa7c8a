"""A small questionnaire and a builder of responses frames (the frame contract), written out by hand."""

from __future__ import annotations

import textwrap

import pandas as pd
import pytest

from questionnaires import parse_questionnaire
from tests.frames import make_frame

DEMO_YAML = textwrap.dedent("""
    format: 1
    id: demo
    title: 测试问卷
    role: student
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
      - {id: q1, type: single, text: 是否有专人维修？, options: [有, 没有, 不清楚]}
      - {id: q2, type: multiple, text: 了解渠道, options: [学校通知, 家长群, 班主任], required: false}
      - {id: q3, type: scale, scale: sat5, text: 总体满意度}
      - id: q4
        type: matrix
        scale: sat5
        text: 评价
        rows: [{id: r1, text: 亮度}, {id: r2, text: 不闪烁}]
      - {id: q5, type: text, text: 意见建议, required: false}
      - {id: q6, type: number, text: 每天几小时, min: 0, max: 24}
""")

OTHER_YAML = textwrap.dedent("""
    format: 1
    id: other
    title: 另一问卷
    role: teacher
    questions:
      - {id: q1, type: single, text: 是否参加培训？, options: [参加过, 没有参加过]}
""")


@pytest.fixture
def demo_q():
    return parse_questionnaire(DEMO_YAML, "demo.yaml")


@pytest.fixture
def other_q():
    return parse_questionnaire(OTHER_YAML, "other.yaml")


def build_frame(questionnaire, rows: list[dict]) -> pd.DataFrame:
    """One row per dict: answers by variable, plus optional meta keys (role, unit, status)."""
    return make_frame(questionnaire, rows, unit="S1")


@pytest.fixture
def frame_of():
    return build_frame


# The demo responses of the engine tests (valid rows 1-5, row 6 invalid and never counted):
#
#     row  q1      q2               q3  q4.r1 q4.r2 q5                 unit role
#     1    有      学校通知,家长群    5   5     4     无                 S1   student
#     2    有      班主任            4   3     0     没有               S1   student
#     3    没有    -                3   4     2     希望多开展活动       S2   student
#     4    不清楚  家长群            0   5     5     -                  S2   student
#     5    有      学校通知          5   1     4     灯光不错，很满意     S2   teacher
#     6    没有    -                1   1     1     不满意             S1   student  invalid:speeder
DEMO_ROWS = [
    {"q1": "有", "q2": ["学校通知", "家长群"], "q3": 5, "q4.r1": 5, "q4.r2": 4, "q5": "无", "unit": "S1"},
    {"q1": "有", "q2": ["班主任"], "q3": 4, "q4.r1": 3, "q4.r2": 0, "q5": "没有", "unit": "S1"},
    {"q1": "没有", "q3": 3, "q4.r1": 4, "q4.r2": 2, "q5": "希望多开展活动", "unit": "S2"},
    {"q1": "不清楚", "q2": ["家长群"], "q3": 0, "q4.r1": 5, "q4.r2": 5, "unit": "S2"},
    {"q1": "有", "q2": ["学校通知"], "q3": 5, "q4.r1": 1, "q4.r2": 4, "q5": "灯光不错，很满意", "unit": "S2",
     "role": "teacher"},
    {"q1": "没有", "q3": 1, "q4.r1": 1, "q4.r2": 1, "q5": "不满意", "unit": "S1",
     "status": "invalid:speeder"},
]


@pytest.fixture
def data(demo_q, frame_of):
    return {"demo": frame_of(demo_q, DEMO_ROWS)}


@pytest.fixture
def qs(demo_q, other_q):
    return {"demo": demo_q, "other": other_q}
