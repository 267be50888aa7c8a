"""POST /api/v1/account/password: a script changes its user's own password, as the console's page does."""

from __future__ import annotations

import sqlalchemy as sa

from surveyapp.extensions import db
from surveyapp.models import AuditEvent, LoginSession

from ..console.conftest import log_in
from .conftest import PASSWORD, assert_error

NEW = "新的密码-2026-冬季"


def test_the_password_changes_console_logins_end_and_the_token_keeps_working(app, api, evaluator):
    browser = app.test_client()
    assert log_in(browser).status_code == 302
    reply = api.post("/account/password", json={"current": PASSWORD, "new": NEW})
    assert reply.status_code == 200 and reply.get_json() == {"changed": True, "logins_ended": 1}
    assert browser.get("/console/").status_code == 302                 # the console login has ended
    db.session.expire_all()
    assert evaluator.check_password(NEW) and not evaluator.check_password(PASSWORD)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(LoginSession)
                             .where(LoginSession.ended_at.is_(None))) == 0
    assert api.get("/surveys").status_code == 200                        # the API token is not a login
    assert db.session.scalars(sa.select(AuditEvent.detail).filter_by(action="password_changed")).all() \
        == ["evaluator（结束 1 个登录）"]


def test_refusals_are_422_and_change_nothing(api, evaluator):
    for body, path in [({"current": "wrong-password", "new": NEW}, ""),
                       ({"current": PASSWORD, "new": "short"}, ""),
                       ({"current": PASSWORD, "new": PASSWORD}, ""),
                       ({"current": PASSWORD}, "new"),
                       ({"current": 12345678901, "new": NEW}, "current")]:
        document = assert_error(api.post("/account/password", json=body), 422, "invalid")
        assert document["errors"][0]["path"] == path, body
    document = assert_error(api.post("/account/password", data="current=x"), 422, "invalid")
    assert "JSON" in document["message"]
    db.session.expire_all()
    assert evaluator.check_password(PASSWORD)


def test_wrong_current_passwords_are_held_by_the_login_throttle(api, evaluator, clock):
    for _ in range(4):
        document = assert_error(api.post("/account/password", json={"current": "guess", "new": NEW}), 422, "invalid")
        assert document["message"] == "the current password is wrong"
    held = api.post("/account/password", json={"current": PASSWORD, "new": NEW})
    assert_error(held, 429, "too_many_requests")
    assert held.headers["Retry-After"] == "1"
    db.session.expire_all()
    assert evaluator.check_password(PASSWORD)
    clock.advance(1)
    assert api.post("/account/password", json={"current": PASSWORD, "new": NEW}).status_code == 200


def test_a_request_without_a_token_is_401(client, evaluator):
    reply = client.post("/api/v1/account/password", json={"current": PASSWORD, "new": NEW})
    assert_error(reply, 401, "unauthorized")
