"""Survey services: store questionnaire versions, create surveys, change status, list links.

Services add and flush; the caller (a request or a CLI command) commits once.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import sqlalchemy as sa

from questionnaires import SHIPPED, InputError, Questionnaire, load_folder, load_questionnaire, parse_questionnaire

from ..errors import ConsoleError
from ..extensions import db
from ..models import SURVEY_STATUSES, Form, QuestionnaireVersion, Survey, Unit, UnitLink
from .units import UnitRow

logger = logging.getLogger(__name__)
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")


class SurveyError(InputError):
    """A survey operation that cannot be done as asked."""

    def __init__(self, problem: str, source: str = "survey"):
        super().__init__(source, [("", problem)])


@dataclass(frozen=True)
class FormSpec:
    """A questionnaire file offered to a role; the role defaults to the questionnaire's own."""

    path: Path
    role: str | None = None


@lru_cache(maxsize=64)
def stored_questionnaire(content_hash: str, source: str, questionnaire_id: str) -> Questionnaire:
    """The typed questionnaire of a stored version's columns (parsed once per process)."""
    return parse_questionnaire(source, f"{questionnaire_id}.yaml")


def version_questionnaire(version: QuestionnaireVersion) -> Questionnaire:
    """The typed questionnaire of a stored version (parsed once per process)."""
    return stored_questionnaire(version.content_hash, version.source, version.questionnaire_id)


def store_version(path: Path) -> QuestionnaireVersion:
    """Load a questionnaire file; the same content gives the existing version, changed content a new one."""
    questionnaire = load_questionnaire(path)
    existing = db.session.scalar(
        sa.select(QuestionnaireVersion).filter_by(content_hash=questionnaire.content_hash))
    if existing is not None:
        return existing
    version = QuestionnaireVersion(
        questionnaire_id=questionnaire.id, title=questionnaire.title, role=questionnaire.role,
        content_hash=questionnaire.content_hash, source=path.read_text(encoding="utf-8-sig"),
    )
    db.session.add(version)
    db.session.flush()
    logger.info("Questionnaire %s stored as version %s", questionnaire.id, version.id)
    return version


def create_survey(title: str, slug: str, forms: list[FormSpec], units: list[UnitRow],
                  allow_repeat: bool = False) -> Survey:
    """Create a draft survey offering the given questionnaires to their roles in the given units."""
    title = title.strip()
    if not title or len(title) > 200:
        raise SurveyError("the title must be 1 to 200 characters")
    if not SLUG.match(slug):
        raise SurveyError(f"slug {slug!r} must be lower-case letters, digits and dashes (up to 64)")
    if db.session.scalar(sa.select(Survey.id).filter_by(slug=slug)) is not None:
        raise SurveyError(f"a survey with slug {slug!r} already exists")
    if not forms:
        raise SurveyError("a survey needs at least one questionnaire")
    survey = Survey(title=title, slug=slug, allow_repeat=allow_repeat)
    db.session.add(survey)
    seen: set[tuple[int, str]] = set()
    for spec in forms:
        version = store_version(spec.path)
        role = spec.role or version.role
        if (version.id, role) in seen:
            raise SurveyError(f"questionnaire {version.questionnaire_id} is offered to {role} twice")
        seen.add((version.id, role))
        survey.forms.append(Form(version=version, role=role))
    for row in units:
        survey.units.append(Unit(code=row.code, name=row.name, district=row.district))
    db.session.flush()
    _add_unit_links(survey)
    logger.info("Survey %s created with %d forms and %d units", slug, len(forms), len(units))
    return survey


def get_survey(slug: str) -> Survey:
    survey = db.session.scalar(sa.select(Survey).filter_by(slug=slug))
    if survey is None:
        raise SurveyError(f"no survey with slug {slug!r}")
    return survey


def set_status(survey: Survey, status: str) -> Survey:
    """Open or close a survey (a closed survey may be reopened)."""
    if status not in SURVEY_STATUSES:
        raise SurveyError(f"unknown status {status!r}")
    if status == "draft" and survey.status != "draft":
        raise SurveyError("a survey that has been opened cannot go back to draft")
    survey.status = status
    db.session.flush()
    logger.info("Survey %s is now %s", survey.slug, status)
    return survey


@dataclass(frozen=True)
class Link:
    form: Form
    unit: Unit | None
    url: str


def _add_unit_links(survey: Survey) -> None:
    """One unguessable link token per form x unit of a new survey."""
    db.session.add_all(UnitLink(form_id=form.id, unit_id=unit.id) for form in survey.forms for unit in survey.units)
    db.session.flush()


def survey_links(survey: Survey, base_url: str) -> list[Link]:
    """Every form x unit public URL, ``/s/<link token>`` (one per form, ``/s/<form token>``, when the survey
    has no units)."""
    base = base_url.rstrip("/")
    tokens = dict(((form_id, unit_id), token) for form_id, unit_id, token in db.session.execute(
        sa.select(UnitLink.form_id, UnitLink.unit_id, UnitLink.token)
        .join(Form, Form.id == UnitLink.form_id).where(Form.survey_id == survey.id)))
    links = []
    for form in survey.forms:
        if not survey.units:
            links.append(Link(form, None, f"{base}/s/{form.token}"))
        for unit in survey.units:
            links.append(Link(form, unit, f"{base}/s/{tokens[form.id, unit.id]}"))
    return links


def shipped_questionnaires(folder: Path = SHIPPED) -> list[Questionnaire]:
    """The project's questionnaires, ordered by id."""
    return sorted(load_folder([folder]).values(), key=lambda q: q.id)


def slug_taken(slug: str) -> bool:
    return db.session.scalar(sa.select(Survey.id).filter_by(slug=slug)) is not None


RESERVED_SLUGS = frozenset({"new"})
def create_console_survey(title: str, slug: str, chosen: list[tuple[Questionnaire, str]],
                          units: list[UnitRow]) -> Survey:
    """Create a draft survey offering each chosen (questionnaire, role) in every unit."""
    if slug in RESERVED_SLUGS:
        raise ConsoleError(f"代码 {slug} 是保留字，请换一个。")
    if slug_taken(slug):
        raise ConsoleError(f"代码 {slug} 已被另一个调查使用，请换一个。")
    forms = [FormSpec(Path(q.source), role) for q, role in chosen]
    return create_survey(title, slug, forms, units)


STATUS_ACTIONS = {"open": "open", "close": "closed"}


def change_survey_status(survey: Survey, action: str) -> Survey:
    """Open (also reopen) or close a survey."""
    if action not in STATUS_ACTIONS:
        raise ConsoleError(f"未知操作：{action}")
    try:
        return set_status(survey, STATUS_ACTIONS[action])
    except SurveyError as exc:
        raise ConsoleError("无法更改调查状态：" + exc.message) from exc
