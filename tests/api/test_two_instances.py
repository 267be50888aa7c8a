"""Two app instances on one PostgreSQL database see the same indicator systems and scoring inputs: nothing
the evaluator enters lives in one process or its instance folder."""

from __future__ import annotations

import textwrap

import pytest

from questionnaires import SHIPPED, clean_answers
from surveyapp import create_app
from surveyapp.auth.services import create_user
from surveyapp.auth.tokens import create_token
from surveyapp.extensions import db
from surveyapp.models import Response
from surveyapp.surveys.services import FormSpec, create_survey, set_status, version_questionnaire
from surveyapp.surveys.units import UnitRow
from tests.conftest import POSTGRES_URL, skip_or_fail

from ..console.conftest import STUDENT_ANSWERS, log_in
from ..console.test_scoring_pages import INDICATORS

pytestmark = pytest.mark.postgres


def _app(tmp_path, name):
    return create_app({"TESTING": True, "SECRET_KEY": "shared-secret", "SQLALCHEMY_DATABASE_URI": POSTGRES_URL,
                       "CONSOLE_INDICATORS_DIR": str(tmp_path / name)})     # no templates: the database only


@pytest.fixture
def two_apps(tmp_path):
    if not POSTGRES_URL:
        skip_or_fail("no PostgreSQL server: set TEST_POSTGRES_URL to run the two-instance test")
    first, second = _app(tmp_path, "a"), _app(tmp_path, "b")
    with first.app_context():
        db.drop_all()
        db.create_all()
    yield first, second
    for app in (first, second):
        with app.app_context():
            db.session.remove()
            if app is first:
                db.drop_all()
            db.engine.dispose()


def test_inputs_saved_through_one_instance_are_used_by_the_other(two_apps):
    first, second = two_apps
    with first.app_context():
        user = create_user("evaluator", "correct-horse-42")
        _, token = create_token(user)
        survey = create_survey("调查", "lamps", [FormSpec(SHIPPED / "student-lamps.yaml")], [UnitRow("S1", "一小")])
        set_status(survey, "open")
        questionnaire = version_questionnaire(survey.forms[0].version)
        for q7 in ("非常满意", "满意", "一般", "满意"):
            answers, _ = clean_answers(questionnaire, {**STUDENT_ANSWERS, "q7": q7}, enforce_required=False)
            db.session.add(Response(form_id=survey.forms[0].id, unit_id=survey.units[0].id, answers=answers))
        db.session.commit()
    headers = {"Authorization": f"Bearer {token}"}
    a, b = first.test_client(), second.test_client()

    uploaded = a.post("/api/v1/indicator-systems?name=test-system", data=textwrap.dedent(INDICATORS).encode(),
                      headers={**headers, "Content-Type": "application/yaml"})
    assert uploaded.status_code == 201
    # 5.00 + 36.40 + 41.67 = 83.07 on both instances before any input
    assert b.get("/api/v1/surveys/lamps/scores?system=test-system", headers=headers).get_json()["total"] == 83.07

    saved = a.put("/api/v1/surveys/lamps/scoring/test-system", headers=headers,
                  json={"literals": {"预算执行率": 100},
                        "overrides": {"预算编制科学性": {"score": 9, "reason": "复核"}}})
    assert saved.status_code == 200
    # instance B: 9 + 40 + 41.67 = 90.67
    assert b.get("/api/v1/surveys/lamps/scores?system=test-system", headers=headers).get_json()["total"] == 90.67

    b.put("/api/v1/surveys/lamps/scoring/test-system", headers=headers, json={"literals": {"预算执行率": 98}})
    # instance A: 5.00 + 40 x (1 - 0.02 x 2) = 38.40 + 41.67 = 85.07
    assert a.get("/api/v1/surveys/lamps/scores?system=test-system", headers=headers).get_json()["total"] == 85.07
    log_in(a)
    page = a.get("/console/surveys/lamps/scoring?indicators=test-system").get_data(as_text=True)
    history = page.split('id="input-history"')[1]
    assert "100 → 98" in history and "（无） → 100" in history
