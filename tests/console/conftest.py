"""Console fixtures: an evaluator account, logging in (with the real CSRF token), stored responses."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from questionnaires import clean_answers
from surveyapp.auth import login as login_module
from surveyapp.auth import services as auth_services
from surveyapp.auth.services import create_user
from surveyapp.extensions import db
from surveyapp.models import Response, Survey
from surveyapp.surveys.services import version_questionnaire

PASSWORD = "correct-horse-42"
CSRF_INPUT = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|'
                        r'name="csrf_token" value="([^"]+)"')

STUDENT_ANSWERS = {"q1": "小学", "q2": "已更换", "q3": "有", "q4": "1-5小时", "q5": "全部能正常使用",
                   "q6": "有", "q7": "满意", "q8": "明显更舒服", "q9": "不住校", "q11": "灯很好"}


def csrf_token(html: str) -> str:
    """The CSRF token of the first form on a page."""
    match = CSRF_INPUT.search(html)
    assert match, "no csrf_token field on the page"
    return match.group(1) or match.group(2)


@pytest.fixture
def evaluator(app):
    """The admin account the console tests log in with (an admin sees every survey)."""
    user = create_user("evaluator", PASSWORD, admin=True)
    db.session.commit()
    return user


@pytest.fixture
def make_user(app):
    """Another account: make_user("wang") (not an admin unless admin=True); its password is PASSWORD."""

    def make(name: str, admin: bool = False):
        user = create_user(name, PASSWORD, admin=admin)
        db.session.commit()
        return user

    return make


def log_in(client, username: str = "evaluator", password: str = PASSWORD, next_url: str | None = None):
    """Log in through the login page, with the CSRF token taken from the page."""
    page = client.get("/console/login").get_data(as_text=True)
    query = f"?next={next_url}" if next_url else ""
    token = {"csrf_token": csrf_token(page)} if CSRF_INPUT.search(page) else {}    # none with CSRF switched off
    return client.post(f"/console/login{query}", data={**token, "username": username, "password": password})


@pytest.fixture
def console(app, client, evaluator):
    """A client logged in as the evaluator."""
    response = log_in(client)
    assert response.status_code == 302
    return client


@pytest.fixture
def no_csrf(app):
    app.config["WTF_CSRF_ENABLED"] = False
    yield
    app.config["WTF_CSRF_ENABLED"] = True


@pytest.fixture
def add_response(app):
    """Store a response: add_response(survey, "student", "S1", status="valid", answers={...})."""
    counter = iter(range(1, 100_000))

    def add(survey: Survey, role: str, unit_code: str | None, *, status: str = "valid",
            submitted_at: datetime | None = None, answers: dict | None = None,
            duration_s: float | None = 200.0, reason: str | None = None,
            client_hash: str | None = None) -> Response:
        form = next(f for f in survey.forms if f.role == role)
        unit = next(u for u in survey.units if u.code == unit_code) if unit_code else None
        raw = STUDENT_ANSWERS if answers is None else answers
        canonical, problems = clean_answers(version_questionnaire(form.version), raw, enforce_required=False)
        assert not problems, problems
        response = Response(form_id=form.id, unit_id=unit.id if unit else None, answers=canonical,
                            submitted_at=submitted_at or datetime.now(UTC), duration_s=duration_s,
                            status=status, invalid_reason=reason if status == "invalid" else None,
                            public_id=f"r{next(counter):05d}", client_hash=client_hash)
        db.session.add(response)
        db.session.commit()
        return response

    return add


class Clock:
    """The time the login code sees (`surveyapp.auth.login.utcnow`), moved by the test."""

    def __init__(self, now: datetime):
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture(name="clock")
def clock_fixture(monkeypatch):
    """The login throttle's clock (login and password change), fixed at 2026-03-02 01:00 UTC until the test
    advances it."""
    fixed = Clock(datetime(2026, 3, 2, 1, 0, tzinfo=UTC))
    monkeypatch.setattr(login_module, "utcnow", fixed)
    monkeypatch.setattr(auth_services, "utcnow", fixed)
    return fixed


def at(client, address: str):
    """The client, sending its next requests from `address`."""
    client.environ_base["REMOTE_ADDR"] = address
    return client
