"""A demo survey: the three shipped questionnaires, 8 schools, several thousand plausible responses.

Answers are correlated the way real ones are: each synthetic respondent has a leaning (most are content,
some are not) that drives every satisfaction answer, schools differ in mood, each question has its own
tendency (some aspects please less; choice questions have their own option shares), some answer 不了解,
a few straight-line or answer far too fast, and open answers are mostly empty or "无/没有" with a tail of
praise, suggestions and complaints. Seeded, so the demo is the same on every machine.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from questionnaires import SHIPPED, Question, Questionnaire, clean_answers

from .answer_codes import encode_or_none
from .extensions import db
from .models import LOCAL_TZ, Response, Survey
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
              " 无 ", "没有什么意见", "挺好的，没有建议"]
PRAISE = [
    "很满意，老师们辛苦了", "感谢学校的付出", "总体不错，继续保持", "护眼灯很好，光线柔和", "老师很负责，孩子进步很大",
    "学校管理规范，家长放心", "课后服务很好，解决了接送难题", "平台查看成绩很方便",
]
SUGGESTIONS = [
    "希望多开展活动", "希望学校多组织家长开放日", "建议减少作业负担", "希望平台操作再简单一些",
    "希望加强家校沟通", "建议课后服务增加体育和艺术类项目", "希望评价报告能更通俗易懂", "希望多组织一些培训",
    "建议测评结果反馈得再及时一些", "希望多关注孩子的心理健康", "建议增加户外活动时间", "希望平台能出手机版",
]
COMPLAINTS = [
    "作业太多了，孩子睡得晚", "平台经常卡顿，希望改进", "宿舍的灯有时候会闪", "教室后排的灯不够亮",
    "坏了的灯好久没人修", "培训时间太短，没听明白", "不满意，食堂饭菜需要改善", "延时服务时间太长，孩子太累",
    "测评结果一直没有收到反馈", "平台密码找回太麻烦", "填报材料太多，增加老师负担",
]
CHANNEL_WEIGHTS = (("微信", 0.82), ("手机", 0.12), ("电脑", 0.06))


def load_demo(seed: int = 2025, progress: Callable[[int], None] | None = None) -> Survey:
    """Create the demo survey with generated responses (the caller commits).

    `progress(n)` is called after each form x unit batch; there are 3 x 8 batches.
    """
    survey = create_survey(DEMO_TITLE, DEMO_SLUG, [FormSpec(SHIPPED / name) for name in DEMO_FORMS], DEMO_UNITS)
    set_status(survey, "open")
    rng = random.Random(seed)
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
                    "submitted_at": _submitted_at(rng),
                    "duration_s": float(rng.randint(8, 25) if speeder else int(rng.lognormvariate(5.3, 0.4))),
                    "channel": rng.choices([c for c, _ in CHANNEL_WEIGHTS], [w for _, w in CHANNEL_WEIGHTS])[0],
                    "status": "valid", "public_id": f"demo{len(rows):06d}",
                })
            if progress is not None:
                progress(1)
    db.session.execute(sa.insert(Response), rows)
    db.session.flush()
    return survey


_PROFILES: dict[str, dict[str, _Profile]] = {}


START = datetime(2025, 10, 9, tzinfo=LOCAL_TZ)
HOUR_WEIGHTS = (0, 0, 0, 0, 0, 0, 1, 2, 3, 3, 3, 3, 6, 5, 3, 3, 3, 3, 5, 8, 9, 8, 5, 2)
"""Submissions by Beijing hour: few at night, peaks at noon and in the evening, when parents read WeChat."""


def _submitted_at(rng: random.Random) -> datetime:
    """A submission time over nine days from START, most of them in the first days after the links went out."""
    day = min(8, int(rng.expovariate(0.45)))
    hour = rng.choices(range(24), HOUR_WEIGHTS)[0]
    local = START + timedelta(days=day, hours=hour, seconds=rng.randint(0, 3599))
    return local.astimezone(UTC)


@dataclass(frozen=True)
class _Profile:
    """How one question tends to be answered: choice weights, or a satisfaction offset for rated questions."""

    weights: tuple[float, ...] = ()
    offset: float = 0.0


def _profiles(questionnaire: Questionnaire) -> dict[str, _Profile]:
    """Per-question tendencies, drawn once per questionnaire from a generator seeded by its id.

    Choice questions get Dirichlet-like option weights (the first option, usually the positive one, a little
    more likely); rated questions an offset so that some aspects please less than others.
    """
    found = _PROFILES.get(questionnaire.content_hash)
    if found is not None:
        return found
    rng = random.Random(f"profiles:{questionnaire.id}")
    profiles = _PROFILES[questionnaire.content_hash] = {}
    for q in questionnaire.questions:
        if q.type in ("single", "multiple"):
            weights = [rng.gammavariate(2.0, 1.0) * (1.6 if i == 0 else 1.0) for i in range(len(q.options))]
            profiles[q.id] = _Profile(weights=tuple(weights))
        elif q.type in ("scale", "matrix"):
            profiles[q.id] = _Profile(offset=rng.gauss(0.0, 0.35))
    return profiles


def synthetic_answers(questionnaire: Questionnaire, rng: random.Random, unit_mood: float = 0.0) -> dict:
    """One plausible respondent's canonical answers (hidden questions dropped by the questionnaire's rules).

    A respondent leans content or not (`unit_mood` shifts a whole school); about 4% straight-line every
    rated question with 非常满意, the honest habit screening flags for information only.
    """
    leaning = rng.gauss(0.55 + unit_mood, 0.75)     # > 0 content, < 0 not; most respondents are content
    straight = rng.random() < 0.04
    profiles = _profiles(questionnaire)
    raw = {}
    for q in questionnaire.questions:
        profile = profiles.get(q.id, _Profile())
        for variable in q.variables:
            if variable.endswith(".other"):
                raw[variable] = rng.choice(["孩子同学告诉的", "社区宣传", "学校公众号", "亲戚朋友介绍"])
            elif straight and q.type in ("scale", "matrix"):
                raw[variable] = max((o for o in q.options if o.score is not None), key=lambda o: o.score).code
            else:
                raw[variable] = _answer(q, rng, leaning, profile)
    answers, _problems = clean_answers(questionnaire, raw, enforce_required=False)
    return answers


def _rated(q: Question, rng: random.Random, leaning: float, offset: float) -> Any:
    """A scale answer: 不了解 now and then, else a position on the scale from the respondent's leaning."""
    na = [o.code for o in q.options if o.na]
    if na and rng.random() < 0.04:
        return na[0]
    ranked = sorted((o for o in q.options if not o.na and o.score is not None), key=lambda o: -o.score)
    position = min(len(ranked) - 1, max(0, round(rng.gauss(0.75 - leaning - offset, 0.75))))
    return ranked[position].code


