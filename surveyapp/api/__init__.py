"""The management API, version 1 (``/api/v1``): what an evaluator does in the console, done by a script.

Requests authenticate with ``Authorization: Bearer <token>`` (tokens: :mod:`surveyapp.auth.tokens`), take no
cookies and need no CSRF token; every error is JSON (:mod:`surveyapp.api.errors`). The views live in the
feature packages (``surveyapp/<feature>/api.py``) beside the console routes and call the same service
functions; :func:`api_route` attaches them to :data:`bp` (see :mod:`surveyapp.blueprints`).
"""

from .errors import ApiError, problem
from .routing import API_ROOT, api_route, bp, json_body, text_body

__all__ = ["API_ROOT", "ApiError", "api_route", "bp", "json_body", "problem", "text_body"]
