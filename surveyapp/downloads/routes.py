"""Downloads: raw response data (CSV per questionnaire, one XLSX), statistics workbooks, chart and
word-cloud pictures, score tables and the Word appendix."""

from __future__ import annotations

import io

from flask import abort, flash, redirect, render_template, request, send_file, url_for

from ..cached_frames import pick_form, survey_forms
from ..console import bp
from ..console.access import survey_or_404
from ..errors import ConsoleError
from ..extensions import db
from ..scoring.services import pick_indicators
from ..scoring.systems import indicator_choices
from ..surveys.overview import survey_overview
from .services import (
    export_file,
    pictures_zip,
    questionnaire_downloads,
    report_docx,
    report_sections,
    statistics_workbook,
)

MIMETYPES = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "zip": "application/zip",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


@bp.route("/surveys/<slug>/downloads")
def downloads(slug: str):
    survey = survey_or_404(slug, need="view")
    return render_template("console/downloads.html", survey=survey,
                           files=questionnaire_downloads(survey_overview(survey)), forms=survey_forms(survey),
                           indicators=indicator_choices(),
                           report_sections=report_sections())


@bp.route("/surveys/<slug>/download/responses.<kind>")
def download_responses(slug: str, kind: str):
    survey = survey_or_404(slug, need="edit")
    if kind not in ("csv", "xlsx"):
        abort(404)
    try:
        data, name = export_file(survey, kind, request.args.get("questionnaire"),
                                 request.args.get("layout") or "exchange")
    except ConsoleError:
        abort(404)
    db.session.commit()                          # the export's audit event
    return send_file(data, mimetype=MIMETYPES[kind], as_attachment=True, download_name=name)


def _form_or_404(survey):  # noqa: ANN001, ANN202
    try:
        return pick_form(survey, request.args.get("q"))[1]
    except ConsoleError:
        abort(404)


@bp.route("/surveys/<slug>/download/statistics.xlsx")
def download_statistics(slug: str):
    survey = survey_or_404(slug, need="view")
    form = _form_or_404(survey)
    return send_file(io.BytesIO(statistics_workbook(survey, form)), mimetype=MIMETYPES["xlsx"],
                     as_attachment=True, download_name=f"{survey.slug}-{form.id}-statistics.xlsx")


@bp.route("/surveys/<slug>/download/pictures.zip")
def download_pictures(slug: str):
    survey = survey_or_404(slug, need="view")
    form = _form_or_404(survey)
    return send_file(io.BytesIO(pictures_zip(survey, form)), mimetype=MIMETYPES["zip"], as_attachment=True,
                     download_name=f"{survey.slug}-{form.id}-pictures.zip")


@bp.route("/surveys/<slug>/download/report.docx")
def download_report(slug: str):
    survey = survey_or_404(slug, need="view")
    try:
        _, indicators = pick_indicators(request.args.get("indicators") or None)
        data = report_docx(survey, request.args.getlist("section"), indicators,
                           charts=request.args.get("charts", "1") != "0")
    except ConsoleError as exc:
        flash(exc.problem, "error")
        return redirect(url_for("console.downloads", slug=slug))
    return send_file(io.BytesIO(data), mimetype=MIMETYPES["docx"], as_attachment=True,
                     download_name=f"{survey.slug}-report.docx")
