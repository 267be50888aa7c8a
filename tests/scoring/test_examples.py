"""The shipped indicator files score on the shipped questionnaires: every question id and option exists."""

from decimal import Decimal as D
from pathlib import Path

import pytest

from analysis.scoring import load_indicators, score_json, score_system
from questionnaires import SHIPPED, load_folder

from .conftest import build_frame

EXAMPLES = Path(SHIPPED) / "indicators"


def answers_choosing(questionnaire, pick):
    """One response answering every variable: option `pick(options)` for choices, fixed text and numbers."""
    row = {}
    for q in questionnaire.questions:
        real = [o for o in q.options if not o.na and not o.other]
        if q.type in ("single", "scale"):
            row[q.id] = pick(real).code
        elif q.type == "multiple":
            row[q.id] = [pick(real).code]
        elif q.type == "matrix":
            row.update({var: pick(real).code for var in q.variables})
        elif q.type == "number":
            row[q.id] = 1
        elif q.type == "text":
            row[q.id] = "无"
    return row


@pytest.fixture(scope="module")
def shipped():
    return load_folder([SHIPPED])


@pytest.mark.parametrize("name", ["lamps", "platform", "self-evaluation"])
def test_examples_score_when_everyone_picks_the_first_option(shipped, name):
    data = {qid: build_frame(q, [answers_choosing(q, lambda options: options[0])] * 2)
            for qid, q in shipped.items() if qid in ("student-lamps", "teacher-platform", "parent-platform")}
    result = score_system(load_indicators(EXAMPLES / f"{name}.yaml"), data, shipped)
    doc = score_json(result)
    assert doc["weight_sum"] == 100 and 0 <= doc["total"] <= 100
    assert all(0 <= row["score"] <= row["weight"] for row in doc["rows"])


def test_lamps_repair_share_and_satisfaction_on_known_answers(shipped):
    q = shipped["student-lamps"]
    first = answers_choosing(q, lambda options: options[0])     # q6 有, q7 非常满意
    second = answers_choosing(q, lambda options: options[1])    # q6 没有, q7 满意
    third = answers_choosing(q, lambda options: options[-1])    # q6 不清楚, q7 非常不满意
    result = score_system(load_indicators(EXAMPLES / "lamps.yaml"), {"student-lamps": build_frame(
        q, [first, second, third])}, shipped)
    by_name = {r.path[2]: r for r in result.leaves}
    repair = by_name["故障维修及时性"]
    # 有 in 1 of 3 -> 33.33%; deduct_below 90, 1 per point: 5 × (1 − 0.01 × 56.667) = 2.1667 -> 2.17
    assert abs(repair.value - D(100) / 3) < D("1e-20") and repair.score == D("2.17")
    lighting = by_name["学生照明效果满意度"]
    # 非常满意, 满意 satisfied of 3 -> 66.67%; ratio_below 90: 12 × 66.667 / 90 = 8.8889 -> 8.89
    assert lighting.score == D("8.89")
