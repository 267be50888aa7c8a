"""The API blueprint and how a feature adds a view to it.

A feature's ``api`` module (``surveyapp/<feature>/api.py``) attaches its views with :func:`api_route`::

    @api_route("/surveys/<slug>/progress")
    def survey_progress(user, slug):
        survey = survey_or_404(slug)
        return progress_document(survey)

The decorated view gets the token's user first, then the URL's arguments, and returns a JSON-able document,
``(document, status)`` or a finished Response. The wrapper authenticates the bearer token (401 otherwise),
turns a console service's refusal (:class:`~surveyapp.errors.ConsoleError`, other ``InputError``) into
422 JSON, and commits once when the view succeeds; any error rolls back.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from flask import Blueprint, Request, Response, current_app, g, request
from flask_login import current_user

from questionnaires import InputError

from ..auth.tokens import TokenRefused, token_user
from ..errors import ConsoleError
from ..extensions import csrf, db, login_manager
from ..models import User
from .errors import ApiError, from_console_error, from_input_error, is_api_request, json_response

API_ROOT = "/api/v1"
bp = Blueprint("api", __name__, url_prefix=API_ROOT)
csrf.exempt(bp)

REFUSALS = {
    "missing": "Send an API token in the header Authorization: Bearer <token>.",
    "unknown": "The API token is not valid.",
    "revoked": "The API token has been revoked.",
    "inactive": "The API token's user has been deactivated.",
}


class WithoutCookies:
    """WSGI middleware: a request under `prefix` reaches the app without its Cookie header.

    The API authenticates by bearer token only: a logged-in browser's session cookie must neither let a
    request in nor make it subject to CSRF checks, and no session is ever started for it.
    """

    def __init__(self, app: Callable, prefix: str):
        self.app, self.prefix = app, prefix

    def __call__(self, environ: dict, start_response: Callable) -> Any:
        path = environ.get("PATH_INFO", "")
        if path == self.prefix or path.startswith(self.prefix + "/"):
            environ.pop("HTTP_COOKIE", None)
        return self.app(environ, start_response)


@bp.record_once
def _install(state) -> None:  # noqa: ANN001
    state.app.wsgi_app = WithoutCookies(state.app.wsgi_app, "/api")


@bp.before_request
def _limit_size() -> None:
    limit = current_app.config.get("MAX_CONTENT_LENGTH")
    if limit and request.content_length is not None and request.content_length > limit:
        raise ApiError(413, f"The request body is larger than the limit of {limit} bytes.")


def bearer_token() -> str | None:
    """The token of an ``Authorization: Bearer <token>`` header (None when there is none)."""
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.strip().partition(" ")
    if scheme.lower() != "bearer":
        return None
    return token.strip() or None


@login_manager.request_loader
def _token_login(req: Request) -> User | None:
    """Flask-Login's user of an API request: its bearer token's (cookies never reach the API), so that
    `current_user`, the survey access checks and the audit log see who the script acts as."""
    if not is_api_request(req):
        return None
    try:
        return token_user(bearer_token())
    except TokenRefused as refused:
        g.api_refusal = refused.reason
        return None


def request_user() -> User:
    """The user the request's bearer token acts as, or 401 JSON."""
    if current_user.is_authenticated:
        return current_user._get_current_object()
    raise ApiError(401, REFUSALS[g.get("api_refusal", "missing")])


def api_route(rule: str, methods: tuple[str, ...] = ("GET",), endpoint: str | None = None,
              ) -> Callable[[Callable], Callable]:
    """Register `view` under /api/v1`rule` as described in the module docstring."""

    def register(view: Callable) -> Callable:
        @functools.wraps(view)
        def run(**kwargs: Any) -> Response:
            user = request_user()
            try:
                result = view(user, **kwargs)
            except ConsoleError as exc:
                raise from_console_error(exc) from exc
            except InputError as exc:
                raise from_input_error(exc) from exc
            db.session.commit()
            if isinstance(result, Response):
                return result
            if isinstance(result, tuple):
                return json_response(*result)
            return json_response(result)

        bp.add_url_rule(rule, endpoint or view.__name__, run, methods=list(methods))
        return view

    return register


def json_body() -> dict[str, Any]:
    """The request's JSON object, or 422 naming what is wrong with the body."""
    if not request.is_json:
        raise ApiError(422, "Send the body as JSON (Content-Type: application/json).",
                       errors=[{"path": "", "message": "the body must be a JSON object"}])
    document = request.get_json(silent=True)
    if not isinstance(document, dict):
        raise ApiError(422, "The body must be a JSON object.",
                       errors=[{"path": "", "message": "the body must be a JSON object"}])
    return document


def text_body() -> str:
    """The request body as UTF-8 text (a BOM is dropped), or 422."""
    try:
        return request.get_data(cache=True).decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ApiError(422, "The body is not UTF-8 text.",
                       errors=[{"path": "", "message": f"not UTF-8 at byte {exc.start}"}]) from exc
