"""Security: CSRF on every POST, escaped open answers everywhere, neutralised exports, cookies, SECRET_KEY,
console logins as an attacker tries them (replayed and forged cookies, locking out an owner, probing
user names).

Already covered elsewhere and not repeated here: anonymous visitors, non-members, viewers and non-admins
refused on every console route (tests/console/test_access.py), public posts without a valid CSRF token
(tests/respond/test_hostile.py), login without a token, the throttle's rules, login lifetimes and `next=`
with CR/LF (tests/console/test_login.py).
"""

from __future__ import annotations

import csv
import io
import re
from urllib.parse import urlencode

import pytest
from docx import Document
from flask import g
from openpyxl import load_workbook

from questionnaires import SHIPPED
from surveyapp import create_app
from surveyapp.auth.services import create_user
from surveyapp.console import PUBLIC_ENDPOINTS
from surveyapp.extensions import db
from surveyapp.models import AuditEvent, Response, Survey, User
from surveyapp.respond import routes as respond_routes
from surveyapp.respond import services as respond_services
from tests.conftest import FreshClient
from tests.console.conftest import (
    PASSWORD,
    at,
    clock_fixture,  # noqa: F401  (the `clock` fixture)
    csrf_token,
    log_in,
)
from tests.integration.servers import PARENT_ANSWERS
from tests.respond.conftest import unit_url
from tests.respond.helpers import hidden_fields

SCRIPT = '<script>alert("xss")</script><img src=x onerror=alert(1)>'
FORMULA = '=HYPERLINK("http://evil.example/","点我领奖")'
PLUS = "+1+cmd|' /C calc'!A0"


@pytest.fixture
def browser(app):
    """Makes test clients whose requests each start with an empty `g`, as in production (see
    tests/conftest.py FreshClient)."""
    return app.test_client


@pytest.fixture
def parent_survey(make_survey):
    survey = make_survey(["parent-platform"], units=(("S1", "第一小学"),))
    return survey, unit_url(survey, "S1")


def _submit(browser, url: str, **changes: str):
    client = browser()
    hidden = hidden_fields(client.get(url).get_data(as_text=True))
    pairs = [(k, changes.get(k, v)) for k, v in PARENT_ANSWERS]
    reply = client.post(url, data=urlencode(list(hidden.items()) + pairs),
                        content_type="application/x-www-form-urlencoded")
    assert reply.status_code == 303
    return reply


@pytest.fixture
def hostile_response(browser, parent_survey):
    """A response submitted through the public page with a script in q25 and a formula in q5.other."""
    survey, url = parent_survey
    _submit(browser, url, q25=SCRIPT, **{"q5.other": FORMULA})
    _submit(browser, url, q25=PLUS, **{"q5.other": "@SUM(A1:A9)"})
    db.session.expire_all()
    stored = db.session.scalars(db.select(Response).order_by(Response.id)).all()
    assert stored[0].answers["q25"] == SCRIPT and stored[0].answers["q5.other"] == FORMULA
    return survey, stored[0]


@pytest.fixture
def evaluator_client(app, browser):
    create_user("evaluator", PASSWORD, admin=True)
    db.session.commit()
    client = browser()
    assert log_in(client).status_code == 302
    return client


def _console_urls(app, survey: Survey, response: Response, methods: set[str]) -> list[tuple[str, str]]:
    samples = {"slug": survey.slug, "form_id": str(survey.forms[0].id), "unit_code": survey.units[0].code,
               "kind": "png", "public_id": response.public_id, "member_id": "1", "user_id": "1",
               "qid": "student-lamps", "number": "1"}
    urls = []
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("console.") or rule.endpoint in PUBLIC_ENDPOINTS:
            continue
        assert set(rule.arguments) <= set(samples), f"add a sample for {rule.rule}"
        url = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: samples[m.group(1)], rule.rule)
        for method in sorted(rule.methods & methods):
            urls.append((method, url))
    return urls


# -- CSRF ------------------------------------------------------------------------------------------------

