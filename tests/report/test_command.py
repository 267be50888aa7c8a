"""`surveyapp report` end to end: a response file and a questionnaire file in, a .docx out; bad input exits 2."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from click.testing import CliRunner
from docx import Document

from surveyapp.cli.report_commands import report_command
from surveyapp.extensions import db
from surveyapp.models import Response

from .conftest import INDICATORS_YAML, REPORT_YAML, write_csv


@pytest.fixture
def files(tmp_path, rep_q):
    questionnaire = tmp_path / "rep.yaml"
    questionnaire.write_text(REPORT_YAML, encoding="utf-8")
    data = tmp_path / "responses.csv"
    write_csv(data, rep_q)
    indicators = tmp_path / "indicators.yaml"
    indicators.write_text(INDICATORS_YAML, encoding="utf-8")
    return questionnaire, data, indicators


def _run(*args):
    return CliRunner().invoke(report_command, [str(a) for a in args])


def test_report_from_a_response_file(tmp_path, files):
    questionnaire, data, indicators = files
    out = tmp_path / "report.docx"
    result = _run(data, "--questionnaire", questionnaire, "--indicators", indicators, "--out", out)
    assert result.exit_code == 0, result.output
    document = Document(str(out))
    captions = [p.text for p in document.paragraphs if p.style.name == "Caption"]
    assert captions[0] == "表1 问卷回收情况"
    assert "表4 测试项目绩效评价指标得分表" in captions
    summary = [[c.text for c in row.cells] for row in document.tables[0].rows]
    assert summary[1][2:] == ["8", "7", "1", "87.50%"]          # collected 8, valid 7, invalid 1
    score = [[c.text for c in row.cells] for row in document.tables[3].rows]
    assert score[-2][-2:] == ["95.47", "95.47%"] and score[-1][-1] == "优"
    assert len(document.inline_shapes) == 6
    assert f"wrote {out}: {len(document.tables)} tables, 6 figures" in result.output


def test_sections_option_on_the_command(tmp_path, files):
    questionnaire, data, _ = files
    out = tmp_path / "q.docx"
    result = _run(data, "--questionnaire", questionnaire, "--sections", "questions", "--no-charts", "--out", out)
    assert result.exit_code == 0, result.output
    document = Document(str(out))
    assert [p.text for p in document.paragraphs if p.style.name == "Heading 1"] == ["一、问卷统计结果"]
    assert len(document.inline_shapes) == 0


def test_evidence_section_on_the_command(tmp_path, files):
    questionnaire, data, indicators = files
    out = tmp_path / "evidence.docx"
    result = _run(data, "--questionnaire", questionnaire, "--indicators", indicators, "--sections", "evidence",
                  "--out", out)
    assert result.exit_code == 0, result.output
    document = Document(str(out))
    assert [p.text for p in document.paragraphs if p.style.name == "Heading 1"] == ["一、绩效评价指标分析"]
    texts = [p.text for p in document.paragraphs]
    # 预算执行率: 95.5 against 100, 2% of the weight 10 per point: 10 x (1 - 0.02 x 4.5) = 9.1
    assert any(text.endswith("指标分值 10 分，评价得分 9.1 分，得分率 91%。") for text in texts)
    # the question tables of the evidence carry no caption but are counted in the summary line
    assert document.tables and f": {len(document.tables)} tables, 0 figures" in result.output


@pytest.mark.parametrize(("args", "message"), [
    (["--sections", "summary,charts"], "unknown report section 'charts'"),
    (["--sections", "scores"], "the scores section needs --indicators"),
    (["--sections", "evidence"], "the evidence section needs --indicators"),
    (["--sections", "summary,scores,evidence"], "the scores and evidence sections need --indicators"),
    (["--out", "{tmp}/report.pdf"], "ending in .docx"),
    (["--out", "{tmp}/missing/report.docx"], "does not exist"),
    (["--indicators", "{tmp}/nope.yaml"], "nope.yaml"),
])
def test_bad_input_exits_2_with_a_message(tmp_path, files, args, message):
    questionnaire, data, _ = files
    args = [a.replace("{tmp}", str(tmp_path)) for a in args]
    if "--out" not in args:
        args += ["--out", str(tmp_path / "r.docx")]
    result = _run(data, "--questionnaire", questionnaire, *args)
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output


def test_missing_data_file_and_no_input_exit_2(tmp_path, files):
    questionnaire, _, _ = files
    result = _run(tmp_path / "none.csv", "--questionnaire", questionnaire, "--out", tmp_path / "r.docx")
    assert result.exit_code == 2 and "no such file" in result.output
    result = _run("--out", tmp_path / "r.docx")
    assert result.exit_code == 2 and "--survey SLUG" in result.output
    assert not (tmp_path / "r.docx").exists()


def test_report_from_a_stored_survey(app, make_survey, runner, tmp_path):
    survey = make_survey(["student-lamps"])
    form = survey.forms[0]
    for i, (unit, q1, status, reason) in enumerate([(0, "小学", "valid", None), (0, "初中", "valid", None),
                                                    (1, "小学", "valid", None), (1, "高中", "invalid", "重复提交")]):
        db.session.add(Response(form=form, unit=survey.units[unit], answers={"q1": q1, "q2": "未更换", "q9": "不住校"},
                                status=status, invalid_reason=reason, duration_s=100.0, channel="微信",
                                submitted_at=datetime(2025, 10, 9 + i, 6, 0, tzinfo=UTC)))
    db.session.commit()
    out = tmp_path / "survey.docx"
    result = runner.invoke(args=["report", "--survey", survey.slug, "--sections", "summary,questions",
                                 "--no-charts", "--out", str(out)])
    assert result.exit_code == 0, result.output
    document = Document(str(out))
    assert document.paragraphs[0].text == "测试调查数据分析附表"
    rows = [[c.text for c in row.cells] for row in document.tables[0].rows]
    assert rows[1][0] == "学生" and rows[1][2:] == ["4", "3", "1", "75.00%"]
    reasons = [[c.text for c in row.cells] for row in document.tables[1].rows]
    assert reasons[1] == ["重复提交", "1", "100.00%", "25.00%"]
    q1 = next(t for t in document.tables if t.rows[0].cells[0].text == "选项")
    assert [[c.text for c in row.cells] for row in q1.rows][1:] == [
        ["小学", "2", "66.67%"], ["初中", "1", "33.33%"], ["高中", "0", "0.00%"], ["本题有效填写人次", "3", ""]]


def test_unknown_survey_exits_2(app, runner, tmp_path):
    result = runner.invoke(args=["report", "--survey", "nope", "--out", str(tmp_path / "r.docx")])
    assert result.exit_code == 2
    assert "nope" in result.output
