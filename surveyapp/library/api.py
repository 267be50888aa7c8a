"""API views of the questionnaire library: store (YAML or text), list, get a version's YAML."""

from __future__ import annotations

import re

from flask import Response, request

from questionnaires import QuestionnaireError

from ..api import ApiError, api_route, problem, text_body
from ..models import User
from ..surveys.services import version_questionnaire
from .services import LibraryError, get_version, list_library, store_questionnaire, store_text_import

YAML_TYPES = ("application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml")
LINE_PLACE = re.compile(r"^第 (\d+) 行$")


@api_route("/questionnaires", methods=("POST",))
def questionnaires_store(user: User) -> tuple[dict, int]:
    """Store questionnaire YAML or questionnaire text; 201 for a new version, 200 when already stored."""
    kind = request.mimetype
    if kind in YAML_TYPES:
        stored = store_questionnaire(text_body(), "questionnaire.yaml", "api")
    elif kind == "text/plain":
        try:
            stored = store_text_import(text_body(), "questionnaire.txt", "api")
        except QuestionnaireError as exc:
            raise _text_problems(exc) from exc
    else:
        raise ApiError(415, "Send questionnaire YAML (Content-Type: application/yaml) or questionnaire text "
                            "(Content-Type: text/plain; charset=utf-8).")
    version = stored.version
    questionnaire = version_questionnaire(version)
    return ({"id": version.questionnaire_id, "version": version.number, "title": version.title,
             "role": version.role, "questions": len(questionnaire.questions), "created": stored.created},
            201 if stored.created else 200)


def _text_problems(exc: QuestionnaireError) -> ApiError:
    """The text import's problems with their lines as places (``line 12``); the sentences stay Chinese, as
    the text they quote is."""
    errors = []
    for place, text in exc.problems:
        line = LINE_PLACE.match(place)
        errors.append(problem(f"line {line.group(1)}" if line else place, text))
    message = ("The questionnaire text has a line that cannot be placed." if len(errors) == 1
               else f"The questionnaire text has {len(errors)} problems.")
    return ApiError(422, message, error="invalid", errors=errors)


@api_route("/questionnaires")
def questionnaires_list(user: User) -> dict:
    return {"questionnaires": [
        {"id": entry.id, "title": entry.latest.title, "role": entry.latest.role,
         "versions": [v.number for v in entry.versions], "builtin": entry.builtin}
        for entry in list_library()]}


@api_route("/questionnaires/<qid>")
def questionnaire_yaml(user: User, qid: str) -> Response:
    """The YAML of the latest version, or of ``?version=N``."""
    number = request.args.get("version")
    if number is not None and not number.isdigit():
        raise ApiError(422, "The version must be a whole number.",
                       errors=[problem("version", f"must be a version number, got {number!r}")])
    try:
        version = get_version(qid, int(number) if number is not None else None)
    except LibraryError as exc:
        raise ApiError(404, exc.problems[0][1][:1].upper() + exc.problems[0][1][1:] + ".") from exc
    return Response(version.source, mimetype="application/yaml", headers={
        "X-Questionnaire-Version": str(version.number),
        "Content-Disposition": f'inline; filename="{qid}-v{version.number}.yaml"'})
