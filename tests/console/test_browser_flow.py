"""A whole round in a real browser (headless Chromium): an evaluator creates a survey, students answer on
phones through the public page, the evaluator watches progress and statistics, marks a response invalid,
sees the numbers follow, and downloads statistics.xlsx. Screenshots go to tests/artifacts/."""

from __future__ import annotations

import io

import openpyxl
import pytest

from surveyapp.extensions import db
from surveyapp.models import Response, Survey
from surveyapp.surveys.services import version_questionnaire
from tests.respond.conftest import unit_url

from .test_browser import ARTIFACTS, CHROMIUM_ARGS, browser, live_server, logged_in_page  # noqa: F401
from .test_statistics import tables_in

pytestmark = pytest.mark.browser

SLUG = "flow-2025"
WECHAT_UA = ("Mozilla/5.0 (Linux; Android 12; V2048A Build/SP1A.210812.003; wv) AppleWebKit/537.36 "
             "(KHTML, like Gecko) Version/4.0 Chrome/107.0.5304.141 Mobile Safari/537.36 "
             "MicroMessenger/8.0.35.2360(0x2800235B) NetType/WIFI Language/zh_CN")
BASE = {"q2": "已更换", "q3": "有", "q4": "1-5小时", "q5": "全部能正常使用", "q6": "有", "q8": "明显更舒服",
        "q9": "不住校"}
STUDENTS = [   # (unit, answers by question id: option labels, or the text of q11)
    ("XX01", {**BASE, "q1": "小学", "q7": "非常满意", "q11": "灯很亮，看黑板清楚多了"}),
    ("XX01", {**BASE, "q1": "初中", "q7": "满意", "q11": "无"}),
    ("XX02", {"q1": "小学", "q2": "未更换", "q9": "不住校", "q11": "希望我们班也早点换灯"}),
]


