"""API views of surveys: list, create, open and close (the same services as the console's pages)."""

from __future__ import annotations

from ..api import ApiError, api_route, json_body, problem
from ..console.access import survey_or_404
from ..models import User
from .document import read_survey_document
from .overview import list_surveys
from .services import STATUS_ACTIONS, change_survey_status, create_console_survey


@api_route("/surveys")
def surveys_list(user: User) -> dict:
    return {"surveys": [{"slug": survey.slug, "title": survey.title, "status": survey.status,
                         "responses": counts.collected, "valid": counts.valid}
                        for survey, counts in list_surveys(user)]}


@api_route("/surveys", methods=("POST",))
def survey_create(user: User) -> tuple[dict, int]:
    wanted = read_survey_document(json_body())
    survey = create_console_survey(wanted.title, wanted.slug, wanted.forms, wanted.units, owner=user)
    return {"slug": survey.slug, "status": survey.status}, 201


@api_route("/surveys/<slug>/status", methods=("POST",))
def survey_status(user: User, slug: str) -> dict:
    document = json_body()
    survey = survey_or_404(slug, need="edit", user=user)
    action = document.get("action")
    if action not in STATUS_ACTIONS:
        raise ApiError(422, 'The action must be "open" or "close".',
                       errors=[problem("action", f"must be open or close, got {action!r}")])
    change_survey_status(survey, action)
    return {"slug": survey.slug, "status": survey.status}
