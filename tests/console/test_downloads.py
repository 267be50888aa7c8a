"""Raw data downloads: response-file columns, statuses, neutralised formulas; XLSX with one sheet per form."""

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


def test_downloads_page_links_each_questionnaire(console, make_survey):
    survey = make_survey(["student-lamps", "teacher-platform"])
    html = console.get(f"/console/surveys/{survey.slug}/downloads").get_data(as_text=True)
    assert "questionnaire=student-lamps" in html and "questionnaire=teacher-platform" in html
    assert "responses.xlsx" in html
