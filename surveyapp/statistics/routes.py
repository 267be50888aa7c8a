"""Statistics (统计): every question's table and chart, filtered by unit and role; satisfaction by unit x role."""

from __future__ import annotations

from flask import abort, render_template, request

from analysis.errors import NothingToDraw
from analysis.satisfaction import CLUSTER_LABELS

from ..cached_frames import Filters, pick_form, survey_units
from ..console import bp
from ..console.access import survey_or_404
from ..errors import ConsoleError
from .crosstabs import CrosstabChoice, crosstab_candidates, crosstab_view
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
    args = request.args
    choice, problems = SatisfactionChoice.parse(form.questionnaire, args.getlist("sq"), args.get("method"),
                                                args.get("target"), args.get("cluster"))
    stats = statistics(survey, form, filters, choice)
    pair = CrosstabChoice.parse(form.questionnaire, args.get("xr"), args.get("xc"))
    row_choices, col_choices = crosstab_candidates(form.questionnaire)
    return render_template("console/statistics.html", survey=survey, forms=forms, form=form, stats=stats,
                           filters=filters, units=survey_units(survey), choice=choice, problems=problems,
                           candidates=rated_questions(form.questionnaire, choice.method),
                           method_labels=METHOD_LABELS, markers=MARKERS, cluster_labels=CLUSTER_LABELS,
                           pair=pair, cross=crosstab_view(survey, form, filters, pair) if pair else None,
                           row_choices=row_choices, col_choices=col_choices)


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
