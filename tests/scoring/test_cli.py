"""`surveyapp score`: JSON keys, table, --out files, --survey from the database, exit 2 on bad input."""

import json
import textwrap
from datetime import UTC, datetime

import openpyxl
import pytest
from click.testing import CliRunner

from surveyapp.cli.score_commands import score_command

from .conftest import DEMO_YAML

DATA_CSV = textwrap.dedent("""\
    response_id,questionnaire,role,unit,unit_name,submitted_at,duration_s,channel,status,q1,q2,q3,q4.r1,q4.r2,q5,q6
    r1,demo,student,S1,第一小学,2025-10-09T14:03:11+08:00,120,微信,valid,有,学校通知┋家长群,非常满意,非常满意,满意,无,2
    r2,demo,student,S1,第一小学,2025-10-09T14:04:11+08:00,130,微信,valid,有,班主任,满意,一般,不了解,没有,3
    r3,demo,student,S2,第二小学,2025-10-09T14:05:11+08:00,140,微信,valid,没有,,一般,满意,不满意,希望多开展活动,1
    r4,demo,student,S2,第二小学,2025-10-09T14:06:11+08:00,150,微信,valid,不清楚,家长群,不了解,非常满意,非常满意,,4
    r5,demo,student,S1,第一小学,2025-10-09T14:07:11+08:00,5,微信,invalid:speeder,没有,,非常不满意,非常不满意,非常不满意,不满意,0
""")

INDICATORS = textwrap.dedent("""\
    format: 1
    title: 测试项目绩效评价
    grades:
      - {grade: 优, min: 90}
      - {grade: 良, min: 80}
      - {grade: 中, min: 70}
      - {grade: 差, min: 0}
    indicators:
      - name: 过程
        children:
          - name: 资金管理
            children:
              - name: 预算执行率
                weight: 10
                target: "=100%"
                value: 95.5
                rule: {type: deduct_below, threshold: 100, per_point: 2, floor: 60}
      - name: 效益
        children:
          - name: 满意度
            children:
              - name: 维修及时性
                weight: 6
                target: ≥90%
                value:
                  share: {form: demo, question: q1, options: [有]}
                rule: {type: ratio_below, threshold: 90}
              - name: 总体满意度
                weight: 4
                target: ≥90%
                value:
                  satisfaction: {questions: [q3], method: top_box}
                rule: {type: proportional}
""")
# 维修: 有 in r1, r2 of 4 valid -> 50; 6 × 50 / 90 = 3.3333 -> 3.33
# 满意度: q3 非常满意, 满意, 一般, (不了解 out) -> 2 / 3 = 66.667; 4 × 66.667 / 100 = 2.6667 -> 2.67
# 预算执行率: 10 × 0.91 = 9.1; total 9.1 + 3.33 + 2.67 = 15.1


@pytest.fixture
def files(tmp_path):
    (tmp_path / "demo.yaml").write_text(DEMO_YAML, encoding="utf-8")
    (tmp_path / "demo.csv").write_text(DATA_CSV, encoding="utf-8-sig")
    (tmp_path / "ind.yaml").write_text(INDICATORS, encoding="utf-8")
    return tmp_path


def run(*args):
    return CliRunner().invoke(score_command, [str(a) for a in args])


