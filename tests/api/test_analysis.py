"""Statistics, satisfaction and response files through the API: the same documents as the commands give
on the exported responses, with the numbers worked out here."""

from __future__ import annotations

import io
import json
import math

import openpyxl
import pandas as pd
import pytest

from questionnaires import SHIPPED
from surveyapp.cli.stats_commands import satisfaction_command, stats_command

from ..console.conftest import STUDENT_ANSWERS
from .conftest import TEACHER_ANSWERS, assert_error

Q7 = ("非常满意", "满意", "一般", "满意", "不满意")     # the last one is marked invalid below


@pytest.fixture
def survey(make_survey, add_response):
    survey = make_survey(["student-lamps", "teacher-platform"], slug="lamps")
    for unit, q7 in zip(("S1", "S1", "S2", "S2", "S2"), Q7, strict=True):
        status = "invalid" if q7 == "不满意" else "valid"
        add_response(survey, "student", unit, answers={**STUDENT_ANSWERS, "q7": q7}, status=status, reason="测试")
    add_response(survey, "teacher", "S1", answers=TEACHER_ANSWERS)
    return survey


def _cli_json(runner, command, args):
    result = runner(command, args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.fixture
def cli():
    from click.testing import CliRunner

    return lambda command, args: CliRunner().invoke(command, args)


def _export(api, tmp_path) -> str:
    response = api.get("/surveys/lamps/responses.csv?questionnaire=student-lamps")
    assert response.status_code == 200
    path = tmp_path / "student.csv"
    path.write_bytes(response.data)
    return str(path)


def test_statistics_are_the_stats_command_document(api, survey, tmp_path, cli):
    document = api.get("/surveys/lamps/statistics?questionnaire=student-lamps").get_json()
    q7 = next(q for q in document["questions"] if q["id"] == "q7")
    # 4 valid answers: 非常满意 1, 满意 2, 一般 1 (the 不满意 response is invalid)
    assert q7["valid"] == 4
    assert {o["label"]: (o["count"], o["ratio"]) for o in q7["options"]} == {
        "非常满意": (1, 0.25), "满意": (2, 0.5), "一般": (1, 0.25), "不满意": (0, 0.0), "非常不满意": (0, 0.0),
        "不了解": (0, 0.0)}
    expected = _cli_json(cli, stats_command, [_export(api, tmp_path), "--questionnaire",
                                              str(SHIPPED / "student-lamps.yaml"), "--json"])
    assert document == expected


def test_satisfaction_is_the_satisfaction_command_document(api, survey, tmp_path, cli):
    document = api.get("/surveys/lamps/satisfaction?questionnaire=student-lamps&questions=q7&by=unit").get_json()
    # top box: 非常满意 + 满意 = 3 of 4 valid answers; Wilson interval for 3 of 4 at z = 1.959964
    z, n, p = 1.959964, 4, 0.75
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    assert (document["rate"], document["n"], document["satisfied"]) == (0.75, 4, 3)
    assert document["ci95"] == [round(centre - half, 4), round(centre + half, 4)]
    # S1: 非常满意, 满意 -> 2/2; S2: 满意, 一般 -> 1/2 (its 不满意 is invalid)
    assert [(g["group"], g["rate"], g["n"]) for g in document["groups"]] == [("S1", 1.0, 2), ("S2", 0.5, 2)]
    expected = _cli_json(cli, satisfaction_command, [_export(api, tmp_path), "--questionnaire",
                                                     str(SHIPPED / "student-lamps.yaml"), "--questions", "q7",
                                                     "--by", "unit", "--json"])
    assert document == expected
    by_school = api.get("/surveys/lamps/satisfaction?questionnaire=student-lamps&questions=q7&by=unit&cluster=unit")
    assert by_school.get_json() == _cli_json(
        cli, satisfaction_command, [_export(api, tmp_path), "--questionnaire", str(SHIPPED / "student-lamps.yaml"),
                                    "--questions", "q7", "--by", "unit", "--cluster", "unit", "--json"])


def test_satisfaction_problems_are_422_with_their_place(api, survey):
    base = "/surveys/lamps/satisfaction?questionnaire=student-lamps"
    assert assert_error(api.get(f"{base}&questions=q1"), 422, "invalid_questions")["errors"][0]["path"] == "questions"
    assert assert_error(api.get(base), 422, "no_questions")["errors"][0]["path"] == "questions"
    assert assert_error(api.get(f"{base}&questions=q7&method=mean"), 422, "unknown_method")
    assert assert_error(api.get(f"{base}&questions=q7&by=district"), 422, "unknown_grouping")
    assert assert_error(api.get(f"{base}&questions=q7&cluster=district"), 422,
                        "unknown_cluster")["errors"][0]["path"] == "cluster"
    score = api.get(f"{base}&questions=q7&method=score").get_json()
    assert score["rate"] == (100 + 80 + 60 + 80) / 4


def test_a_survey_with_several_questionnaires_needs_one_named(api, survey):
    document = assert_error(api.get("/surveys/lamps/statistics"), 422, "invalid")
    assert document["errors"][0]["path"] == "questionnaire"
    document = assert_error(api.get("/surveys/lamps/statistics?questionnaire=nope"), 422, "unknown_questionnaire")
    assert "student-lamps" in document["message"]
    assert_error(api.get("/surveys/missing/statistics?questionnaire=x"), 404, "not_found")


def test_response_files(api, survey):
    csv = api.get("/surveys/lamps/responses.csv?questionnaire=student-lamps")
    assert csv.mimetype == "text/csv" and "lamps-student-lamps.csv" in csv.headers["Content-Disposition"]
    frame = pd.read_csv(io.BytesIO(csv.data), encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert len(frame) == 5 and sorted(frame["status"].str.split(":").str[0]) == ["invalid"] + ["valid"] * 4
    workbook = openpyxl.load_workbook(io.BytesIO(api.get("/surveys/lamps/responses.xlsx").data), read_only=True)
    assert len(workbook.sheetnames) == 2
    only = openpyxl.load_workbook(io.BytesIO(api.get("/surveys/lamps/responses.xlsx?questionnaire=teacher-platform")
                                             .data), read_only=True)
    assert len(only.sheetnames) == 1 and only[only.sheetnames[0]].max_row == 2       # header + one teacher
    assert_error(api.get("/surveys/lamps/responses.csv"), 422, "unknown_questionnaire")
    assert_error(api.get("/surveys/lamps/responses.pdf"), 404, "not_found")
    readable = api.get("/surveys/lamps/responses.xlsx?layout=readable&questionnaire=teacher-platform")
    assert "lamps-responses-readable.xlsx" in readable.headers["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(readable.data), read_only=True).worksheets[0]
    header, teacher = sheet.iter_rows(values_only=True)
    assert header[:3] == ("序号", "提交答卷时间", "所用时间") and teacher[5:7] == ("教师", "有效")
    assert_error(api.get("/surveys/lamps/responses.csv?questionnaire=student-lamps&layout=readable"), 422,
                 "unknown_layout")
