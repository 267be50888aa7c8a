"""A survey as the API sends it (POST /surveys): read and check the JSON document, find its questionnaires.

::

    {"slug": "lamps-2025", "title": "...", "forms": [{"questionnaire": "student-lamps", "role": "student"}],
     "units": [{"code": "S1", "name": "第一小学", "district": "城关区", "targets": {"student": 120}},
               {"code": "S2", "name": "第二小学", "enrolment": {"student": 800}, "margin": 0.05}]}

`targets` gives counts of valid responses per role; `enrolment` gives the people per role, from which the
needed sample size for `margin` (a fraction, default 0.05) is computed, as in the units CSV. Every problem
is reported with its place (``units[1].targets.student``), in English.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from analysis.sampling import DEFAULT_MARGIN, needed_sample_size
from questionnaires import ROLES, InputError

from ..library.services import find_version
from ..models import QuestionnaireVersion
from .units import MAX_COUNT, Problem, RoleTarget, UnitRow, check_unit

SURVEY_KEYS = {"slug", "title", "forms", "units"}
FORM_KEYS = {"questionnaire", "role"}
UNIT_KEYS = {"code", "name", "district", "targets", "enrolment", "margin"}


@dataclass(frozen=True)
class SurveyDocument:
    slug: str
    title: str
    forms: list[tuple[QuestionnaireVersion, str | None]]
    units: list[UnitRow]


def _text(document: dict, key: str, place: str, problems: list[Problem], required: bool = True) -> str:
    value = document.get(key)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value.strip()):
        problems.append(Problem(f"{place}{key}", "is required text" if value is None else
                                f"must be text, got {value!r}", ""))
        return ""
    return value.strip()


def _unknown(document: dict, allowed: set[str], place: str, problems: list[Problem]) -> None:
    for key in document:
        if key not in allowed:
            problems.append(Problem(f"{place}{key}", f"unknown key (allowed: {', '.join(sorted(allowed))})", ""))


def _counts(value: Any, place: str, problems: list[Problem], *, positive: bool) -> dict[str, int]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        problems.append(Problem(place, "must be an object of role -> whole number", ""))
        return {}
    found = {}
    low = 1 if positive else 0
    for role, number in value.items():
        if role not in ROLES:
            problems.append(Problem(f"{place}.{role}", f"unknown role (one of {', '.join(ROLES)})", ""))
        elif isinstance(number, bool) or not isinstance(number, int) or not low <= number <= MAX_COUNT:
            problems.append(Problem(f"{place}.{role}", f"must be a whole number from {low} to {MAX_COUNT}, "
                                                       f"got {number!r}", ""))
        else:
            found[role] = number
    return found


def _unit(raw: Any, place: str, problems: list[Problem]) -> UnitRow | None:
    if not isinstance(raw, dict):
        problems.append(Problem(place, "must be an object with code and name", ""))
        return None
    before = len(problems)
    _unknown(raw, UNIT_KEYS, f"{place}.", problems)
    code, name = _text(raw, "code", f"{place}.", problems), _text(raw, "name", f"{place}.", problems)
    district = _text(raw, "district", f"{place}.", problems, required=False)
    if len(problems) == before:
        problems.extend(check_unit(code, name, district, place))
    targets = _counts(raw.get("targets"), f"{place}.targets", problems, positive=False)
    enrolment = _counts(raw.get("enrolment"), f"{place}.enrolment", problems, positive=True)
    margin = raw.get("margin", DEFAULT_MARGIN)
    if isinstance(margin, bool) or not isinstance(margin, int | float) or not 0 < margin <= 0.5:
        problems.append(Problem(f"{place}.margin", f"must be a fraction above 0 and at most 0.5, got {margin!r}",
                                ""))
        margin = DEFAULT_MARGIN
    for role in sorted(set(targets) & set(enrolment)):
        problems.append(Problem(f"{place}.enrolment.{role}", "give either a target or an enrolment per role", ""))
    if len(problems) > before:
        return None
    found = {role: RoleTarget(n) for role, n in targets.items()}
    found.update({role: RoleTarget(needed_sample_size(n, float(margin)), n, float(margin))
                  for role, n in enrolment.items()})
    return UnitRow(code, name, district, found)


def read_survey_document(document: dict[str, Any], source: str = "body") -> SurveyDocument:
    """The survey a POST /surveys body asks for; InputError listing every problem with its place."""
    problems: list[Problem] = []
    _unknown(document, SURVEY_KEYS, "", problems)
    slug, title = _text(document, "slug", "", problems), _text(document, "title", "", problems)
    forms: list[tuple[QuestionnaireVersion, str | None]] = []
    raw_forms = document.get("forms")
    if not isinstance(raw_forms, list) or not raw_forms:
        problems.append(Problem("forms", "must be a non-empty list of {questionnaire, role}", ""))
        raw_forms = []
    for i, raw in enumerate(raw_forms):
        place = f"forms[{i}]"
        if not isinstance(raw, dict):
            problems.append(Problem(place, "must be an object with questionnaire and role", ""))
            continue
        _unknown(raw, FORM_KEYS, f"{place}.", problems)
        questionnaire_id = _text(raw, "questionnaire", f"{place}.", problems)
        role = raw.get("role")
        if role is not None and role not in ROLES:
            problems.append(Problem(f"{place}.role", f"unknown role {role!r} (one of {', '.join(ROLES)})", ""))
            continue
        if not questionnaire_id:
            continue
        version = find_version(questionnaire_id)
        if version is None:
            problems.append(Problem(f"{place}.questionnaire", f"no stored questionnaire {questionnaire_id!r}; "
                                                              "import it with POST /questionnaires first", ""))
            continue
        forms.append((version, role))
    raw_units = document.get("units", [])
    if not isinstance(raw_units, list):
        problems.append(Problem("units", "must be a list of units", ""))
        raw_units = []
    units: list[UnitRow] = []
    seen: dict[str, int] = {}
    for i, raw in enumerate(raw_units):
        unit = _unit(raw, f"units[{i}]", problems)
        if unit is None:
            continue
        if unit.code in seen:
            problems.append(Problem(f"units[{i}].code", f"code {unit.code!r} repeats units[{seen[unit.code]}]", ""))
            continue
        seen[unit.code] = i
        units.append(unit)
    if problems:
        raise InputError(source, [(p.place, p.english) for p in problems])
    return SurveyDocument(slug, title, forms, units)
