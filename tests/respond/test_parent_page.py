"""The shipped 25-question parent questionnaire: small for a slow phone, complete without JavaScript."""

from __future__ import annotations

import re

from tests.respond.conftest import unit_url
from tests.respond.helpers import open_page, post_answers, responses

PARENT_POST = {
    "q1": "母亲", "q2": "初中", "q3": "本科", "q4": "知道",
    "q5": ["学校通知", "其他"], "q5.other": "社区宣传", "q6": "参加过", "q7": "没有增加",
    "q8": "收到过", "q9": "很有帮助", "q10": "有调整", "q11": "偶尔查看",
    "q12": "3", "q13": "1至2小时", "q14": "适中", "q15": "8至9小时", "q16": "45", "q17": "没有参加",
    "q18.r1": "5", "q18.r2": "4", "q18.r3": "4", "q18.r4": "3", "q18.r5": "5", "q18.r6": "0",
    "q19.r1": "4", "q19.r2": "4", "q19.r3": "3", "q19.r4": "5", "q20": "4", "q21": "5", "q22": "愿意",
    "q23": ["加强家校沟通", "及时向家长反馈评价结果"], "q24": "愿意", "q25": "",
}


def _parent_url(make_survey):
    survey = make_survey(["parent-platform"], units=(("S1", "第一小学"),))
    return unit_url(survey, "S1")


def test_parent_page_with_its_css_and_js_is_under_60_kb(client, make_survey):
    page, _ = open_page(client, _parent_url(make_survey))
    assets = re.findall(r'(?:href|src)="(/[^"]+\.(?:css|js))"', page)
    assert len(assets) == 2
    sizes = {"html": len(page.encode("utf-8"))}
    for asset in assets:
        response = client.get(asset)
        assert response.status_code == 200
        sizes[asset] = len(response.data)
        response.close()
    assert sum(sizes.values()) < 60 * 1024, sizes


def test_parent_questionnaire_works_without_javascript(client, make_survey):
    url = _parent_url(make_survey)
    page, hidden = open_page(client, url)
    # every question is on the page; the five conditional ones (q5, q7, q9, q10, q12) are hidden until
    # their condition holds, and the 20 others are numbered 1 to 20 without gaps
    assert len(re.findall(r'class="card q[^"]*" id="q-q\d+"', page)) == 25
    hidden_ids = re.findall(r'class="card q[^"]* off[^"]*" id="q-(q\d+)"', page)
    assert hidden_ids == ["q5", "q7", "q9", "q10", "q12"]
    numbers = [int(n) for n in re.findall(r'<span class="no">(\d+)\.</span>', page)]
    assert numbers == list(range(1, 21))
    # the notes seen without the script name the questions by the numbers shown: q11 is the 7th visible
    assert "（仅当第4题选择“知道”时作答）" in page
    assert "（仅当第7题选择“经常查看”或“偶尔查看”时作答）" in page

    response = post_answers(client, url, PARENT_POST, hidden)
    assert response.status_code == 303
    thanks = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "问卷到此结束，感谢您在百忙之中参与本次调查！" in thanks
    [stored] = responses()
    assert stored.answers == {
        "q1": "母亲", "q2": "初中", "q3": "本科", "q4": "知道",
        "q5": ["学校通知", "其他"], "q5.other": "社区宣传", "q6": "参加过", "q7": "没有增加",
        "q8": "收到过", "q9": "很有帮助", "q10": "有调整", "q11": "偶尔查看",
        "q12": 3, "q13": "1至2小时", "q14": "适中", "q15": "8至9小时", "q16": 45, "q17": "没有参加",
        "q18.r1": 5, "q18.r2": 4, "q18.r3": 4, "q18.r4": 3, "q18.r5": 5, "q18.r6": 0,
        "q19.r1": 4, "q19.r2": 4, "q19.r3": 3, "q19.r4": 5, "q20": 4, "q21": 5, "q22": "愿意",
        "q23": ["及时向家长反馈评价结果", "加强家校沟通"],        # in option order, not click order
        "q24": "愿意",
    }


def test_without_javascript_an_answer_to_a_question_that_does_not_apply_is_dropped(app, client, make_survey):
    url = _parent_url(make_survey)
    # 不知道 at q4 makes q5 not apply; 从未查看 at q11 makes q12 not apply; both were answered anyway
    post = {**PARENT_POST, "q4": "不知道", "q11": "从未查看"}
    assert post_answers(client, url, post).status_code == 303
    stored = responses()[0].answers
    assert stored["q4"] == "不知道" and stored["q11"] == "从未查看"
    assert not {"q5", "q5.other", "q12"} & set(stored)
