"""API views of scoring: upload an indicator system, store a survey's scoring inputs, read its scores."""

from __future__ import annotations

from pathlib import PurePath

from flask import request

from analysis.scoring import ScoringError, score_json

from ..api import ApiError, api_route, json_body, problem, text_body
from ..console.access import survey_or_404
from ..models import User
from .inputs import current_save, read_inputs_document
from .services import score_survey, store_inputs
from .systems import IndicatorChoice, find_indicators, store_indicator_system

YAML_TYPES = ("application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml", "text/plain")


def _system_or_404(name: str | None) -> IndicatorChoice:
    if not name:
        raise ApiError(422, "Name the indicator system with ?system=.", errors=[problem("system", "is required")])
    choice = find_indicators(name)
    if choice is None:
        raise ApiError(404, f"There is no indicator system {name!r}.", error="unknown_system")
    return choice


def _scoring_error(exc: ScoringError, message: str) -> ApiError:
    return ApiError(422, message, error="invalid", errors=[problem(place, text) for place, text in exc.problems])


@api_route("/indicator-systems", methods=("POST",))
def indicator_system_upload(user: User) -> tuple[dict, int]:
    upload = request.files.get("file")
    if upload is not None:                   # multipart: -F file=@lamps.yaml [-F name=...]
        name = request.form.get("name") or request.args.get("name") or PurePath(upload.filename or "").stem
        try:
            text = upload.read().decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ApiError(422, "The file is not UTF-8 text.", errors=[problem("file", "not UTF-8")]) from exc
    elif request.mimetype in YAML_TYPES:     # the YAML as the body, the name in ?name=
        name, text = request.args.get("name", ""), text_body()
    else:
        raise ApiError(422, "Send the indicator system as YAML (Content-Type: application/yaml) with ?name=, "
                            "or as a multipart upload in the field file.",
                       errors=[problem("", f"unsupported Content-Type {request.mimetype!r}")])
    if not name:
        raise ApiError(422, "Name the indicator system with ?name= (an uploaded file's name is used otherwise).",
                       errors=[problem("name", "is required")])
    try:
        row, created = store_indicator_system(name, text, user)
    except ScoringError as exc:
        raise _scoring_error(exc, "The indicator system is not valid; nothing was stored.") from exc
    return {"name": row.name, "version": row.version, "title": row.title}, 201 if created else 200


@api_route("/surveys/<slug>/scoring/<system>", methods=("PUT",))
def survey_scoring_inputs(user: User, slug: str, system: str) -> dict:
    survey = survey_or_404(slug, need="edit", user=user)
    choice = _system_or_404(system)
    inputs = read_inputs_document(choice.system, json_body())
    stored = store_inputs(survey, choice, inputs, user)
    row = current_save(survey, stored.name)
    return {"survey": survey.slug, "system": stored.name, "version": stored.version,
            **inputs.as_json(),
            "saved_at": row.saved_at.isoformat() if row else None,
            "saved_by": row.saved_by.username if row and row.saved_by else None}


@api_route("/surveys/<slug>/scores")
def survey_scores(user: User, slug: str) -> dict:
    survey = survey_or_404(slug, need="view", user=user)
    result = score_survey(survey, _system_or_404(request.args.get("system")))
    if isinstance(result, ScoringError):
        raise _scoring_error(result, "Some indicators cannot be scored: give their actual values.")
    return score_json(result)
