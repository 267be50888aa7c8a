"""Public questionnaire pages: ``/s/<link token>`` (see the end of this docstring for every link form).

GET shows the questionnaire; POST validates it through `clean_answers`, stores one response, commits once
and redirects (303) to the thank-you page. Refusals, each a Chinese page:

- unknown form token, or unit code not in the survey: 404;
- a survey with units reached without a unit code: 404 asking for the school's own link;
- draft survey, or open but before `opens_at`: 403 "not open yet" (tokens are unguessable, so telling the
  holder of a link that it opens later leaks nothing and is kinder than "no such page");
- closed survey (status closed or after `closes_at`), also when it closed between view and submit: 410;
- missing or invalid CSRF token (session cookie lost, server key changed): 400 with the answers kept and
  "页面已过期" - the respondent submits again instead of starting over;
- answers with problems: 422 with messages beside the questions and every other answer kept;
- a second response from the same browser (cookie) when the survey does not allow repeats: 409 on POST,
  a friendly "already answered" page on GET;
- a re-sent submission (same one-time submit token): the thank-you page again, no second row;
- a submit token the server did not issue for this form and unit (made up, or from another school's
  page): 400 with the answers kept and a fresh token; one older than a day: the same "页面已过期" page;
- more posts from one address than SUBMIT_RATE_LIMIT allows: 429 with the answers kept.

Links: ``/s/<unit link token>`` (one unguessable token per form x unit), ``/s/<form token>`` for surveys
without units, and ``/s/<form token>/<unit code>`` only for forms made before unit links existed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from flask import current_app, g, make_response, redirect, render_template, request, url_for
from flask_limiter import RateLimitExceeded
from flask_wtf import FlaskForm
from flask_wtf.csrf import CSRFError, generate_csrf, validate_csrf
from markupsafe import escape
from sqlalchemy.exc import IntegrityError
from werkzeug.wrappers import Response as HTTPResponse
from wtforms.validators import ValidationError

from questionnaires import Questionnaire, clean_answers

from ..errors import error_page
from ..extensions import db
from . import bp, services
from . import forms as qforms
from .ratelimit import limiter, submit_limit, warn_if_behind_an_untrusted_proxy

CLIENT_COOKIE = "sa_cid"
CLIENT_COOKIE_AGE = 2 * 365 * 24 * 3600
CHINA_TIME = timezone(timedelta(hours=8))
ASCII_WORD_END = re.compile(r"[A-Za-z0-9]$")
ASCII_WORD_START = re.compile(r"^[A-Za-z0-9]")


class Refusal(Exception):
    """A request the respondent pages refuse with a Chinese page and an HTTP status."""

    def __init__(self, status: int, title: str, message: str):
        super().__init__(message)
        self.status, self.title, self.message = status, title, message


@bp.errorhandler(Refusal)
def _refused(exc: Refusal):  # noqa: ANN202
    db.session.rollback()
    return error_page(exc.status, exc.title, exc.message)


@dataclass(frozen=True)
class Target:
    """What a public URL points at: the form and unit (immutable, cached per process), the survey (read
    on every request: its status and dates change), the questionnaire."""

    form: services.FormRef
    survey: services.SurveyState
    unit: services.UnitRef | None
    questionnaire: Questionnaire
    previous_tokens: tuple[str | None, ...] = ()
    """Submit tokens of this browser's earlier responses (when asked for, and repeats are not allowed)."""


