"""Login, logout and the throttle on failed attempts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from surveyapp.extensions import db
from surveyapp.models import User

from .conftest import PASSWORD, csrf_token, log_in

WRONG = "用户名或密码错误"
LOCKED = "登录失败次数过多，请15分钟后再试"


def test_login_with_csrf_token_then_logout(client, evaluator):
    reply = log_in(client)
    assert reply.status_code == 302 and reply.headers["Location"] == "/console/"
    page = client.get("/console/")
    assert page.status_code == 200 and "evaluator" in page.get_data(as_text=True)
    token = csrf_token(page.get_data(as_text=True))
    out = client.post("/console/logout", data={"csrf_token": token})
    assert out.status_code == 302 and out.headers["Location"] == "/console/login"
    assert client.get("/console/").status_code == 302


def test_login_without_csrf_token_is_refused(client, evaluator):
    reply = client.post("/console/login", data={"username": "evaluator", "password": PASSWORD})
    assert reply.status_code in (200, 400)
    assert client.get("/console/").status_code == 302


def test_logout_needs_a_post_with_token(client, evaluator):
    log_in(client)
    assert client.get("/console/logout").status_code == 405
    client.post("/console/logout", data={})
    assert client.get("/console/").status_code == 200        # still logged in


def test_wrong_password_and_unknown_user_get_the_same_message(client, evaluator):
    wrong = log_in(client, password="not-the-password")
    unknown = log_in(client, username="nobody-here", password="not-the-password")
    assert wrong.status_code == unknown.status_code == 200
    assert WRONG in wrong.get_data(as_text=True) and WRONG in unknown.get_data(as_text=True)
    assert client.get("/console/").status_code == 302
    assert db.session.get(User, evaluator.id).failed_logins == 1


def test_five_failures_lock_the_account_for_15_minutes(client, evaluator):
    for attempt in range(5):
        reply = log_in(client, password=f"wrong-{attempt}")
        assert WRONG in reply.get_data(as_text=True)
    locked = log_in(client)                                    # the right password, but locked now
    assert LOCKED in locked.get_data(as_text=True)
    assert client.get("/console/").status_code == 302
    user = db.session.get(User, evaluator.id)
    assert user.failed_logins == 5
    # 16 minutes after the last failure the lock is over and the right password works
    user.last_failed_login_at = datetime.now(UTC) - timedelta(minutes=16)
    db.session.commit()
    assert log_in(client).status_code == 302
    db.session.expire_all()
    assert db.session.get(User, evaluator.id).failed_logins == 0


def test_failures_spread_beyond_the_window_do_not_lock(client, evaluator):
    for attempt in range(4):
        log_in(client, password=f"wrong-{attempt}")
    user = db.session.get(User, evaluator.id)
    user.last_failed_login_at = datetime.now(UTC) - timedelta(minutes=20)   # the 4 failures are old
    db.session.commit()
    reply = log_in(client, password="wrong-again")              # a fresh count: 1, not 5
    assert WRONG in reply.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, evaluator.id).failed_logins == 1
    assert log_in(client).status_code == 302


def test_unknown_user_is_locked_like_a_real_one(client, evaluator):
    for attempt in range(5):
        log_in(client, username="ghost", password=f"wrong-{attempt}")
    assert LOCKED in log_in(client, username="ghost", password="x" * 12).get_data(as_text=True)
    # another name is not affected
    assert log_in(client).status_code == 302


@pytest.mark.parametrize(("next_url", "expected"), [
    ("/console/surveys/new", "/console/surveys/new"),
    ("https://evil.example/console/", "/console/"),
    ("//evil.example/console/", "/console/"),
    ("/elsewhere", "/console/"),
])
def test_next_is_followed_only_inside_the_console(client, evaluator, next_url, expected):
    reply = log_in(client, next_url=next_url)
    assert reply.status_code == 302 and reply.headers["Location"] == expected
