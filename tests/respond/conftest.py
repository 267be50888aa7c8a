"""Fixtures of the respondent page tests: a small questionnaire with every question type."""

from __future__ import annotations

import pytest
from flask import g
from flask.testing import FlaskClient

ALL_TYPES = """\
format: 1
id: all-types
title: 全题型测试问卷
role: parent
intro: |
  尊敬的家长：

  这是一份测试问卷，
  请认真填写。
outro: 感谢您的参与，测试结束语！
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
    other: true
  - id: q2
    type: multiple
    text: 您通过哪些渠道了解本项目？
    options: [学校通知, 家长群, 班主任, 新闻媒体]
    min: 2
    max: 3
    other: true
  - id: q3
    type: scale
    scale: sat5
    text: 您对项目总体是否满意？
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
    text: 您还有什么意见或建议？
    required: false
    max_length: 500
"""

VALID = {
    "q1": "初中", "q2": ["学校通知", "班主任"], "q3": "5", "q4.r1": "4", "q4.r2": "0",
    "q5": "是", "q6": "3", "q7": "12", "q8": "  希望多组织培训  ",
}
"""A complete, valid post of ALL_TYPES, as a browser sends it (all values are text)."""

VALID_STORED = {
    "q1": "初中", "q2": ["学校通知", "班主任"], "q3": 5, "q4.r1": 4, "q4.r2": 0,
    "q5": "是", "q6": 3, "q7": 12, "q8": "希望多组织培训",
}
"""What VALID must be stored as: scale codes as numbers, the number as an int, the text trimmed."""


class IsolatedClient(FlaskClient):
    """A test client whose requests do not share Flask-WTF's per-request cache.

    The shared `app` fixture keeps an application context open for the whole test, so every request of
    the test runs in that one context and `g` would carry one request's CSRF token into the next (in
    production each request has its own context). Clearing those keys makes each request stand alone.
    """

    def open(self, *args, **kwargs):  # noqa: ANN002, ANN003, ANN201
        g.pop("csrf_token", None)
        g.pop("csrf_valid", None)
        return super().open(*args, **kwargs)


def unit_url(survey, unit_code: str | None, form_index: int = 0) -> str:
    """The public path of a form's link in a unit (``/s/<link token>``), as the links page lists it."""
    from surveyapp.surveys.services import survey_links

    form = survey.forms[form_index]
    return next(link.url for link in survey_links(survey, "")
                if link.form.id == form.id and (link.unit.code if link.unit else None) == unit_code)


def old_links(survey) -> None:
    """Mark the survey's forms as made before unit links: ``/s/<form token>/<unit code>`` opens them, as
    the migration does for forms that existed (call before the first request to them)."""
    from surveyapp.extensions import db

    for form in survey.forms:
        form.code_links = True
    db.session.commit()


@pytest.fixture
def client(app):
    app.test_client_class = IsolatedClient
    return app.test_client()


@pytest.fixture
def all_types_file(questionnaire_file):
    return questionnaire_file(ALL_TYPES, "all-types.yaml")


@pytest.fixture
def open_form(make_survey, all_types_file):
    """make_open_form(units=..., **survey options) -> (survey, form url of the first unit or without unit)."""

    def build(units=(("S1", "第一小学"), ("S2", "第二小学")), questionnaire=None, **options):
        survey = make_survey([questionnaire or all_types_file], units=units, **options)
        return survey, unit_url(survey, units[0][0] if units else None)

    return build
