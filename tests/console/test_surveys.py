"""Survey list, creation from shipped questionnaires and an uploaded units CSV, open and close."""

from __future__ import annotations

import io
import re

import pytest

from questionnaires import SHIPPED
from surveyapp.extensions import db
from surveyapp.models import Form, QuestionnaireVersion, Survey, Unit
from tests.conftest import count_rows

from .conftest import csrf_token

UNITS = "代码,名称,区县\nXX01,实验小学,城关区\nXX02,东风路小学,城关区\n"


def _form_index(html: str, questionnaire_id: str) -> int:
    """The number of the tick box on the creation form's row of a questionnaire."""
    rows = re.findall(r'id="use_(\d+)".*?<code>([^<]+)</code>', html, flags=re.S)
    return next(int(number) for number, qid in rows if qid == questionnaire_id)


def _create(console, page_html: str, *, title="2025年护眼灯项目满意度调查", slug="lamps-2025",
            units: bytes = UNITS.encode(),
            chosen=(("student-lamps", "student"), ("teacher-platform", "teacher")), token: str | None = None):
    data = {"title": title, "slug": slug, "units": (io.BytesIO(units), "units.csv")}
    if token is not None:
        data["csrf_token"] = token
    for qid, role in chosen:
        index = _form_index(page_html, qid)
        data[f"use_{index}"] = "y"
        data[f"role_{index}"] = role
    return console.post("/console/surveys/new", data=data, content_type="multipart/form-data")


def test_create_survey_with_csrf_from_the_page(console):
    page = console.get("/console/surveys/new").get_data(as_text=True)
    assert "中小学教室及宿舍护眼灯改造项目学生满意度调查问卷" in page
    reply = _create(console, page, token=csrf_token(page))
    assert reply.status_code == 302 and reply.headers["Location"] == "/console/surveys/lamps-2025"
    survey = db.session.scalar(db.select(Survey).filter_by(slug="lamps-2025"))
    assert survey.status == "draft"
    assert sorted((f.version.questionnaire_id, f.role) for f in survey.forms) == [
        ("student-lamps", "student"), ("teacher-platform", "teacher")]
    assert [(u.code, u.name, u.district) for u in survey.units] == [
        ("XX01", "实验小学", "城关区"), ("XX02", "东风路小学", "城关区")]
    overview = console.get("/console/surveys/lamps-2025").get_data(as_text=True)
    assert "草稿" in overview and "实验小学" in overview and "开始收集" in overview
    listing = console.get("/console/").get_data(as_text=True)
    assert "2025年护眼灯项目满意度调查" in listing


def test_role_can_differ_from_the_questionnaires_own(console, no_csrf):
    page = console.get("/console/surveys/new").get_data(as_text=True)
    _create(console, page, chosen=(("teacher-platform", "principal"),))
    form = db.session.scalar(db.select(Form))
    assert form.role == "principal"


def test_bad_units_csv_shows_every_row_error_and_creates_nothing(console, no_csrf):
    page = console.get("/console/surveys/new").get_data(as_text=True)
    bad = "代码,名称,区县\nXX01,实验小学,城关区\n,无代码小学,城关区\nXX01,重复小学,城关区\nXX04\n"
    reply = _create(console, page, units=bad.encode())
    html = reply.get_data(as_text=True)
    assert reply.status_code == 200
    assert "单位名单有误，调查未创建" in html
    # spreadsheet row numbers: header is row 1
    assert "第 3 行" in html and "第 4 行" in html and "第 5 行" in html
    assert "第 2 行" not in html
    assert "与第2行重复" in html
    assert count_rows(Survey) == count_rows(Unit) == count_rows(Form) == 0
    # only the built-in library, stored when the page was first shown
    assert count_rows(QuestionnaireVersion) == len(list(SHIPPED.glob("*.yaml")))


def test_gbk_csv_from_excel_is_read(console, no_csrf):
    page = console.get("/console/surveys/new").get_data(as_text=True)
    reply = _create(console, page, units="XX01,实验小学,城关区\n".encode("gbk"),
                    chosen=(("student-lamps", "student"),))
    assert reply.status_code == 302
    assert db.session.scalar(db.select(Unit.name)) == "实验小学"


@pytest.mark.parametrize(("change", "message"), [
    ({"slug": "Bad Slug"}, "调查代码只能用小写字母"),
    ({"title": ""}, "请填写调查名称"),
    ({"chosen": ()}, "请至少选择一份问卷"),
    ({"slug": "new"}, "保留字"),
])
def test_invalid_form_creates_nothing(console, no_csrf, change, message):
    page = console.get("/console/surveys/new").get_data(as_text=True)
    reply = _create(console, page, **change)
    assert reply.status_code == 200 and message in reply.get_data(as_text=True)
    assert count_rows(Survey) == 0


def test_duplicate_slug_is_refused(console, no_csrf, make_survey):
    make_survey(slug="lamps-2025")
    page = console.get("/console/surveys/new").get_data(as_text=True)
    reply = _create(console, page)
    assert "已被另一个调查使用" in reply.get_data(as_text=True)
    assert count_rows(Survey) == 1


def test_open_close_and_reopen(console, make_survey):
    survey = make_survey(status="draft")
    url = f"/console/surveys/{survey.slug}"
    token = csrf_token(console.get(url).get_data(as_text=True))
    assert console.post(f"{url}/status", data={"action": "open"}).status_code == 400   # no token
    db.session.expire_all()
    assert survey.status == "draft"
    for action, expected, shown in (("open", "open", "收集中"), ("close", "closed", "已结束"),
                                    ("open", "open", "收集中")):
        reply = console.post(f"{url}/status", data={"action": action, "csrf_token": token})
        assert reply.status_code == 302
        db.session.expire_all()
        assert survey.status == expected
        assert shown in console.get(url).get_data(as_text=True)


def test_unknown_survey_is_404(console):
    assert console.get("/console/surveys/nothing-here").status_code == 404


def test_list_counts_collected_and_valid(console, make_survey, add_response):
    survey = make_survey()
    add_response(survey, "student", "S1")
    add_response(survey, "student", "S2")
    add_response(survey, "student", "S2", status="invalid", reason="答题过快")
    html = console.get("/console/").get_data(as_text=True)
    row = html[html.index(survey.slug):]
    cells = [c.split("<")[0] for c in row.split('<td class="num">')[1:4]]
    assert cells == ["3", "2", "1"]          # collected 3 = 2 valid + 1 invalid
