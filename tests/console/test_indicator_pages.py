"""The indicator-system pages: upload, edit (each save a version), problems in Chinese at their places,
templates; the scoring page's history of inputs."""

from __future__ import annotations

import io
import re
import textwrap

import sqlalchemy as sa

from surveyapp.extensions import db
from surveyapp.models import IndicatorSystemVersion
from surveyapp.scoring.messages import chinese_problems

from .conftest import csrf_token
from .test_scoring_pages import INDICATORS, indicators, score_rows, survey  # noqa: F401  (fixtures)

YAML = textwrap.dedent(INDICATORS)


def _versions():
    return [(v.name, v.version) for v in db.session.scalars(
        sa.select(IndicatorSystemVersion).order_by(IndicatorSystemVersion.id))]


def test_upload_names_the_system_by_the_file_and_lists_it(console):
    page = console.get("/console/indicators").get_data(as_text=True)
    assert "（模板）" not in page and "lamps" in page and "模板" in page        # the shipped files as templates
    reply = console.post("/console/indicators", data={
        "csrf_token": csrf_token(page), "name": "", "file": (io.BytesIO(YAML.encode()), "xian-2025.yaml")},
        content_type="multipart/form-data")
    assert reply.status_code == 302 and reply.headers["Location"].endswith("/console/indicators/edit?name=xian-2025")
    assert _versions() == [("xian-2025", 1)]
    listing = console.get("/console/indicators").get_data(as_text=True)
    assert "xian-2025" in listing and "测试项目绩效评价" in listing and "第 1 版" in listing


def test_edit_saves_versions_and_shows_them(console):
    page = console.get("/console/indicators/edit").get_data(as_text=True)
    console.post("/console/indicators/edit", data={"csrf_token": csrf_token(page), "name": "sys", "source": YAML})
    page = console.get("/console/indicators/edit?name=sys").get_data(as_text=True)
    assert "预算执行率" in page                                           # the latest text in the text area
    reply = console.post("/console/indicators/edit?name=sys", data={
        "csrf_token": csrf_token(page), "name": "sys", "source": YAML.replace("weight: 40", "weight: 35")})
    assert reply.status_code == 302
    assert _versions() == [("sys", 1), ("sys", 2)]
    page = console.get("/console/indicators/edit?name=sys").get_data(as_text=True)
    assert "第 2 版" in page and "第 1 版" in page and "evaluator" in page
    first = console.get("/console/indicators/source.yaml?name=sys&version=1")
    assert first.mimetype == "application/yaml" and b"weight: 40" in first.data
    assert b"weight: 35" in console.get("/console/indicators/source.yaml?name=sys").data


def test_problems_are_shown_in_chinese_by_indicator_name_and_nothing_is_saved(console):
    page = console.get("/console/indicators/edit").get_data(as_text=True)
    bad = re.sub(r'( +)target: "=100%"\n', r'\1target: "=100%"\n\1colour: red\n',
                 YAML.replace("weight: 40", "weight: -4"))
    reply = console.post("/console/indicators/edit", data={"csrf_token": csrf_token(page), "name": "sys",
                                                          "source": bad})
    html = reply.get_data(as_text=True)
    assert reply.status_code == 422 and "指标体系有误，未保存" in html
    assert "过程 › 资金管理 › 预算执行率 › 分值（weight）" in html and "应大于 0，实际为 -4" in html
    assert "过程 › 资金管理 › 预算执行率 › colour" in html and "不认识的键" in html
    assert _versions() == []


def test_chinese_places_of_yaml_syntax_errors_and_unnamed_items():
    problems = chinese_problems([("line 3, column 5", "invalid YAML: found unexpected end of stream"),
                                 ("indicators[0].children[0].children[1].rule.threshold", "is required"),
                                 ("grades[1].min", "must be a number, got 'x'")],
                                "indicators:\n  - children:\n      - name: 资金\n        children: [{name: a}, {}]\n")
    assert problems == [("第 3 行第 5 列", "YAML 格式错误：found unexpected end of stream"),
                        ("第1项一级指标 › 资金 › 第2项三级指标 › 计分规则（rule） › 阈值（threshold）", "必须填写"),
                        ("评级（grades）第2项 › 最低分（min）", "应为数字，实际为 'x'")]


def test_a_template_starts_a_new_system(console):
    page = console.get("/console/indicators/edit?template=lamps").get_data(as_text=True)
    assert "从模板" in page and "教室护眼灯改造数量" in page
    assert console.get("/console/indicators/edit?template=nothing").status_code == 404


def test_the_scoring_page_shows_the_history_of_inputs(console, survey, indicators):  # noqa: F811
    url = f"/console/surveys/{survey.slug}/scoring?indicators=test-system"
    page = console.get(url).get_data(as_text=True)
    assert "还没有保存过实际完成值或得分调整" in page
    console.post(url, data={"csrf_token": csrf_token(page), "literal-1": "95.5"})
    page = console.get(url).get_data(as_text=True)
    console.post(url, data={"csrf_token": csrf_token(page), "literal-1": "98", "override-0": "9", "reason-0": "复核"})
    html = console.get(url).get_data(as_text=True)
    history = html.split('id="input-history"')[1]
    assert history.index("95.5 → 98") < history.index("（无） → 95.5")      # newest first
    assert "决策/资金投入/预算编制科学性：调整得分" in history and "（无） → 9（复核）" in history
    assert history.count("evaluator") == 2
    # 40 x (1 - 0.02 x 2) = 38.40 for 98%
    assert score_rows(html)["预算执行率"][6] == "38.40"
