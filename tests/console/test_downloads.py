"""Raw data downloads: response-file columns, statuses, neutralised formulas in CSV; XLSX with one sheet per form,
in the exchange or the readable layout."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import openpyxl

from surveyapp.surveys.services import version_questionnaire

from .conftest import STUDENT_ANSWERS

META = ["response_id", "questionnaire", "role", "unit", "unit_name", "submitted_at", "duration_s", "channel",
        "status"]


def test_csv_download_has_contract_columns(console, make_survey, add_response):
    survey = make_survey(["student-lamps", "teacher-platform"])
    add_response(survey, "student", "S1", submitted_at=datetime(2025, 10, 9, 6, 3, 11, tzinfo=UTC))
    add_response(survey, "student", "S2", answers={**STUDENT_ANSWERS, "q11": "=HYPERLINK(\"x\")"},
                 status="invalid", reason="答题过快")
    reply = console.get(f"/console/surveys/{survey.slug}/download/responses.csv?questionnaire=student-lamps")
    assert reply.status_code == 200
    assert f"{survey.slug}-student-lamps.csv" in reply.headers["Content-Disposition"]
    assert reply.data.startswith(b"\xef\xbb\xbf")                          # UTF-8 BOM for Excel
    rows = list(csv.reader(io.StringIO(reply.data.decode("utf-8-sig"))))
    student = next(f for f in survey.forms if f.role == "student")
    variables = version_questionnaire(student.version).variables
    assert rows[0] == META + variables
    assert len(rows) == 3
    first, second = (dict(zip(rows[0], r, strict=True)) for r in rows[1:])
    assert (first["unit"], first["unit_name"], first["status"]) == ("S1", "第一小学", "valid")
    assert first["submitted_at"] == "2025-10-09T14:03:11+08:00"
    assert first["q7"] == "满意" and first["q11"] == "灯很好"
    assert second["status"] == "invalid:答题过快"
    assert second["q11"] == "'=HYPERLINK(\"x\")"                           # neutralised


def test_csv_needs_a_questionnaire_when_there_are_several(console, make_survey):
    survey = make_survey(["student-lamps", "teacher-platform"])
    assert console.get(f"/console/surveys/{survey.slug}/download/responses.csv").status_code == 404
    assert console.get(f"/console/surveys/{survey.slug}/download/responses.pdf").status_code == 404


def test_xlsx_download_one_sheet_per_questionnaire(console, make_survey, add_response):
    survey = make_survey(["student-lamps", "teacher-platform"])
    add_response(survey, "student", "S1")
    reply = console.get(f"/console/surveys/{survey.slug}/download/responses.xlsx")
    assert reply.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(reply.data), read_only=True)
    assert sorted(book.sheetnames) == ["student-lamps", "teacher-platform"]
    rows = list(book["student-lamps"].iter_rows(values_only=True))
    assert list(rows[0][:9]) == META and len(rows) == 2
    book.close()


def test_readable_download_in_the_hosted_tools_layout(console, make_survey, add_response):
    survey = make_survey(["student-lamps", "teacher-platform"])
    add_response(survey, "student", "S1", submitted_at=datetime(2025, 10, 9, 6, 3, 11, tzinfo=UTC), duration_s=125.4)
    add_response(survey, "student", "S2", answers={**STUDENT_ANSWERS, "q11": "=HYPERLINK(\"x\")"},
                 status="invalid", reason="答题过快")
    reply = console.get(f"/console/surveys/{survey.slug}/download/responses.xlsx?layout=readable")
    assert reply.status_code == 200
    assert f"{survey.slug}-responses-readable.xlsx" in reply.headers["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(reply.data))
    assert book.sheetnames == ["中小学教室及宿舍护眼灯改造项目学生满意度调查问卷",    # the questionnaires' titles
                               "教育质量综合评价平台项目教师满意度调查问卷"]
    sheet = book.worksheets[0]
    assert sheet.freeze_panes == "A2"
    header, first, second = ([c for c in row] for row in sheet.iter_rows())
    titles = [c.value for c in header]
    assert titles[:8] == ["序号", "提交答卷时间", "所用时间", "来源", "学校", "角色", "状态", "无效原因"]
    assert titles[8] == "1、你目前就读的学段是？"
    assert first[1].value == datetime(2025, 10, 9, 14, 3, 11) and first[1].is_date
    assert [c.value for c in first[:1] + first[2:8]] == [1, "125秒", "手机", "第一小学", "学生", "有效", None]
    assert [c.value for c in second[6:8]] == ["无效", "答题过快"]
    assert first[titles.index("7、你对教室护眼灯的照明效果（亮度、不刺眼、不闪烁）是否满意？")].value == "满意"
    q11 = [c for c in second if c.value == "=HYPERLINK(\"x\")"]     # as typed, a string cell, no '
    assert [c.data_type for c in q11] == ["s"]


def test_downloads_page_offers_both_layouts_and_each_questionnaire(console, make_survey):
    survey = make_survey(["student-lamps", "teacher-platform"])
    html = console.get(f"/console/surveys/{survey.slug}/downloads").get_data(as_text=True)
    assert "questionnaire=student-lamps" in html and "questionnaire=teacher-platform" in html
    readable = html.index("原始数据（便于阅读，问卷星格式）")
    exchange = html.index("原始数据（交换格式，供程序读取）")
    assert readable < exchange                                              # the readable one first
    assert html.rfind("responses.xlsx?layout=readable", 0, readable) > html.rfind("</a>", 0, readable)
    assert "responses.xlsx\">原始数据（交换格式" in html
