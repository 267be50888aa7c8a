"""Targets in the console: the units CSV of a new survey sets them, the progress page shows target and
completion and marks units below target, the Word appendix lists them."""

from __future__ import annotations

import io

import docx
import sqlalchemy as sa

from surveyapp.extensions import db
from surveyapp.models import Survey

from .conftest import STUDENT_ANSWERS, csrf_token
from .test_statistics import tables_in
from .test_surveys import _create

# 一小: 3 students wanted; 二小: 200 students enrolled at ±10% -> 96.04 / (1 + 95.04/200) = 65.11 -> 66 needed
UNITS = "代码,名称,区县,学生目标数,学生人数,误差\nS1,第一小学,城关区,3,,\nS2,第二小学,城关区,,200,10\n"


def _survey(console, add_response):
    page = console.get("/console/surveys/new").get_data(as_text=True)
    reply = _create(console, page, token=csrf_token(page), slug="t-2025", units=UNITS.encode(),
                    chosen=(("student-lamps", "student"),))
    assert reply.status_code == 302, reply.get_data(as_text=True)[:2000]
    survey = db.session.scalar(sa.select(Survey).filter_by(slug="t-2025"))
    for unit in ("S1", "S1", "S1", "S2"):
        add_response(survey, "student", unit, answers=STUDENT_ANSWERS)
    add_response(survey, "student", "S1", status="invalid", reason="重复")
    return survey


def test_progress_page_shows_targets_and_marks_units_below(console, add_response):
    survey = _survey(console, add_response)
    html = console.get(f"/console/surveys/{survey.slug}/progress").get_data(as_text=True)
    rows = {row[0].split()[0]: row for row in tables_in(html)["progress-table"][2:]}
    # columns: 单位, 区县, then per role 收集 有效 目标 完成率, then 合计 收集 有效 目标 完成率, 无效, 今日, 最近提交
    assert rows["第一小学"][2:6] == ["4", "3", "3", "100.00%"]
    assert rows["第二小学"][2:6] == ["1", "1", "66", "1.52%"]             # 1 / 66
    assert "未达目标" in rows["第二小学"][0] and "未达目标" not in rows["第一小学"][0]
    data = console.get(f"/console/surveys/{survey.slug}/progress.json").get_json()
    assert data["has_targets"] is True
    s2 = next(r for r in data["rows"] if r["unit"] == "S2")["roles"]["student"]
    assert (s2["target"], s2["completion"], s2["below_target"]) == (66, 0.0152, True)


def test_the_word_appendix_lists_targets(console, add_response):
    survey = _survey(console, add_response)
    reply = console.get(f"/console/surveys/{survey.slug}/download/report.docx",
                        query_string={"section": ["summary"], "charts": "0"})
    assert reply.status_code == 200
    document = docx.Document(io.BytesIO(reply.data))
    table = next(t for t in document.tables if t.rows[0].cells[0].text == "单位"
                 and t.rows[0].cells[-1].text == "是否达标")
    assert [[c.text for c in row.cells] for row in table.rows][1:] == [
        ["第一小学", "学生", "3", "3", "100.00%", "是"], ["第二小学", "学生", "66", "1", "1.52%", "否"]]
