"""Stored responses become DataFrames here, and only here; `analysis` takes over from the frame."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd
import sqlalchemy as sa

from questionnaires import Questionnaire

from .extensions import db
from .models import Form, Response, Survey, Unit
from .surveys.services import SurveyError, get_survey, version_questionnaire

META_COLUMNS = ("response_id", "questionnaire", "role", "unit", "unit_name", "submitted_at", "duration_s",
                "channel", "status")


def survey_questionnaires(survey: Survey) -> dict[str, Questionnaire]:
    """The survey's questionnaires by id (one version per id within a survey)."""
    found: dict[str, Questionnaire] = {}
    for form in survey.forms:
        q = version_questionnaire(form.version)
        if q.id in found and found[q.id].content_hash != q.content_hash:
            raise SurveyError(f"survey {survey.slug} holds two versions of questionnaire {q.id}")
        found[q.id] = q
    return found


def load_form_frame(forms: Iterable[Form], questionnaire: Questionnaire, include_invalid: bool = False,
                    ) -> pd.DataFrame:
    """Responses to the given forms (all of one questionnaire) as a responses frame."""
    form_ids = [f.id for f in forms]
    query = (
        sa.select(Response.public_id, Form.role, Unit.code, Unit.name, Response.submitted_at,
                  Response.duration_s, Response.channel, Response.status, Response.invalid_reason,
                  Response.answers)
        .join(Form, Response.form_id == Form.id)
        .outerjoin(Unit, Response.unit_id == Unit.id)
        .where(Response.form_id.in_(form_ids))
        .order_by(Response.id)
    )
    if not include_invalid:
        query = query.where(Response.status == "valid")
    rows = db.session.execute(query).all()
    meta = pd.DataFrame.from_records(
        [(r[0], questionnaire.id, r[1], r[2], r[3], r[4], r[5], r[6],
          "valid" if r[7] == "valid" else f"invalid:{r[8] or ''}") for r in rows],
        columns=list(META_COLUMNS),
    )
    meta["submitted_at"] = pd.to_datetime(meta["submitted_at"], utc=True)
    meta["duration_s"] = meta["duration_s"].astype(float)
    variables = questionnaire.variables
    answers = pd.DataFrame.from_records([r[9] for r in rows], columns=variables)
    answers = answers.astype(object).where(answers.notna(), None)
    return pd.concat([meta.astype({c: object for c in META_COLUMNS if c not in ("submitted_at", "duration_s")}),
                      answers], axis=1)


def load_survey_frames(slug: str, include_invalid: bool = False,
                       ) -> tuple[dict[str, pd.DataFrame], dict[str, Questionnaire]]:
    """All responses of a survey: frames and questionnaires keyed by questionnaire id."""
    survey = get_survey(slug)
    questionnaires = survey_questionnaires(survey)
    frames = {}
    for qid, questionnaire in questionnaires.items():
        forms = [f for f in survey.forms if f.version.questionnaire_id == qid]
        frames[qid] = load_form_frame(forms, questionnaire, include_invalid)
    return frames, questionnaires
