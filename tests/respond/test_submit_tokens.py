"""Ballot stuffing: submit tokens issued by the server for one form and unit, used once, valid for a day;
unit links that cannot be turned into another school's; links printed before unit links keep working."""

from __future__ import annotations

import secrets
import time

import pytest
from itsdangerous import TimestampSigner

from surveyapp.respond.services import SUBMIT_MAX_AGE, SUBMIT_SALT
from tests.respond.conftest import VALID, VALID_STORED, old_links, unit_url
from tests.respond.helpers import hidden_fields, open_page, post_answers, responses


def _made_up_token() -> str:
    """A token of the shape the pages carry, signed with a key the attacker guessed."""
    return TimestampSigner("guessed-key", salt=SUBMIT_SALT).sign(secrets.token_urlsafe(16)).decode()


def _token_issued(secret: str, form_id: int, unit_id: int, seconds_ago: int) -> str:
    """A genuine token of (form, unit) issued `seconds_ago` (the server's own signature)."""

    class Earlier(TimestampSigner):
        def get_timestamp(self) -> int:
            return int(time.time()) - seconds_ago

    return Earlier(secret, salt=f"{SUBMIT_SALT}:{form_id}:{unit_id}").sign(secrets.token_urlsafe(16)).decode()


def test_made_up_submit_tokens_store_nothing(app, client, open_form):
    """One page view, then many posts each with its own invented token and no cookie: before, every one
    of them was stored (only the token's format was checked)."""
    _, url = open_form()
    _, hidden = open_page(client, url)
    tokens = [secrets.token_urlsafe(24) for _ in range(3)] + [_made_up_token() for _ in range(3)]
    for token in tokens:
        client.delete_cookie("sa_cid", path="/s/")
        response = client.post(url, data={**hidden, "submit-token": token, **VALID})
        assert response.status_code == 400
        page = response.get_data(as_text=True)
        assert "页面已过期" in page and 'name="q5" value="是" checked' in page      # answers kept
        assert hidden_fields(page)["submit-token"] not in tokens                   # a fresh, genuine one
    assert responses() == []
    # the page's own token still works once
    assert client.post(url, data={**hidden, **VALID}).status_code == 303
    assert len(responses()) == 1


def test_a_token_is_used_once_replays_store_nothing(app, client, open_form):
    _, url = open_form(allow_repeat=True)
    _, hidden = open_page(client, url)
    assert client.post(url, data={**hidden, **VALID}).status_code == 303
    for change in ({}, {"q3": "1", "q8": "改过的答案"}):
        client.delete_cookie("sa_cid", path="/s/")          # another browser replaying the same token
        replay = client.post(url, data={**hidden, **VALID, **change})
        assert replay.status_code == 303 and replay.headers["Location"].endswith("/-/thanks")
    [stored] = responses()
    assert stored.answers == VALID_STORED and stored.submit_token == hidden["submit-token"]


def test_a_token_of_another_school_or_form_is_refused(app, client, make_survey, all_types_file):
    survey = make_survey([all_types_file, "student-lamps"], units=(("S1", "一小"), ("S2", "二小")),
                         allow_repeat=True)
    s1, s2, other_form = unit_url(survey, "S1"), unit_url(survey, "S2"), unit_url(survey, "S1", 1)
    _, from_s1 = open_page(client, s1)
    _, from_other_form = open_page(client, other_form)
    assert client.post(s2, data={**from_s1, **VALID}).status_code == 400
    assert client.post(s1, data={**from_s1, "submit-token": from_other_form["submit-token"],
                                 **VALID}).status_code == 400
    assert responses() == []


