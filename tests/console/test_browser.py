"""Real-browser smoke test (headless Chromium): log in, create a survey, open it, see the progress."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from werkzeug.serving import make_server

from surveyapp.extensions import db
from surveyapp.models import Survey
from tests.conftest import chromium_path, skip_or_fail

from .conftest import PASSWORD, STUDENT_ANSWERS

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
TEACHER = {"q1": "初中", "q2": "6-10年", "q3": ["班主任"], "q4": "从未使用"}


@pytest.fixture
def live_server(app, database_url):
    if not database_url.startswith("sqlite"):
        pytest.skip("the browser smoke test runs once, on SQLite")
    server = make_server("127.0.0.1", 0, app, threaded=True)
    base = f"http://127.0.0.1:{server.server_port}"
    app.config["PUBLIC_BASE_URL"] = base
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield base
    server.shutdown()
    thread.join(timeout=10)


@pytest.fixture
def browser():
    executable = chromium_path()
    if executable is None:
        skip_or_fail("no chromium on PATH for the browser test")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


def logged_in_page(browser, live_server: str, width: int = 1366, height: int = 900):
    """A new page of the console, logged in as the evaluator, on the survey list."""
    page = browser.new_page(viewport={"width": width, "height": height}, locale="zh-CN")
    page.set_default_timeout(20_000)
    page.goto(f"{live_server}/console/login")
    page.fill("#username", "evaluator")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server}/console/")
    return page


def test_console_in_a_real_browser(live_server, browser, evaluator, add_response, tmp_path):
    ARTIFACTS.mkdir(exist_ok=True)
    units_csv = tmp_path / "学校名单.csv"
    units_csv.write_text("代码,名称,区县\nXX01,实验小学,城关区\nXX02,东风路小学,城关区\nCZ01,第三初级中学,南湖区\n",
                         encoding="utf-8-sig")
    page = browser.new_page(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    page.set_default_timeout(15_000)

    page.goto(f"{live_server}/console/")
    assert page.url.startswith(f"{live_server}/console/login")
    page.screenshot(path=str(ARTIFACTS / "console-login.png"))
    page.fill("#username", "evaluator")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server}/console/")

    page.click(".page-head a.button:has-text('新建调查')")
    page.fill("#title", "2025年某区护眼灯与评价平台项目满意度调查")
    page.fill("#slug", "smoke-2025")
    page.check("label:has-text('护眼灯改造项目学生满意度') >> xpath=../../td[1]/input")
    page.check("label:has-text('评价平台项目教师满意度') >> xpath=../../td[1]/input")
    page.set_input_files("#units", str(units_csv))
    page.screenshot(path=str(ARTIFACTS / "console-new-survey.png"), full_page=True)
    page.click("button:has-text('创建调查')")
    page.wait_for_url(f"{live_server}/console/surveys/smoke-2025")
    assert "草稿" in page.inner_text(".survey-head")

    page.click("button:has-text('开始收集')")
    page.wait_for_selector(".flash-success")
    assert "收集中" in page.inner_text(".survey-head")

    survey = db.session.scalar(db.select(Survey).filter_by(slug="smoke-2025"))
    # all five today in Beijing time, a few seconds apart (after midnight even when the test runs at 00:00)
    midnight = datetime.now(ZoneInfo("Asia/Shanghai")).replace(hour=0, minute=0, second=0, microsecond=0)
    start = max(datetime.now(UTC) - timedelta(minutes=5), midnight.astimezone(UTC) + timedelta(seconds=1))
    for seconds, unit in ((0, "XX01"), (15, "XX01"), (30, "XX02")):   # 15 s apart: no duplicates
        add_response(survey, "student", unit, submitted_at=start + timedelta(seconds=seconds))
    add_response(survey, "student", "XX02", submitted_at=start + timedelta(seconds=45), status="invalid",
                 reason="答题过快", duration_s=9, answers={**STUDENT_ANSWERS, "q11": "无"})
    add_response(survey, "teacher", "XX01", submitted_at=start + timedelta(seconds=60), answers=TEACHER)
    page.screenshot(path=str(ARTIFACTS / "console-survey.png"), full_page=True)

    page.click("nav.tabs >> text=回收进度")
    page.wait_for_selector("#progress-table")
    rows = page.locator("#progress-table tbody tr")
    assert rows.count() == 3                      # CZ01, XX01, XX02 (by code)
    assert "第三初级中学" in rows.nth(0).inner_text()
    # unit, district, teacher collected/valid, student collected/valid, total collected/valid/invalid/today
    xx02 = [c.strip() for c in rows.nth(2).locator("td").all_inner_texts()]
    assert xx02[2:10] == ["0", "0", "2", "1", "2", "1", "1", "2"]
    footer = [c.strip() for c in page.locator("#progress-table tfoot td").all_inner_texts()]
    assert footer[:8] == ["1", "1", "4", "3", "5", "4", "1", "5"]
    page.screenshot(path=str(ARTIFACTS / "console-progress.png"), full_page=True)
    # a new response arrives; the table refreshes from progress.json without reloading the page
    add_response(survey, "teacher", "CZ01", submitted_at=start + timedelta(seconds=75), answers=TEACHER)
    page.evaluate("window.__same_page = true")
    page.evaluate("window.dispatchEvent(new Event('focus'))")
    total_cell = "document.querySelector('#progress-table tfoot td:nth-of-type(5)').textContent"
    page.wait_for_function(f"() => {total_cell} === '6'")      # a function: the page's CSP forbids eval
    assert page.evaluate("window.__same_page") is True
    assert [c.strip() for c in rows.nth(0).locator("td").all_inner_texts()][2:4] == ["1", "1"]

    page.click("nav.tabs >> text=答卷筛查")
    page.wait_for_selector("text=可疑答卷（1）")              # the 9-second response
    page.screenshot(path=str(ARTIFACTS / "console-screening.png"), full_page=True)
    page.click("table.data >> nth=1 >> a >> nth=0")
    page.wait_for_selector("text=作答内容")
    page.fill("#reason", "复核：家长确认是本人认真填写")
    page.click("button:has-text('恢复为有效')")
    page.wait_for_selector(".flash-success")
    assert "家长确认是本人认真填写" in page.inner_text("table.data >> nth=-1")
    page.screenshot(path=str(ARTIFACTS / "console-response.png"), full_page=True)
    page.click("nav.tabs >> text=回收进度")
    footer = [c.strip() for c in page.locator("#progress-table tfoot td").all_inner_texts()]
    assert footer[4:7] == ["6", "6", "0"]                   # the restored response counts as valid again

    page.click("nav.tabs >> text=链接与二维码")
    assert page.locator("table.links tbody tr").count() == 6
    page.goto(f"{live_server}/console/surveys/smoke-2025/print?unit=XX01")
    page.screenshot(path=str(ARTIFACTS / "console-print.png"), full_page=True)
    page.emulate_media(media="print")
    pdf = page.pdf(format="A4")
    assert pdf[:4] == b"%PDF"
    page.close()
