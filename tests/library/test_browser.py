"""In a real browser (headless Chromium): an evaluator builds a questionnaire in the editor, previews it at
375 px, saves it, creates and opens a survey with it, and a parent answers it on a phone through the public
link. Screenshots go to tests/artifacts/."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from surveyapp.extensions import db
from surveyapp.models import QuestionnaireVersion, Response, Survey
from tests.conftest import unit_link_token
from tests.console.test_browser import ARTIFACTS, browser, live_server, logged_in_page  # noqa: F401
from tests.console.test_browser_flow import WECHAT_UA

pytestmark = pytest.mark.browser

SLUG = "afterschool-2025"


def add(page, action: str) -> None:
    """Press an editor button that posts the form and wait for the page it answers with."""
    with page.expect_navigation():
        page.click(f'button[value="{action}"]')


def build_questionnaire(page) -> None:
    page.fill("#title", "课后服务家长满意度调查问卷")
    page.fill("#qid", "afterschool-parent")
    page.select_option("#role", "parent")
    page.fill("#intro", "尊敬的家长：您好！本问卷不记名。")
    # 1: single with other
    page.fill("#questions-0-text", "孩子就读的学段？")
    page.fill("#questions-0-options-0-label", "小学")
    page.fill("#questions-0-options-1-label", "初中")
    page.check("#questions-0-other")
    # a satisfaction scale (the five usual levels), 非常满意 and 满意 counted as satisfied
    add(page, "add:scales")
    page.check('input[name="scales-0-satisfied"][value="5"]')
    page.check('input[name="scales-0-satisfied"][value="4"]')
    # 2: a scale question
    add(page, "add:questions")
    page.select_option("#questions-1-type", "scale")
    page.select_option('select[name="questions-1-scale"]', "scale1")
    page.fill("#questions-1-text", "您对学校课后服务总体是否满意？")
    # 3: a matrix with two rows
    add(page, "add:questions")
    page.select_option("#questions-2-type", "matrix")
    page.select_option('select[name="questions-2-scale"]', "scale1")
    page.fill("#questions-2-text", "请对以下方面进行评价")
    add(page, "add:questions.2.rows")
    page.fill("#questions-2-rows-0-text", "活动内容")
    add(page, "add:questions.2.rows")
    page.fill("#questions-2-rows-1-text", "看护安全")
    # 4: multiple, at most two
    add(page, "add:questions")
    page.select_option("#questions-3-type", "multiple")
    page.fill("#questions-3-text", "孩子参加了哪些课后活动？")
    page.fill("#questions-3-options-0-label", "作业辅导")
    page.fill("#questions-3-options-1-label", "体育活动")
    add(page, "add:questions.3.options")
    page.fill("#questions-3-options-2-label", "艺术活动")
    page.fill("#questions-3-max", "2")
    # 5: yes / no, and 6: a text asked only after 是
    add(page, "add:questions")
    page.fill("#questions-4-text", "您是否提过意见？")
    page.fill("#questions-4-options-0-label", "是")
    page.fill("#questions-4-options-1-label", "否")
    add(page, "add:questions")
    page.select_option("#questions-5-type", "text")
    page.fill("#questions-5-text", "您提过什么意见？")
    page.uncheck("#questions-5-required")
    page.click("#eq-5 details.conditions summary")
    add(page, "add:questions.5.show_if")
    with page.expect_navigation():          # choosing the question reloads its options (library.js)
        page.select_option('select[name="questions-5-show_if-0-question"]', "q5")
    page.check('input[name="questions-5-show_if-0-codes"][value="是"]')
    with page.expect_navigation():
        page.click('.editor-bar button[value="preview"]')


def answer_on_phone(chromium, url: str) -> None:
    context = chromium.new_context(viewport={"width": 375, "height": 667}, user_agent=WECHAT_UA, locale="zh-CN",
                                   is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(url)
    assert page.title() == "课后服务家长满意度调查问卷"
    assert not page.locator("#q-q6").is_visible()          # asked only after 是
    page.locator("#q-q1").get_by_role("radio", name="其他（请注明）").check()
    page.fill('input[name="q1.other"]', "九年一贯制")
    page.locator("#q-q2").get_by_label("满意", exact=True).check()
    page.locator('[id="r-q3.r1"]').get_by_label("非常满意").check()
    page.locator('[id="r-q3.r2"]').get_by_label("一般").check()
    page.locator("#q-q4").get_by_label("作业辅导").check()
    page.locator("#q-q4").get_by_label("艺术活动").check()
    page.locator("#q-q5").get_by_label("是").check()
    assert page.locator("#q-q6").is_visible()
    page.fill("#f-q6", "希望延长到六点")
    page.screenshot(path=str(ARTIFACTS / "library-phone-answered.png"), full_page=True)
    page.get_by_role("button", name="提交问卷").click()
    page.wait_for_url("**/-/thanks")
    context.close()


def test_a_questionnaire_from_the_editor_to_a_stored_response(live_server, browser, evaluator, tmp_path):  # noqa: F811
    ARTIFACTS.mkdir(exist_ok=True)
    page = logged_in_page(browser, live_server)

    page.click(".topnav >> text=问卷库")
    page.click("text=新建问卷")
    build_questionnaire(page)
    assert page.locator("#editor-problems").count() == 0
    preview = page.frame_locator("iframe.phone")
    assert preview.locator("h1").inner_text() == "课后服务家长满意度调查问卷"
    assert preview.locator(".q").count() == 6
    assert "预览中不能提交问卷" in preview.locator(".banner").inner_text()
    assert page.locator("iframe.phone").bounding_box()["width"] == pytest.approx(375, abs=2)
    assert "show_if: {q5: [是]}" in page.inner_text("#yaml")
    page.screenshot(path=str(ARTIFACTS / "library-editor-wide.png"), full_page=True)
    page.locator("iframe.phone").screenshot(path=str(ARTIFACTS / "library-preview-375.png"))

    page.set_viewport_size({"width": 375, "height": 667})
    assert page.evaluate("document.documentElement.scrollWidth") <= 375     # nothing wider than the phone
    page.screenshot(path=str(ARTIFACTS / "library-editor-375.png"), full_page=True)
    page.locator("iframe.phone").scroll_into_view_if_needed()
    assert preview.locator("h1").is_visible()
    page.screenshot(path=str(ARTIFACTS / "library-editor-preview-375.png"))
    page.set_viewport_size({"width": 1366, "height": 900})

    page.click("#save")
    page.wait_for_url(f"{live_server}/console/library/afterschool-parent/v1")
    assert "已保存为第 1 版" in page.inner_text(".flash-success")
    version = db.session.scalar(sa.select(QuestionnaireVersion).filter_by(questionnaire_id="afterschool-parent"))
    assert version.origin == "editor"

    units_csv = tmp_path / "学校名单.csv"
    units_csv.write_text("代码,名称,区县\nXX01,实验小学,城关区\n", encoding="utf-8-sig")
    page.click("text=用于新建调查")
    page.fill("#title", "2025年课后服务项目家长满意度调查")
    page.fill("#slug", SLUG)
    page.check("code:text-is('afterschool-parent') >> xpath=../../td[1]/input")
    page.set_input_files("#units", str(units_csv))
    page.click("button:has-text('创建调查')")
    page.wait_for_url(f"{live_server}/console/surveys/{SLUG}")
    page.click("button:has-text('开始收集')")
    page.wait_for_selector(".flash-success")

    survey = db.session.scalar(sa.select(Survey).filter_by(slug=SLUG))
    form = survey.forms[0]
    assert (form.version.questionnaire_id, form.role) == ("afterschool-parent", "parent")
    answer_on_phone(browser, f"{live_server}/s/{unit_link_token(form, 'XX01')}")

    db.session.expire_all()
    response = db.session.scalar(sa.select(Response))
    assert response.form_id == form.id and response.unit.code == "XX01"
    assert response.answers == {"q1": "其他", "q1.other": "九年一贯制", "q2": 4, "q3.r1": 5, "q3.r2": 3,
                                "q4": ["作业辅导", "艺术活动"], "q5": "是", "q6": "希望延长到六点"}