def test_an_expired_page_keeps_the_answers_and_submits_again(app, client, open_form):
    survey, url = open_form()
    _, hidden = open_page(client, url)
    form, unit = survey.forms[0], survey.units[0]
    hidden["submit-token"] = _token_issued("test-secret", form.id, unit.id, SUBMIT_MAX_AGE + 60)
    response = client.post(url, data={**hidden, **VALID})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "页面已过期，您的回答已保留" in page and "希望多组织培训" in page
    assert responses() == []
    renewed = hidden_fields(page)
    assert renewed["submit-token"] != hidden["submit-token"]
    assert client.post(url, data={**renewed, **VALID}).status_code == 303
    assert len(responses()) == 1


def test_a_page_answered_within_the_day_is_stored(app, client, open_form):
    survey, url = open_form()
    _, hidden = open_page(client, url)
    hidden["submit-token"] = _token_issued("test-secret", survey.forms[0].id, survey.units[0].id,
                                           SUBMIT_MAX_AGE - 600)
    assert client.post(url, data={**hidden, **VALID}).status_code == 303
    assert len(responses()) == 1


def test_a_stored_submission_resent_after_a_day_shows_thanks(app, client, open_form, monkeypatch):
    from surveyapp.respond import services

    _, url = open_form()
    _, hidden = open_page(client, url)
    assert client.post(url, data={**hidden, **VALID}).status_code == 303
    monkeypatch.setattr(services, "SUBMIT_MAX_AGE", -1)     # every token is now past its day
    again = client.post(url, data={**hidden, **VALID})
    assert again.status_code == 303 and again.headers["Location"].endswith("/-/thanks")
    assert len(responses()) == 1


def test_a_unit_link_cannot_be_turned_into_another_schools(app, client, open_form):
    """Before, ``/s/<form token>/<code>`` opened any school by its code: now a new survey's links are one
    token per form and school, and the codes no longer open anything."""
    survey, url = open_form()
    token = survey.forms[0].token
    assert url.count("/") == 2 and "S1" not in url                   # /s/<link token>
    for swapped in (f"/s/{token}/S2", f"/s/{token}/S1", f"{url}/S2"):
        assert client.get(swapped).status_code == 404, swapped
        assert post_answers(client, swapped, VALID, hidden=open_page(client, url)[1]).status_code == 404
    assert responses() == []
    # each school's own link records its own school
    assert post_answers(client, unit_url(survey, "S2"), VALID).status_code == 303
    assert [r.unit.code for r in responses()] == ["S2"]


def test_links_printed_before_unit_links_keep_working(app, client, open_form):
    survey, _ = open_form()
    old_links(survey)
    old = f"/s/{survey.forms[0].token}/S2"
    page, hidden = open_page(client, old)
    assert "第二小学" in page
    assert post_answers(client, old, VALID, hidden=hidden).status_code == 303
    assert [r.unit.code for r in responses()] == ["S2"]
    # a page of one school posted to another school's old link is refused (its token names S2)
    _, from_s2 = open_page(app.test_client(), old)
    assert post_answers(app.test_client(), f"/s/{survey.forms[0].token}/S1", VALID,
                        hidden=from_s2).status_code == 400
    assert len(responses()) == 1


@pytest.mark.parametrize("allow_repeat", [False, True])
def test_two_schools_each_take_one_answer_from_the_same_phone(client, open_form, allow_repeat):
    """A parent with children at two schools answers once for each; the same school is still refused."""
    survey, first = open_form(allow_repeat=allow_repeat)
    second = unit_url(survey, "S2")
    _, second_tab = open_page(client, first)
    assert post_answers(client, first, VALID).status_code == 303
    page = client.get(second)
    assert page.status_code == 200 and 'name="q1"' in page.get_data(as_text=True)
    assert post_answers(client, second, VALID).status_code == 303
    assert sorted(r.unit.code for r in responses()) == ["S1", "S2"]
    assert len({r.client_hash for r in responses()}) == 1           # the same phone
    again = post_answers(client, first, VALID, hidden=second_tab)
    assert again.status_code == (303 if allow_repeat else 409)
    assert len(responses()) == (3 if allow_repeat else 2)
