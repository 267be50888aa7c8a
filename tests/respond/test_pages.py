"""The questionnaire page: every question type, Chinese messages, show_if, answers kept, thank-you page."""

from __future__ import annotations

import json
import re

import pytest

from tests.respond.conftest import VALID, VALID_STORED
from tests.respond.helpers import error_messages, hidden_fields, open_page, post_answers, responses


def test_page_shows_intro_and_every_question_type(client, open_form):
    survey, url = open_form()
    page, hidden = open_page(client, url)
    assert '<html lang="zh-CN">' in page and 'name="viewport"' in page
    assert "全题型测试问卷" in page and "第一小学" in page
    assert "<p>尊敬的家长：</p>" in page and "<p>这是一份测试问卷，请认真填写。</p>" in page
    # single with other: radios plus a text box
    assert page.count('type="radio" name="q1"') == 4
    assert 'name="q1.other"' in page and "其他（请注明）" in page
    # multiple: checkboxes, the count rule, other
    assert page.count('type="checkbox" name="q2"') == 5 and "（请选择2～3项）" in page
    # scale: six radios with labels
    assert page.count('type="radio" name="q3"') == 6 and "非常不满意" in page
    # matrix: one card (fieldset) per row, each row its own radio group
    assert page.count('class="row') == 2
    assert page.count('type="radio" name="q4.r1"') == 6 and page.count('type="radio" name="q4.r2"') == 6
    # number with a numeric keyboard, text with maxlength
    assert re.search(r'<input class="num" type="text" id="f-q7" name="q7" value="" inputmode="numeric"', page)
    assert re.search(r'<textarea id="f-q8" name="q8" rows="4" maxlength="500"', page)
    # required marks: 7 required questions (q8 is optional) and the legend
    assert page.count('<b class="req" title="必答题">*</b>') == 7
    # the conditional question says when to answer it (seen without JavaScript)
    assert "（仅当第5题选择“是”时作答）" in page
    assert [json.loads(rule) for rule in re.findall(r"data-show='([^']*)'", page)] == [{"q5": ["是"]}]
    # labels wrap inputs (large tap targets), hidden fields present, no caching of the one-time token
    assert '<label class="o"><input type="radio" name="q5" value="是">' in page
    assert set(hidden) == {"csrf_token", "submit-token", "started-at"}
    assert client.get(url).headers["Cache-Control"] == "no-store"


def test_valid_post_is_stored_canonically_and_redirects_to_the_outro(app, client, open_form):
    survey, url = open_form()
    response = post_answers(client, url, VALID)
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"{url}/-/thanks")
    thanks = client.get(response.headers["Location"])
    assert thanks.status_code == 200 and "感谢您的参与，测试结束语！" in thanks.get_data(as_text=True)
    [stored] = responses()
    assert stored.answers == VALID_STORED
    assert stored.unit.code == "S1" and stored.form_id == survey.forms[0].id and stored.status == "valid"


def test_other_texts_are_stored_with_their_option(client, open_form):
    _, url = open_form()
    answers = {**VALID, "q1": "其他", "q1.other": "职高", "q2": ["家长群", "其他"], "q2.other": "朋友圈"}
    assert post_answers(client, url, answers).status_code == 303
    [stored] = responses()
    assert stored.answers["q1"] == "其他" and stored.answers["q1.other"] == "职高"
    assert stored.answers["q2"] == ["家长群", "其他"] and stored.answers["q2.other"] == "朋友圈"


