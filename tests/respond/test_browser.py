"""A real phone-sized Chromium fills the student questionnaire: show_if opens live, the answers are stored.

The answers are picked from the loaded questionnaire file, so the test follows it when the file changes.
The full-page screenshots go to tests/artifacts/ (not committed).
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from questionnaires import SHIPPED, Question, Questionnaire, load_questionnaire
from tests.conftest import chromium_path, skip_or_fail
from tests.respond.conftest import unit_url
from tests.respond.helpers import responses

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"
STUDENT_FILE = SHIPPED / "student-lamps.yaml"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
WECHAT_UA = ("Mozilla/5.0 (Linux; Android 12; V2048A Build/SP1A.210812.003; wv) AppleWebKit/537.36 "
             "(KHTML, like Gecko) Version/4.0 Chrome/107.0.5304.141 Mobile Safari/537.36 "
             "MicroMessenger/8.0.35.2360(0x2800235B) NetType/WIFI Language/zh_CN")


def _wait_for_student_file(timeout: float = 300.0) -> Questionnaire:
    """The student questionnaire (written by another helper; waited for if it is not there yet)."""
    deadline = time.monotonic() + timeout
    while not STUDENT_FILE.exists():
        if time.monotonic() > deadline:
            pytest.fail(f"{STUDENT_FILE} did not appear within {timeout:.0f} s")
        time.sleep(2)
    return load_questionnaire(STUDENT_FILE)


def _opening_codes(questionnaire: Questionnaire) -> dict[str, set[str]]:
    """For each question, the codes that some later question's show_if asks for."""
    codes: dict[str, set[str]] = {}
    for question in questionnaire.questions:
        for ref, wanted in question.show_if.items():
            codes.setdefault(ref, set()).update(str(c) for c in wanted)
    return codes


def _pick(question: Question, opening: set[str]):
    """The option to choose: one that opens a branch when there is one, else the first."""
    return next((o for o in question.options if str(o.code) in opening), question.options[0])


def _block(page, question: Question):
    return page.locator(f'[id="q-{question.id}"]')


def _answer(page, question: Question, opening: dict[str, set[str]]) -> dict:
    """Answer one visible question through its labels and inputs; return the canonical answers expected."""
    block = _block(page, question)
    if question.type in ("single", "scale"):
        option = _pick(question, opening.get(question.id, set()))
        block.get_by_label(option.label, exact=True).check()
        return {question.id: option.code}
    if question.type == "multiple":
        count = max(int(question.min or 1), 1)
        chosen = [o for o in question.options if not o.other][:count]
        for option in chosen:
            block.get_by_label(option.label, exact=True).check()
        return {question.id: [o.code for o in chosen]}
    if question.type == "matrix":
        expected = {}
        for var in question.variables:
            option = question.options[0]
            page.locator(f'[id="r-{var}"]').get_by_label(option.label, exact=True).check()
            expected[var] = option.code
        return expected
    if question.type == "number":
        value = int(question.min if question.min is not None else 1) + 1
        block.locator("input").fill(str(value))
        return {question.id: value}
    block.locator("textarea").fill("希望教室的灯一直这么亮")
    return {question.id: "希望教室的灯一直这么亮"}


@pytest.fixture
def live_server(app):
    if chromium_path() is None:
        skip_or_fail("no Chromium found (chromium or chromium-browser on PATH)")
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///"):
        pytest.skip("the browser test runs against the file SQLite database")
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()


def test_student_fills_the_questionnaire_on_a_phone(app, make_survey, live_server):
    from playwright.sync_api import sync_playwright

    questionnaire = _wait_for_student_file()
    survey = make_survey([STUDENT_FILE], units=(("S1", "第一中学"),))
    url = live_server + unit_url(survey, "S1")
    opening = _opening_codes(questionnaire)
    conditional = next(q for q in questionnaire.questions if q.show_if)
    ARTIFACTS.mkdir(exist_ok=True)

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport={"width": 375, "height": 667}, user_agent=WECHAT_UA,
                                          locale="zh-CN", is_mobile=True, has_touch=True)
            page = context.new_page()
            page.goto(url)
            assert page.title() == questionnaire.title
            # the script hides the conditional question and the no-JavaScript note until it applies
            assert not _block(page, conditional).is_visible()
            assert page.locator("#prog").is_visible()

            expected: dict = {}
            for question in questionnaire.questions:
                should_show = questionnaire.is_visible(question, expected)
                assert _block(page, question).is_visible() == should_show, question.id
                if should_show:
                    expected.update(_answer(page, question, opening))
                    if question.id in conditional.show_if:
                        assert _block(page, conditional).is_visible()       # the branch opened live
            answered = sum(1 for q in questionnaire.questions if questionnaire.is_visible(q, expected))
            assert page.locator("#prog span").inner_text() == f"已答 {answered} / {answered} 题"
            page.evaluate("window.scrollTo(0, 0)")
            page.screenshot(path=str(ARTIFACTS / "respond-student-filled.png"), full_page=True)

            page.get_by_role("button", name="提交问卷").click()
            page.wait_for_url("**/-/thanks")
            assert questionnaire.outro.strip()[:10] in page.locator("main").inner_text()
            page.screenshot(path=str(ARTIFACTS / "respond-student-thanks.png"), full_page=True)
            context.close()
        finally:
            browser.close()

    [stored] = responses()
    assert stored.answers == expected
    assert conditional.id in stored.answers
    assert stored.channel == "微信" and stored.unit.code == "S1"
    assert stored.duration_s is not None and 0 <= stored.duration_s < 600
