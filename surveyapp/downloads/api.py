"""API views of the response files: every response (valid and invalid, with status) as CSV or XLSX
(``?layout=readable``: the hosted survey tool's readable layout)."""

from __future__ import annotations

from flask import Response, request, send_file

from ..api import api_route
from ..console.access import survey_or_404
from ..models import User
from .routes import MIMETYPES
from .services import export_file


@api_route("/surveys/<slug>/responses.<any(csv, xlsx):kind>")
def survey_responses_file(user: User, slug: str, kind: str) -> Response:
    survey = survey_or_404(slug, need="edit", user=user)      # raw data: editors and owners
    data, name = export_file(survey, kind, request.args.get("questionnaire") or None,
                             request.args.get("layout") or "exchange")
    return send_file(data, mimetype=MIMETYPES[kind], as_attachment=True, download_name=name)
