"""Which links show the questionnaire, and the Chinese pages (with HTTP status) of those that do not."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from surveyapp.extensions import db
from tests.respond.conftest import VALID, old_links
from tests.respond.helpers import open_page, post_answers, responses


def test_unknown_token_is_404_in_chinese(client, open_form):
    open_form()
    for url in ("/s/no-such-token", "/s/no-such-token/S1", "/s/" + "x" * 300, "/s/no-such-token/-/thanks"):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "问卷链接无效" in response.get_data(as_text=True)
    assert client.post("/s/no-such-token/S1", data={}).status_code in (400, 404)


def test_unit_code_not_in_the_survey_is_404_on_an_old_link(client, open_form):
    survey, _ = open_form()
    old_links(survey)
    for code in ("S9", "s1", "第一小学", "S1%00"):
        response = client.get(f"/s/{survey.forms[0].token}/{code}")
        assert response.status_code == 404
        assert "学校（单位）代码不存在" in response.get_data(as_text=True)


def test_unit_of_another_survey_is_404(client, open_form):
    first, _ = open_form(units=(("A1", "甲校"),))
    open_form(units=(("B1", "乙校"),))
    old_links(first)
    assert client.get(f"/s/{first.forms[0].token}/A1").status_code == 200
    assert client.get(f"/s/{first.forms[0].token}/B1").status_code == 404


def test_link_without_unit_asks_for_the_school_link_when_the_survey_has_units(client, open_form):
    survey, _ = open_form()
    response = client.get(f"/s/{survey.forms[0].token}")
    assert response.status_code == 404
    assert "请使用学校的专属链接" in response.get_data(as_text=True)


def test_link_without_unit_works_when_the_survey_has_none(client, open_form):
    survey, url = open_form(units=())
    assert url == f"/s/{survey.forms[0].token}"
    assert client.get(url + "/S1").status_code == 404
    assert post_answers(client, url, VALID).status_code == 303
    [stored] = responses()
    assert stored.unit_id is None


def test_draft_survey_is_403_not_yet_open(client, open_form):
    _, url = open_form(status="draft")
    response = client.get(url)
    assert response.status_code == 403
    assert "尚未开放" in response.get_data(as_text=True)


def test_open_survey_before_its_opening_time_is_403_with_the_time(client, open_form):
    survey, url = open_form()
    survey.opens_at = datetime(2999, 3, 1, 1, 30, tzinfo=UTC)        # 09:30 Beijing time
    db.session.commit()
    response = client.get(url)
    assert response.status_code == 403
    assert "2999年03月01日 09:30（北京时间）" in response.get_data(as_text=True)


def test_closed_survey_is_410_with_a_kind_message(client, open_form):
    _, url = open_form(status="closed")
    response = client.get(url)
    assert response.status_code == 410
    assert "已经结束收集，感谢您的关注与支持" in response.get_data(as_text=True)


def test_survey_past_its_closing_time_is_410(client, open_form):
    survey, url = open_form()
    survey.closes_at = datetime.now(UTC) - timedelta(minutes=1)
    db.session.commit()
    assert client.get(url).status_code == 410


def test_survey_closed_between_view_and_submit_stores_nothing(client, open_form):
    survey, url = open_form()
    _, hidden = open_page(client, url)
    survey.status = "closed"
    db.session.commit()
    response = post_answers(client, url, VALID, hidden=hidden)
    assert response.status_code == 410
    assert "已经结束收集" in response.get_data(as_text=True)
    assert responses() == []


def test_thank_you_page_shows_the_outro_even_after_closing(client, open_form):
    survey, _ = open_form(status="closed")
    response = client.get(f"/s/{survey.forms[0].token}/-/thanks")
    assert response.status_code == 200
    assert "感谢您的参与，测试结束语！" in response.get_data(as_text=True)