@pytest.mark.parametrize("change, variable, message", [
    ({"q1": ""}, "q1", "此题为必答题"),
    ({"q2": ["学校通知"]}, "q2", "请至少选择2项"),
    ({"q2": ["学校通知", "家长群", "班主任", "新闻媒体"]}, "q2", "最多只能选择3项"),
    ({"q2": ["学校通知", "其他"]}, "q2.other", "请填写“其他”的具体内容"),
    ({"q3": ""}, "q3", "此题为必答题"),
    ({"q4.r2": ""}, "q4.r2", "此项为必答项"),
    ({"q7": "200"}, "q7", "请输入0到168之间的整数"),
    ({"q7": "-1"}, "q7", "请输入0到168之间的整数"),
    ({"q7": "2.5"}, "q7", "请输入0到168之间的整数"),
    ({"q7": "十二"}, "q7", "请输入0到168之间的整数"),
    ({"q8": "好" * 501}, "q8", "不能超过500字（当前501字）"),
    ({"q1": "大学"}, "q1", "所选选项无效，请重新选择"),
    ({"q3": "9"}, "q3", "所选选项无效，请重新选择"),
    ({"q1": ["小学", "初中"]}, "q1", "只能选择一项"),
])
def test_problems_are_shown_beside_the_question_and_other_answers_kept(client, open_form, change, variable,
                                                                        message):
    _, url = open_form()
    response = post_answers(client, url, {**VALID, **change})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert error_messages(page) == {variable: message}
    assert "有 1 道题需要修改" in page
    question = variable.split(".")[0]
    assert re.search(f'class="card q (mx )?bad" id="q-{question}"', page)
    # the other answers are still there
    if "q5" not in change:
        assert 'name="q5" value="是" checked' in page
    if "q4.r1" not in change:
        assert 'name="q4.r1" value="4" checked' in page
    if "q7" not in change:
        assert 'name="q7" value="12"' in page
    if "q2" not in change:
        assert 'name="q2" value="学校通知" checked' in page and 'name="q2" value="班主任" checked' in page
    if "q8" not in change:
        assert "希望多组织培训" in page
    else:
        assert "好" * 501 + "</textarea>" in page
    assert responses() == []


def test_a_line_break_counts_once_as_the_browser_counts_it(client, open_form):
    _, url = open_form()
    text = "甲" * 249 + "\r\n" + "乙" * 250          # 500 characters in the textarea, 501 bytes of CRLF
    assert post_answers(client, url, {**VALID, "q8": text}).status_code == 303
    assert responses()[0].answers["q8"] == "甲" * 249 + "\n" + "乙" * 250


def test_the_corrected_post_uses_the_renewed_page(client, open_form):
    _, url = open_form()
    first = post_answers(client, url, {**VALID, "q7": "abc"})
    hidden = hidden_fields(first.get_data(as_text=True))
    assert post_answers(client, url, VALID, hidden=hidden).status_code == 303
    assert len(responses()) == 1


def test_hidden_question_is_not_required_and_its_answer_discarded(client, open_form):
    _, url = open_form()
    answers = {**VALID, "q5": "否", "q6": "5"}          # q6 is asked only when q5 is 是
    assert post_answers(client, url, answers).status_code == 303
    stored = responses()[0].answers
    assert stored["q5"] == "否" and "q6" not in stored

    _, url2 = open_form()
    without_q6 = {k: v for k, v in VALID.items() if k != "q6"} | {"q5": "否"}
    client2 = client.application.test_client()
    assert post_answers(client2, url2, without_q6).status_code == 303


def test_shown_conditional_question_is_required(client, open_form):
    _, url = open_form()
    answers = {k: v for k, v in VALID.items() if k != "q6"}      # q5 is 是, so q6 is asked
    response = post_answers(client, url, answers)
    assert response.status_code == 422
    assert error_messages(response.get_data(as_text=True)) == {"q6": "此题为必答题"}


def test_optional_text_may_stay_empty(client, open_form):
    _, url = open_form()
    assert post_answers(client, url, {**VALID, "q8": "   "}).status_code == 303
    assert "q8" not in responses()[0].answers


def test_question_ids_that_are_form_attribute_names_work(client, make_survey, questionnaire_file):
    path = questionnaire_file("""\
        format: 1
        id: odd-ids
        title: 题号测试
        role: other
        questions:
          - {id: data, type: single, text: 甲？, options: [是, 否]}
          - {id: errors, type: number, text: 乙？, min: 0, max: 9, integer: true}
          - {id: meta, type: text, text: 丙？}
          - {id: validate, type: multiple, text: 丁？, options: [一, 二]}
        """, "odd-ids.yaml")
    survey = make_survey([path], units=())
    url = f"/s/{survey.forms[0].token}"
    response = post_answers(client, url, {"data": "否", "errors": "12", "meta": "文字", "validate": ["二"]})
    assert response.status_code == 422
    assert error_messages(response.get_data(as_text=True)) == {"errors": "请输入0到9之间的整数"}
    response = post_answers(client, url, {"data": "否", "errors": "7", "meta": "文字", "validate": ["二"]})
    assert response.status_code == 303
    assert responses()[0].answers == {"data": "否", "errors": 7, "meta": "文字", "validate": ["二"]}
