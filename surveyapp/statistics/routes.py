"""Statistics (统计): every question's table and chart, filtered by unit and role; satisfaction by unit x role."""

from __future__ import annotations

from flask import abort, render_template, request

from analysis.errors import NothingToDraw

from ..cached_frames import Filters, pick_form, survey_units
from ..console import bp
from ..console.access import survey_or_404
from ..errors import ConsoleError
from .services import MARKERS, METHOD_LABELS, SatisfactionChoice, chart_png, rated_questions, statistics


def _form_or_404(survey, questionnaire_id):  # noqa: ANN001, ANN202
    try:
        return pick_form(survey, questionnaire_id)
    except ConsoleError:
        abort(404)


@bp.route("/surveys/<slug>/statistics")
def statistics_page(slug: str):
    survey = survey_or_404(slug, need="view")
    forms, form = _form_or_404(survey, request.args.get("q"))
    filters = Filters.parse(survey, form, request.args.get("unit"), request.args.get("role"))
    choice, problems = SatisfactionChoice.parse(form.questionnaire, request.args.getlist("sq"),
                                                request.args.get("method"), request.args.get("target"))
    stats = statistics(survey, form, filters, choice)
    return render_template("console/statistics.html", survey=survey, forms=forms, form=form, stats=stats,
                           filters=filters, units=survey_units(survey), choice=choice, problems=problems,
                           candidates=rated_questions(form.questionnaire, choice.method),
                           method_labels=METHOD_LABELS, markers=MARKERS)


@bp.route("/surveys/<slug>/statistics/chart.png")
def statistics_chart(slug: str):
    survey = survey_or_404(slug, need="view")
    _, form = _form_or_404(survey, request.args.get("q"))
    filters = Filters.parse(survey, form, request.args.get("unit"), request.args.get("role"))
    try:
        data = chart_png(survey, form, filters, request.args.get("table", ""))
    except (ConsoleError, NothingToDraw):
        abort(404)
    return data, 200, {"Content-Type": "image/png", "Cache-Control": "private, max-age=60"}
