"""Hostile or broken posts: each refused clearly, nothing partial stored, never a 500."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.respond.conftest import VALID
from tests.respond.helpers import error_messages, hidden_fields, open_page, post_answers, responses


def test_oversized_body_is_413_in_chinese(client, open_form):
    _, url = open_form()
    _, hidden = open_page(client, url)
    response = client.post(url, data={**hidden, **VALID, "q8": "长" * 300_000})
    assert response.status_code == 413
    assert "提交的内容过大" in response.get_data(as_text=True)
    assert responses() == []


def test_oversized_text_within_the_body_limit_is_refused_beside_the_question(client, open_form):
    _, url = open_form()
    response = post_answers(client, url, {**VALID, "q8": "长" * 20_000, "q2": ["学校通知", "其他"],
                                          "q2.other": "x" * 20_000})
    assert response.status_code == 422
    assert error_messages(response.get_data(as_text=True)) == {
        "q8": "不能超过500字（当前20000字）", "q2.other": "不能超过1000字（当前20000字）"}
    assert responses() == []


@pytest.mark.parametrize("csrf", [None, "", "forged.token.value", "IjAwMCI.aaaa.bbbb"])
def test_missing_or_invalid_csrf_says_the_page_expired_and_keeps_the_answers(client, open_form, csrf):
    _, url = open_form()
    _, hidden = open_page(client, url)
    if csrf is None:
        del hidden["csrf_token"]
    else:
        hidden["csrf_token"] = csrf
    response = client.post(url, data={**hidden, **VALID})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "页面已过期" in page
    assert 'name="q5" value="是" checked' in page and "希望多组织培训" in page
    assert responses() == []
    # the page it returns carries a fresh token and can be submitted
    assert post_answers(client, url, VALID, hidden=hidden_fields(page)).status_code == 303
    assert len(responses()) == 1


def test_csrf_token_of_another_browser_is_refused(app, client, open_form):
    _, url = open_form()
    _, mine = open_page(client, url)
    _, theirs = open_page(app.test_client(), url)
    response = client.post(url, data={**mine, "csrf_token": theirs["csrf_token"], **VALID})
    assert response.status_code == 400
    assert responses() == []


def test_missing_csrf_on_a_closed_survey_gives_the_closed_page(client, open_form):
    _, url = open_form(status="closed")
    response = client.post(url, data=VALID)
    assert response.status_code == 410


def test_missing_or_malformed_submit_token_is_refused_with_a_fresh_one(client, open_form):
    _, url = open_form()
    for bad in (None, "", "short", "x" * 65, "has space in it and is long enough"):
        _, hidden = open_page(client, url)
        if bad is None:
            del hidden["submit-token"]
        else:
            hidden["submit-token"] = bad
        response = client.post(url, data={**hidden, **VALID})
        assert response.status_code == 400
        renewed = hidden_fields(response.get_data(as_text=True))["submit-token"]
        assert renewed != bad and len(renewed) >= 22
    assert responses() == []


@pytest.mark.parametrize("change, variable", [
    ({"q1": "<script>alert(1)</script>"}, "q1"),
    ({"q2": ["学校通知", "没有这个选项"]}, "q2"),
    ({"q4.r1": "4.5"}, "q4.r1"),
    ({"q7": "1e400"}, "q7"),
    ({"q7": "nan"}, "q7"),
    ({"q7": "0x10"}, "q7"),
    ({"q3": ["5", "4"]}, "q3"),
])
def test_wrong_values_are_refused_and_not_echoed_unescaped(client, open_form, change, variable):
    _, url = open_form()
    response = post_answers(client, url, {**VALID, **change})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert variable in error_messages(page)
    assert "<script>alert(1)</script>" not in page
    assert responses() == []


def test_fields_of_another_form_are_ignored(client, open_form):
    _, url = open_form()
    foreign = {"q9": "住校", "q10": "已更换", "q4.r9": "5", "q1.r1": "5", "q8.other": "x", "answers": "{}",
               "unit": "S2", "channel": "微信", "duration_s": "12345"}
    assert post_answers(client, url, {**VALID, **foreign}).status_code == 303
    [stored] = responses()
    assert set(stored.answers) == {"q1", "q2", "q3", "q4.r1", "q4.r2", "q5", "q6", "q7", "q8"}
    assert stored.unit.code == "S1" and stored.channel == "电脑" and stored.duration_s < 60


def test_get_with_a_query_string_and_other_methods_do_not_break(client, open_form):
    _, url = open_form()
    assert client.get(url + "?q1=小学&submit-token=x").status_code == 200
    assert client.put(url, data=VALID).status_code == 405
    assert client.delete(url).status_code == 405


def test_non_utf8_and_json_bodies_are_refused_without_error(client, open_form):
    _, url = open_form()
    _, hidden = open_page(client, url)
    body = urlencode({**hidden, **VALID, "q1": "x"}, doseq=True).encode() + b"&q1=\xff\xfe&q8=\xc3"
    response = client.post(url, data=body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400          # werkzeug drops an undecodable body whole: no CSRF token
    assert "页面已过期" in response.get_data(as_text=True)
    response = client.post(url, json={**hidden, **VALID})
    assert response.status_code == 400
    assert responses() == []


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.dictionaries(
    st.sampled_from(["q1", "q1.other", "q2", "q2.other", "q3", "q4.r1", "q4.r2", "q5", "q6", "q7", "q8",
                     "zz", "submit-token", "started-at"]),
    st.one_of(st.text(max_size=40), st.lists(st.text(max_size=10), max_size=4),
              st.sampled_from(["是", "否", "5", "0", "其他", "-0", "1e9", "  "]))))
def test_random_posts_never_cause_a_server_error(client, open_form, data):
    _, url = open_form(allow_repeat=True)
    _, hidden = open_page(client, url)
    posted = {**VALID, **data, "csrf_token": hidden["csrf_token"]}
    if "submit-token" not in data:
        posted["submit-token"] = hidden["submit-token"]
    count = len(responses())
    response = client.post(url, data=posted)
    assert response.status_code in (303, 400, 422)
    assert len(responses()) == count + (1 if response.status_code == 303 else 0)
