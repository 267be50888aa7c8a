"""A small valid questionnaire (as data) that tests copy and break one place at a time."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

from questionnaires import Questionnaire, parse_questionnaire

SAT5_OPTIONS = [
    {"code": 5, "label": "非常满意", "score": 100},
    {"code": 4, "label": "满意", "score": 80},
    {"code": 3, "label": "一般", "score": 60},
    {"code": 2, "label": "不满意", "score": 30},
    {"code": 1, "label": "非常不满意", "score": 0},
    {"code": 0, "label": "不了解", "na": True},
]

DEMO = {
    "format": 1,
    "id": "demo",
    "title": "演示问卷",
    "role": "parent",
    "intro": "尊敬的家长：您好！本问卷不记名。\n",
    "outro": "感谢您的参与！",
    "scales": {"sat5": {"options": SAT5_OPTIONS, "satisfied": [5, 4]}},
    "questions": [
        {"id": "q1", "type": "single", "text": "您的孩子就读于哪个学段？",
         "options": ["小学", "初中", "高中"]},
        {"id": "q2", "type": "multiple", "text": "您通过哪些渠道了解本项目？（可多选）",
         "options": ["学校通知", "家长群", "班主任"], "min": 1, "max": 2, "other": True},
        {"id": "q3", "type": "scale", "scale": "sat5", "text": "您对本项目的总体情况是否满意？"},
        {"id": "q4", "type": "matrix", "scale": "sat5", "text": "请对以下方面进行评价",
         "rows": [{"id": "r1", "text": "平台操作便捷性"}, {"id": "r2", "text": "培训效果"}]},
        {"id": "q5", "type": "single", "text": "您是否参加过平台使用培训？", "options": ["是", "否"]},
        {"id": "q6", "type": "scale", "scale": "sat5", "text": "您对培训的效果是否满意？",
         "show_if": {"q5": ["是"]}},
        {"id": "q7", "type": "number", "text": "您每周使用平台大约几小时？", "min": 0, "max": 168,
         "integer": True},
        {"id": "q8", "type": "text", "text": "您对本项目还有什么意见或建议？", "required": False,
         "max_length": 20},
    ],
}


def demo_doc() -> dict:
    """A fresh deep copy of the demo questionnaire document."""
    return copy.deepcopy(DEMO)


def dump(doc: dict) -> str:
    return yaml.safe_dump(doc, allow_unicode=True, sort_keys=False)


def write_doc(folder: Path, doc: dict, name: str = "demo.yaml") -> Path:
    path = folder / name
    path.write_text(dump(doc), encoding="utf-8")
    return path


@pytest.fixture
def demo() -> Questionnaire:
    return parse_questionnaire(dump(demo_doc()), "demo.yaml")
