"""The statistics page (统计): per-question tables and charts, unit/role filters, satisfaction by unit x role
with Wilson intervals and target markers, and the fingerprint cache."""

from __future__ import annotations

import io
import math
import re
from html.parser import HTMLParser

import pytest
from PIL import Image

from questionnaires import SHIPPED
from surveyapp import cached_frames
from surveyapp.extensions import db
from surveyapp.models import Response
from surveyapp.screening.services import set_response_status
from surveyapp.surveys.services import FormSpec, create_survey, set_status
from surveyapp.surveys.units import UnitRow

from .conftest import STUDENT_ANSWERS

Q = "student-lamps"


class _Tables(HTMLParser):
    """Every <table> of a page as rows of cell texts, by id (tables without an id under their index)."""

    def __init__(self):
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self._stack: list[list[list[str]]] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            rows: list[list[str]] = []
            self.tables[dict(attrs).get("id") or str(len(self.tables))] = rows
            self._stack.append(rows)
        elif tag == "tr" and self._stack:
            self._stack[-1].append([])
        elif tag in ("td", "th") and self._stack:
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None and self._stack:
            self._stack[-1][-1].append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "table" and self._stack:
            self._stack.pop()

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def tables_in(html: str) -> dict[str, list[list[str]]]:
    parser = _Tables()
    parser.feed(html)
    return parser.tables


def question_table(html: str, title_start: str) -> list[list[str]]:
    """The rows of the per-question table whose title starts with `title_start` (e.g. 第1题)."""
    start = html.index(f"<h3>{title_start}")
    end = html.index("</table>", start)
    return next(iter(tables_in(html[start:end + len("</table>")]).values()))


def wilson(k: int, n: int, z: float = 1.959964) -> tuple[float, float]:
    """The Wilson score interval, written out from its textbook formula."""
    p = k / n
    denominator = 1 + z ** 2 / n
    centre = (p + z ** 2 / (2 * n)) / denominator
    margin = z * math.sqrt(p * (1 - p) / n + z ** 2 / (4 * n ** 2)) / denominator
    return max(0.0, centre - margin), min(1.0, centre + margin)


def pct(x: float) -> str:
    return f"{x * 100:.2f}%"


def answers(**changes) -> dict:
    return {**STUDENT_ANSWERS, **changes}


@pytest.fixture
def survey(make_survey, add_response):
    """第一小学 (S1): 小学/非常满意, 小学/满意, 初中/一般; 第二小学 (S2): 初中/满意, 高中/不了解;
    plus one invalid response in S1 (高中/非常不满意) that no table may count."""
    survey = make_survey([Q])
    for unit, q1, q7 in (("S1", "小学", "非常满意"), ("S1", "小学", "满意"), ("S1", "初中", "一般"),
                         ("S2", "初中", "满意"), ("S2", "高中", "不了解")):
        add_response(survey, "student", unit, answers=answers(q1=q1, q7=q7))
    add_response(survey, "student", "S1", status="invalid", reason="答题过快",
                 answers=answers(q1="高中", q7="非常不满意"))
    return survey


CSRF_VALUE = re.compile(r'(name="csrf_token" value=")[^"]+"')


def page(console, survey, **args) -> str:
    """The statistics page, the logout form's CSRF token (signed with the time) blanked."""
    reply = console.get(f"/console/surveys/{survey.slug}/statistics", query_string={"q": Q, **args})
    assert reply.status_code == 200
    return CSRF_VALUE.sub(r'\1"', reply.get_data(as_text=True))


def test_question_tables_count_valid_answers(console, survey):
    html = page(console, survey)
    assert "第1题（单选题）：你目前就读的学段是？" in html
    # valid answers only: 小学 2, 初中 2, 高中 1 of 5 (the invalid 高中 is left out)
    assert question_table(html, "第1题") == [
        ["选项", "小计", "比例"], ["小学", "2", "40.00%"], ["初中", "2", "40.00%"], ["高中", "1", "20.00%"],
        ["本题有效填写人次", "5", ""]]
    q7 = question_table(html, "第7题")
    assert q7[1:4] == [["非常满意", "1", "20.00%"], ["满意", "2", "40.00%"], ["一般", "1", "20.00%"]]
    assert q7[-2] == ["不了解", "1", "20.00%"]
    assert q7[-1] == ["本题有效填写人次", "5", ""]
    tables = tables_in(html)
    assert "回收答卷" in html and 'id="count-collected">6<' in html and 'id="count-valid">5<' in html
    assert tables  # plain HTML tables: copyable as they are


