"""The scoring page (评分): indicator system, literal values and overrides kept per survey in the database with
their history, table, total, grade, export."""

from __future__ import annotations

import csv
import io
import textwrap

import openpyxl
import pytest
import sqlalchemy as sa

from surveyapp.extensions import db
from surveyapp.models import IndicatorSystemVersion, SavedScoringInputs

from .conftest import STUDENT_ANSWERS, csrf_token
from .test_statistics import tables_in

INDICATORS = """\
    format: 1
    title: 测试项目绩效评价
    grades:
      - {grade: 优, min: 90}
      - {grade: 良, min: 80}
      - {grade: 中, min: 70}
      - {grade: 差, min: 0}
    indicators:
      - name: 决策
        children:
          - name: 资金投入
            children:
              - name: 预算编制科学性
                weight: 10
                rule:
                  type: checklist
                  items:
                    - {name: 依据充分, share: 0.5, met: true}
                    - {name: 明细清晰, share: 0.5, met: false}
      - name: 过程
        children:
          - name: 资金管理
            children:
              - name: 预算执行率
                weight: 40
                target: "=100%"
                value: 95.5
                rule: {type: deduct_below, threshold: 100, per_point: 2}
      - name: 效益
        children:
          - name: 满意度
            children:
              - name: 学生满意度
                weight: 50
                target: ≥90%
                value:
                  satisfaction: {form: student-lamps, questions: [q7], method: top_box}
                rule: {type: ratio_below, threshold: 90}
"""
NAME = "test-system.yaml"         # a template file; the system's name is its stem


@pytest.fixture
def indicators(app, tmp_path):
    folder = tmp_path / "indicators"
    folder.mkdir()
    (folder / NAME).write_text(textwrap.dedent(INDICATORS), encoding="utf-8")
    (folder / "broken.yaml").write_text("format: 1\ntitle: 坏文件\n", encoding="utf-8")
    app.config["CONSOLE_INDICATORS_DIR"] = str(folder)
    return folder


@pytest.fixture
def survey(make_survey, add_response):
    """Student satisfaction q7: 非常满意, 满意, 一般, 满意 -> 3 satisfied of 4 = 75%."""
    survey = make_survey(["student-lamps"])
    for q7 in ("非常满意", "满意", "一般", "满意"):
        add_response(survey, "student", "S1", answers={**STUDENT_ANSWERS, "q7": q7})
    return survey


def url(survey) -> str:
    return f"/console/surveys/{survey.slug}/scoring?indicators={NAME}"


def score_rows(html: str) -> dict[str, list[str]]:
    return {row[2] or row[1] or row[0]: row for row in tables_in(html)["score-table"][1:]}


def test_lists_the_indicator_systems(console, survey, indicators):
    html = console.get(f"/console/surveys/{survey.slug}/scoring").get_data(as_text=True)
    assert "测试项目绩效评价（test-system，模板）" in html and "坏文件" not in html
    assert console.get(f"/console/surveys/{survey.slug}/scoring?indicators=../x.yaml").status_code == 404


def test_score_table_total_and_grade(console, survey, indicators):
    html = console.get(url(survey)).get_data(as_text=True)
    rows = score_rows(html)
    # checklist: 10 x 0.5 = 5.00; deduct_below: 40 x (1 - 2/100 x (100 - 95.5)) = 40 x 0.91 = 36.40;
    # satisfaction 75% against 90 (ratio_below): 50 x 75 / 90 = 41.666... -> 41.67; 得分率 of the shown score:
    # 41.67 / 50 = 83.34%
    assert rows["预算编制科学性"][3:8] == ["10", "", "", "5.00", "50.00%"]
    assert rows["预算执行率"][3:8] == ["40", "=100%", "95.50%", "36.40", "91.00%"]
    assert rows["学生满意度"][3:8] == ["50", "≥90%", "75.00%", "41.67", "83.34%"]
    total = 5 + 36.40 + 41.67
    assert rows["合计"][6] == f"{total:.2f}" == "83.07"
    assert rows["评价等级"][6] == "良"
    assert 'id="total">83.07<' in html and 'id="grade">良<' in html


def test_each_indicator_has_its_paragraph_to_copy(console, survey, indicators):
    html = console.get(url(survey)).get_data(as_text=True)
    evidence = html[html.index('id="evidence"'):]
    # the closing sentences, numbers as the score table prints them without trailing zeros
    assert "指标分值 40 分，评价得分 36.4 分，得分率 91%。" in evidence
    assert "指标分值 50 分，评价得分 41.67 分，得分率 83.34%。" in evidence
    assert "指标分值 10 分，评价得分 5 分，得分率 50%。" in evidence
    # the satisfaction leaf names its question and the count behind the rate: 4 valid answers to q7
    assert "问卷题 7（量表题，有效答题 4 人次）" in evidence
    assert evidence.count('data-copy="evidence-') == 3


