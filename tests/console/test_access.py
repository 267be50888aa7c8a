"""Every console route refuses an anonymous visitor: walk the URL map, not a hand-kept list."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from surveyapp.console import PUBLIC_ENDPOINTS
from surveyapp.extensions import db
from surveyapp.models import Response


def _console_rules(app):
    return [rule for rule in app.url_map.iter_rules()
            if rule.endpoint.startswith("console.") and rule.endpoint not in PUBLIC_ENDPOINTS]


def _sample_url(rule, survey, response) -> str:
    samples = {"slug": survey.slug, "form_id": survey.forms[0].id, "unit_code": survey.units[0].code,
               "kind": "png", "public_id": response.public_id, "qid": "student-lamps", "number": 1}
    missing = set(rule.arguments) - set(samples)
    assert not missing, f"add a sample value for {missing} of {rule.rule}"
    url = rule.rule
    for name in rule.arguments:
        url = url.replace(f"<{name}>", str(samples[name])).replace(f"<int:{name}>", str(samples[name]))
    assert "<" not in url, url
    return url


@pytest.mark.usefixtures("no_csrf")  # so that the login guard, not the CSRF check, is what refuses a POST
def test_every_console_route_refuses_anonymous_visitors(app, client, make_survey, add_response):
    survey = make_survey(["student-lamps"], status="draft")
    response = add_response(survey, "student", "S1")
    rules = _console_rules(app)
    assert len(rules) >= 15, [r.rule for r in rules]
    checked = []
    for rule in rules:
        url = _sample_url(rule, survey, response)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            form = {"action": "open", "status": "invalid", "reason": "x", "flag": "speeder"}
            reply = client.open(url, method=method, data=form)
            if reply.status_code == 302:
                location = urlsplit(reply.headers["Location"])
                assert location.path == "/console/login", (method, url, reply.headers["Location"])
            else:
                assert reply.status_code == 401, (method, url, reply.status_code)
            checked.append((method, url))
    assert ("POST", f"/console/surveys/{survey.slug}/status") in checked
    assert ("GET", f"/console/surveys/{survey.slug}/progress.json") in checked
    db.session.expire_all()
    assert survey.status == "draft"                       # the anonymous POSTs changed nothing
    assert db.session.get(Response, response.id).status == "valid"


def test_login_page_and_stylesheet_are_public(client):
    assert client.get("/console/login").status_code == 200
    css = client.get("/console/static/console/console.css")
    assert css.status_code == 200 and b"--accent" in css.data
    css.close()


def test_anonymous_is_sent_to_login_with_next(client):
    reply = client.get("/console/")
    assert reply.status_code == 302
    assert reply.headers["Location"].startswith("/console/login?next=")
