"""What is recorded beside the answers: channel, duration from the signed first view, unit; the service."""

from __future__ import annotations

import logging
import time

import pytest
from itsdangerous import TimestampSigner

from surveyapp.extensions import db
from surveyapp.respond.services import STARTED_SALT, channel_of, duration_since, form_ref, insert_response
from tests.respond.conftest import VALID, VALID_STORED, unit_url
from tests.respond.helpers import open_page, post_answers, responses

WECHAT = ("Mozilla/5.0 (Linux; Android 12; V2048A Build/SP1A.210812.003; wv) "
          "AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/107.0.5304.141 "
          "Mobile Safari/537.36 XWEB/5075 MMWEBSDK/20230405 "
          "MMWEBID/2585 MicroMessenger/8.0.35.2360(0x2800235B) WeChat/arm64 Weixin NetType/WIFI "
          "Language/zh_CN")
IPHONE_WECHAT = ("Mozilla/5.0 (iPhone; CPU iPhone OS 16_5 like Mac OS X) AppleWebKit/605.1.15 "
                 "(KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.38(0x1800262c) "
                 "NetType/4G Language/zh_CN")
ANDROID = ("Mozilla/5.0 (Linux; Android 13; 22081212C) AppleWebKit/537.36 (KHTML, like Gecko) "
           "Chrome/116.0.0.0 Mobile Safari/537.36")
IPHONE = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
          "Version/17.0 Mobile/15E148 Safari/604.1")
DESKTOP = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
           "Chrome/120.0.0.0 Safari/537.36")


@pytest.mark.parametrize("user_agent, channel", [
    (WECHAT, "微信"), (IPHONE_WECHAT, "微信"), (ANDROID, "手机"), (IPHONE, "手机"),
    (DESKTOP, "电脑"), ("", "电脑"),
])
def test_channel_is_taken_from_the_user_agent(client, open_form, user_agent, channel):
    _, url = open_form()
    headers = {"User-Agent": user_agent}
    _, hidden = open_page(client, url, headers=headers)
    assert post_answers(client, url, VALID, hidden, headers=headers).status_code == 303
    assert responses()[0].channel == channel
    assert channel_of(user_agent) == channel


def _signed_start(secret: str, form_id: int, seconds_ago: int) -> str:
    class Earlier(TimestampSigner):
        def get_timestamp(self) -> int:
            return int(time.time()) - seconds_ago

    return Earlier(secret, salt=STARTED_SALT).sign(str(form_id)).decode()


def test_duration_runs_from_the_signed_first_view(client, open_form):
    survey, url = open_form()
    _, hidden = open_page(client, url)
    hidden["started-at"] = _signed_start("test-secret", survey.forms[0].id, 300)   # opened 5 minutes ago
    assert post_answers(client, url, VALID, hidden).status_code == 303
    assert 299 <= responses()[0].duration_s <= 302


def test_duration_of_a_page_just_opened_is_a_few_seconds(client, open_form):
    _, url = open_form()
    assert post_answers(client, url, VALID).status_code == 303
    assert 0 <= responses()[0].duration_s <= 5


@pytest.mark.parametrize("forge", ["wrong key", "other form", "edited", "garbage", "missing"])
def test_forged_start_time_gives_no_duration_but_keeps_the_answers(client, open_form, forge):
    survey, url = open_form()
    _, hidden = open_page(client, url)
    form_id = survey.forms[0].id
    hidden["started-at"] = {
        "wrong key": _signed_start("guessed-secret", form_id, 3600),
        "other form": _signed_start("test-secret", form_id + 1, 3600),
        "edited": hidden["started-at"].replace(hidden["started-at"].split(".")[1], "AAAAAA"),
        "garbage": "1.2.3",
        "missing": "",
    }[forge]
    assert post_answers(client, url, VALID, hidden).status_code == 303
    [stored] = responses()
    assert stored.duration_s is None and stored.answers == VALID_STORED


def test_duration_since_refuses_anything_unsigned(open_form):
    survey, _ = open_form()
    form = survey.forms[0]
    assert duration_since("test-secret", form, None) is None
    assert duration_since("test-secret", form, 12) is None
    assert duration_since("test-secret", form, "x" * 1000) is None
    signed = _signed_start("test-secret", form.id, 60)
    assert duration_since("test-secret", form, signed, now=time.time()) == pytest.approx(60, abs=2)


def test_unit_of_the_link_is_recorded(client, open_form):
    survey, _ = open_form()
    assert post_answers(client, unit_url(survey, "S2"), VALID).status_code == 303
    assert responses()[0].unit.name == "第二小学"


def test_insert_response_logs_and_leaves_the_commit_to_the_caller(open_form, caplog):
    survey, _ = open_form()
    form, unit = form_ref(survey.forms[0].token), survey.units[0]
    with caplog.at_level(logging.INFO, logger="surveyapp.respond.services"):
        public_id = insert_response(form, unit, {"q1": "小学"}, submit_token="t" * 32, client_hash=None,
                                    duration_s=12.0, channel="手机")
    assert len(responses()) == 1
    assert f"Response {public_id} stored" in caplog.text
    db.session.rollback()
    assert responses() == []