def _form_and_unit(token: str, unit_code: str | None) -> tuple[services.FormRef, services.UnitRef | None]:
    """The form and unit of a public URL (immutable, cached per process); Refusal 404 for a bad link.

    ``/s/<token>`` is a unit link (form and school) or, in a survey without units, a form;
    ``/s/<form token>/<unit code>`` opens only forms made before unit links (their printed links)."""
    if unit_code is None:
        found = services.public_target(token)
        if found is None:
            raise Refusal(404, "问卷链接无效",
                          "没有找到这份问卷，请检查链接是否完整，或向发放问卷的老师重新索取链接。")
        form, unit = found
        if unit is None and form.has_units:
            raise Refusal(404, "请使用学校的专属链接",
                          "本问卷需要通过学校（单位）的专属链接或二维码填写，请向学校索取完整的链接。")
        return form, unit
    form = services.form_ref(token)
    if form is None or not form.code_links:
        raise Refusal(404, "问卷链接无效",
                      "没有找到这份问卷，请检查链接是否完整，或向发放问卷的老师重新索取链接。")
    unit = services.unit_ref(form, unit_code)
    if unit is None:
        raise Refusal(404, "问卷链接无效",
                      "链接中的学校（单位）代码不存在，请检查链接是否完整，或向学校重新索取链接。")
    return form, unit


def _target(token: str, unit_code: str | None, client_hash_of: str | None = None) -> Target:
    """The form, unit and survey state of a public URL; with `client_hash_of` (a browser's cookie id)
    also that browser's earlier submit tokens, read in the same statement as the survey."""
    form, unit = _form_and_unit(token, unit_code)
    client_hash = None if client_hash_of is None else _client_hash(form, client_hash_of)
    survey, previous = services.survey_and_tokens(form, client_hash, unit)
    if survey is None:                                  # a form is never deleted; a restored database?
        raise Refusal(404, "问卷链接无效", "没有找到这份问卷，请检查链接是否完整。")
    return Target(form, survey, unit, form.questionnaire, tuple(previous))


def _refuse_unless_open(survey: services.SurveyState, state: str) -> None:
    if state == "closed":
        raise Refusal(410, "问卷已结束", "本次问卷调查已经结束收集，感谢您的关注与支持！")
    if state == "not_open":
        when = ""
        if survey.status == "open" and survey.opens_at is not None:
            when = f"开放时间：{survey.opens_at.astimezone(CHINA_TIME):%Y年%m月%d日 %H:%M}（北京时间）。"
        raise Refusal(403, "问卷尚未开放", f"本问卷尚未开放填写，请在开放后再打开此链接。{when}")


def _now() -> datetime:
    return datetime.now(UTC)


# -- client cookie ----------------------------------------------------------------------------------

def _client_id() -> tuple[str, bool]:
    """The browser's random id from its cookie, or a new one (True when it must be set)."""
    value = request.cookies.get(CLIENT_COOKIE, "")
    if services.CLIENT_ID.match(value):
        return value, False
    return services.new_client_id(), True


