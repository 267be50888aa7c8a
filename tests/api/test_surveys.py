"""POST /surveys (with targets), open and close, and the progress document against its targets."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from questionnaires import SHIPPED
from surveyapp.extensions import db
from surveyapp.models import Survey, Unit, UnitTarget
from surveyapp.surveys.services import store_version
from tests.conftest import count_rows

from ..console.conftest import STUDENT_ANSWERS
from .conftest import TEACHER_ANSWERS, assert_error


@pytest.fixture
def stored(app):
    """The student and teacher questionnaires stored as versions (as POST /questionnaires would)."""
    versions = [store_version(SHIPPED / "student-lamps.yaml"), store_version(SHIPPED / "teacher-platform.yaml")]
    db.session.commit()
    return versions


BODY = {
    "slug": "lamps-2025", "title": "2025年护眼灯项目满意度调查",
    "forms": [{"questionnaire": "student-lamps", "role": "student"}, {"questionnaire": "teacher-platform"}],
    "units": [
        {"code": "S1", "name": "第一小学", "district": "城关区", "targets": {"student": 3, "teacher": 2}},
        # 500 students at ±5%: 384.146 / (1 + 383.146/500) = 217.49 -> 218
        {"code": "S2", "name": "第二小学", "enrolment": {"student": 500}},
        {"code": "S3", "name": "第三小学"},
    ],
}


def test_create_a_survey_with_targets(api, stored):
    response = api.post("/surveys", json=BODY)
    assert response.status_code == 201, response.get_json()
    assert response.get_json() == {"slug": "lamps-2025", "status": "draft"}
    survey = db.session.scalar(sa.select(Survey).filter_by(slug="lamps-2025"))
    assert sorted((f.version.questionnaire_id, f.role) for f in survey.forms) == [
        ("student-lamps", "student"), ("teacher-platform", "teacher")]
    targets = {(t.unit.code, t.role): (t.target, t.population, t.margin)
               for t in db.session.scalars(sa.select(UnitTarget))}
    assert targets == {("S1", "student"): (3, None, None), ("S1", "teacher"): (2, None, None),
                       ("S2", "student"): (218, 500, 0.05)}
    listed = api.get("/surveys").get_json()["surveys"]
    assert [(s["slug"], s["status"]) for s in listed] == [("lamps-2025", "draft")]


def test_open_and_close(api, stored):
    api.post("/surveys", json=BODY)
    opened = api.post("/surveys/lamps-2025/status", json={"action": "open"})
    assert opened.status_code == 200 and opened.get_json() == {"slug": "lamps-2025", "status": "open"}
    closed = api.post("/surveys/lamps-2025/status", json={"action": "close"})
    assert closed.get_json() == {"slug": "lamps-2025", "status": "closed"}
    document = assert_error(api.post("/surveys/lamps-2025/status", json={"action": "draft"}), 422, "invalid")
    assert document["errors"] == [{"path": "action", "message": "must be open or close, got 'draft'"}]
    assert_error(api.post("/surveys/nothing/status", json={"action": "open"}), 404, "not_found")


def test_every_problem_of_a_survey_document_is_named_by_its_place(api, stored):
    body = {"slug": "Bad Slug", "title": "", "colour": "red",
            "forms": [{"questionnaire": "no-such"}, {"questionnaire": "student-lamps", "role": "pupil"}],
            "units": [{"code": "S/1", "name": "一小"}, {"code": "S2", "name": "二小", "targets": {"student": -1}},
                      {"code": "S3", "name": "三小", "enrolment": {"parent": 0}, "margin": 5},
                      "S4"]}
    document = assert_error(api.post("/surveys", json=body), 422, "invalid")
    places = {e["path"]: e["message"] for e in document["errors"]}
    assert set(places) == {"colour", "title", "forms[0].questionnaire", "forms[1].role", "units[0]",
                           "units[1].targets.student", "units[2].enrolment.parent", "units[2].margin", "units[3]"}
    assert "no stored questionnaire 'no-such'" in places["forms[0].questionnaire"]
    assert count_rows(Survey) == count_rows(Unit) == 0


def test_slug_problems_and_unoffered_roles_are_422(api, stored):
    assert api.post("/surveys", json=BODY).status_code == 201
    document = assert_error(api.post("/surveys", json=BODY), 422, "slug_taken")
    assert document["errors"][0]["path"] == "slug"
    document = assert_error(api.post("/surveys", json={**BODY, "slug": "new"}), 422, "slug_reserved")
    document = assert_error(api.post("/surveys", json={**BODY, "slug": "lower-case but spaced"}), 422, "invalid")
    assert document["errors"] == [{"path": "slug", "message": "slug 'lower-case but spaced' must be lower-case "
                                                              "letters, digits and dashes (up to 64)"}]
    body = {**BODY, "slug": "p2", "units": [{"code": "S1", "name": "一小", "targets": {"parent": 5}}]}
    document = assert_error(api.post("/surveys", json=body), 422, "target_role_not_offered")
    assert "unit S1 has a target for parent" in document["message"]
    assert count_rows(Survey) == 1


@pytest.mark.parametrize("kwargs", [{"data": "slug=x", "headers": {"Content-Type": "text/plain"}},
                                    {"data": "{broken", "headers": {"Content-Type": "application/json"}},
                                    {"json": ["a", "list"]}])
def test_a_body_that_is_no_json_object_is_422(api, kwargs):
    assert_error(api.post("/surveys", **kwargs), 422, "invalid")


def test_progress_shows_target_and_completion(api, stored, add_response):
    api.post("/surveys", json=BODY)
    api.post("/surveys/lamps-2025/status", json={"action": "open"})
    survey = db.session.scalar(sa.select(Survey).filter_by(slug="lamps-2025"))
    for _ in range(2):
        add_response(survey, "student", "S1", answers=STUDENT_ANSWERS)
    add_response(survey, "student", "S1", status="invalid", reason="答题过快")
    add_response(survey, "teacher", "S1", answers=TEACHER_ANSWERS)
    add_response(survey, "teacher", "S1", answers=TEACHER_ANSWERS)
    for _ in range(3):
        add_response(survey, "student", "S2", answers=STUDENT_ANSWERS)
    add_response(survey, "student", "S3")

    document = api.get("/surveys/lamps-2025/progress").get_json()
    rows = {(r["unit"], r["role"]): r for r in document["rows"]}
    assert len(rows) == 6                                         # 3 units x 2 roles (teachers, then students)
    # S1 students: 3 collected, 2 valid, target 3 -> 2/3 = 0.6667, below target
    assert rows[("S1", "student")] == {"unit": "S1", "unit_name": "第一小学", "role": "student", "collected": 3,
                                       "valid": 2, "target": 3, "completion": 0.6667, "below_target": True}
    # S1 teachers: 2 valid of 2 -> 1.0, reached
    assert rows[("S1", "teacher")]["completion"] == 1.0 and not rows[("S1", "teacher")]["below_target"]
    # S2 students: 3 valid of the needed 218 -> 0.0138
    assert rows[("S2", "student")]["target"] == 218 and rows[("S2", "student")]["completion"] == 0.0138
    # no target: null, not below
    assert rows[("S3", "student")]["target"] is None and rows[("S3", "student")]["completion"] is None
    assert rows[("S3", "student")]["below_target"] is False and rows[("S3", "student")]["valid"] == 1
    # total: 9 collected, 8 valid; targets 3 + 2 + 218 = 223; completion counts the targeted cells' valid
    # responses only (2 + 2 + 3 = 7): 7 / 223 = 0.0314
    assert document["total"] == {"collected": 9, "valid": 8, "target": 223, "completion": 0.0314}
    by_role = {r["role"]: r for r in document["by_role"]}
    assert by_role["student"] == {"role": "student", "collected": 7, "valid": 6, "target": 221,
                                  "completion": round(5 / 221, 4)}
