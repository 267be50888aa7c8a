"""The API's frame: bearer tokens only (401 otherwise), no cookies, no CSRF, JSON errors for everything
under /api/."""

from __future__ import annotations

import re

import pytest

from surveyapp.auth.services import create_user
from surveyapp.auth.tokens import create_token, revoke_token
from surveyapp.extensions import db
from surveyapp.models import Survey
from surveyapp.surveys.members import add_member

from ..console.conftest import log_in
from .conftest import PASSWORD, ApiClient, assert_error


def test_a_valid_token_lists_the_surveys(api, make_survey):
    make_survey(["student-lamps"], slug="lamps-2025")
    response = api.get("/surveys")
    assert response.status_code == 200
    assert response.get_json() == {"surveys": [
        {"slug": "lamps-2025", "title": "测试调查", "status": "open", "responses": 0, "valid": 0}]}


@pytest.mark.parametrize("header", [None, "Bearer", "Bearer ", "Basic ZXZhbHVhdG9yOng=", "sa_abc"])
def test_a_request_without_a_bearer_token_gets_401(client, token, header):
    headers = {"Authorization": header} if header is not None else {}
    response = client.get("/api/v1/surveys", headers=headers)
    document = assert_error(response, 401, "unauthorized")
    assert "Authorization: Bearer" in document["message"]
    assert response.headers["WWW-Authenticate"] == "Bearer"


def test_a_wrong_token_gets_401(client, token):
    wrong = token[:-4] + ("aaaa" if not token.endswith("aaaa") else "bbbb")
    document = assert_error(client.get("/api/v1/surveys", headers={"Authorization": f"Bearer {wrong}"}),
                            401, "unauthorized")
    assert document["message"] == "The API token is not valid."


def test_a_revoked_token_gets_401(api, evaluator, token):
    assert api.get("/surveys").status_code == 200
    revoke_token(evaluator, token.split("_")[1])
    db.session.commit()
    document = assert_error(api.get("/surveys"), 401, "unauthorized")
    assert document["message"] == "The API token has been revoked."


def test_the_scheme_is_case_insensitive(client, token):
    assert client.get("/api/v1/surveys", headers={"Authorization": f"bearer {token}"}).status_code == 200


def test_a_console_session_cookie_does_not_authenticate_the_api(app, client, evaluator):
    assert log_in(client).status_code == 302
    assert client.get("/console/").status_code == 200           # the cookie does log into the console
    response = client.get("/api/v1/surveys")
    assert_error(response, 401, "unauthorized")
    assert "Set-Cookie" not in response.headers


def test_posts_need_no_csrf_token_and_set_no_cookie(api, app):
    assert app.config.get("WTF_CSRF_ENABLED", True)
    response = api.post("/surveys/none/status", json={"action": "open"})
    assert_error(response, 404, "not_found")                     # routed and authenticated, not a CSRF 400
    assert "Set-Cookie" not in response.headers


@pytest.mark.parametrize("path", ["/api/v1/nothing", "/api/v2/surveys", "/api/", "/api"])
def test_unknown_api_paths_get_404_json(client, path):
    response = client.get(path)
    assert_error(response, 404, "not_found")
    assert b"<html" not in response.data.lower()


def test_a_wrong_method_gets_405_json(api):
    response = api.client.delete("/api/v1/surveys", headers={"Authorization": f"Bearer {api.token}"})
    assert_error(response, 405, "method_not_allowed")
    assert "GET" in response.headers["Allow"]


def test_a_body_over_the_limit_gets_413_json(api, app):
    limit = app.config["MAX_CONTENT_LENGTH"]
    response = api.post("/surveys/none/status", data=b"x" * (limit + 1), headers={"Content-Type": "application/json"})
    document = assert_error(response, 413, "too_large")
    assert str(limit) in document["message"]


def test_a_crash_gets_500_json_without_traceback(api, app, monkeypatch):
    import surveyapp.surveys.api as surveys_api

    def explode():
        raise RuntimeError("secret internals")

    monkeypatch.setattr(surveys_api, "list_surveys", explode)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = api.get("/surveys")
    document = assert_error(response, 500, "server_error")
    assert b"secret internals" not in response.data and b"Traceback" not in response.data
    assert document["errors"] == []


def test_html_errors_stay_html_outside_the_api(client):
    response = client.get("/console/nothing-here")
    assert response.status_code in (302, 404)
    response = client.get("/nothing-here")
    assert response.status_code == 404 and response.mimetype == "text/html"


def test_every_api_route_refuses_a_request_without_token(app, client, make_survey):
    """Walk the URL map: no API endpoint answers anything but 401 JSON to a request without token."""
    survey = make_survey(["student-lamps"], slug="walk")
    samples = {"slug": survey.slug, "system": "lamps", "kind": "csv", "id": "student-lamps", "qid": "student-lamps"}
    rules = [rule for rule in app.url_map.iter_rules() if rule.endpoint.startswith("api.")]
    assert len(rules) >= 11, [r.rule for r in rules]
    for rule in rules:
        url = rule.rule
        for name in rule.arguments:
            url = re.sub(rf"<[^>]*\b{name}>", samples[name], url)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            reply = client.open(url, method=method, json={})
            assert_error(reply, 401, "unauthorized")


def test_the_api_follows_the_survey_roles(api, client, make_survey):
    """A token acts as its user: a survey the user is not a member of does not exist for it (404), a viewer
    reads but may not change (403), and the survey list holds only the user's surveys."""
    survey = make_survey(["student-lamps"], slug="secret", status="draft")
    other = make_survey(["student-lamps"], slug="elsewhere")
    viewer = create_user("wang.fang", PASSWORD)
    add_member(survey, viewer, "viewer")
    _, text = create_token(viewer, "viewer's script")
    db.session.commit()
    script = ApiClient(client, text)
    assert [s["slug"] for s in script.get("/surveys").get_json()["surveys"]] == ["secret"]
    assert script.get("/surveys/secret/progress").status_code == 200
    document = assert_error(script.post("/surveys/secret/status", json={"action": "open"}), 403, "forbidden")
    assert document["message"] == "Your account may not do this."
    assert_error(script.get(f"/surveys/{other.slug}/progress"), 404, "not_found")
    db.session.expire_all()
    assert db.session.get(Survey, survey.id).status == "draft"
    # the first account is the admin: its token sees both
    assert {s["slug"] for s in api.get("/surveys").get_json()["surveys"]} == {"secret", "elsewhere"}
