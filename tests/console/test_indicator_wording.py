"""Every problem an evaluator can make in an indicator-system file reaches the console in Chinese."""

from __future__ import annotations

import re

import pytest

from analysis.scoring import ScoringError, parse_indicators
from surveyapp.scoring.messages import chinese_problems

HEAD = "format: 1\ntitle: 绩效评价\ngrades: [{grade: 优, min: 90}, {grade: 差, min: 0}]\n"


def leaf(body: str) -> str:
    return HEAD + f"indicators:\n  - name: 产出\n    children:\n      - name: 数量\n        children:\n{body}"


BAD = {
    "not a system": "- 一\n- 二\n",
    "grades": "format: 1\ntitle: 评价\ngrades: 优\nindicators: []\n",
    "grade item": "format: 1\ntitle: 评价\ngrades: [优]\nindicators:\n  - name: 一\n",
    "indicator item": HEAD + "indicators:\n  - 决策\n",
    "rule shape": leaf("          - {name: 完成率, weight: 5, rule: deduct_below}\n"),
    "floor": leaf("          - {name: 完成率, weight: 5, target: '≥95%', value: {literal: {}}, "
                  "rule: {type: deduct_below, threshold: 95, per_point: 1, floor: 99}}\n"),
    "checklist": leaf("          - {name: 制度, weight: 5, rule: {type: checklist, items: [健全]}}\n"),
    "override": leaf("          - {name: 制度, weight: 5, rule: {type: manual}, override: 5}\n"),
    "value source": leaf("          - {name: 满意度, weight: 5, target: '≥90%', rule: {type: proportional}, "
                         "value: {guess: {}}}\n"),
    "question id": leaf("          - {name: 满意度, weight: 5, target: '≥90%', rule: {type: proportional}, "
                        "value: {satisfaction: {form: parent-platform, questions: 第三题}}}\n"),
    "method": leaf("          - {name: 满意度, weight: 5, target: '≥90%', rule: {type: proportional}, "
                   "value: {satisfaction: {form: parent-platform, questions: [q3], method: median}}}\n"),
    "filter": leaf("          - {name: 满意度, weight: 5, target: '≥90%', rule: {type: proportional}, "
                   "value: {satisfaction: {form: parent-platform, questions: [q3], filter: 城区}}}\n"),
}
ENGLISH = re.compile(r"\b[A-Za-z]{4,}\b")
QUOTED = re.compile(r"'[^']*'|“[^”]*”|（[^）]*）|：.*")     # the file's own values, keys in brackets, choices


@pytest.mark.parametrize("case", sorted(BAD))
def test_problems_of_a_bad_indicator_file_read_in_chinese(case):
    with pytest.raises(ScoringError) as caught:
        parse_indicators(BAD[case], "bad.yaml")
    translated = chinese_problems(caught.value.problems, BAD[case])
    assert translated
    for place, message in translated:
        assert not ENGLISH.search(QUOTED.sub("", message)), (place, message)