def test_json_document(files):
    result = run(files / "ind.yaml", "--data", f"demo={files / 'demo.csv'}", "--questionnaire",
                 files / "demo.yaml", "--json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert list(doc) == ["title", "total", "grade", "weight_sum", "rows"]
    assert (doc["total"], doc["grade"], doc["weight_sum"]) == (15.1, "差", 20)
    assert [list(r) for r in doc["rows"]] == [
        ["path", "weight", "target", "value", "score", "rate", "deviation", "override"]] * 3
    assert [r["score"] for r in doc["rows"]] == [9.1, 3.33, 2.67]
    assert doc["rows"][1]["path"] == ["效益", "满意度", "维修及时性"]
    assert doc["rows"][1]["value"] == 50 and doc["rows"][2]["value"] == 66.6667


def test_a_file_without_form_and_a_form_left_out(files):
    result = run(files / "ind.yaml", "--data", files / "demo.csv", "--questionnaire", files / "demo.yaml",
                 "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["total"] == 15.1


def test_table_and_out_dir(files):
    out = files / "out"
    result = run(files / "ind.yaml", "--data", f"demo={files / 'demo.csv'}", "--questionnaire",
                 files / "demo.yaml", "--out", out)
    assert result.exit_code == 0, result.output
    assert "测试项目绩效评价" in result.stdout and "维修及时性" in result.stdout
    assert "总得分 15.10，评价等级 差" in result.stdout
    assert (out / "scores.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    sheet = openpyxl.load_workbook(out / "scores.xlsx").active
    assert sheet["A1"].value == "测试项目绩效评价"
    total_row = next(row for row in sheet.iter_rows(values_only=True) if row[0] == "合计")
    assert (total_row[3], total_row[6]) == (20, 15.1)


@pytest.mark.parametrize(("args", "words"), [
    (["{d}/missing.yaml"], "cannot read file"),
    (["{d}/ind.yaml", "--data", "demo={d}/nofile.csv", "--questionnaire", "{d}/demo.yaml"], "no such file"),
    (["{d}/ind.yaml", "--data", "nosuch={d}/demo.csv", "--questionnaire", "{d}/demo.yaml"],
     "unknown questionnaire 'nosuch'"),
    (["{d}/ind.yaml", "--questionnaire", "{d}/demo.yaml"], "no response data for questionnaire 'demo'"),
    (["{d}/bad.yaml"], "indicators[0].children[0].children[0].weight: is required"),
    (["{d}/ind.yaml", "--data", "demo={d}/demo.csv", "--survey", "x"], "not both"),
])
def test_bad_input_exits_2_with_one_clear_message(files, args, words):
    without_weight = "\n".join(line for line in INDICATORS.splitlines() if line.strip() != "weight: 10")
    (files / "bad.yaml").write_text(without_weight, encoding="utf-8")
    result = run(*[a.format(d=files) for a in args])
    assert result.exit_code == 2, result.output
    assert words in result.stderr
    assert "Traceback" not in result.output


def test_the_command_is_registered(app):
    from surveyapp.cli import COMMANDS

    assert score_command in COMMANDS
    assert app.cli.commands["score"] is score_command


def test_survey_from_the_database(app, make_survey, tmp_path):
    from surveyapp.extensions import db
    from surveyapp.models import Response

    survey = make_survey(["student-lamps"])
    answers = [
        {"q1": "小学", "q2": "已更换", "q6": "有", "q7": 5, "q9": "不住校"},
        {"q1": "小学", "q2": "已更换", "q6": "有", "q7": 4, "q9": "不住校"},
        {"q1": "初中", "q2": "已更换", "q6": "没有", "q7": 3, "q9": "不住校"},
        {"q1": "初中", "q2": "已更换", "q6": "有", "q7": 2, "q9": "不住校"},
    ]
    for i, a in enumerate(answers):
        db.session.add(Response(form=survey.forms[0], unit=survey.units[i % 2], answers=a, status="valid",
                                duration_s=100.0, channel="微信",
                                submitted_at=datetime(2025, 10, 9, 6, 3, 11, tzinfo=UTC)))
    db.session.add(Response(form=survey.forms[0], unit=survey.units[0], answers={"q6": "没有"},
                            status="invalid", invalid_reason="答题时间过短", duration_s=3.0, channel="微信",
                            submitted_at=datetime(2025, 10, 9, 6, 3, 11, tzinfo=UTC)))
    db.session.commit()
    indicators = tmp_path / "lamps.yaml"
    indicators.write_text(textwrap.dedent("""\
        format: 1
        title: 护眼灯
        grades: [{grade: 优, min: 90}, {grade: 差, min: 0}]
        indicators:
          - name: 效益
            children:
              - name: 社会效益
                children:
                  - name: 维修及时性
                    weight: 10
                    value: {share: {question: q6, options: [有]}}
                    rule: {type: proportional}
                  - name: 照明满意度
                    weight: 10
                    value: {satisfaction: {form: student-lamps, questions: [q7]}}
                    rule: {type: proportional}
        """), encoding="utf-8")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["score", str(indicators), "--survey", survey.slug, "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    # 有 in 3 of 4 valid -> 75 -> 7.5; satisfied (5, 4) in 2 of 4 -> 50 -> 5
    assert [r["score"] for r in doc["rows"]] == [7.5, 5.0] and doc["total"] == 12.5

    missing = runner.invoke(args=["score", str(indicators), "--survey", "no-such-survey"])
    assert missing.exit_code == 2 and "no survey with slug 'no-such-survey'" in missing.stderr
