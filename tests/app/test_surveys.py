"""Survey services: questionnaire versions, creation, units, status, links."""

from __future__ import annotations

import pytest

from questionnaires import SHIPPED, InputError
from surveyapp.extensions import db
from surveyapp.models import Form, QuestionnaireVersion, Survey, Unit
from surveyapp.surveys.services import (
    FormSpec,
    SurveyError,
    create_survey,
    set_status,
    store_version,
    survey_links,
)
from surveyapp.surveys.units import UnitRow, parse_units_csv
from tests.conftest import count_rows

UNITS = [UnitRow("S1", "第一小学", "城关区"), UnitRow("S2", "第二小学", "城关区")]


def test_same_file_twice_is_one_version_and_a_changed_file_a_new_one(app, tmp_path):
    original = (SHIPPED / "student-lamps.yaml").read_text(encoding="utf-8")
    path = tmp_path / "student-lamps.yaml"
    path.write_text(original, encoding="utf-8")
    first = store_version(path)
    path.write_text("# a comment changes nothing\n" + original, encoding="utf-8")
    assert store_version(path).id == first.id
    survey = create_survey("旧版调查", "old", [FormSpec(path)], UNITS)
    db.session.commit()

    path.write_text(original.replace("\ntitle: ", "\ntitle: 修订版", 1), encoding="utf-8")
    second = store_version(path)
    db.session.commit()
    assert second.id != first.id
    assert count_rows(QuestionnaireVersion) == 2
    assert db.session.get(Survey, survey.id).forms[0].version_id == first.id


def test_create_survey_offers_each_questionnaire_to_its_role_in_every_unit(app):
    survey = create_survey("调查", "s-2025", [FormSpec(SHIPPED / "teacher-platform.yaml"),
                                              FormSpec(SHIPPED / "parent-platform.yaml")], UNITS)
    db.session.commit()
    assert survey.status == "draft"
    assert sorted(f.role for f in survey.forms) == ["parent", "teacher"]
    assert len({f.token for f in survey.forms}) == 2 and all(len(f.token) >= 22 for f in survey.forms)
    links = survey_links(survey, "https://x.cn/")
    assert len(links) == 2 * 2
    # one unguessable token per form x unit: no form token or unit code to edit in the link
    pairs = {(link.form.id, link.unit.code) for link in links}
    assert pairs == {(f.id, u) for f in survey.forms for u in ("S1", "S2")}
    tokens = {link.url.removeprefix("https://x.cn/s/") for link in links}
    assert len(tokens) == 4 and all(len(t) >= 22 and "/" not in t for t in tokens)
    assert not tokens & {f.token for f in survey.forms}


@pytest.mark.parametrize("slug, forms, message", [
    ("Bad Slug", ["student-lamps"], "slug"),
    ("ok", [], "at least one questionnaire"),
    ("ok", ["student-lamps", "student-lamps"], "twice"),
])
def test_create_survey_refuses_bad_requests(app, slug, forms, message):
    with pytest.raises(SurveyError, match=message):
        create_survey("调查", slug, [FormSpec(SHIPPED / f"{f}.yaml") for f in forms], UNITS)
    db.session.rollback()
    assert count_rows(Survey) == count_rows(Form) == count_rows(Unit) == 0


def test_duplicate_slug_is_refused(app, make_survey):
    make_survey(slug="dup")
    with pytest.raises(SurveyError, match="already exists"):
        create_survey("again", "dup", [FormSpec(SHIPPED / "student-lamps.yaml")], UNITS)


def test_status_changes(app, make_survey):
    survey = make_survey(status="draft")
    set_status(survey, "open")
    set_status(survey, "closed")
    set_status(survey, "open")
    with pytest.raises(SurveyError, match="back to draft"):
        set_status(survey, "draft")


def test_units_csv_with_and_without_header():
    with_header = parse_units_csv("\ufeffcode,name,district\nS1,第一小学,城关区\nS2,第二小学\n")
    assert with_header == [UnitRow("S1", "第一小学", "城关区"), UnitRow("S2", "第二小学", "")]
    assert parse_units_csv("S1,第一小学,城关区\n") == [UnitRow("S1", "第一小学", "城关区")]


def test_units_csv_reports_every_bad_row_by_number():
    text = "code,name,district\nS1,第一小学,城关区\n,无代码,区\nS1,重复,区\nS3\nS/4,斜杠,区\n"
    with pytest.raises(InputError) as caught:
        parse_units_csv(text, "units.csv")
    message = str(caught.value)
    assert "units.csv: row 3: code and name must not be empty" in message
    assert "units.csv: row 4: code 'S1' repeats row 2" in message
    assert "units.csv: row 5: expected code,name[,district], got 1 columns" in message
    assert "units.csv: row 6: code 'S/4'" in message
