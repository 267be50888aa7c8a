"""A demo survey: the three shipped questionnaires, 8 schools, several thousand plausible responses.

Answers are correlated the way real ones are: each synthetic respondent has a leaning (most are content,
some are not) that drives every satisfaction answer, and open answers are mostly "无/没有" with a tail of
real suggestions. Seeded, so the demo is the same on every machine.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from questionnaires import SHIPPED, Question, Questionnaire, clean_answers

from .answer_codes import encode_or_none
from .extensions import db
from .models import Response, Survey
from .surveys.services import FormSpec, create_survey, set_status, version_questionnaire
from .surveys.units import UnitRow

DEMO_SLUG = "demo-2025"
DEMO_TITLE = "2025年某市教育质量综合评价与护眼灯项目满意度调查（演示）"
DEMO_FORMS = ("teacher-platform.yaml", "parent-platform.yaml", "student-lamps.yaml")
DEMO_UNITS = [
    UnitRow("XX01", "实验小学", "城关区"), UnitRow("XX02", "东风路小学", "城关区"),
    UnitRow("XX03", "南湖小学", "南湖区"), UnitRow("CZ01", "第一中学初中部", "城关区"),
    UnitRow("CZ02", "第三初级中学", "南湖区"), UnitRow("CZ03", "北山初级中学", "北山区"),
    UnitRow("GZ01", "第一高级中学", "城关区"), UnitRow("GZ02", "南湖高级中学", "南湖区"),
]
PER_UNIT = {"teacher": 40, "parent": 260, "student": 200}
NO_OPINION = ["无", "无", "无", "没有", "没有", "无。", "暂无", "没有意见", "无建议", "暂时没有", "否", "没有。",
              " 无 "]
SUGGESTIONS = [
    "希望多开展活动", "希望多开展活动", "希望学校多组织家长开放日", "建议减少作业负担", "作业太多了，孩子睡得晚",
    "希望平台操作再简单一些", "平台经常卡顿，希望改进", "很满意，老师们辛苦了", "感谢学校的付出",
    "希望加强家校沟通", "建议课后服务增加体育和艺术类项目", "护眼灯很好，光线柔和", "宿舍的灯有时候会闪",
    "教室后排的灯不够亮", "坏了的灯好久没人修", "希望评价报告能更通俗易懂", "培训时间太短，没听明白",
    "不满意，食堂饭菜需要改善", "延时服务时间太长，孩子太累", "总体不错，继续保持",
]
CHANNEL_WEIGHTS = (("微信", 0.82), ("手机", 0.12), ("电脑", 0.06))


def load_demo(seed: int = 2025, progress: Callable[[int], None] | None = None) -> Survey:
    """Create the demo survey with generated responses (the caller commits).

    `progress(n)` is called after each form x unit batch; there are 3 x 8 batches.
    """
    survey = create_survey(DEMO_TITLE, DEMO_SLUG, [FormSpec(SHIPPED / name) for name in DEMO_FORMS], DEMO_UNITS)
    set_status(survey, "open")
    rng = random.Random(seed)
    start = datetime(2025, 10, 9, 0, 30, tzinfo=UTC)
    rows = []
    for form in survey.forms:
        questionnaire = version_questionnaire(form.version)
        for unit in survey.units:
            unit_mood = rng.uniform(-0.4, 0.4)
            for _ in range(PER_UNIT.get(form.role, 50)):
                answers = synthetic_answers(questionnaire, rng, unit_mood)
                codes, texts = encode_or_none(questionnaire, answers)
                speeder = rng.random() < 0.03
                rows.append({
                    "form_id": form.id, "unit_id": unit.id, "answers": answers, "codes": codes, "texts": texts,
                    "submitted_at": start + timedelta(seconds=rng.randint(0, 9 * 24 * 3600)),
                    "duration_s": float(rng.randint(8, 25) if speeder else int(rng.lognormvariate(5.3, 0.4))),
                    "channel": rng.choices([c for c, _ in CHANNEL_WEIGHTS], [w for _, w in CHANNEL_WEIGHTS])[0],
                    "status": "valid", "public_id": f"demo{len(rows):06d}",
                })
            if progress is not None:
                progress(1)
    db.session.execute(sa.insert(Response), rows)
    db.session.flush()
    return survey


def synthetic_answers(questionnaire: Questionnaire, rng: random.Random, unit_mood: float = 0.0) -> dict:
    """One plausible respondent's canonical answers (hidden questions dropped by the questionnaire's rules)."""
    leaning = rng.gauss(0.9 + unit_mood, 0.8)       # > 0 content, < 0 not; most respondents are content
    raw = {}
    for q in questionnaire.questions:
        for variable in q.variables:
            if variable.endswith(".other"):
                raw[variable] = rng.choice(["孩子同学告诉的", "社区宣传", "学校公众号"])
            else:
                raw[variable] = _answer(q, rng, leaning)
    answers, _problems = clean_answers(questionnaire, raw, enforce_required=False)
    return answers


def _answer(q: Question, rng: random.Random, leaning: float):  # noqa: ANN202
    if q.type in ("scale", "matrix"):
        scored = [o for o in q.options if not o.na and o.score is not None]
        if rng.random() < 0.03 and any(o.na for o in q.options):
            return next(o.code for o in q.options if o.na)
        ranked = sorted(scored, key=lambda o: -o.score)
        position = min(len(ranked) - 1, max(0, round(rng.gauss(1.2 - leaning, 0.7))))
        return ranked[position].code
    if q.type == "single":
        weights = [0.3 ** i * (2.0 if leaning > 0 and i == 0 else 1) for i in range(len(q.options))]
        return rng.choices([o.code for o in q.options], weights)[0]
    if q.type == "multiple":
        low = int(q.min or 1)
        high = int(q.max or len(q.options))
        k = rng.randint(low, max(low, min(high, 3)))
        plain = [o.code for o in q.options if not o.other] or [o.code for o in q.options]
        return rng.sample(plain, min(k, len(plain)))
    if q.type == "number":
        low = q.min if q.min is not None else 0
        high = q.max if q.max is not None else 100
        value = min(high, max(low, rng.lognormvariate(1.5, 0.6)))
        return round(value) if q.integer else round(value, 1)
    if q.type == "text":
        if rng.random() < 0.2:
            return ""
        return rng.choice(NO_OPINION) if rng.random() < 0.78 else rng.choice(SUGGESTIONS)
    raise ValueError(f"unknown question type {q.type}")
