"""Open questions (开放题): phrase table, word table, answer categories and the word cloud."""

from __future__ import annotations

from flask import abort, render_template, request

from analysis.errors import NothingToDraw

from ..cached_frames import Filters, pick_form, survey_units
from ..console import bp
from ..console.access import survey_or_404
from ..errors import ConsoleError
from .services import (
    WORD_CHOICES,
    WordChoice,
    open_variables,
    pick_open_variable,
    text_analysis,
    wordcloud_note,
    wordcloud_png,
)


def _choice(slug: str):  # noqa: ANN202
    survey = survey_or_404(slug, need="view")
    try:
        forms, form = pick_form(survey, request.args.get("q"))
    except ConsoleError:
        abort(404)
    filters = Filters.parse(survey, form, request.args.get("unit"), request.args.get("role"))
    return survey, forms, form, filters, pick_open_variable(form.questionnaire, request.args.get("v"))


@bp.route("/surveys/<slug>/text")
def text_page(slug: str):
    survey, forms, form, filters, variable = _choice(slug)
    choice = WordChoice.parse(request.args.get("wm"), request.args.get("wc"))
    result = text_analysis(survey, form, filters, variable, choice) if variable is not None else None
    note = wordcloud_note(survey, form, filters, variable, result.answered) if result is not None else None
    return render_template("console/text.html", survey=survey, forms=forms, form=form, filters=filters,
                           units=survey_units(survey), variables=open_variables(form.questionnaire),
                           variable=variable, result=result, cloud_note=note, word_choices=WORD_CHOICES)


@bp.route("/surveys/<slug>/text/wordcloud.png")
def text_wordcloud(slug: str):
    survey, _, form, filters, variable = _choice(slug)
    if variable is None or variable.variable != request.args.get("v"):
        abort(404)
    try:
        data = wordcloud_png(survey, form, filters, variable)
    except NothingToDraw:
        abort(404)
    return data, 200, {"Content-Type": "image/png", "Cache-Control": "private, max-age=60"}
