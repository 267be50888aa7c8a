"""The Content-Security-Policy in a real Chromium: every console page loads its own styles, scripts and
images without a violation, and the console's small behaviours (select a link, confirm a bulk action)
still work without inline handlers."""

from __future__ import annotations

import pytest

from .conftest import PASSWORD
from .test_browser import browser, live_server  # noqa: F401 (fixtures)

pytestmark = pytest.mark.browser


def test_console_pages_show_no_policy_violation(live_server, browser, evaluator, make_survey,  # noqa: F811
                                                add_response):
    survey = make_survey(["student-lamps"], units=(("S1", "第一小学"),))
    for q7, seconds in (("非常满意", 240.0), ("满意", 200.0), ("一般", 220.0), ("满意", 3.0)):   # one speeder
        add_response(survey, "student", "S1", answers={"q1": "小学", "q2": "已更换", "q7": q7, "q11": "很好"},
                     duration_s=seconds)
    page = browser.new_page(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    page.set_default_timeout(30_000)
    problems: list[str] = []
    page.on("console", lambda m: problems.append(f"{page.url}: {m.text}")
            if m.type == "error" and not m.text.startswith("Failed to load resource") else None)
    page.on("pageerror", lambda e: problems.append(f"{page.url}: {e}"))

    page.goto(f"{live_server}/console/login")
    page.fill("#username", "evaluator")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server}/console/")
    base = f"{live_server}/console/surveys/{survey.slug}"
    for url in (f"{live_server}/console/", f"{live_server}/console/surveys/new", base, f"{base}/links",
                f"{base}/progress", f"{base}/screening", f"{base}/statistics", f"{base}/text",
                f"{base}/scoring", f"{base}/downloads", f"{base}/print"):
        page.goto(url)
        page.wait_for_load_state("networkidle")
        assert page.locator("link[rel=stylesheet]").count() >= 1, url
        # the page's own stylesheet applied: the body is not in the browser's default serif font
        assert "Times" not in page.evaluate("getComputedStyle(document.body).fontFamily"), url
    assert problems == []

    page.goto(f"{base}/links")
    box = page.locator("input[data-select-on-click]").first
    box.click()
    assert page.evaluate("document.activeElement.selectionEnd - document.activeElement.selectionStart") == len(
        box.input_value())
    page.goto(f"{base}/screening")
    bulk = page.locator("form[data-confirm]")
    assert bulk.count() >= 1                                        # the speeder's bulk action
    asked: list[str] = []
    page.on("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    bulk.first.locator("button").click()
    page.wait_for_timeout(500)
    assert asked and asked[0].startswith("确定将这")
    assert page.url.endswith("/screening")                          # dismissed: nothing was posted
    assert problems == []