def test_every_console_post_needs_the_csrf_token_even_when_logged_in(app, evaluator_client, hostile_response):
    survey, response = hostile_response
    posts = [(m, u) for m, u in _console_urls(app, survey, response, {"POST"})]
    assert ("POST", f"/console/surveys/{survey.slug}/status") in posts
    form = {"action": "close", "status": "invalid", "reason": "伪造的请求", "flag": "speeder",
            "title": "x", "slug": "forged"}
    for method, url in posts:
        reply = evaluator_client.open(url, method=method, data=form)
        assert reply.status_code == 400, (url, reply.status_code)
        reply = evaluator_client.open(url, method=method, data={**form, "csrf_token": "forged.token"})
        assert reply.status_code == 400, (url, reply.status_code)
    db.session.expire_all()
    assert db.session.get(Survey, survey.id).status == "open"
    assert db.session.get(Response, response.id).status == "valid"
    assert db.session.scalar(db.select(db.func.count(Survey.id))) == 1


def test_public_post_without_csrf_stores_nothing_even_with_a_valid_submit_token(browser, parent_survey):
    _, url = parent_survey
    client = browser()
    hidden = hidden_fields(client.get(url).get_data(as_text=True))
    del hidden["csrf_token"]
    reply = client.post(url, data=urlencode(list(hidden.items()) + PARENT_ANSWERS),
                        content_type="application/x-www-form-urlencoded")
    assert reply.status_code == 400
    assert db.session.scalar(db.select(db.func.count(Response.id))) == 0


# -- escaped everywhere -----------------------------------------------------------------------------------

def test_open_answers_are_escaped_on_every_console_page(app, evaluator_client, hostile_response):
    survey, response = hostile_response
    pages = [u for m, u in _console_urls(app, survey, response, {"GET"})]
    extra = [f"/console/surveys/{survey.slug}/text?v=q25", f"/console/surveys/{survey.slug}/text?v=q5.other",
             f"/console/surveys/{survey.slug}/statistics?q=parent-platform"]
    shown_escaped = []
    for url in pages + extra:
        reply = evaluator_client.get(url)
        if not reply.content_type.startswith("text/html"):
            continue
        body = reply.get_data(as_text=True)
        assert "<script>alert" not in body and "<img src=x" not in body, url
        if "&lt;script&gt;alert(" in body:
            shown_escaped.append(url.split("?")[0].rsplit("/", 1)[-1])
    # the response's own page shows the answer, as text
    assert response.public_id in shown_escaped, shown_escaped


def test_respondent_pages_escape_a_unit_name_and_the_cached_page_matches_a_full_render(app, browser, make_survey,
                                                                                     monkeypatch):
    survey = make_survey(["parent-platform"], units=(("S1", '<script>alert("unit")</script>&学校'),))
    url = unit_url(survey, "S1")
    page = browser().get(url).get_data(as_text=True)
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&#34;unit&#34;)&lt;/script&gt;&amp;学校" in page
    # the fresh page is served from a per-form cache with the per-respondent values filled in: it must be
    # exactly what the template renders for the same values
    monkeypatch.setattr(respond_services, "new_submit_token", lambda secret, form, unit: "S" * 32)
    monkeypatch.setattr(respond_services, "sign_start", lambda secret, form: "1.started.sig")
    monkeypatch.setattr(respond_routes, "generate_csrf", lambda: "csrf.token.value")
    with app.test_request_context(url):
        g.csrf_token = "csrf.token.value"
        target = respond_routes._target(url.rsplit("/", 1)[1], None)
        cached = respond_routes._fresh_page(target).get_data(as_text=True)
        form = respond_routes.qforms.questionnaire_form_class(target.questionnaire)(formdata=None)
        form[respond_routes.qforms.SUBMIT_FIELD].data = "S" * 32
        form[respond_routes.qforms.STARTED_FIELD].data = "1.started.sig"
        full = respond_routes._questionnaire_html(target, form, csrf_token=lambda: "csrf.token.value")
    assert cached == full


# -- exports ------------------------------------------------------------------------------------------

