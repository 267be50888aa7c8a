"""Who may open what: anonymous visitors, non-members, viewers, editors, owners and admins, checked on
every console route by walking the URL map (not a hand-kept list of URLs)."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from surveyapp.console import PUBLIC_ENDPOINTS
from surveyapp.extensions import db
from surveyapp.models import Response, Survey, SurveyMember, User
from surveyapp.surveys.members import add_owner

from .conftest import csrf_token, log_in

# The need of every console route of a survey, written out here from the roles' definition (viewer: read
# pages and downloads of statistics; editor: plus screening, scoring inputs, open/close, raw data; owner:
# plus members and the survey's audit log), so that a route added without its entry fails the test.
NEEDS = {
    ("GET", "console.survey"): "view",
    ("POST", "console.survey_status"): "edit",
    ("GET", "console.links"): "view",
    ("GET", "console.qr"): "view",
    ("GET", "console.print_codes"): "view",
    ("GET", "console.progress"): "view",
    ("GET", "console.progress_data"): "view",
    ("GET", "console.screening"): "view",
    ("POST", "console.screening_bulk"): "edit",
    ("GET", "console.response_detail"): "view",
    ("POST", "console.response_detail"): "edit",
    ("GET", "console.history"): "view",
    ("GET", "console.statistics_page"): "view",
    ("GET", "console.statistics_chart"): "view",
    ("GET", "console.text_page"): "view",
    ("GET", "console.text_wordcloud"): "view",
    ("GET", "console.scoring"): "view",
    ("POST", "console.scoring"): "edit",
    ("GET", "console.scoring_export"): "view",
    ("GET", "console.downloads"): "view",
    ("GET", "console.download_responses"): "edit",
    ("GET", "console.download_statistics"): "view",
    ("GET", "console.download_pictures"): "view",
    ("GET", "console.download_report"): "view",
    ("GET", "console.members"): "own",
    ("POST", "console.members"): "own",
    ("POST", "console.member"): "own",
    ("GET", "console.survey_audit"): "own",
}
ADMIN_ONLY = {("GET", "console.users"), ("POST", "console.users"), ("POST", "console.user_action"),
              ("GET", "console.audit_log")}
SLOW = {"console.download_report", "console.download_pictures"}
"""Downloads the owner is not asked for here (seconds each; their own tests open them)."""
FORM = {"action": "close", "status": "invalid", "reason": "越权测试", "flag": "speeder", "role": "viewer",
        "username": "evaluator"}


def _url(rule, samples: dict) -> str:
    missing = set(rule.arguments) - set(samples)
    assert not missing, f"add a sample value for {missing} of {rule.rule}"
    url = rule.rule
    for name in rule.arguments:
        url = url.replace(f"<{name}>", str(samples[name])).replace(f"<int:{name}>", str(samples[name]))
    assert "<" not in url, url
    return url


def _routes(app, samples: dict, survey_pages: bool | None = None) -> list[tuple[str, str, str]]:
    """(method, endpoint, url) of every console route (only those of a survey, or only the others)."""
    found = []
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("console.") or rule.endpoint in PUBLIC_ENDPOINTS:
            continue
        if survey_pages is not None and ("slug" in rule.arguments) != survey_pages:
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            found.append((method, rule.endpoint, _url(rule, samples)))
    return found


@pytest.fixture
def scene(app, evaluator, make_survey, add_response, make_user):
    """A survey owned by `owner` (no admin; `evaluator` is the admin) with one response, and the samples
    for every route argument."""
    owner = make_user("owner")
    survey = make_survey(["student-lamps"], status="open")
    membership = add_owner(survey, owner)
    db.session.commit()
    response = add_response(survey, "student", "S1")
    samples = {"slug": survey.slug, "form_id": survey.forms[0].id, "unit_code": survey.units[0].code,
               "kind": "png", "public_id": response.public_id, "member_id": membership.id, "user_id": owner.id,
               "qid": "student-lamps", "number": 1}
    return survey, response, samples


def _client_of(app, name: str):
    client = app.test_client()
    assert log_in(client, username=name).status_code == 302
    return client


def _unchanged(survey: Survey, response: Response) -> None:
    db.session.expire_all()
    assert db.session.get(Survey, survey.id).status == "open"
    assert db.session.get(Response, response.id).status == "valid"


@pytest.mark.usefixtures("no_csrf")  # so that the login guard, not the CSRF check, is what refuses a POST
def test_every_console_route_refuses_anonymous_visitors(app, client, scene):
    survey, response, samples = scene
    routes = _routes(app, samples)
    assert len(routes) >= 30, routes
    for method, _endpoint, url in routes:
        reply = client.open(url, method=method, data=FORM)
        if reply.status_code == 302:
            location = urlsplit(reply.headers["Location"])
            assert location.path == "/console/login", (method, url, reply.headers["Location"])
        else:
            assert reply.status_code == 401, (method, url, reply.status_code)
    _unchanged(survey, response)


def test_every_survey_route_has_its_need_written_down(app, scene):
    *_, samples = scene
    assert {(method, endpoint) for method, endpoint, _ in _routes(app, samples, survey_pages=True)} == set(NEEDS)


@pytest.mark.usefixtures("no_csrf")
def test_a_non_member_gets_404_on_every_survey_page_and_download(app, scene, make_user):
    survey, response, samples = scene
    make_user("stranger")
    owner, stranger = _client_of(app, "owner"), _client_of(app, "stranger")
    seen_by_owner = 0
    for method, endpoint, url in _routes(app, samples, survey_pages=True):
        if method == "GET" and endpoint not in SLOW:
            seen_by_owner += owner.get(url).status_code == 200
        reply = stranger.open(url, method=method, data=FORM)
        assert reply.status_code == 404, (method, url, reply.status_code)
    assert seen_by_owner >= 15                              # the same URLs open for the owner
    _unchanged(survey, response)
    assert stranger.get("/console/surveys/no-such-survey").status_code == 404   # same answer as a hidden one
    listing = stranger.get("/console/").get_data(as_text=True)
    assert survey.slug not in listing and "还没有您可以查看的调查" in listing
    assert survey.slug in owner.get("/console/").get_data(as_text=True)


@pytest.mark.usefixtures("no_csrf")
@pytest.mark.parametrize(("role", "allowed"), [("viewer", {"view"}), ("editor", {"view", "edit"})])
def test_viewers_and_editors_get_403_beyond_their_role(app, scene, make_user, role, allowed):
    survey, response, samples = scene
    member = make_user("member")
    db.session.add(SurveyMember(survey_id=survey.id, user_id=member.id, role=role))
    db.session.commit()
    client = _client_of(app, "member")
    refused = []
    for method, endpoint, url in _routes(app, samples, survey_pages=True):
        if NEEDS[(method, endpoint)] in allowed:
            continue
        reply = client.open(url, method=method, data=FORM)
        assert reply.status_code == 403, (method, url, reply.status_code)
        refused.append(endpoint)
    if role == "viewer":
        assert {"console.screening_bulk", "console.response_detail", "console.survey_status",
                "console.download_responses"} <= set(refused)
    assert {"console.members", "console.member", "console.survey_audit"} <= set(refused)
    _unchanged(survey, response)
    assert db.session.scalar(db.select(db.func.count(SurveyMember.id))) == 2       # no member added


def test_a_viewer_reads_pages_and_statistics_but_posting_a_screening_change_is_refused(app, scene, make_user):
    survey, response, _ = scene
    reader = make_user("reader")
    db.session.add(SurveyMember(survey_id=survey.id, user_id=reader.id, role="viewer"))
    db.session.commit()
    client = _client_of(app, "reader")
    base = f"/console/surveys/{survey.slug}"
    page = client.get(f"{base}/responses/{response.public_id}")
    assert page.status_code == 200 and "判为无效" not in page.get_data(as_text=True)   # no button for a viewer
    assert client.get(f"{base}/statistics").status_code == 200
    workbook = client.get(f"{base}/download/statistics.xlsx?q=student-lamps")
    assert workbook.status_code == 200 and workbook.data[:2] == b"PK"
    downloads = client.get(f"{base}/downloads").get_data(as_text=True)
    assert "statistics.xlsx" in downloads and "download/responses" not in downloads
    # a real screening post with a valid CSRF token (the one of the page's logout form)
    token = csrf_token(client.get(f"{base}/screening").get_data(as_text=True))
    reply = client.post(f"{base}/responses/{response.public_id}",
                        data={"csrf_token": token, "status": "invalid", "reason": "查看者不应能判定"})
    assert reply.status_code == 403
    _unchanged(survey, response)


@pytest.mark.usefixtures("no_csrf")
def test_admin_pages_are_refused_to_evaluators_who_are_not_admins(app, scene):
    *_, samples = scene
    owner = _client_of(app, "owner")                       # owns a survey, but is no admin
    routes = [(m, e, u) for m, e, u in _routes(app, samples, survey_pages=False) if (m, e) in ADMIN_ONLY]
    assert {(m, e) for m, e, _ in routes} == ADMIN_ONLY
    for method, _endpoint, url in routes:
        reply = owner.open(url, method=method, data={"username": "intruder", "action": "deactivate"})
        assert reply.status_code == 403, (method, url, reply.status_code)
    page = owner.get("/console/").get_data(as_text=True)
    assert "用户管理" not in page
    assert db.session.scalar(db.select(User).filter_by(username="intruder")) is None
    assert db.session.get(User, samples["user_id"]).active


def test_login_page_and_stylesheet_are_public(client):
    assert client.get("/console/login").status_code == 200
    css = client.get("/console/static/console/console.css")
    assert css.status_code == 200 and b"--accent" in css.data
    css.close()


def test_anonymous_is_sent_to_login_with_next(client):
    reply = client.get("/console/")
    assert reply.status_code == 302
    assert reply.headers["Location"].startswith("/console/login?next=")
