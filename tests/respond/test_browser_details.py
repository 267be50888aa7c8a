"""A phone-sized Chromium (375 px): a second school on the same phone, question numbers that follow the
skip logic (with and without JavaScript), the most options of a multiple choice, the 429 page, and no
Content-Security-Policy violation on the way. Screenshots go to tests/artifacts/ (not committed)."""

from __future__ import annotations

import re

import pytest

from questionnaires import SHIPPED, load_questionnaire
from tests.conftest import chromium_path
from tests.respond.conftest import unit_url
from tests.respond.helpers import responses
from tests.respond.test_browser import ARTIFACTS, CHROMIUM_ARGS, WECHAT_UA, live_server  # noqa: F401

pytestmark = pytest.mark.browser


@pytest.fixture
def phone(live_server):  # noqa: F811
    """new_page(**context options) -> a 375 px page; every CSP violation or script error is collected in
    `new_page.problems`."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        problems: list[str] = []

        def new_page(**options):
            context = browser.new_context(viewport={"width": 375, "height": 667}, user_agent=WECHAT_UA,
                                          locale="zh-CN", is_mobile=True, has_touch=True, **options)
            page = context.new_page()
            page.set_default_timeout(30_000)
            # "Refused to ..." (CSP) and script errors count; a missing favicon does not
            page.on("console", lambda m: problems.append(m.text)
                    if m.type == "error" and not m.text.startswith("Failed to load resource") else None)
            page.on("pageerror", lambda e: problems.append(str(e)))
            return page

        new_page.problems = problems
        new_page.base = live_server
        try:
            yield new_page
        finally:
            browser.close()


def _fill_all_types(page, q5: str = "否") -> None:
    """Answer the all-types questionnaire (tests/respond/conftest.py) through its labels."""
    page.locator("#q-q1").get_by_label("初中", exact=True).check()
    for label in ("学校通知", "班主任"):
        page.locator("#q-q2").get_by_label(label, exact=True).check()
    page.locator("#q-q3").get_by_label("非常满意", exact=True).check()
    page.locator('[id="r-q4.r1"]').get_by_label("满意", exact=True).check()
    page.locator('[id="r-q4.r2"]').get_by_label("不了解", exact=True).check()
    page.locator("#q-q5").get_by_label(q5, exact=True).check()
    if q5 == "是":
        page.locator("#q-q6").get_by_label("一般", exact=True).check()
    page.locator("#q-q7 input").fill("12")
    page.locator("#q-q8 textarea").fill("希望多组织培训")


def _numbers(page) -> dict[str, str]:
    """The number shown before each visible question, by question id."""
    shown = {}
    for block in page.locator("#qf .q").all():
        if block.is_visible():
            shown[block.get_attribute("data-q")] = block.locator(".no").first.inner_text()
    return shown


def test_a_second_schools_link_on_the_same_phone_is_answered_and_stored(phone, open_form):
    survey, first = open_form()
    page = phone()
    for url in (first, unit_url(survey, "S2")):
        page.goto(phone.base + url)
        assert page.locator("#qf").is_visible(), url                     # the questionnaire, not "already"
        _fill_all_types(page)
        page.get_by_role("button", name="提交问卷").click()
        page.wait_for_url("**/-/thanks")
    page.goto(phone.base + first)
    assert "您已提交过本问卷" in page.locator("main").inner_text()          # the same school: refused
    stored = responses()
    assert sorted(r.unit.code for r in stored) == ["S1", "S2"]
    assert stored[0].client_hash == stored[1].client_hash
    assert phone.problems == []


def test_numbers_stay_continuous_as_a_skip_question_changes(phone, open_form):
    _, url = open_form()
    page = phone()
    page.goto(phone.base + url)
    # q6 is shown only when q5 is 是: hidden at first, q7 and q8 numbered 6 and 7
    assert _numbers(page) == {"q1": "1.", "q2": "2.", "q3": "3.", "q4": "4.", "q5": "5.", "q7": "6.", "q8": "7."}
    page.locator("#q-q5").get_by_label("是", exact=True).check()
    assert _numbers(page) == {"q1": "1.", "q2": "2.", "q3": "3.", "q4": "4.", "q5": "5.", "q6": "6.",
                              "q7": "7.", "q8": "8."}
    page.locator("#q-q5").get_by_label("否", exact=True).check()
    assert list(_numbers(page).values()) == [f"{n}." for n in range(1, 8)]
    assert phone.problems == []


def test_numbers_without_javascript_follow_the_posted_answers(phone, open_form):
    _, url = open_form()
    page = phone(java_script_enabled=False)
    page.goto(phone.base + url)
    assert list(_numbers(page).values()) == [f"{n}." for n in range(1, 8)]
    assert not page.locator("#q-q6").is_visible()
    _fill_all_types(page, q5="否")
    page.locator("#q-q5").get_by_label("是", exact=True).check()          # opens q6, unseen without a script
    page.get_by_role("button", name="提交问卷").click()
    page.wait_for_load_state()
    # the page comes back with q6 shown, numbered in order, and asking for it
    assert page.locator("#q-q6").is_visible()
    assert _numbers(page) == {"q1": "1.", "q2": "2.", "q3": "3.", "q4": "4.", "q5": "5.", "q6": "6.",
                              "q7": "7.", "q8": "8."}
    assert "此题为必答题" in page.locator("#q-q6").inner_text()
    assert "第5题" in page.locator("#q-q6 .cond").inner_text()
    assert responses() == []


def test_ticking_one_option_past_the_most_shows_the_hint(phone, open_form):
    _, url = open_form()
    page = phone()
    page.goto(phone.base + url)
    block = page.locator("#q-q2")                                          # 2 to 3 options
    hint = page.locator("#m-q2")
    for label in ("学校通知", "家长群", "班主任"):
        block.get_by_label(label, exact=True).check()
    assert not hint.is_visible()
    block.get_by_label("新闻媒体", exact=True).click()
    assert hint.is_visible() and hint.inner_text().startswith("最多选 3 项")
    assert not block.get_by_label("新闻媒体", exact=True).is_checked()
    assert block.locator("input:checked").count() == 3
    # typing an other-text does not tick 其他 past the most either
    block.locator("input.other").fill("朋友圈")
    assert not block.locator('input[type="checkbox"][value="其他"]').is_checked()
    block.get_by_label("家长群", exact=True).uncheck()
    assert not hint.is_visible()
    block.get_by_label("新闻媒体", exact=True).check()
    assert block.get_by_label("新闻媒体", exact=True).is_checked()
    page.screenshot(path=str(ARTIFACTS / "respond-max-hint.png"), full_page=True)
    assert phone.problems == []


def test_the_429_page_keeps_the_answers(app, phone, open_form):
    app.config["SUBMIT_RATE_LIMIT"] = "1 per minute"
    _, url = open_form(allow_repeat=True)
    page = phone()
    page.goto(phone.base + url)
    _fill_all_types(page)
    page.get_by_role("button", name="提交问卷").click()
    page.wait_for_url("**/-/thanks")
    page.goto(phone.base + url)
    _fill_all_types(page, q5="是")
    page.locator("#q-q8 textarea").fill("第二份：希望平台更快")
    page.get_by_role("button", name="提交问卷").click()
    page.wait_for_load_state()
    assert "提交过于频繁，您的回答已保留" in page.locator(".banner").inner_text()
    assert page.locator("#q-q8 textarea").input_value() == "第二份：希望平台更快"
    assert page.locator("#q-q5").get_by_label("是", exact=True).is_checked()
    assert page.locator("#q-q6").get_by_label("一般", exact=True).is_checked()
    assert page.locator("#q-q7 input").input_value() == "12"
    assert len(responses()) == 1
    page.screenshot(path=str(ARTIFACTS / "respond-429.png"), full_page=True)
    # a minute later the same page submits (the limit raised here instead of waiting)
    app.config["SUBMIT_RATE_LIMIT"] = "100 per minute"
    page.get_by_role("button", name="提交问卷").click()
    page.wait_for_url("**/-/thanks")
    assert len(responses()) == 2
    assert phone.problems == []


def test_parent_questionnaire_with_a_skip_question_changed(phone, make_survey):
    """The screenshot of the parent questionnaire at 375 px after q8 opens q9 and q10."""
    questionnaire = load_questionnaire(SHIPPED / "parent-platform.yaml")
    survey = make_survey(["parent-platform"], units=(("S1", "第一小学"),))
    page = phone()
    page.goto(phone.base + unit_url(survey, "S1"))
    before = _numbers(page)
    assert list(before.values()) == [f"{n}." for n in range(1, len(before) + 1)]
    page.locator("#q-q8").get_by_label(questionnaire.question("q8").options[0].label, exact=True).check()
    after = _numbers(page)
    assert "q9" in after and "q10" in after and len(after) == len(before) + 2
    assert list(after.values()) == [f"{n}." for n in range(1, len(after) + 1)]
    ARTIFACTS.mkdir(exist_ok=True)
    page.locator("#q-q8").scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "respond-parent-skip.png"))
    page.screenshot(path=str(ARTIFACTS / "respond-parent-skip-full.png"), full_page=True)
    assert not [p for p in phone.problems if re.search("Content.Security.Policy", p)]
    assert phone.problems == []