def test_csv_and_xlsx_exports_neutralise_formulas_and_keep_the_script_as_text(evaluator_client, hostile_response):
    survey, _ = hostile_response
    base = f"/console/surveys/{survey.slug}/download/responses"
    reply = evaluator_client.get(f"{base}.csv?questionnaire=parent-platform")
    assert reply.status_code == 200
    rows = list(csv.DictReader(io.StringIO(reply.get_data().decode("utf-8-sig"))))
    assert [r["q5.other"] for r in rows] == ["'" + FORMULA, "'@SUM(A1:A9)"]
    assert [r["q25"] for r in rows] == [SCRIPT, "'" + PLUS]

    # XLSX (both layouts): the text as typed in string cells, which are never formulas, so no ' is added
    for layout, wanted in (("exchange", (FORMULA, "@SUM(A1:A9)", PLUS, SCRIPT)), ("readable", (PLUS, SCRIPT))):
        reply = evaluator_client.get(f"{base}.xlsx?layout={layout}")
        assert reply.status_code == 200
        book = load_workbook(io.BytesIO(reply.data))
        cells = [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]
        assert [cell for cell in cells if cell.data_type == "f"] == [], layout
        for text in wanted:
            assert [cell.data_type for cell in cells if cell.value == text] == ["s"], (layout, text)
        assert not [cell for cell in cells if isinstance(cell.value, str) and cell.value.startswith("'")], layout
    # the readable layout writes the other text inside the option's cell, as the hosted tool does
    assert any(isinstance(cell.value, str) and cell.value.endswith(f"〖{FORMULA}〗") for cell in cells)


def test_word_report_shows_the_script_as_literal_text(app, hostile_response, tmp_path):
    survey, _ = hostile_response
    out = tmp_path / "report.docx"
    result = app.test_cli_runner().invoke(args=["report", "--survey", survey.slug, "--sections", "text",
                                                "--no-charts", "--out", str(out)])
    assert result.exit_code == 0, result.output
    document = Document(str(out))
    texts = [p.text for p in document.paragraphs]
    texts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    assert any(SCRIPT in text for text in texts), "the open answer is missing from the report"
    # Word shows text as text (a leading = or + is no formula there): the payload must simply be literal
    assert any(PLUS.lower() in text.lower() for text in texts)


# -- cookies and the secret key -------------------------------------------------------------------------

def _set_cookies(reply) -> dict[str, str]:
    return {header.split("=", 1)[0]: header for header in reply.headers.getlist("Set-Cookie")}


def test_cookies_are_httponly_and_samesite_lax(browser, parent_survey):
    _, url = parent_survey
    cookies = _set_cookies(browser().get(url))
    assert set(cookies) == {"session", "sa_cid"}
    for header in cookies.values():
        assert "HttpOnly" in header and "SameSite=Lax" in header
        assert "Secure" not in header                          # development over http