def answer_on_phone(chromium, url: str, questionnaire, answers: dict, screenshot: str | None = None) -> None:
    """One student in a fresh phone-sized context (own cookies) fills and submits the questionnaire."""
    context = chromium.new_context(viewport={"width": 375, "height": 667}, user_agent=WECHAT_UA, locale="zh-CN",
                                  is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(url)
    assert page.title() == questionnaire.title
    for question in questionnaire.questions:
        block = page.locator(f'[id="q-{question.id}"]')
        if question.id not in answers:
            assert not block.is_visible() or not question.required, question.id
            continue
        if question.type == "text":
            block.locator("textarea").fill(answers[question.id])
        else:
            block.get_by_label(answers[question.id], exact=True).check()
    if screenshot:
        page.evaluate("window.scrollTo(0, 0)")
        page.screenshot(path=str(ARTIFACTS / screenshot), full_page=True)
    page.get_by_role("button", name="提交问卷").click()
    page.wait_for_url("**/-/thanks")
    context.close()


def q_table(page, number: int) -> list[list[str]]:
    """The rows of 第N题's table on the statistics page."""
    section = page.locator("section.question", has=page.locator(f"h3:text-matches('^第{number}题（')"))
    return tables_in(section.locator("table").evaluate("t => t.outerHTML"))["0"]


def test_a_round_from_creation_to_download(live_server, browser, evaluator, tmp_path):  # noqa: F811
    ARTIFACTS.mkdir(exist_ok=True)
    units_csv = tmp_path / "学校名单.csv"
    units_csv.write_text("代码,名称,区县\nXX01,实验小学,城关区\nXX02,东风路小学,城关区\n", encoding="utf-8-sig")
    # log in and create the survey from the shipped questionnaires
    page = logged_in_page(browser, live_server)
    page.goto(f"{live_server}/console/surveys/new")
    page.fill("#title", "2025年护眼灯改造项目学生满意度调查")
    page.fill("#slug", SLUG)
    page.check("label:has-text('护眼灯改造项目学生满意度') >> xpath=../../td[1]/input")
    page.check("label:has-text('评价平台项目教师满意度') >> xpath=../../td[1]/input")
    page.set_input_files("#units", str(units_csv))
    page.click("button:has-text('创建调查')")
    page.wait_for_url(f"{live_server}/console/surveys/{SLUG}")
    page.click("button:has-text('开始收集')")
    page.wait_for_selector(".flash-success")

    survey = db.session.scalar(db.select(Survey).filter_by(slug=SLUG))
    form = next(f for f in survey.forms if f.role == "student")
    questionnaire = version_questionnaire(form.version)

    # the statistics page before any answer
    page.click("nav.tabs >> text=统计")
    page.wait_for_selector("#count-valid")
    page.click(f"nav.subtabs >> text={questionnaire.title}")
    assert page.inner_text("#count-collected") == "0"

    # three students answer on their phones through the public links
    for i, (unit, answers) in enumerate(STUDENTS):
        answer_on_phone(browser, live_server + unit_url(survey, unit, survey.forms.index(form)), questionnaire, answers,
                        screenshot="flow-phone-filled.png" if i == 0 else None)

    page.click("nav.tabs >> text=回收进度")
    page.wait_for_selector("#progress-table")
    footer = [c.strip() for c in page.locator("#progress-table tfoot td").all_inner_texts()]
    # teacher collected/valid, student collected/valid, total collected/valid/invalid/today
    assert footer[:7] == ["0", "0", "3", "3", "3", "3", "0"]
    page.screenshot(path=str(ARTIFACTS / "flow-progress.png"), full_page=True)

    stats_url = f"{live_server}/console/surveys/{SLUG}/statistics?q={questionnaire.id}"
    page.goto(stats_url)
    assert page.inner_text("#count-collected") == "3" and page.inner_text("#count-valid") == "3"
    assert q_table(page, 1) == [["选项", "小计", "比例"], ["小学", "2", "66.67%"], ["初中", "1", "33.33%"],
                                ["高中", "0", "0.00%"], ["本题有效填写人次", "3", ""]]
    # q7 is shown only where the lamps were changed: 2 answered, 非常满意 1 and 满意 1
    assert q_table(page, 7)[1:3] == [["非常满意", "1", "50.00%"], ["满意", "1", "50.00%"]]
    sat = tables_in(page.locator("#satisfaction-table").evaluate("t => t.outerHTML"))["satisfaction-table"]
    assert sat[2][:3] == ["实验小学", "100.00%", "2"] and sat[2][-1] == "样本不足以证明达标"
    page.locator("section.question img").first.scroll_into_view_if_needed()
    page.wait_for_function("() => [...document.querySelectorAll('section.question img')].slice(0, 3)"
                           ".every(i => i.complete && i.naturalWidth > 0)")
    page.screenshot(path=str(ARTIFACTS / "flow-statistics.png"), full_page=False)
    page.goto(f"{stats_url}&unit=XX02")
    assert q_table(page, 1)[1:3] == [["小学", "1", "100.00%"], ["初中", "0", "0.00%"]]

    # the evaluator marks the 初中 response invalid; the numbers follow
    junior = next(r for r in db.session.scalars(db.select(Response).where(Response.form_id == form.id))
                  if r.answers.get("q1") == "初中")
    page.goto(f"{live_server}/console/surveys/{SLUG}/responses/{junior.public_id}")
    page.fill("#reason", "同一学生重复填写")
    page.click("button:has-text('判为无效')")
    page.wait_for_selector(".flash-success")
    page.goto(stats_url)
    assert page.inner_text("#count-collected") == "3" and page.inner_text("#count-valid") == "2"
    assert q_table(page, 1)[1:3] == [["小学", "2", "100.00%"], ["初中", "0", "0.00%"]]
    page.click("nav.tabs >> text=回收进度")
    footer = [c.strip() for c in page.locator("#progress-table tfoot td").all_inner_texts()]
    assert footer[2:7] == ["3", "2", "3", "2", "1"]

    page.click("nav.tabs >> text=开放题")
    page.click(f"nav.subtabs >> text={questionnaire.title}")
    page.wait_for_selector("#phrase-table")
    assert page.inner_text("#answered") == "2"
    page.wait_for_function("() => { const i = document.querySelector('#wordcloud'); "
                           "return i && i.complete && i.naturalWidth > 0; }")
    page.screenshot(path=str(ARTIFACTS / "flow-text.png"), full_page=True)

    page.click("nav.tabs >> text=评分")
    page.select_option("#indicators", "lamps")
    page.click("button:has-text('打开')")
    page.wait_for_selector("#scoring-form")
    page.screenshot(path=str(ARTIFACTS / "flow-scoring.png"), full_page=False)

    page.click("nav.tabs >> text=数据下载")
    with page.expect_download() as info:
        page.click(f"a:has-text('{SLUG}-{questionnaire.id}-statistics.xlsx')")
    download = info.value
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    page.screenshot(path=str(ARTIFACTS / "flow-downloads.png"), full_page=True)
    book = openpyxl.load_workbook(io.BytesIO(path.read_bytes()))
    summary = {row[0]: row[1] for row in book["汇总"].iter_rows(values_only=True) if row and row[0]}
    assert summary["回收答卷"] == 3 and summary["有效答卷"] == 2 and summary["无效答卷"] == 1
    page.close()


PHONE_PAGES = ["", "/links", "/progress", "/screening", "/statistics", "/text", "/scoring?indicators=lamps",
               "/downloads", "/members"]


def test_console_pages_fit_a_phone_screen(live_server, browser, evaluator, make_survey, add_response):  # noqa: F811
    """At 375 px no console page scrolls sideways: the top bar wraps, the survey tabs and wide tables scroll
    inside their own box, and the current tab is scrolled into view."""
    survey = make_survey(["student-lamps"], units=(("XX01", "实验小学"), ("XX02", "东风路小学")))
    for unit in ("XX01", "XX02", "XX02"):
        add_response(survey, "student", unit, duration_s=12)          # fast: the screening table has rows
    page = logged_in_page(browser, live_server, width=375, height=667)
    for path in ["/console/", "/console/surveys/new", "/console/library", "/console/audit",
                 *(f"/console/surveys/{survey.slug}{tab}" for tab in PHONE_PAGES)]:
        page.goto(live_server + path)
        assert page.evaluate("document.documentElement.scrollWidth") <= 375, path
        active = page.locator("nav.tabs a.active")
        if active.count():
            box, nav = active.bounding_box(), page.locator("nav.tabs").bounding_box()
            assert box["x"] >= nav["x"] - 1 and box["x"] + box["width"] <= nav["x"] + nav["width"] + 1, path
    page.goto(f"{live_server}/console/surveys/{survey.slug}/screening")
    page.screenshot(path=str(ARTIFACTS / "phone-screening.png"), full_page=True)
    page.close()
