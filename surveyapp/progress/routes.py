"""Collection progress (回收进度): responses per unit x role, as a page and as JSON for live refresh."""

from __future__ import annotations

from flask import jsonify, render_template

from ..console import bp
from ..console.access import survey_or_404
from .services import survey_progress


@bp.route("/surveys/<slug>/progress")
def progress(slug: str):
    survey = survey_or_404(slug, need="view")
    return render_template("console/progress.html", survey=survey, progress=survey_progress(survey))


@bp.route("/surveys/<slug>/progress.json")
def progress_data(slug: str):
    return jsonify(survey_progress(survey_or_404(slug, need="view")).as_json())