def test_literal_and_override_are_kept_and_shown(console, survey, indicators):
    page = console.get(url(survey)).get_data(as_text=True)
    # leaves in file order: 0 预算编制科学性 (checklist), 1 预算执行率, 2 学生满意度
    assert 'name="literal-0"' not in page          # a checklist uses no value
    reply = console.post(url(survey), data={
        "csrf_token": csrf_token(page), "literal-1": "100", "override-0": "9", "reason-0": "补充材料后复核",
        "literal-2": "", "override-2": "", "reason-2": ""})
    assert reply.status_code == 302
    html = console.get(url(survey)).get_data(as_text=True)
    rows = score_rows(html)
    # 预算执行率 100 -> full 40.00; 预算编制科学性 overridden 5.00 -> 9.00
    assert rows["预算执行率"][5:7] == ["100.00%", "40.00"]
    assert rows["预算编制科学性"][6] == "9.00"
    assert rows["预算编制科学性"][10] == "计算得分5.00，调整为9.00，理由：补充材料后复核"
    total = 9 + 40 + 41.67
    assert rows["合计"][6] == f"{total:.2f}" == "90.67" and rows["评价等级"][6] == "优"
    assert 'value="补充材料后复核"' in html and 'name="literal-1" class="short" value="100"' in html
    saved = db.session.scalar(sa.select(SavedScoringInputs))
    assert saved.literals == {"过程/资金管理/预算执行率": "100"}
    assert saved.overrides == {"决策/资金投入/预算编制科学性": {"score": "9", "reason": "补充材料后复核"}}
    assert saved.saved_by.username == "evaluator" and saved.system_name == "test-system"
    # the template was copied into the database on this first save
    assert [(v.name, v.version) for v in db.session.scalars(sa.select(IndicatorSystemVersion))] == [
        ("test-system", 1)]
    assert "（test-system，第1版）" in html

    xlsx = console.get(f"/console/surveys/{survey.slug}/scoring/scores.xlsx?indicators={NAME}")
    assert xlsx.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.data)).active
    cells = [[c for c in row] for row in sheet.iter_rows(values_only=True)]
    total_row = next(r for r in cells if r[0] == "合计")
    assert total_row[6] == pytest.approx(90.67)
    assert any(r[10] and "补充材料后复核" in str(r[10]) for r in cells)
    text = console.get(f"/console/surveys/{survey.slug}/scoring/scores.csv?indicators={NAME}").data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert next(r for r in rows if r[0] == "合计")[6] == "90.67"


def test_bad_input_is_refused_and_nothing_saved(console, survey, indicators):
    page = console.get(url(survey)).get_data(as_text=True)
    reply = console.post(url(survey), data={"csrf_token": csrf_token(page), "literal-1": "九十",
                                            "override-0": "12", "reason-0": "", "override-2": "30"})
    assert reply.status_code == 200
    html = reply.get_data(as_text=True)
    assert "“九十”不是数字。" in html and "得分应在 0 到分值 10 之间。" in html and "调整得分必须写明理由。" in html
    assert db.session.scalar(sa.select(sa.func.count(SavedScoringInputs.id))) == 0
    assert 'id="total">83.07<' in html                # the table still shows the stored (empty) inputs


def test_values_that_cannot_be_computed_are_named_and_a_literal_fixes_them(console, make_survey, indicators):
    empty = make_survey(["student-lamps"])
    page = console.get(url(empty)).get_data(as_text=True)
    assert 'id="score-problems"' in page and "学生满意度" in page and "中没有有效回答，无法计算该值" in page
    assert console.get(f"/console/surveys/{empty.slug}/scoring/scores.xlsx?indicators={NAME}").status_code == 302
    console.post(url(empty), data={"csrf_token": csrf_token(page), "literal-2": "81"})
    rows = score_rows(console.get(url(empty)).get_data(as_text=True))
    # 50 x 81 / 90 = 45.00; total 5.00 + 36.40 + 45.00 = 86.40
    assert rows["学生满意度"][6] == "45.00" and rows["合计"][6] == "86.40"


def test_score_follows_new_responses(console, survey, indicators, add_response):
    console.get(url(survey))
    add_response(survey, "student", "S1", answers={**STUDENT_ANSWERS, "q7": "非常满意"})
    rows = score_rows(console.get(url(survey)).get_data(as_text=True))
    # 4 satisfied of 5 = 80%: 50 x 80 / 90 = 44.44
    assert rows["学生满意度"][6] == "44.44"


def test_the_shipped_systems_are_offered(console, survey):
    html = console.get(f"/console/surveys/{survey.slug}/scoring").get_data(as_text=True)
    assert "（lamps，模板）" in html and "（platform，模板）" in html
    page = console.get(f"/console/surveys/{survey.slug}/scoring?indicators=lamps.yaml")   # an older link
    assert page.status_code == 200 and "教室护眼灯改造数量" in page.get_data(as_text=True)
