"""Survey summaries: counts per survey and per form, the survey list, one survey's overview."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from ..audit.services import CURRENT
from ..extensions import db
from ..models import Form, Response, Survey, User
from .members import visible_to


@dataclass
class Counts:
    collected: int = 0
    valid: int = 0
    last_at: datetime | None = None

    @property
    def invalid(self) -> int:
        return self.collected - self.valid


def survey_counts(survey_ids: list[int] | None = None) -> dict[int, Counts]:
    """Collected and valid responses and the last submission per survey id (one GROUP BY)."""
    query = (sa.select(Form.survey_id, Response.status, sa.func.count(Response.id),
                       sa.func.max(Response.submitted_at))
             .join(Form, Response.form_id == Form.id)
             .group_by(Form.survey_id, Response.status))
    if survey_ids is not None:
        query = query.where(Form.survey_id.in_(survey_ids))
    counts: dict[int, Counts] = {}
    for survey_id, status, number, last in db.session.execute(query):
        entry = counts.setdefault(survey_id, Counts())
        entry.collected += number
        if status == "valid":
            entry.valid += number
        if last is not None and (entry.last_at is None or last > entry.last_at):
            entry.last_at = last
    return counts


def list_surveys(user: User | None = CURRENT) -> list[tuple[Survey, Counts]]:
    """The surveys `user` (default: the request's user) may see, newest first, with their counts."""
    surveys = db.session.scalars(sa.select(Survey).where(visible_to(user))
                                 .order_by(Survey.created_at.desc(), Survey.id.desc())).all()
    counts = survey_counts([s.id for s in surveys])
    return [(s, counts.get(s.id, Counts())) for s in surveys]


def find_survey(slug: str) -> Survey | None:
    return db.session.scalar(sa.select(Survey).filter_by(slug=slug))


@dataclass(frozen=True)
class FormSummary:
    form: Form
    title: str
    questionnaire_id: str
    counts: Counts


@dataclass(frozen=True)
class SurveyOverview:
    survey: Survey
    counts: Counts
    forms: list[FormSummary]
    unit_count: int
    units_with_responses: int


def survey_overview(survey: Survey) -> SurveyOverview:
    """The state of a survey at a glance: counts in all and per form, units reached."""
    per_form: dict[int, Counts] = {}
    query = (sa.select(Response.form_id, Response.status, sa.func.count(Response.id),
                       sa.func.max(Response.submitted_at))
             .join(Form, Response.form_id == Form.id)
             .where(Form.survey_id == survey.id)
             .group_by(Response.form_id, Response.status))
    total = Counts()
    for form_id, status, number, last in db.session.execute(query):
        for entry in (per_form.setdefault(form_id, Counts()), total):
            entry.collected += number
            entry.valid += number if status == "valid" else 0
            if last is not None and (entry.last_at is None or last > entry.last_at):
                entry.last_at = last
    reached = db.session.scalar(
        sa.select(sa.func.count(sa.distinct(Response.unit_id)))
        .join(Form, Response.form_id == Form.id)
        .where(Form.survey_id == survey.id, Response.unit_id.is_not(None)))
    forms = [FormSummary(f, f.version.title, f.version.questionnaire_id, per_form.get(f.id, Counts()))
             for f in survey.forms]
    return SurveyOverview(survey, total, forms, len(survey.units), reached or 0)
