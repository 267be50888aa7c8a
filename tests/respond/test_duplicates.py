"""One response per submission and, unless the survey allows repeats, one per browser."""

from __future__ import annotations

import re

import pytest

from surveyapp.extensions import db
from tests.respond.conftest import VALID, unit_url
from tests.respond.helpers import open_page, post_answers, responses


def test_double_tap_stores_one_response_and_both_see_thanks(client, open_form):
    survey, url = open_form()
    _, hidden = open_page(client, url)
    first = post_answers(client, url, VALID, hidden=hidden)
    second = post_answers(client, url, VALID, hidden=hidden)
    assert first.status_code == second.status_code == 303
    assert first.headers["Location"] == second.headers["Location"]
    assert len(responses()) == 1
    assert responses()[0].submit_token == hidden["submit-token"]


def test_resent_submission_from_a_browser_without_cookies_stores_one_response(app, client, open_form):
    _, url = open_form()
    _, hidden = open_page(client, url)
    assert post_answers(client, url, VALID, hidden=hidden).status_code == 303
    client.delete_cookie("sa_cid", path="/s/")                  # the second copy carries no client id
    assert post_answers(client, url, VALID, hidden=hidden).status_code == 303
    assert len(responses()) == 1


def test_resent_submission_with_repeats_allowed_stores_one_response(client, open_form):
    _, url = open_form(allow_repeat=True)
    _, hidden = open_page(client, url)
    for _ in range(3):
        assert post_answers(client, url, VALID, hidden=hidden).status_code == 303
    assert len(responses()) == 1


def test_second_response_from_the_same_browser_is_refused_kindly(client, open_form):
    _, url = open_form()
    assert post_answers(client, url, VALID).status_code == 303
    page = client.get(url)
    assert page.status_code == 200 and "您已提交过本问卷" in page.get_data(as_text=True)
    assert 'name="q1"' not in page.get_data(as_text=True)
    refused = post_answers(client, url, VALID, hidden=_hidden_from_fresh_browser(client, url))
    assert refused.status_code == 409 and "您已提交过本问卷" in refused.get_data(as_text=True)
    assert len(responses()) == 1


def _hidden_from_fresh_browser(client, url):
    """The hidden fields of a page shown to this browser once the cookie is hidden, then restored."""
    cookie = client.get_cookie("sa_cid", path="/s/")
    client.delete_cookie("sa_cid", path="/s/")
    _, hidden = open_page(client, url)
    client.set_cookie("sa_cid", cookie.value, path="/s/")
    return hidden


def test_a_page_opened_twice_and_submitted_twice_is_refused_the_second_time(client, open_form):
    _, url = open_form()
    _, first_tab = open_page(client, url)
    _, second_tab = open_page(client, url)
    assert post_answers(client, url, VALID, hidden=first_tab).status_code == 303
    refused = post_answers(client, url, VALID, hidden=second_tab)
    assert refused.status_code == 409
    assert "您已提交过本问卷" in refused.get_data(as_text=True)
    assert len(responses()) == 1


def test_repeat_allowed_survey_accepts_a_second_response_from_the_same_browser(client, open_form):
    _, url = open_form(allow_repeat=True)
    assert post_answers(client, url, VALID).status_code == 303
    assert client.get(url).status_code == 200
    assert post_answers(client, url, VALID).status_code == 303
    assert len(responses()) == 2
    assert responses()[0].client_hash == responses()[1].client_hash


def test_another_browser_on_the_same_ip_may_answer(app, client, open_form):
    _, url = open_form()
    other = app.test_client()
    environ = {"REMOTE_ADDR": "10.1.2.3"}
    assert post_answers(client, url, VALID, environ_base=environ).status_code == 303
    assert post_answers(other, url, VALID, environ_base=environ).status_code == 303
    assert len(responses()) == 2
    stored = responses()
    assert stored[0].client_hash != stored[1].client_hash
    assert all("10.1.2.3" not in str(value) for r in stored for value in vars(r).values())


def test_the_same_browser_on_another_ip_is_still_recognised(client, open_form):
    _, url = open_form()
    _, at_home = open_page(client, url, environ_base={"REMOTE_ADDR": "10.0.0.1"})
    _, at_work = open_page(client, url, environ_base={"REMOTE_ADDR": "10.0.0.2"})
    home, work = {"REMOTE_ADDR": "10.0.0.1"}, {"REMOTE_ADDR": "10.0.0.2"}
    assert post_answers(client, url, VALID, at_home, environ_base=home).status_code == 303
    assert post_answers(client, url, VALID, at_work, environ_base=work).status_code == 409


def test_cookie_id_is_stored_only_as_a_salted_hash_per_form(app, client, make_survey, all_types_file):
    survey = make_survey([all_types_file, "student-lamps"], units=(("S1", "一小"),))
    first = client.get(unit_url(survey, "S1"))
    cookie = re.search(r"sa_cid=([^;]+)", first.headers["Set-Cookie"]).group(1)
    assert "HttpOnly" in first.headers["Set-Cookie"] and "Path=/s/" in first.headers["Set-Cookie"]
    assert post_answers(client, unit_url(survey, "S1"), VALID).status_code == 303
    [stored] = responses()
    assert re.fullmatch(r"[0-9a-f]{64}", stored.client_hash)
    assert cookie not in stored.client_hash
    # the same browser may answer another form of the survey, and its hash there differs
    student = unit_url(survey, "S1", form_index=1)
    lamps = {"q1": "初中", "q2": "未更换", "q9": "不住校"}
    assert post_answers(client, student, lamps).status_code == 303
    hashes = [r.client_hash for r in responses()]
    assert len(hashes) == 2 and hashes[0] != hashes[1]

    # a different secret key gives a different hash for the same cookie
    from surveyapp.respond.services import client_hash
    form = survey.forms[0]
    assert client_hash("test-secret", form, cookie) == hashes[0]
    assert client_hash("another-secret", form, cookie) != hashes[0]
    db.session.rollback()


