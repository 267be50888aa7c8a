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

from questionnaires import ROLE_LABELS, ROLES, InputError, Questionnaire, parse_questionnaire

from ..audit.services import record_event
from ..errors import ConsoleError
from ..extensions import db
from ..library.services import LibraryError, resolve_version, store_file
from ..models import SURVEY_STATUSES, Form, QuestionnaireVersion, Survey, Unit, UnitLink, UnitTarget, User
from .members import add_owner
from .units import UnitRow

logger = logging.getLogger(__name__)
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")


class SurveyError(InputError):
    """A survey operation that cannot be done as asked; `place` names the field (``slug``) when known."""

    def __init__(self, problem: str, source: str = "survey", place: str = ""):
        super().__init__(source, [(place, problem)])


@dataclass(frozen=True)
class FormSpec:
    """A questionnaire offered to a role; the role defaults to the questionnaire's own.

    `questionnaire` is a stored version, a library questionnaire id (its latest version) or a questionnaire
    file (stored first, as any library version).
    """

    questionnaire: QuestionnaireVersion | str | Path
    role: str | None = None


@lru_cache(maxsize=64)
def stored_questionnaire(content_hash: str, source: str, questionnaire_id: str) -> Questionnaire:
    """The typed questionnaire of a stored version's columns (parsed once per process)."""
    return parse_questionnaire(source, f"{questionnaire_id}.yaml")


def version_questionnaire(version: QuestionnaireVersion) -> Questionnaire:
    """The typed questionnaire of a stored version (parsed once per process)."""
    return stored_questionnaire(version.content_hash, version.source, version.questionnaire_id)


def store_version(path: Path) -> QuestionnaireVersion:
    """Store a questionnaire file in the library; the same content gives the existing version."""
    return store_file(path)


def create_survey(title: str, slug: str, forms: list[FormSpec | tuple], units: list[UnitRow],
                  allow_repeat: bool = False, owner: User | None = None) -> Survey:
    """Create a draft survey offering the given questionnaires to their roles in the given units.

    Each form is a `FormSpec` or a plain ``(questionnaire, role)`` pair: a library questionnaire id (its
    latest version), a stored `QuestionnaireVersion` or a questionnaire file, and a role (None: the
    questionnaire's own), e.g. ``[("teacher-platform", "teacher"), (version, None)]``.
    `owner` becomes the survey's owner (without one only admins see it until an admin adds members).
    """
    title = title.strip()
    if not title or len(title) > 200:
        raise SurveyError("the title must be 1 to 200 characters", place="title")
    if not SLUG.match(slug):
        raise SurveyError(f"slug {slug!r} must be lower-case letters, digits and dashes (up to 64)", place="slug")
    if db.session.scalar(sa.select(Survey.id).filter_by(slug=slug)) is not None:
        raise SurveyError(f"a survey with slug {slug!r} already exists", place="slug")
    if not forms:
        raise SurveyError("a survey needs at least one questionnaire", place="forms")
    survey = Survey(title=title, slug=slug, allow_repeat=allow_repeat)
    db.session.add(survey)
    seen: set[tuple[int, str]] = set()
    for spec in (f if isinstance(f, FormSpec) else FormSpec(*f) for f in forms):
        try:
            version = resolve_version(spec.questionnaire)
        except LibraryError as exc:
            raise SurveyError(exc.problems[0][1], place="forms") from exc
        role = spec.role or version.role
        if role not in ROLES:
            raise SurveyError(f"role {role!r} is not one of {', '.join(ROLES)}", place="forms")
        if (version.id, role) in seen:
            raise SurveyError(f"questionnaire {version.questionnaire_id} is offered to {role} twice", place="forms")
        seen.add((version.id, role))
        survey.forms.append(Form(version=version, role=role))
    check_target_roles(units, {role for _, role in seen})
    for row in units:
        survey.units.append(Unit(code=row.code, name=row.name, district=row.district, targets=[
            UnitTarget(role=role, target=t.target, population=t.population, margin=t.margin)
            for role, t in row.targets.items()]))
    db.session.flush()
    _add_unit_links(survey)
    if owner is not None:
        add_owner(survey, owner)
    logger.info("Survey %s created with %d forms and %d units", slug, len(forms), len(units))
    return survey


def check_target_roles(units: list[UnitRow], roles: set[str]) -> None:
    """Refuse a target for a role the survey offers no questionnaire to (it could never be reached)."""
    for row in units:
        for role in row.targets:
            if role not in roles:
                label = ROLE_LABELS.get(role, role)
                raise ConsoleError(f"单位 {row.code} 设置了{label}的目标数，但调查中没有面向{label}的问卷。",
                                   code="target_role_not_offered", place="units",
                                   english=f"unit {row.code} has a target for {role}, but the survey offers "
                                           f"no questionnaire to {role}")


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
    changed = survey.status != status
    survey.status = status
    db.session.flush()
    if changed and status in ("open", "closed"):
        record_event("survey_opened" if status == "open" else "survey_closed", survey=survey)
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


def slug_taken(slug: str) -> bool:
    return db.session.scalar(sa.select(Survey.id).filter_by(slug=slug)) is not None


RESERVED_SLUGS = frozenset({"new"})


def create_console_survey(title: str, slug: str, chosen: list[tuple[QuestionnaireVersion | str, str | None]],
                          units: list[UnitRow], owner: User | None) -> Survey:
    """Create a draft survey offering each chosen (questionnaire version or library id, role) in every unit
    (the console's form and the API's POST /surveys), owned by `owner`."""
    if slug in RESERVED_SLUGS:
        raise ConsoleError(f"代码 {slug} 是保留字，请换一个。", code="slug_reserved", place="slug",
                           english=f"The slug {slug!r} is reserved; choose another.")
    if slug_taken(slug):
        raise ConsoleError(f"代码 {slug} 已被另一个调查使用，请换一个。", code="slug_taken", place="slug",
                           english=f"A survey with slug {slug!r} already exists; choose another.")
    return create_survey(title, slug, [FormSpec(questionnaire, role) for questionnaire, role in chosen], units,
                         owner=owner)


STATUS_ACTIONS = {"open": "open", "close": "closed"}


def change_survey_status(survey: Survey, action: str) -> Survey:
    """Open (also reopen) or close a survey."""
    if action not in STATUS_ACTIONS:
        raise ConsoleError(f"未知操作：{action}", code="unknown_action",
                           english=f"Unknown action {action!r}: use open or close.")
    try:
        return set_status(survey, STATUS_ACTIONS[action])
    except SurveyError as exc:
        raise ConsoleError("无法更改调查状态：" + exc.message, code="status_refused",
                           english=f"The status cannot be changed: {exc.problems[0][1]}.") from exc
