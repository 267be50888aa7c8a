"""A small hand-made questionnaire, eight responses (one invalid) and an indicator system for the report tests.

The answers are chosen so every expected number in the tests can be worked out by hand; see the comments
in the tests.
"""

from __future__ import annotations

import textwrap

import pandas as pd
import pytest

from analysis.frames import TIMEZONE
from analysis.scoring import parse_indicators, score_system
from questionnaires import parse_questionnaire
from tests.frames import make_frame

REPORT_YAML = textwrap.dedent("""
    format: 1
    id: rep
    title: 测试项目家长满意度调查问卷
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
    questions:
      - id: q1
        type: single
        text: 您的孩子就读于哪个学段？
        options: [小学, 初中, 高中]
      - id: q2
        type: multiple
        text: 您通过哪些渠道了解本项目？
        options: [学校通知, 家长群, 班主任]
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
          - {id: r1, text: 护眼灯照明效果}
          - {id: r2, text: 维修服务}
      - id: q5
        type: number
        text: 孩子每天在教室学习大约几小时？
        min: 0
        max: 24
        required: false
      - id: q6
        type: text
        text: 您对本项目还有什么意见或建议？
        required: false
""")

# (unit, status, q1, q2, q3, q4.r1, q4.r2, q5, q6)
ROWS = [
    ("s1", "valid", "小学", ["学校通知", "家长群"], 5, 5, 4, 3, "无"),
    ("s1", "valid", "小学", ["家长群"], 4, 4, 0, 5, "没有"),
    ("s1", "valid", "初中", ["班主任"], 3, 3, 3, None, "希望多开展活动"),
    ("s2", "valid", "小学", ["学校通知"], 5, 5, 5, 2, "无。"),
    ("s2", "valid", "初中", None, 2, 2, 4, 4, None),
    ("s2", "valid", "高中", ["学校通知", "班主任"], 0, 5, 5, 1, "护眼灯很好，光线柔和"),
    ("s2", "valid", "小学", ["家长群"], 4, 4, 4, 6, "希望多开展活动"),
    ("s1", "invalid:答题时间过短（12秒，少于30秒）", "高中", ["班主任"], 1, 1, 1, 9, "不满意，灯太暗"),
]
UNIT_NAMES = {"s1": "第一小学", "s2": "第二小学"}

INDICATORS_YAML = textwrap.dedent("""
    format: 1
    title: 测试项目绩效评价
    grades:
      - {grade: 优, min: 90}
      - {grade: 良, min: 80}
      - {grade: 中, min: 70}
      - {grade: 差, min: 0}
    indicators:
      - name: 决策
        children:
          - name: 项目立项
            children:
              - name: 立项规范性
                weight: 60
                rule: {type: yes_no, met: true}
      - name: 过程
        children:
          - name: 资金管理
            children:
              - name: 预算执行率
                weight: 10
                target: "=100%"
                value: 95.5
                rule: {type: deduct_below, threshold: 100, per_point: 2, floor: 60}
              - name: 资金使用合规性
                weight: 10
                rule: {type: yes_no, met: true}
      - name: 效益
        children:
          - name: 满意度
            children:
              - name: 家长满意度
                weight: 20
                target: "≥90%"
                value:
                  satisfaction: {form: rep, questions: [q3, q4], method: top_box}
                rule: {type: ratio_below, threshold: 90}
""")


@pytest.fixture
def rep_q():
    return parse_questionnaire(REPORT_YAML, "rep.yaml")


def make_rep_frame(questionnaire) -> pd.DataFrame:
    """The eight responses as a responses frame (canonical answers: option codes)."""
    q1 = {o.label: o.code for o in questionnaire.question("q1").options}
    q2 = {o.label: o.code for o in questionnaire.question("q2").options}
    rows = [{"unit": r[0], "unit_name": UNIT_NAMES[r[0]], "status": r[1], "q1": q1[r[2]],
             "q2": None if r[3] is None else [q2[x] for x in r[3]], "q3": r[4], "q4.r1": r[5], "q4.r2": r[6],
             "q5": r[7], "q6": r[8]} for r in ROWS]
    return make_frame(questionnaire, rows,
                      submitted_at=[pd.Timestamp("2025-10-09 14:00", tz=TIMEZONE) + pd.Timedelta(days=i)
                                    for i in range(len(rows))])


@pytest.fixture
def rep_frame(rep_q):
    return make_rep_frame(rep_q)


@pytest.fixture
def rep_score(rep_q, rep_frame):
    system = parse_indicators(INDICATORS_YAML, "test-indicators.yaml")
    return score_system(system, {"rep": rep_frame}, {"rep": rep_q})


def write_csv(path, questionnaire) -> None:
    """The eight responses as a response file in the project's own columns (labels, ┋ for multiple)."""
    scale = {o.code: o.label for o in questionnaire.question("q3").options}
    header = ["response_id", "questionnaire", "role", "unit", "unit_name", "submitted_at", "duration_s",
              "channel", "status", "q1", "q2", "q3", "q4.r1", "q4.r2", "q5", "q6"]
    lines = [",".join(header)]
    for i, (unit, status, q1, q2, q3, r1, r2, q5, q6) in enumerate(ROWS):
        cells = [f"r{i + 1}", "rep", "parent", unit, UNIT_NAMES[unit], f"2025-10-{9 + i:02d}T14:00:00+08:00",
                 "120", "微信", status, q1, "┋".join(q2 or []), scale[q3], scale[r1], scale[r2],
                 "" if q5 is None else str(q5), q6 or ""]
        lines.append(",".join(f'"{c}"' for c in cells))
    path.write_text("\ufeff" + "\n".join(lines) + "\n", encoding="utf-8")
