"""Login, logout, the login throttle (growing delays kept in the database) and the lifetimes of a login."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from surveyapp.auth.throttle import delay_after, network_of
from surveyapp.extensions import db
from surveyapp.models import AuditEvent, LoginSession, LoginThrottle

from .conftest import PASSWORD, at, csrf_token, log_in

WRONG = "用户名或密码错误"
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


def test_delays_after_the_free_failures_double_up_to_15_minutes():
    # worked out by hand: 3 free failures, then 1, 2, 4, ... seconds, never above 900 s
    assert [delay_after(n, 3).total_seconds() for n in range(1, 9)] == [0, 0, 0, 1, 2, 4, 8, 16]
    assert delay_after(13, 3).total_seconds() == 512
    assert delay_after(14, 3).total_seconds() == 900          # 1024 s capped
    assert delay_after(500, 3).total_seconds() == 900


def test_an_ipv6_address_counts_as_its_64_block():
    assert network_of("2001:db8:1:2:aaaa::1") == network_of("2001:db8:1:2:ffff::9") == "2001:db8:1:2::/64"
    assert network_of("2001:db8:1:3::1") != network_of("2001:db8:1:2::1")
    assert network_of("::ffff:198.51.100.7") == "198.51.100.7"
    assert network_of("not an address") == "unknown"


def test_one_address_trying_many_names_is_slowed_after_ten_failures(client, evaluator, clock):
    at(client, "198.51.100.20")
    for number in range(10):                                   # ten names, one try each: no delay yet
        assert log_in(client, username=f"name{number}", password="guess-guess").status_code == 200
    assert log_in(client, username="name10", password="guess-guess").status_code == 200   # 11th checked
    held = log_in(client)                                      # now even the right password waits 1 s
    assert held.status_code == 429 and "请 1 秒后再试" in held.get_data(as_text=True)
    assert held.headers["Retry-After"] == "1"
    clock.advance(1)
    assert log_in(client).status_code == 302


def test_a_success_clears_the_count_of_that_account_from_that_address(client, evaluator, clock):
    at(client, "198.51.100.30")
    for attempt in range(3):
        log_in(client, password=f"typo-{attempt}")
    assert log_in(client).status_code == 302
    pair = db.session.get(LoginThrottle, "pair:evaluator|198.51.100.30")
    assert pair is None
    client.post("/console/logout", data={"csrf_token": csrf_token(client.get("/console/").get_data(as_text=True))})
    for attempt in range(3):                                   # three new typos are all checked again
        reply = log_in(client, password=f"typo-again-{attempt}")
        assert reply.status_code == 200 and WRONG in reply.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(LoginThrottle, "pair:evaluator|198.51.100.30").failures == 3
    # the account's own count is not cleared by a success: 6 failures today, 5 free, so 1 s to wait
    assert db.session.get(LoginThrottle, "account:evaluator").failures == 6
    assert log_in(client).status_code == 429
    clock.advance(1)
    assert log_in(client).status_code == 302


def test_failures_are_forgotten_a_day_after_the_last_one(client, evaluator, clock):
    at(client, "198.51.100.40")
    for attempt in range(6):
        clock.advance(60)                                      # each after the previous delay has passed
        log_in(client, password=f"wrong-{attempt}")
    assert db.session.get(LoginThrottle, "pair:evaluator|198.51.100.40").failures == 6
    clock.advance(24 * 3600)
    reply = log_in(client, password="wrong-again")             # counted as the first failure of a new day
    assert reply.status_code == 200
    db.session.expire_all()
    assert db.session.get(LoginThrottle, "pair:evaluator|198.51.100.40").failures == 1
    assert log_in(client).status_code == 302


def test_a_deactivated_account_gets_the_wrong_password_answer(client, evaluator, make_user):
    user = make_user("leaver")
    user.active = False
    db.session.commit()
    reply = log_in(client, username="leaver")
    assert reply.status_code == 200 and WRONG in reply.get_data(as_text=True)
    assert client.get("/console/").status_code == 302


def _session_row() -> LoginSession:
    db.session.expire_all()
    return db.session.scalars(sa.select(LoginSession).order_by(LoginSession.id.desc())).first()


def test_a_login_ends_after_two_idle_hours(client, evaluator):
    log_in(client)
    assert client.get("/console/").status_code == 200
    row = _session_row()
    row.last_seen_at = datetime.now(UTC) - timedelta(minutes=119)
    db.session.commit()
    assert client.get("/console/").status_code == 200          # 119 minutes idle: still valid, and renewed
    assert datetime.now(UTC) - _session_row().last_seen_at < timedelta(minutes=1)
    row = _session_row()
    row.last_seen_at = datetime.now(UTC) - timedelta(minutes=121)
    db.session.commit()
    reply = client.get("/console/")
    assert reply.status_code == 302 and reply.headers["Location"].startswith("/console/login")


def test_a_login_ends_twelve_hours_after_it_began_even_when_used(client, evaluator):
    log_in(client)
    row = _session_row()
    row.created_at = datetime.now(UTC) - timedelta(hours=11, minutes=59)
    db.session.commit()
    assert client.get("/console/").status_code == 200
    row = _session_row()
    row.created_at = datetime.now(UTC) - timedelta(hours=12, minutes=1)
    db.session.commit()
    assert client.get("/console/").status_code == 302


def test_lifetimes_are_settings(app, client, evaluator):
    app.config.update(SESSION_IDLE_MINUTES="15", SESSION_MAX_HOURS="1")       # as from the environment
    log_in(client)
    row = _session_row()
    row.last_seen_at = datetime.now(UTC) - timedelta(minutes=16)
    db.session.commit()
    assert client.get("/console/").status_code == 302


@pytest.mark.parametrize("value", ["0", "-5", "two hours"])
def test_a_bad_lifetime_setting_stops_the_start(tmp_path, value):
    from surveyapp import create_app

    with pytest.raises(RuntimeError, match="SESSION_IDLE_MINUTES"):
        create_app({"SECRET_KEY": "x", "SESSION_IDLE_MINUTES": value,
                    "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'bad.sqlite'}"})


@pytest.mark.parametrize(("next_url", "expected"), [
    ("/console/surveys/new", "/console/surveys/new"),
    ("https://evil.example/console/", "/console/"),
    ("//evil.example/console/", "/console/"),
    ("/elsewhere", "/console/"),
    ("/console/%0d%0aSet-Cookie:%20evil=1", "/console/"),
    ("/console/%0aLocation:%20https://evil.example/", "/console/"),
    ("/console/surveys/x%09y", "/console/"),
])
def test_next_is_followed_only_inside_the_console(client, evaluator, next_url, expected):
    reply = log_in(client, next_url=next_url)
    assert reply.status_code == 302 and reply.headers["Location"] == expected
    assert "evil" not in str(reply.headers)


def _change(client, current: str, new: str, confirm: str | None = None):
    page = client.get("/console/account/password").get_data(as_text=True)
    return client.post("/console/account/password", data={
        "csrf_token": csrf_token(page), "current": current, "new": new,
        "confirm": new if confirm is None else confirm})


def test_an_evaluator_changes_their_own_password_and_other_logins_end(app, client, evaluator):
    other_device = app.test_client()
    assert log_in(client).status_code == 302 and log_in(other_device).status_code == 302
    reply = _change(client, PASSWORD, "新的密码-2026-冬季")
    assert reply.status_code == 302
    assert "2 个登录已结束" in client.get("/console/").get_data(as_text=True)    # this browser stays in
    assert other_device.get("/console/").status_code == 302                        # the other one is out
    client.post("/console/logout", data={"csrf_token": csrf_token(client.get("/console/").get_data(as_text=True))})
    assert log_in(client, password=PASSWORD).status_code == 200                   # the old one is refused
    assert log_in(client, password="新的密码-2026-冬季").status_code == 302
    events = db.session.scalars(sa.select(AuditEvent.detail).filter_by(action="password_changed")).all()
    assert events == ["evaluator（结束 2 个登录）"]


@pytest.mark.parametrize(("current", "new", "confirm", "message"), [
    ("wrong-password", "新的密码-2026-冬季", None, "当前密码不正确。"),
    (PASSWORD, "short", None, "新密码须为 10-200 个字符。"),
    (PASSWORD, "长" * 201, None, "新密码须为 10-200 个字符。"),
    ("长" * 201, "新的密码-2026-冬季", None, "密码不能超过 200 个字符。"),
    (PASSWORD, PASSWORD, None, "新密码不能与当前密码相同。"),
    (PASSWORD, "新的密码-2026-冬季", "新的密码-2026-夏季", "两次输入的新密码不一致。"),
])
def test_a_refused_password_change_says_why_and_changes_nothing(client, evaluator, current, new, confirm, message):
    log_in(client)
    reply = _change(client, current, new, confirm)
    assert reply.status_code in (200, 422) and message in reply.get_data(as_text=True)
    db.session.expire_all()
    assert evaluator.check_password(PASSWORD)
    assert client.get("/console/").status_code == 200                                # still logged in


def test_wrong_current_passwords_are_held_by_the_login_throttle(client, evaluator, clock):
    """Three wrong current passwords from one address are free (as for a login); the fourth sets a 1 s wait,
    during which even the right password is not checked."""
    log_in(client)
    for _ in range(4):
        assert "当前密码不正确。" in _change(client, "wrong-password", "新的密码-2026-冬季").get_data(as_text=True)
    held = _change(client, PASSWORD, "新的密码-2026-冬季")
    assert held.status_code == 429 and held.headers["Retry-After"] == "1"
    assert "密码尝试过于频繁，请 1 秒后再试。" in held.get_data(as_text=True)
    db.session.expire_all()
    assert evaluator.check_password(PASSWORD)
    failed = db.session.scalars(sa.select(AuditEvent.detail).filter_by(action="password_change_failed")).all()
    assert failed == ["evaluator（当前密码不正确）"] * 4
    clock.advance(1)
    assert _change(client, PASSWORD, "新的密码-2026-冬季").status_code == 302
    db.session.expire_all()
    assert evaluator.check_password("新的密码-2026-冬季")