def _with_client_cookie(response: HTTPResponse, client_id: str, is_new: bool) -> HTTPResponse:
    if is_new:
        response.set_cookie(CLIENT_COOKIE, client_id, max_age=CLIENT_COOKIE_AGE, path="/s/", httponly=True,
                            samesite="Lax", secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")))
    return response


def _client_hash(form: services.FormRef, client_id: str) -> str:
    return services.client_hash(current_app.config["SECRET_KEY"], form, client_id)


def _already_answered(target: Target, submit_token: str | None = None) -> str | None:
    """'same' when this submission was stored already, 'other' when the browser answered before, else None
    (from the tokens `_target` read with the survey)."""
    if target.survey.allow_repeat:
        return None
    tokens = target.previous_tokens
    if submit_token is not None and submit_token in tokens:
        return "same"
    return "other" if tokens else None


# -- pages ------------------------------------------------------------------------------------------

def _paragraphs(text: str) -> list[str]:
    """Plain text as paragraphs: blank lines separate them, line breaks inside one are joined."""
    paragraphs = []
    for block in re.split(r"\n\s*\n", text.strip()):
        joined = ""
        for line in (part.strip() for part in block.splitlines()):
            if joined and line and ASCII_WORD_END.search(joined) and ASCII_WORD_START.search(line):
                joined += " "
            joined += line
        if joined:
            paragraphs.append(joined)
    return paragraphs


def _values(form: FlaskForm, questionnaire: Questionnaire) -> dict[str, Any]:
    """Submitted values for re-display: sets of codes for choices, text for the rest."""
    values: dict[str, Any] = {}
    for question in questionnaire.questions:
        for var in question.variables:
            data = qforms.field_data(form, var)
            if question.type in ("single", "scale", "multiple", "matrix") and not var.endswith(".other"):
                items = data if isinstance(data, list) else [data]
                values[var] = {str(v) for v in items if v is not None}
            else:
                values[var] = data if isinstance(data, str) else ""
    return values


def _questionnaire_html(target: Target, form: FlaskForm, *, problems=(), banner: str | None = None,
                        **overrides: Any) -> str:
    questionnaire = target.questionnaire
    errors: dict[str, str] = {}
    first_error = None
    for problem in problems:
        question = questionnaire.question(problem.variable)
        errors.setdefault(problem.variable, qforms.problem_message(question, problem))
        first_error = first_error or f"q-{question.id}"
    values = _values(form, questionnaire)
    context = dict(
        q=questionnaire, target=target, form=form,
        values=values, numbers=qforms.display_numbers(questionnaire, values), errors=errors,
        error_questions=len({v.split(".")[0] for v in errors}),
        first_error=first_error, banner=banner, intro=_paragraphs(questionnaire.intro),
        submit_field=qforms.SUBMIT_FIELD, started_field=qforms.STARTED_FIELD, forms=qforms,
        action=request.path,
    )
    context.update(overrides)
    return render_template("respond/questionnaire.html", **context)


def _render_questionnaire(target: Target, form: FlaskForm, *, status: int = 200, problems=(),
                          banner: str | None = None) -> HTTPResponse:
    response = make_response(_questionnaire_html(target, form, problems=problems, banner=banner), status)
    response.headers["Cache-Control"] = "no-store"
    return response


# -- the fresh page, rendered once per form ---------------------------------------------------------

SLOT = re.compile(r"@@surveyapp-slot-([a-z]+)@@")
_PAGES: dict[tuple[str, bool], list[str]] = {}


def _slot(name: str) -> str:
    return f"@@surveyapp-slot-{name}@@"


def _fresh_page_parts(target: Target) -> list[str]:
    """The fresh questionnaire page of a form split around its per-respondent slots: text, slot name,
    text, ... Rendered once per process and form (a form's questionnaire and units never change)."""
    key = (target.form.token, target.unit is not None)
    parts = _PAGES.get(key)
    if parts is None:
        form = qforms.questionnaire_form_class(target.questionnaire)(formdata=None)
        form[qforms.SUBMIT_FIELD].data = _slot("submit")
        form[qforms.STARTED_FIELD].data = _slot("started")
        unit = services.UnitRef(0, "", _slot("unit")) if target.unit is not None else None
        html = _questionnaire_html(replace(target, unit=unit), form, action=_slot("action"),
                                   csrf_token=lambda: _slot("csrf"))
        parts = SLOT.split(html)
        if len(_PAGES) >= services.CACHE_LIMIT:
            _PAGES.clear()
        _PAGES[key] = parts
    return parts


def _fresh_page(target: Target) -> HTTPResponse:
    """The questionnaire for a new respondent: the cached page with this respondent's CSRF token, one-time
    submit token and signed start time filled in (escaped as the template escapes them), the same bytes
    a full render gives - at a tenth of its cost, which matters when a notice reaches every parent at
    once."""
    secret = current_app.config["SECRET_KEY"]
    values = {
        "csrf": generate_csrf(),
        "submit": services.new_submit_token(secret, target.form, target.unit),
        "started": services.sign_start(secret, target.form),
        "unit": target.unit.name if target.unit is not None else "",
        "action": request.path,
    }
    parts = _fresh_page_parts(target)
    html = "".join(str(escape(values[part])) if i % 2 else part for i, part in enumerate(parts))
    response = make_response(html, 200)
    response.headers["Cache-Control"] = "no-store"
    return response


def _posted_form(target: Target) -> FlaskForm:
    """The posted form; the submit token and start time are renewed when missing, expired or not genuine."""
    form = qforms.questionnaire_form_class(target.questionnaire)()
    secret = current_app.config["SECRET_KEY"]
    _, token_state = services.check_submit_token(secret, target.form, target.unit, form[qforms.SUBMIT_FIELD].data)
    if token_state != "ok":
        form[qforms.SUBMIT_FIELD].data = services.new_submit_token(secret, target.form, target.unit)
    if not services.valid_start(secret, target.form, form[qforms.STARTED_FIELD].data):
        form[qforms.STARTED_FIELD].data = services.sign_start(secret, target.form)
    return form


def _thanks_redirect(client_id: str | None = None, is_new: bool = False) -> HTTPResponse:
    """303 to the thank-you page under the URL's own token."""
    response = redirect(url_for("respond.thanks", token=(request.view_args or {})["token"]), code=303)
    return _with_client_cookie(response, client_id, is_new) if client_id else response


def _already_page(target: Target, status: int) -> HTTPResponse:
    html = render_template("respond/already.html", q=target.questionnaire, target=target)
    return make_response(html, status)


@bp.route("/s/<token>", methods=["GET", "POST"], defaults={"unit_code": None})
@bp.route("/s/<token>/<unit_code>", methods=["GET", "POST"])
@limiter.limit(submit_limit, methods=["POST"])
def questionnaire(token: str, unit_code: str | None):  # noqa: ANN201
    client_id, is_new = _client_id()
    if request.method == "POST":
        return _submit(token, unit_code, client_id, is_new)
    target = _target(token, unit_code, None if is_new else client_id)
    _refuse_unless_open(target.survey, services.survey_state(target.survey, _now()))
    if not is_new and _already_answered(target):
        return _already_page(target, 200)
    return _with_client_cookie(_fresh_page(target), client_id, is_new)


def _csrf_checked() -> bool:
    """Whether the post's CSRF token is genuine: `CSRFProtect` checked it before the view (and refused a
    bad one through `_csrf_failed`); where it did not run, Flask-WTF's `validate_csrf` checks it here."""
    if not current_app.config.get("WTF_CSRF_ENABLED", True) or g.get("csrf_valid", False):
        return True
    try:
        validate_csrf(request.form.get(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")))
    except ValidationError:
        return False
    return True


def _submit(token: str, unit_code: str | None, client_id: str, is_new: bool) -> HTTPResponse:
    """A posted questionnaire. The usual post (genuine, complete, valid) is stored by one INSERT that also
    checks that the survey is open and that this browser has not answered yet; every other post, and one
    that INSERT refused, is answered from the survey's state and the browser's earlier responses, read
    then, in the order: survey not open, page expired, already answered, problems in the answers."""
    form, unit = _form_and_unit(token, unit_code)
    raw, posted_token, started = qforms.posted_values(form.questionnaire, request.form)
    submit_token, token_state = services.check_submit_token(current_app.config["SECRET_KEY"], form, unit,
                                                            posted_token)
    csrf_ok = _csrf_checked()
    genuine = csrf_ok and token_state == "ok"
    answers, problems = clean_answers(form.questionnaire, raw) if genuine else ({}, [])
    if genuine and not problems:
        stored = _store(form, unit, answers, submit_token, _client_hash(form, client_id), started)
        if stored:
            return _thanks_redirect(client_id, is_new)

    target = _target(token, unit_code, None if is_new else client_id)
    state = services.survey_state(target.survey, _now())
    if state != "open":
        if submit_token is not None and services.submit_token_used(submit_token):
            return _thanks_redirect()           # stored before it closed; this is a re-send
        _refuse_unless_open(target.survey, state)
    if not csrf_ok:
        return _expired(target)
    if token_state == "expired":
        if services.submit_token_used(submit_token):
            return _thanks_redirect()               # stored the day before; this is a late re-send
        return _expired(target)
    if submit_token is None:                        # missing, made up, or issued for another form or unit
        return _render_questionnaire(target, _posted_form(target), status=400,
                                     banner="页面已过期，请检查您的回答后再次点击“提交问卷”。")
    seen = _already_answered(target, submit_token)
    if seen == "same":
        return _thanks_redirect()
    if seen == "other":
        return _already_page(target, 409)
    if problems:
        page = _render_questionnaire(target, _posted_form(target), status=422, problems=problems)
        return _with_client_cookie(page, client_id, is_new)
    # Refused although open and not answered before: the survey closed and opened again in between.
    return _render_questionnaire(target, _posted_form(target), status=409,
                                 banner="提交没有成功，您的回答已保留。请再次点击“提交问卷”。")


def _store(form: services.FormRef, unit: services.UnitRef | None, answers: dict[str, Any], submit_token: str,
           client_hash: str, started: Any) -> bool:
    """Store a genuine, valid submission and commit; False when the INSERT refused it (then nothing is
    stored). True also for a re-send of a stored submission (its submit token is taken)."""
    duration_s = services.duration_since(current_app.config["SECRET_KEY"], form, started)
    channel = services.channel_of(request.user_agent.string)
    try:
        with services.serialized_write():
            try:
                stored = services.insert_response(form, unit, answers, submit_token=submit_token,
                                                  client_hash=client_hash, duration_s=duration_s, channel=channel)
                db.session.commit()
            except BaseException:
                db.session.rollback()               # give SQLite's write lock back before the next writer
                raise
    except IntegrityError:
        if not services.submit_token_used(submit_token):
            raise
        current_app.logger.info("Duplicate submission to form %s ignored", form.id)
        return True
    return stored is not None


def _expired(target: Target) -> HTTPResponse:
    return _render_questionnaire(target, _posted_form(target), status=400,
                                 banner="页面已过期，您的回答已保留。请检查后再次点击“提交问卷”。")


@bp.errorhandler(CSRFError)
def _csrf_failed(exc: CSRFError):  # noqa: ANN202
    """A post without a valid CSRF token: the questionnaire again, answers kept, asking to submit again."""
    db.session.rollback()
    args = request.view_args or {}
    if request.endpoint != "respond.questionnaire" or "token" not in args:
        return error_page(400, "页面已过期", "页面已过期，请刷新页面后重试。")
    try:
        target = _target(args["token"], args.get("unit_code"))
        _refuse_unless_open(target.survey, services.survey_state(target.survey, _now()))
    except Refusal as refusal:
        return error_page(refusal.status, refusal.title, refusal.message)
    return _expired(target)


@bp.errorhandler(RateLimitExceeded)
def _too_many(exc: RateLimitExceeded):  # noqa: ANN202
    """Too many posts from this address: the questionnaire again with the answers kept, 429, nothing
    stored; the respondent submits again a minute later."""
    db.session.rollback()
    warn_if_behind_an_untrusted_proxy()
    args = request.view_args or {}
    if request.endpoint != "respond.questionnaire" or "token" not in args:
        return error_page(429, "提交过于频繁", "提交过于频繁，请稍等一分钟后再试。")
    try:
        target = _target(args["token"], args.get("unit_code"))
    except Refusal as refusal:
        return error_page(refusal.status, refusal.title, refusal.message)
    return _render_questionnaire(target, _posted_form(target), status=429,
                                 banner="提交过于频繁，您的回答已保留。请稍等一分钟后再次点击“提交问卷”。")


@bp.route("/s/<token>/-/thanks")
def thanks(token: str):  # noqa: ANN201
    found = services.public_target(token)
    if found is None:
        raise Refusal(404, "问卷链接无效", "没有找到这份问卷，请检查链接是否完整。")
    questionnaire = found[0].questionnaire
    return render_template("respond/thanks.html", q=questionnaire,
                           outro=_paragraphs(questionnaire.outro or "感谢您的参与！"))