def test_resent_submission_after_the_survey_closed_still_shows_thanks(client, open_form):
    survey, url = open_form()
    _, hidden = open_page(client, url)
    assert post_answers(client, url, VALID, hidden=hidden).status_code == 303
    survey.status = "closed"
    db.session.commit()
    again = post_answers(client, url, VALID, hidden=hidden)
    assert again.status_code == 303 and again.headers["Location"].endswith("/-/thanks")
    assert len(responses()) == 1


def test_a_second_response_of_a_browser_stored_meanwhile_is_refused_inside_the_insert(open_form, caplog):
    """Two tabs that both passed the early check: the INSERT itself finds the first one and stores nothing."""
    import logging

    from surveyapp.respond import services

    survey, _ = open_form()
    form = services.form_ref(survey.forms[0].token)
    unit = survey.units[0]
    common = dict(client_hash="a" * 64, duration_s=30.0, channel="手机")
    with caplog.at_level(logging.INFO, logger="surveyapp.respond.services"):
        first = services.insert_response(form, unit, {"q1": "小学"}, submit_token="t" * 32, **common)
        db.session.commit()
        second = services.insert_response(form, unit, {"q1": "初中"}, submit_token="u" * 32, **common)
        db.session.commit()
    assert first is not None and second is None
    assert f"Response {first} stored" in caplog.text
    [stored] = responses()
    assert (stored.public_id, stored.answers, stored.submit_token) == (first, {"q1": "小学"}, "t" * 32)
    # another browser, a browser without a cookie, or a survey that allows repeats is not held back by it
    assert services.insert_response(form, unit, {"q1": "高中"}, submit_token="v" * 32,
                                    **{**common, "client_hash": "b" * 64}) is not None
    assert services.insert_response(form, unit, {"q1": "高中"}, submit_token="w" * 32,
                                    **{**common, "client_hash": None}) is not None
    survey.allow_repeat = True
    db.session.commit()
    assert services.insert_response(form, unit, {"q1": "高中"}, submit_token="x" * 32, **common) is not None
    db.session.commit()
    assert len(responses()) == 4


@pytest.mark.parametrize("change", ["closed", "draft", "closes_at passed", "opens_at ahead"])
def test_the_insert_stores_nothing_once_the_survey_no_longer_accepts_responses(open_form, change):
    """A survey closed between the last check and the INSERT takes nothing more: the INSERT itself asks."""
    from datetime import UTC, datetime, timedelta

    from surveyapp.respond import services

    survey, _ = open_form()
    form = services.form_ref(survey.forms[0].token)
    now = datetime.now(UTC)
    if change in ("closed", "draft"):
        survey.status = change
    elif change == "closes_at passed":
        survey.closes_at = now - timedelta(seconds=1)
    else:
        survey.opens_at = now + timedelta(minutes=5)
    db.session.commit()
    assert services.insert_response(form, survey.units[0], {"q1": "小学"}, submit_token="t" * 32,
                                    client_hash="a" * 64, duration_s=30.0, channel="手机") is None
    assert responses() == []
    survey.status, survey.opens_at, survey.closes_at = "open", now - timedelta(minutes=5), now + timedelta(minutes=5)
    db.session.commit()
    assert services.insert_response(form, survey.units[0], {"q1": "小学"}, submit_token="t" * 32,
                                    client_hash="a" * 64, duration_s=30.0, channel="手机") is not None


def test_two_tabs_posting_in_the_same_instant_store_one_response(app, open_form):
    """Two tabs of one browser both passed the early check and post at once. The first holds this
    browser's turn until it commits (SQLite: the write turn; PostgreSQL: an advisory lock per browser and
    form); the second is let in after that, finds the first one inside its INSERT and stores nothing."""
    import threading

    from surveyapp.respond import services

    survey, _ = open_form()
    form = services.form_ref(survey.forms[0].token)
    unit = services.UnitRef(survey.units[0].id, survey.units[0].code, survey.units[0].name)
    db.session.commit()
    inserted, release = threading.Event(), threading.Event()
    stored: dict[str, str | None] = {}
    failures: list[BaseException] = []

    def tab(name: str, hold: bool) -> None:
        try:
            with app.app_context():
                with services.serialized_write():
                    stored[name] = services.insert_response(
                        form, unit, {"q1": "小学"}, submit_token=name * 32, client_hash="c" * 64,
                        duration_s=30.0, channel="手机")
                    if hold:
                        inserted.set()
                        release.wait(10)
                    db.session.commit()
                db.session.remove()
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            failures.append(exc)
            inserted.set()

    first = threading.Thread(target=tab, args=("a", True))
    first.start()
    assert inserted.wait(10)
    second = threading.Thread(target=tab, args=("b", False))
    second.start()
    second.join(1.0)
    waited = second.is_alive()          # the second tab waits while the first holds the turn
    release.set()
    first.join(10)
    second.join(10)
    assert failures == []
    assert waited
    assert stored["a"] is not None and stored["b"] is None
    assert [r.submit_token for r in responses()] == ["a" * 32]
