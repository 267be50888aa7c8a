"""API views of statistics: the documents of `surveyapp stats --json` and `surveyapp satisfaction --json`
computed on a survey's valid responses (the same analysis functions, the console's cached frames)."""

from __future__ import annotations

from flask import request

from ..api import ApiError, api_route, problem
from ..cached_frames import SurveyForm, pick_form, survey_forms
from ..console.access import survey_or_404
from ..models import Survey, User
from .services import satisfaction_json_document, statistics_json


def questionnaire_of(survey: Survey) -> SurveyForm:
    """The questionnaire named by ``?questionnaire=ID`` (may be left out when the survey has only one)."""
    wanted = request.args.get("questionnaire")
    forms = survey_forms(survey)
    if not wanted and len(forms) > 1:
        ids = ", ".join(f.id for f in forms)
        raise ApiError(422, f"The survey has several questionnaires; name one with ?questionnaire= ({ids}).",
                       errors=[problem("questionnaire", "is required when the survey has several questionnaires")])
    return pick_form(survey, wanted)[1]


@api_route("/surveys/<slug>/statistics")
def survey_statistics(user: User, slug: str) -> dict:
    survey = survey_or_404(slug, need="view", user=user)
    return statistics_json(survey, questionnaire_of(survey))


@api_route("/surveys/<slug>/satisfaction")
def survey_satisfaction(user: User, slug: str) -> dict:
    survey = survey_or_404(slug, need="view", user=user)
    form = questionnaire_of(survey)
    questions = tuple(q.strip() for q in request.args.get("questions", "").split(",") if q.strip())
    return satisfaction_json_document(survey, form, questions, request.args.get("method", "top_box"),
                                      request.args.get("by") or None, request.args.get("cluster", "respondent"))
