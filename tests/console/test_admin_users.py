"""User administration by an admin: create with a password shown once, reset, deactivate, end logins."""

from __future__ import annotations

import re

import sqlalchemy as sa

from surveyapp.extensions import db
from surveyapp.models import User

from .conftest import PASSWORD, csrf_token, log_in
from .test_statistics import tables_in

SHOWN = re.compile(r"的密码：<code>([^<]+)</code>")


def _post(console, url: str, **data):
    token = csrf_token(console.get("/console/admin/users").get_data(as_text=True))
    return console.post(url, data={"csrf_token": token, **data})


def _users(console) -> dict[str, list[str]]:
    rows = tables_in(console.get("/console/admin/users").get_data(as_text=True))["users"][1:]
    return {row[0].split()[0]: row[1:5] for row in rows}


def test_an_admin_creates_a_user_whose_password_is_shown_once(app, console):
    reply = _post(console, "/console/admin/users", username="zhao.li")
    assert reply.status_code == 200 and reply.headers["Cache-Control"] == "no-store"
    password = SHOWN.search(reply.get_data(as_text=True)).group(1)
    assert len(password) == 16
    assert password not in console.get("/console/admin/users").get_data(as_text=True)   # not shown again
    assert _users(console)["zhao.li"] == ["评价人员", "启用", "0", "0"]
    other = app.test_client()
    assert log_in(other, username="zhao.li", password=password).status_code == 302
    assert _users(console)["zhao.li"][3] == "1"                 # one open login
    again = _post(console, "/console/admin/users", username="zhao.li")
    assert "用户名 zhao.li 已存在" in again.get_data(as_text=True)
    bad = _post(console, "/console/admin/users", username="x y")
    assert "用户名须为 3-64 个字母" in bad.get_data(as_text=True)
    admin = _post(console, "/console/admin/users", username="chief", admin="y")
    assert admin.status_code == 200 and _users(console)["chief"][0] == "管理员"


def test_reset_deactivate_activate_and_end_logins(app, console, make_user):
    wang = make_user("wang")
    other = app.test_client()
    assert log_in(other, username="wang").status_code == 302
    url = f"/console/admin/users/{wang.id}"

    reset = _post(console, url, action="reset")
    new_password = SHOWN.search(reset.get_data(as_text=True)).group(1)
    assert other.get("/console/").status_code == 302            # the reset ended wang's login
    assert log_in(other, username="wang", password=PASSWORD).status_code == 200
    assert log_in(other, username="wang", password=new_password).status_code == 302

    assert _post(console, url, action="revoke").status_code == 302
    assert "已结束 wang 的 1 个登录" in console.get("/console/admin/users").get_data(as_text=True)
    assert other.get("/console/").status_code == 302

    assert log_in(other, username="wang", password=new_password).status_code == 302
    assert _post(console, url, action="deactivate").status_code == 302
    assert other.get("/console/").status_code == 302
    assert _users(console)["wang"][1] == "已停用"
    assert log_in(other, username="wang", password=new_password).status_code == 200
    assert _post(console, url, action="activate").status_code == 302
    assert log_in(other, username="wang", password=new_password).status_code == 302


def test_an_admin_cannot_deactivate_their_own_account(console, evaluator):
    reply = _post(console, f"/console/admin/users/{evaluator.id}", action="deactivate")
    assert reply.status_code == 302
    assert "不能停用自己的账号" in console.get("/console/admin/users").get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, evaluator.id).active
    assert console.get("/console/").status_code == 200


def test_unknown_user_and_bad_action_are_refused(console):
    assert _post(console, "/console/admin/users/999", action="reset").status_code == 404
    assert _post(console, "/console/admin/users/1", action="promote").status_code == 400


def test_users_commands(runner, make_user):
    first = runner.invoke(args=["users", "create", "first-user"])
    assert first.exit_code == 0 and first.output.startswith("admin first-user created; password: ")
    second = runner.invoke(args=["users", "create", "second-user"])
    assert second.output.startswith("user second-user created")
    third = runner.invoke(args=["users", "create", "third-user", "--admin"])
    assert third.output.startswith("admin third-user created")
    admins = db.session.scalars(sa.select(User.username).filter_by(is_admin=True).order_by(User.id)).all()
    assert admins == ["first-user", "third-user"]
    assert runner.invoke(args=["users", "deactivate", "second-user"]).exit_code == 0
    assert not db.session.scalar(sa.select(User.active).filter_by(username="second-user"))
    assert runner.invoke(args=["users", "activate", "second-user"]).exit_code == 0
    revoked = runner.invoke(args=["users", "revoke-sessions", "second-user"])
    assert revoked.exit_code == 0 and revoked.output.strip() == "0 sessions of second-user ended"
    missing = runner.invoke(args=["users", "deactivate", "nobody"])
    assert missing.exit_code == 2 and "no user 'nobody'" in missing.output
