"""Downloads: raw response data as CSV (per questionnaire) or one XLSX workbook."""

from __future__ import annotations

from flask import abort, render_template, request, send_file

from . import bp
from .services import ConsoleError, export_file, questionnaire_downloads, survey_overview
from .surveys import survey_or_404

MIMETYPES = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@bp.route("/surveys/<slug>/downloads")
def downloads(slug: str):
    survey = survey_or_404(slug)
    return render_template("console/downloads.html", survey=survey,
                           files=questionnaire_downloads(survey_overview(survey)))


@bp.route("/surveys/<slug>/download/responses.<kind>")
def download_responses(slug: str, kind: str):
    survey = survey_or_404(slug)
    if kind not in MIMETYPES:
        abort(404)
    try:
        data, name = export_file(survey, kind, request.args.get("questionnaire"))
    except ConsoleError:
        abort(404)
    return send_file(data, mimetype=MIMETYPES[kind], as_attachment=True, download_name=name)
