"""API tokens: made and revoked on the command line and in the console, stored as a hash only."""

from __future__ import annotations

import hashlib

import sqlalchemy as sa

from surveyapp.extensions import db
from surveyapp.models import ApiToken

from ..console.conftest import csrf_token, log_in
from .conftest import assert_error


def _new_token(runner, name="evaluator", *args) -> str:
    result = runner.invoke(args=["users", "token", name, *args])
    assert result.exit_code == 0, result.output
    return result.output.strip().splitlines()[-1].split()[-1]


def test_the_cli_prints_a_working_token_once_and_stores_only_its_hash(runner, client, evaluator):
    token = _new_token(runner, "evaluator", "--label", "日报脚本")
    assert token.startswith("sa_") and len(token) > 40
    row = db.session.scalar(sa.select(ApiToken))
    assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in (row.prefix, row.label, row.token_hash)
    assert token.split("_")[1] == row.prefix and row.label == "日报脚本"
    assert client.get("/api/v1/surveys", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    db.session.expire_all()
    assert db.session.scalar(sa.select(ApiToken)).last_used_at is not None


def test_the_cli_lists_and_revokes_tokens(runner, client, evaluator):
    first = _new_token(runner, "evaluator", "--label", "one")
    second = _new_token(runner, "evaluator")
    listing = runner.invoke(args=["users", "tokens", "evaluator"]).output.splitlines()
    assert listing[0].split("\t") == ["prefix", "label", "created_at", "last_used_at", "revoked_at"]
    rows = {line.split("\t")[0]: line.split("\t") for line in listing[1:]}
    assert set(rows) == {first.split("_")[1], second.split("_")[1]}
    assert rows[first.split("_")[1]][1] == "one"
    assert all(row[4] == "" for row in rows.values())

    result = runner.invoke(args=["users", "revoke-token", "evaluator", first.split("_")[1]])
    assert result.exit_code == 0, result.output
    assert_error(client.get("/api/v1/surveys", headers={"Authorization": f"Bearer {first}"}), 401, "unauthorized")
    assert client.get("/api/v1/surveys", headers={"Authorization": f"Bearer {second}"}).status_code == 200
    listing = runner.invoke(args=["users", "tokens", "evaluator"]).output.splitlines()[1:]
    revoked = {line.split("\t")[0]: line.split("\t")[4] for line in listing}
    assert revoked[first.split("_")[1]] != "" and revoked[second.split("_")[1]] == ""


def test_cli_errors_exit_2_with_one_message(runner, evaluator):
    result = runner.invoke(args=["users", "token", "nobody"])
    assert result.exit_code == 2 and "no user 'nobody'" in result.output
    result = runner.invoke(args=["users", "revoke-token", "evaluator", "deadbeef"])
    assert result.exit_code == 2 and "no token with prefix 'deadbeef'" in result.output
    assert "Traceback" not in result.output


def test_a_user_cannot_revoke_another_users_token(runner, client, evaluator):
    runner.invoke(args=["users", "create", "other", "--password", "another-pass-42"])
    token = _new_token(runner, "other")
    result = runner.invoke(args=["users", "revoke-token", "evaluator", token.split("_")[1]])
    assert result.exit_code == 2
    assert client.get("/api/v1/surveys", headers={"Authorization": f"Bearer {token}"}).status_code == 200


def test_the_console_page_creates_shows_once_and_revokes(client, evaluator):
    log_in(client)
    page = client.get("/console/tokens").get_data(as_text=True)
    assert "您还没有 API 令牌" in page
    created = client.post("/console/tokens", data={"csrf_token": csrf_token(page), "label": "进度脚本"})
    html = created.get_data(as_text=True)
    assert created.status_code == 200 and created.headers["Cache-Control"] == "no-store"
    assert "令牌只显示这一次" in html
    token = html.split('aria-label="新令牌"')[0].rsplit('value="', 1)[1].split('"')[0]
    assert client.get("/api/v1/surveys", headers={"Authorization": f"Bearer {token}"}).status_code == 200

    again = client.get("/console/tokens").get_data(as_text=True)
    assert token not in again and "进度脚本" in again and f"sa_{token.split('_')[1]}…" in again
    revoke = client.post("/console/tokens/revoke", data={"csrf_token": csrf_token(again),
                                                          "prefix": token.split("_")[1]})
    assert revoke.status_code == 302
    assert "已撤销" in client.get("/console/tokens").get_data(as_text=True)
    assert_error(client.get("/api/v1/surveys", headers={"Authorization": f"Bearer {token}"}), 401, "unauthorized")


def test_the_console_page_needs_a_login(client):
    response = client.get("/console/tokens")
    assert response.status_code == 302 and "/console/login" in response.headers["Location"]