def test_unit_filter_changes_the_numbers(console, survey):
    html = page(console, survey, unit="S1")
    # S1 valid: 小学 2, 初中 1 of 3
    assert question_table(html, "第1题")[1:] == [
        ["小学", "2", "66.67%"], ["初中", "1", "33.33%"], ["高中", "0", "0.00%"], ["本题有效填写人次", "3", ""]]
    assert 'id="count-valid">3<' in html and "当前只统计：第一小学" in html
    # an unknown unit is no filter at all
    assert question_table(page(console, survey, unit="NOPE"), "第1题")[-1] == ["本题有效填写人次", "5", ""]


def test_role_filter_on_a_questionnaire_offered_to_two_roles(console, app, add_response):
    survey = create_survey("两类对象", "two-roles", [FormSpec(SHIPPED / f"{Q}.yaml", "student"),
                                                     FormSpec(SHIPPED / f"{Q}.yaml", "parent")],
                           [UnitRow("S1", "第一小学", "区")])
    set_status(survey, "open")
    db.session.commit()
    for role, q7 in (("student", "满意"), ("student", "满意"), ("parent", "不满意")):
        add_response(survey, role, "S1", answers=answers(q7=q7))
    reply = console.get("/console/surveys/two-roles/statistics", query_string={"q": Q, "role": "parent"})
    html = reply.get_data(as_text=True)
    q7 = question_table(html, "第7题")
    assert q7[2] == ["满意", "0", "0.00%"] and q7[4] == ["不满意", "1", "100.00%"]
    assert q7[-1] == ["本题有效填写人次", "1", ""]
    everyone = console.get("/console/surveys/two-roles/statistics", query_string={"q": Q}).get_data(as_text=True)
    assert question_table(everyone, "第7题")[2] == ["满意", "2", "66.67%"]
    # satisfaction: one column per role (project order: parents before students) and a 合计 column;
    # parent 0/1, student 2/2, all 2/3
    rows = tables_in(everyone)["satisfaction-table"]
    assert rows[0] == ["单位", "家长", "学生", "合计"]
    s_low, s_high = wilson(2, 2)
    p_low, p_high = wilson(0, 1)
    a_low, a_high = wilson(2, 3)
    # one question answered once per person: respondents = answers, and the plain Wilson interval
    assert rows[2][1:] == ["0.00%", "1", "1", "0", f"{pct(p_low)}–{pct(p_high)}", "低于目标",
                           "100.00%", "2", "2", "0", f"{pct(s_low)}–{pct(s_high)}", "样本不足以证明达标",
                           "66.67%", "3", "3", "0", f"{pct(a_low)}–{pct(a_high)}", "未达目标（区间含目标）"]


def test_satisfaction_by_unit_with_wilson_interval_and_markers(console, survey):
    html = page(console, survey)
    rows = tables_in(html)["satisfaction-table"]
    # top box (非常满意 + 满意) over answers, 不了解 left out of n:
    # S1: 2 of 3; S2: 1 of 1 (plus one 不了解); all: 3 of 4
    s1, s2, total = wilson(2, 3), wilson(1, 1), wilson(3, 4)
    assert rows[1] == ["满意度", "回答数", "人数", "不适用", "95%置信区间", "判断"]
    assert rows[2] == ["第一小学", "66.67%", "3", "3", "0", f"{pct(s1[0])}–{pct(s1[1])}", "未达目标（区间含目标）"]
    assert rows[3] == ["第二小学", "100.00%", "1", "1", "1", f"{pct(s2[0])}–{pct(s2[1])}", "样本不足以证明达标"]
    assert rows[4] == ["合计", "75.00%", "4", "4", "1", f"{pct(total[0])}–{pct(total[1])}", "未达目标（区间含目标）"]
    # the printed bounds are the textbook ones: S1 about 20.77%-93.85%
    assert pct(s1[0]) == "20.77%" and pct(s1[1]) == "93.85%"

    # a 96% target: S1's upper bound 93.85% < 96% -> 低于目标; the whole survey's 95.44% as well
    rows = tables_in(page(console, survey, target="96"))["satisfaction-table"]
    assert pct(total[1]) == "95.44%"
    assert rows[2][-1] == "低于目标" and rows[4][-1] == "低于目标"
    # a 20% target: S1's lower bound 20.77% >= 20% -> 达标
    rows = tables_in(page(console, survey, target="20"))["satisfaction-table"]
    assert rows[2][-1] == "达标"
    html = page(console, survey, target="abc")
    assert "目标值“abc”无效" in html


def test_score_method_uses_mean_option_scores(console, survey):
    rows = tables_in(page(console, survey, method="score", sq="q7"))["satisfaction-table"]
    # sat5 scores 100/80/60/30/0, 不了解 not applicable. S1: (100 + 80 + 60) / 3 = 80.00
    # interval mean ± 1.96 * s / sqrt(n), s = sqrt(((20)^2 + 0 + (20)^2) / 2) = 20
    half = 1.959964 * 20 / math.sqrt(3)
    assert rows[2][:6] == ["第一小学", "80.00", "3", "3", "0", f"{80 - half:.2f}–{80 + half:.2f}"]
    # all: (100 + 80 + 60 + 80) / 4 = 80.00
    assert rows[4][1] == "80.00"