def _open_text(rng: random.Random, leaning: float) -> str:
    """Mostly nothing or "无"; the rest praise, suggestions or complaints, as the respondent leans."""
    if rng.random() < 0.25:
        return ""
    if rng.random() < 0.62:
        return rng.choice(NO_OPINION)
    if leaning > 0.8:
        return rng.choice(PRAISE + SUGGESTIONS)
    return rng.choice(COMPLAINTS + SUGGESTIONS) if leaning < 0 else rng.choice(SUGGESTIONS + PRAISE[:3])


def _answer(q: Question, rng: random.Random, leaning: float, profile: _Profile) -> Any:
    if q.type in ("scale", "matrix"):
        return _rated(q, rng, leaning, profile.offset)
    codes = [o.code for o in q.options]
    if q.type == "single":
        return rng.choices(codes, profile.weights)[0]
    if q.type == "multiple":
        plain = [(o.code, w) for o, w in zip(q.options, profile.weights, strict=True) if not o.other]
        low = int(q.min or 1)
        high = min(int(q.max or len(plain)), len(plain))
        total = sum(w for _, w in plain)
        chosen = [code for code, w in plain if rng.random() < min(0.9, 1.6 * w / total)][:high]
        while len(chosen) < low:
            code = rng.choices([c for c, _ in plain], [w for _, w in plain])[0]
            if code not in chosen:
                chosen.append(code)
        return chosen
    if q.type == "number":
        low = q.min if q.min is not None else 0
        high = q.max if q.max is not None else 100
        value = min(high, max(low, rng.lognormvariate(1.5, 0.6)))
        return round(value) if q.integer else round(value, 1)
    if q.type == "text":
        return _open_text(rng, leaning)
    raise ValueError(f"unknown question type {q.type}")
