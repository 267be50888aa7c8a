"""JSON errors of the management API: ``{"error": code, "message": English sentence, "errors": [...]}``.

Everything under ``/api/`` answers errors this way, also unknown paths (404), wrong methods (405), bodies over
the size limit (413) and crashes (500): never an HTML page, never a traceback. The app's error handlers
(`surveyapp.errors`) call :func:`api_error_response` for such requests.
"""

from __future__ import annotations

import json
from typing import Any

from flask import Request, Response, current_app
from werkzeug.exceptions import HTTPException

from questionnaires import InputError

from ..errors import ConsoleError
from ..extensions import db

API_PREFIX = "/api/"

CODES = {
    400: ("bad_request", "The request is malformed."),
    401: ("unauthorized", "Send a valid API token in the header Authorization: Bearer <token>."),
    403: ("forbidden", "Your account may not do this."),
    404: ("not_found", "Nothing is found at this address."),
    405: ("method_not_allowed", "This method is not allowed at this address."),
    413: ("too_large", "The request body is larger than the server accepts."),
    415: ("unsupported_media_type", "The body's Content-Type is not accepted here."),
    422: ("invalid", "The request cannot be done as sent."),
    429: ("too_many_requests", "Too many requests; try again later."),
    500: ("server_error", "The server failed to handle the request; nothing was changed."),
}


def is_api_request(request: Request) -> bool:
    return request.path == API_PREFIX.rstrip("/") or request.path.startswith(API_PREFIX)


class ApiError(HTTPException):
    """An API answer other than success: status, stable code, English message, problems with their places."""

    def __init__(self, status: int, message: str | None = None, *, error: str | None = None,
                 errors: list[dict[str, str]] | None = None, headers: dict[str, str] | None = None):
        default_code, default_message = CODES.get(status, ("error", "The request failed."))
        self.code = status
        self.error = error or default_code
        self.message = message or default_message
        self.errors = errors or []
        self.extra_headers = headers or {}
        super().__init__(self.message)


def problem(path: str, message: str) -> dict[str, str]:
    return {"path": path, "message": message}


def from_console_error(exc: ConsoleError, status: int = 422) -> ApiError:
    """The API error of a console service's refusal: its code, place and English text (the Chinese text when
    the service gave no English one)."""
    message = exc.english or CODES[status][1]
    return ApiError(status, message, error=exc.code,
                    errors=[problem(exc.problems[0][0], exc.english or exc.problem)])


def from_input_error(exc: InputError, status: int = 422, message: str | None = None) -> ApiError:
    """422 listing each of the input's problems with its place (an empty place: the whole input)."""
    errors = [problem(place, text) for place, text in exc.problems]
    if message is None:
        message = errors[0]["message"] if len(errors) == 1 else f"The input has {len(errors)} problems."
    return ApiError(status, message, error="invalid", errors=errors)


def json_response(document: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    """A JSON answer with Chinese text as is (not \\u escapes), so curl output stays readable."""
    body = json.dumps(document, ensure_ascii=False, separators=(",", ":"), default=str)
    return current_app.response_class(body + "\n", status=status, headers=headers,
                                      mimetype="application/json")


def api_error_response(exc: Exception) -> Response:
    """The JSON answer for any exception raised while handling an API request (rolls back first)."""
    db.session.rollback()
    if isinstance(exc, ApiError):
        error = exc
    elif isinstance(exc, HTTPException) and exc.code is not None:
        error = ApiError(exc.code)
        if exc.code == 413 and current_app.config.get("MAX_CONTENT_LENGTH"):
            error.message = (f"The request body is larger than the limit of "
                             f"{current_app.config['MAX_CONTENT_LENGTH']} bytes.")
        allowed = exc.get_headers() if exc.code == 405 else []
        error.extra_headers = {k: v for k, v in allowed if k.lower() == "allow"}
    else:
        error = ApiError(500)
    headers = dict(error.extra_headers)
    if error.code == 401:
        headers.setdefault("WWW-Authenticate", "Bearer")
    return json_response({"error": error.error, "message": error.message, "errors": error.errors},
                         error.code or 500, headers)