def test_charts_are_png_per_table(console, survey):
    html = page(console, survey)
    assert "statistics/chart.png?q=student-lamps&amp;table=q1" in html
    reply = console.get(f"/console/surveys/{survey.slug}/statistics/chart.png",
                        query_string={"q": Q, "table": "q1", "unit": "S1"})
    assert reply.status_code == 200 and reply.mimetype == "image/png"
    image = Image.open(io.BytesIO(reply.data))
    assert image.format == "PNG" and image.width > 600
    missing = console.get(f"/console/surveys/{survey.slug}/statistics/chart.png",
                          query_string={"q": Q, "table": "q99"})
    assert missing.status_code == 404
    assert console.get(f"/console/surveys/{survey.slug}/statistics", query_string={"q": "nope"}).status_code == 404


def test_cache_serves_the_same_page_and_follows_new_and_invalidated_responses(console, survey, add_response,
                                                                               monkeypatch, evaluator):
    reads = []
    real = cached_frames.load_form_frame
    monkeypatch.setattr(cached_frames, "load_form_frame",
                        lambda *a, **k: reads.append(a[1].id) or real(*a, **k))
    first = page(console, survey)
    assert reads == [Q]
    second = page(console, survey)
    assert second == first and reads == [Q]            # nothing changed: served from the cache
    assert question_table(page(console, survey, unit="S2"), "第1题")[-1][1] == "2"
    assert reads == [Q]                                  # a filter reuses the cached frame

    add_response(survey, "student", "S2", answers=answers(q1="小学", q7="非常满意"))
    third = page(console, survey)
    assert len(reads) == 2
    assert question_table(third, "第1题")[1] == ["小学", "3", "50.00%"]      # 3 of 6
    assert tables_in(third)["satisfaction-table"][4][1:3] == ["80.00%", "5"]  # 4 of 5

    response = db.session.scalars(db.select(Response).order_by(Response.id)).first()   # S1 小学 非常满意
    set_response_status(response, "invalid", "复核：重复提交", evaluator)
    db.session.commit()
    fourth = page(console, survey)
    assert len(reads) == 3
    assert question_table(fourth, "第1题")[1] == ["小学", "2", "40.00%"]      # 2 of 5
    assert 'id="count-valid">5<' in fourth and 'id="count-collected">7<' in fourth
    assert tables_in(fourth)["satisfaction-table"][2][1:3] == ["50.00%", "2"]  # S1: 满意 of 满意, 一般


def test_fingerprint_is_one_query_that_moves_with_changes(app, survey, add_response, evaluator):
    ids = [f.id for f in survey.forms]
    before = cached_frames.fingerprint(ids)
    assert (before.responses, before.changes) == (6, 0)
    added = add_response(survey, "student", "S1")
    after = cached_frames.fingerprint(ids)
    assert (after.responses, after.max_response_id) == (7, added.id)
    set_response_status(added, "invalid", "测试", evaluator)
    db.session.commit()
    assert cached_frames.fingerprint(ids).changes == 1


def test_lru_cache_is_bounded_by_weight():
    cache = cached_frames.WeightedCache(10)
    cache.put("a", 1, weight=6)
    cache.put("b", 2, weight=3)
    assert cache.get("a") == 1                 # a is now the most recent
    cache.put("c", 3, weight=4)                # 13 > 10: the least recent (b) goes, then 10 is fine
    assert cache.get("b") is None and cache.get("a") == 1 and cache.get("c") == 3
    cache.put("huge", 0, weight=11)            # larger than the whole cache: not kept
    assert cache.get("huge") is None and len(cache) == 2


def test_statistics_tab_is_in_the_survey_nav(console, survey):
    html = console.get(f"/console/surveys/{survey.slug}").get_data(as_text=True)
    for label in ("统计", "开放题", "评分"):
        assert f">{label}</a>" in html


def clustered_wilson(y: list[int], m: list[int], z: float = 1.959964) -> tuple[float, float]:
    """The Wilson interval on the effective sample size of clustered answers (y satisfied of m per cluster):
    deff = v / (p(1-p)/n), v = k/(k-1) * sum((y - p m)^2) / n^2, n_eff = n / deff (at most n)."""
    k, n = len(m), sum(m)
    p = sum(y) / n
    v = k / (k - 1) * sum((yi - p * mi) ** 2 for yi, mi in zip(y, m, strict=True)) / n ** 2
    n_eff = min(n, n / (v / (p * (1 - p) / n)))
    centre = (p + z ** 2 / (2 * n_eff)) / (1 + z ** 2 / n_eff)
    margin = z * math.sqrt(p * (1 - p) / n_eff + z ** 2 / (4 * n_eff ** 2)) / (1 + z ** 2 / n_eff)
    return centre - margin, centre + margin