def test_production_cookies_are_secure(tmp_path):
    app = create_app({"ENV_NAME": "production", "SECRET_KEY": "a-long-random-production-secret-0123456789",
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'prod.sqlite'}"})
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_SECURE"]
    assert app.config["SESSION_COOKIE_HTTPONLY"] and app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    with app.app_context():
        db.create_all()
        from surveyapp.surveys.services import FormSpec, create_survey, set_status

        survey = create_survey("生产配置", "prod", [FormSpec(SHIPPED / "parent-platform.yaml")], [])
        set_status(survey, "open")
        db.session.commit()
        url = f"/s/{survey.forms[0].token}"
    client = app.test_client()
    cookies = _set_cookies(client.get(url))
    assert set(cookies) == {"session", "sa_cid"}
    for header in cookies.values():
        assert "Secure" in header and "HttpOnly" in header and "SameSite=Lax" in header
    login = _set_cookies(client.get("/console/login"))
    assert all("Secure" in header for header in login.values())


@pytest.mark.parametrize("secret", [None, "", "dev-only-not-secret"])
def test_production_refuses_a_missing_or_default_secret_key(tmp_path, secret):
    config = {"ENV_NAME": "production", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'p.sqlite'}"}
    if secret is not None:
        config["SECRET_KEY"] = secret
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(config)


def test_production_from_the_environment_refuses_to_start_without_secret_key(tmp_path, monkeypatch):
    for key in ("SECRET_KEY", "DATABASE_URL"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("SURVEYAPP_ENV_NAME", "production")
    monkeypatch.setenv("SURVEYAPP_SQLALCHEMY_DATABASE_URI", f"sqlite:///{tmp_path / 'env.sqlite'}")
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app()
    monkeypatch.setenv("SECRET_KEY", "another-long-random-production-secret-987")
    assert create_app().config["SESSION_COOKIE_SECURE"] is True


# -- the benchmark's no-op endpoint ---------------------------------------------------------------------

def test_bench_noop_endpoint_is_absent_unless_enabled(app, tmp_path):
    assert app.test_client().post("/_bench/noop", data={"a": "1"}).status_code == 404
    enabled = create_app({"BENCH_NOOP": "1", "SECRET_KEY": "x",
                          "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'noop.sqlite'}"})
    reply = enabled.test_client().post("/_bench/noop", data={"a": "1", "b": "2"})
    assert reply.status_code == 303 and reply.headers["X-Fields"] == "2"
    for off in ("0", "", "false"):
        disabled = create_app({"BENCH_NOOP": off, "SECRET_KEY": "x",
                               "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'noop.sqlite'}"})
        assert disabled.test_client().post("/_bench/noop").status_code == 404


# -- console logins as an attacker tries them ------------------------------------------------------------

def _copy_cookie(source, target) -> None:
    target.set_cookie("session", source.get_cookie("session").value)


def _admin_and(name: str) -> User:
    create_user("admin", PASSWORD, admin=True)
    user = create_user(name, PASSWORD)
    db.session.commit()
    return user


def test_a_copied_login_cookie_stops_working_after_logout_password_reset_and_revoke(app, browser):
    wang = _admin_and("wang")
    owner, thief = browser(), browser()
    assert log_in(owner, username="wang").status_code == 302
    _copy_cookie(owner, thief)
    assert thief.get("/console/").status_code == 200          # a copied cookie works while the login lasts
    kept = owner.get_cookie("session").value
    owner.post("/console/logout", data={"csrf_token": csrf_token(owner.get("/console/").get_data(as_text=True))})
    assert thief.get("/console/").status_code == 302          # ... and not after the logout
    replay = browser()
    replay.set_cookie("session", kept)
    assert replay.get("/console/").status_code == 302

    assert log_in(owner, username="wang").status_code == 302
    _copy_cookie(owner, thief)
    reset = app.test_cli_runner().invoke(args=["users", "reset-password", "wang"])
    assert reset.exit_code == 0, reset.output
    assert thief.get("/console/").status_code == 302 and owner.get("/console/").status_code == 302
    new_password = reset.output.strip().rsplit(": ", 1)[1]

    assert log_in(owner, username="wang", password=new_password).status_code == 302
    _copy_cookie(owner, thief)
    admin = browser()
    assert log_in(admin, username="admin").status_code == 302
    token = csrf_token(admin.get("/console/admin/users").get_data(as_text=True))
    revoked = admin.post(f"/console/admin/users/{wang.id}", data={"csrf_token": token, "action": "revoke"})
    assert revoked.status_code == 302
    assert thief.get("/console/").status_code == 302 and owner.get("/console/").status_code == 302
    assert admin.get("/console/").status_code == 200          # only wang's logins ended


def test_a_cookie_signed_with_the_key_but_without_a_login_on_the_server_opens_nothing(app, browser):
    _admin_and("wang")
    forger = browser()
    forged = app.session_interface.get_signing_serializer(app).dumps(
        {"_user_id": "1", "_fresh": True, "login": "made-up-token"})
    forger.set_cookie("session", forged)
    reply = forger.get("/console/")
    assert reply.status_code == 302 and reply.headers["Location"].startswith("/console/login")


def test_failures_from_one_address_slow_it_down_but_never_lock_the_owner_out(browser, clock):
    _admin_and("owner")
    attacker = at(browser(), "203.0.113.66")
    waits = []
    for attempt in range(12):
        reply = log_in(attacker, username="owner", password=f"guess-{attempt}")
        if reply.status_code == 429:
            waits.append(int(reply.headers["Retry-After"]))
            clock.advance(waits[-1])
            reply = log_in(attacker, username="owner", password=f"guess-{attempt}")
        assert reply.status_code == 200 and "用户名或密码错误" in reply.get_data(as_text=True)
    # three free failures, then 1 s doubling after each further one (worked out by hand: 4th .. 11th)
    assert waits == [1, 2, 4, 8, 16, 32, 64, 128]
    held = log_in(attacker, username="owner")                # even the right password waits now
    assert held.status_code == 429 and "请 5 分钟后再试" in held.get_data(as_text=True)   # 256 s

    owner = at(browser(), "198.51.100.8")
    assert log_in(owner, username="owner").status_code == 302      # the owner, from elsewhere, gets in
    assert log_in(attacker, username="owner").status_code == 429   # the attacker is still held

    # a second address that has failed on the account once is held by the account's own delay
    helper = at(browser(), "192.0.2.99")
    assert log_in(helper, username="owner", password="guess-from-elsewhere").status_code == 200
    assert log_in(helper, username="owner", password="another-guess").status_code == 429


def _answer(reply, typed_name: str) -> tuple[int, str | None, str]:
    text = re.sub(r'name="csrf_token"[^>]*value="[^"]+"', "", reply.get_data(as_text=True))
    return reply.status_code, reply.headers.get("Retry-After"), text.replace(typed_name, "NAME")


def test_an_unknown_name_and_a_wrong_password_get_the_same_answers_throughout(browser, clock):
    _admin_and("owner")
    known, unknown = at(browser(), "203.0.113.10"), at(browser(), "203.0.113.11")
    answers = []
    for attempt in range(6):
        wrong = _answer(log_in(known, username="owner", password=f"guess-{attempt}"), "owner")
        missing = _answer(log_in(unknown, username="nobody", password=f"guess-{attempt}"), "nobody")
        assert wrong == missing, attempt
        answers.append(wrong[:2])
    assert answers == [(200, None)] * 4 + [(429, "1")] * 2
    # the right password of the real account while held: the same answer as for the unknown name
    assert _answer(log_in(known, username="owner"), "owner") == _answer(
        log_in(unknown, username="nobody", password=PASSWORD), "nobody")


@pytest.mark.parametrize(("proxies", "expected"), [("0", "127.0.0.1"), ("1", "203.0.113.5")])
def test_the_client_address_comes_from_forwarded_headers_only_behind_trusted_proxies(tmp_path, proxies, expected):
    app = create_app({"SECRET_KEY": "x", "TRUSTED_PROXIES": proxies,
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'proxy.sqlite'}"})
    app.test_client_class = FreshClient
    with app.app_context():
        db.create_all()
        create_user("admin", PASSWORD)
        db.session.commit()
        client = app.test_client()
        # the client forged the first value; the one trusted proxy appended the address it saw
        forwarded = {"X-Forwarded-For": "198.51.100.1, 203.0.113.5"}
        token = csrf_token(client.get("/console/login").get_data(as_text=True))
        reply = client.post("/console/login", headers=forwarded,
                            data={"csrf_token": token, "username": "admin", "password": PASSWORD})
        assert reply.status_code == 302
        event = db.session.scalar(db.select(AuditEvent).filter_by(action="login"))
        assert event.address == expected
        db.session.remove()
        db.engine.dispose()


@pytest.mark.parametrize("value", ["-1", "yes"])
def test_a_bad_trusted_proxies_setting_stops_the_start(tmp_path, value):
    with pytest.raises(RuntimeError, match="TRUSTED_PROXIES"):
        create_app({"SECRET_KEY": "x", "TRUSTED_PROXIES": value,
                    "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'bad.sqlite'}"})
