"""Analysis downloads: statistics.xlsx per questionnaire, the pictures zip, score tables, the Word appendix."""

from __future__ import annotations

import io
import zipfile

import openpyxl
import pytest
from PIL import Image

from .conftest import STUDENT_ANSWERS

Q = "student-lamps"


@pytest.fixture
def survey(app, make_survey, add_response):
    survey = make_survey([Q, "teacher-platform"])
    for unit, q1, text in (("S1", "小学", "灯光太暗"), ("S1", "初中", "无"), ("S2", "小学", "希望多开展活动")):
        add_response(survey, "student", unit, answers={**STUDENT_ANSWERS, "q1": q1, "q11": text})
    add_response(survey, "student", "S2", status="invalid", reason="答题过快",
                 answers={**STUDENT_ANSWERS, "q1": "高中"})
    return survey


def test_downloads_page_lists_every_file(console, survey):
    html = console.get(f"/console/surveys/{survey.slug}/downloads").get_data(as_text=True)
    for q in (Q, "teacher-platform"):
        assert f"{survey.slug}-{q}-statistics.xlsx" in html and f"{survey.slug}-{q}-pictures.zip" in html
    assert "scoring/scores.xlsx?indicators=lamps" in html
    assert "报告（Word）" in html and 'value="evidence"' in html


def test_statistics_workbook_counts_collected_and_valid(console, survey):
    reply = console.get(f"/console/surveys/{survey.slug}/download/statistics.xlsx", query_string={"q": Q})
    assert reply.status_code == 200
    assert reply.headers["Content-Disposition"].endswith(f"{survey.slug}-{Q}-statistics.xlsx")
    book = openpyxl.load_workbook(io.BytesIO(reply.data))
    summary = {row[0]: row[1] for row in book["汇总"].iter_rows(values_only=True) if row and row[0]}
    assert summary["回收答卷"] == 4 and summary["有效答卷"] == 3 and summary["无效答卷"] == 1
    q1 = [row for row in book["第1题"].iter_rows(values_only=True)]
    counts = {row[0]: row[1] for row in q1 if row and row[0] in ("小学", "初中", "高中", "本题有效填写人次")}
    # valid only: 小学 2, 初中 1, 高中 0 (the invalid 高中 is left out), 3 answered
    assert counts == {"小学": 2, "初中": 1, "高中": 0, "本题有效填写人次": 3}
    assert console.get(f"/console/surveys/{survey.slug}/download/statistics.xlsx",
                       query_string={"q": "nope"}).status_code == 404


def test_pictures_zip_holds_charts_and_word_clouds(console, survey):
    reply = console.get(f"/console/surveys/{survey.slug}/download/pictures.zip", query_string={"q": Q})
    assert reply.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(reply.data))
    names = set(archive.namelist())
    assert {"chart_q1.png", "chart_q7.png", "wordcloud_q11.png", "satisfaction_by_unit.png"} <= names
    # q10 is shown only to boarders; nobody boards, so nobody answered it: no chart, a note instead
    assert "chart_q10.png" not in names
    assert "q10: 无人作答，未画图" in archive.read("notes.txt").decode("utf-8")
    for name in ("chart_q1.png", "wordcloud_q11.png", "satisfaction_by_unit.png"):
        image = Image.open(io.BytesIO(archive.read(name)))
        assert image.format == "PNG" and image.width >= 800


def test_pictures_zip_of_a_questionnaire_without_responses(console, survey):
    reply = console.get(f"/console/surveys/{survey.slug}/download/pictures.zip",
                        query_string={"q": "teacher-platform"})
    archive = zipfile.ZipFile(io.BytesIO(reply.data))
    assert not [n for n in archive.namelist() if n.endswith(".png")]
    assert "无人作答" in archive.read("notes.txt").decode("utf-8")


def test_word_appendix_with_chosen_sections(console, survey):
    docx = pytest.importorskip("docx")
    reply = console.get(f"/console/surveys/{survey.slug}/download/report.docx",
                        query_string={"section": ["summary", "questions"], "charts": "0"})
    assert reply.status_code == 200
    document = docx.Document(io.BytesIO(reply.data))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "问卷回收情况" in text and "开放题" not in text
    assert document.tables
    none = console.get(f"/console/surveys/{survey.slug}/download/report.docx")
    assert none.status_code == 302                       # no section chosen: back to the page with a note
    page = console.get(f"/console/surveys/{survey.slug}/downloads").get_data(as_text=True)
    assert "请至少选择一个部分。" in page


def test_word_appendix_with_scores(console, survey, add_response):
    docx = pytest.importorskip("docx")
    reply = console.get(f"/console/surveys/{survey.slug}/download/report.docx",
                        query_string={"section": ["scores"], "indicators": "lamps.yaml", "charts": "0"})
    # the lamps system needs the boarders' answers to q10, which nobody gave: refused with a note
    assert reply.status_code == 302
    page = console.get(f"/console/surveys/{survey.slug}/downloads").get_data(as_text=True)
    assert "评分无法完成" in page
    add_response(survey, "student", "S1", answers={**STUDENT_ANSWERS, "q9": "住校", "q10": "已更换"})
    reply = console.get(f"/console/surveys/{survey.slug}/download/report.docx",
                        query_string={"section": ["scores"], "indicators": "lamps.yaml", "charts": "0"})
    assert reply.status_code == 200
    document = docx.Document(io.BytesIO(reply.data))
    cells = {c.text for t in document.tables for row in t.rows for c in row.cells}
    assert "教室护眼灯改造数量" in cells
    # the evidence section: every leaf closes with the sentence of its score, from the same score table
    reply = console.get(f"/console/surveys/{survey.slug}/download/report.docx",
                        query_string={"section": ["evidence"], "indicators": "lamps.yaml", "charts": "0"})
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(reply.data)).paragraphs)
    assert "绩效评价指标分析" in text and "指标分值 3 分，评价得分" in text