@pytest.fixture
def teachers(console, make_survey, add_response):
    """teacher-platform's matrix q11 (5 rows on sat5, 不了解 = 0) answered by four teachers in two schools."""
    survey = make_survey(["teacher-platform"])
    for unit, codes in (("S1", (5, 5, 4, 4, 3)), ("S1", (3, 3, 3, 2, 2)),
                        ("S2", (5, 5, 5, 5, 5)), ("S2", (4, 0, 4, 4, 4))):
        add_response(survey, "teacher", unit, answers={f"q11.r{i}": c for i, c in enumerate(codes, start=1)})
    return survey


def test_pooled_satisfaction_counts_people_and_widens_the_interval(console, teachers):
    url = f"/console/surveys/{teachers.slug}/statistics"
    args = {"q": "teacher-platform", "sq": "q11"}
    rows = tables_in(console.get(url, query_string=args).get_data(as_text=True))["satisfaction-table"]
    # satisfied of counted per teacher: 4/5, 0/5, 5/5, 4/4 (不了解 left out) => 13 of 19 answers, 4 people
    # (effective n about 3.6: the upper bound, about 93.6%, reaches the 90% target)
    low, high = clustered_wilson([4, 0, 5, 4], [5, 5, 5, 4])
    assert rows[-1] == ["合计", "68.42%", "19", "4", "1", f"{pct(low)}–{pct(high)}", "未达目标（区间含目标）"]
    plain_low, _ = wilson(13, 19)
    assert low < plain_low                          # the pooled answers are not 19 independent people
    by_unit = tables_in(console.get(url, query_string={**args, "cluster": "unit"}).get_data(as_text=True))
    low, high = clustered_wilson([4, 9], [10, 9])   # schools as clusters: S1 4 of 10, S2 9 of 9
    assert by_unit["satisfaction-table"][-1][5] == f"{pct(low)}–{pct(high)}"


def test_a_matrix_question_gets_one_rows_by_options_table(console, teachers):
    html = console.get(f"/console/surveys/{teachers.slug}/statistics",
                       query_string={"q": "teacher-platform"}).get_data(as_text=True)
    section = html[html.index('id="t-q11"'):]
    table = tables_in(section[:section.index("</table>") + 8])
    rows = next(iter(table.values()))
    assert rows[0] == ["评价项目", "非常满意", "满意", "一般", "不满意", "非常不满意", "不了解", "有效填写人次",
                       "满意度"]
    # r1: 5, 3, 5, 4 => 2 非常满意, 1 满意, 1 一般 of 4; satisfied 3 of 4
    assert rows[1] == ["平台操作便捷性", "2（50.00%）", "1（25.00%）", "1（25.00%）", "0（0.00%）", "0（0.00%）",
                       "0（0.00%）", "4", "75.00%"]
    # r2: 5, 3, 5, 不了解 => 不了解 counted as an answer of the row, not in its satisfaction: 2 of 3
    assert rows[2] == ["系统运行稳定性", "2（50.00%）", "0（0.00%）", "1（25.00%）", "0（0.00%）", "0（0.00%）",
                       "1（25.00%）", "4", "66.67%"]
    assert 'id="t-q11.r1"' in section                # each row's own table and chart stay below it


def test_cross_table_with_chi_square(console, teachers):
    html = console.get(f"/console/surveys/{teachers.slug}/statistics",
                       query_string={"q": "teacher-platform", "xr": "q11.r1", "xc": "unit"}).get_data(as_text=True)
    rows = tables_in(html)["crosstab-table"]
    assert rows[0] == ["", "第一小学", "第二小学", "合计"]
    # r1 by school: S1 5, 3; S2 5, 4
    assert rows[1] == ["非常满意", "1（50.00%）", "1（50.00%）", "2"]
    assert rows[2] == ["满意", "0（0.00%）", "1（100.00%）", "1"]
    assert rows[3] == ["一般", "1（100.00%）", "0（0.00%）", "1"]
    assert rows[-1] == ["合计", "2", "2", "4"]
    # over the 3 non-empty rows x 2 columns, expected = row total x 2/4: chi2 = 4 x 0.5^2/0.5 = 2, dof 2,
    # p = exp(-2/2) for 2 degrees of freedom
    assert "χ² = 2.000，自由度 2，" in html and f"p = {math.exp(-1):.4f}" in html
    refused = console.get(f"/console/surveys/{teachers.slug}/statistics",
                          query_string={"q": "teacher-platform", "xr": "q11.r1", "xc": "q11.r1"})
    assert refused.status_code == 200 and 'id="crosstab-table"' not in refused.get_data(as_text=True)
