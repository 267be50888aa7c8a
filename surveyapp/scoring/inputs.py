"""The evaluator's scoring inputs (literal values and overrides with reasons) in the database.

Inputs belong to a survey x indicator-system name. Each save adds a row with who and when; the newest row
is in force and the earlier ones are the history shown on the scoring page, so two app instances on one
database see the same inputs and nothing the evaluator enters lives outside the database. Leaves are named
by their key (``过程/资金管理/预算执行率``); inputs of leaves that a later version of the system no longer has
are kept but not used.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

import sqlalchemy as sa

from analysis.scoring import IndicatorSystem, Leaf
from questionnaires import InputError

from ..audit.services import record_event
from ..extensions import db
from ..models import SavedScoringInputs, Survey, User

logger = logging.getLogger(__name__)
MAX_REASON = 200


@dataclass
class ScoringInputs:
    """Literal values and overrides of one survey x indicator system (texts as typed), by leaf key."""

    literals: dict[str, str] = field(default_factory=dict)
    overrides: dict[str, dict[str, str]] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {"literals": dict(sorted(self.literals.items())),
                "overrides": {k: dict(v) for k, v in sorted(self.overrides.items())}}

    def digest(self) -> str:
        return hashlib.sha256(json.dumps(self.as_json(), ensure_ascii=False, sort_keys=True).encode()).hexdigest()

    def for_system(self, system: IndicatorSystem) -> ScoringInputs:
        """Only the inputs of leaves `system` has (a newer version may have dropped some)."""
        keys = {leaf.key for leaf in system.leaves()}
        return ScoringInputs({k: v for k, v in self.literals.items() if k in keys},
                             {k: v for k, v in self.overrides.items() if k in keys})

    def engine_literals(self) -> dict[str, Decimal]:
        return {k: Decimal(v) for k, v in self.literals.items()}

    def engine_overrides(self) -> dict[str, dict[str, Any]]:
        return {k: {"score": Decimal(v["score"]), "reason": v["reason"]} for k, v in self.overrides.items()}

    @classmethod
    def of(cls, row: SavedScoringInputs | None) -> ScoringInputs:
        if row is None:
            return cls()
        return cls({str(k): str(v) for k, v in (row.literals or {}).items()},
                   {str(k): {"score": str(v.get("score", "")), "reason": str(v.get("reason", ""))}
                    for k, v in (row.overrides or {}).items()})


def _saves(survey: Survey, name: str) -> sa.Select:
    return (sa.select(SavedScoringInputs).filter_by(survey_id=survey.id, system_name=name)
            .order_by(SavedScoringInputs.id.desc()))


def current_save(survey: Survey, name: str) -> SavedScoringInputs | None:
    """The save in force (the newest), None when nothing was saved."""
    return db.session.scalar(_saves(survey, name).limit(1))


def load_scoring_inputs(survey: Survey, name: str) -> ScoringInputs:
    """The inputs in force (the newest save; none saved: empty)."""
    return ScoringInputs.of(current_save(survey, name))


def save_scoring_inputs(survey: Survey, name: str, inputs: ScoringInputs, user: User | None,
                        note: str = "") -> SavedScoringInputs | None:
    """Store the inputs as the newest save (None, and nothing stored, when they equal the ones in force)."""
    if load_scoring_inputs(survey, name).as_json() == inputs.as_json():
        return None
    document = inputs.as_json()
    row = SavedScoringInputs(survey_id=survey.id, system_name=name, literals=document["literals"],
                             overrides=document["overrides"], saved_by=user, note=note)
    db.session.add(row)
    db.session.flush()
    record_event("scoring_saved", survey=survey, user=user,
                 detail=f"{name}：{len(inputs.literals)} 个实际完成值，{len(inputs.overrides)} 项得分调整")
    logger.info("Scoring inputs of %s / %s saved by %s (%d literals, %d overrides)", survey.slug, name,
                user.username if user else "-", len(inputs.literals), len(inputs.overrides))
    return row


@dataclass(frozen=True)
class Change:
    leaf: str
    what: str
    """``literal`` or ``override``."""
    before: str | None
    after: str | None


@dataclass(frozen=True)
class HistoryEntry:
    saved_at: datetime
    user: str | None
    note: str
    changes: tuple[Change, ...]


def _override_text(value: dict[str, str] | None) -> str | None:
    return None if value is None else f"{value['score']}（{value['reason']}）"


def inputs_history(survey: Survey, name: str) -> list[HistoryEntry]:
    """Every save, newest first, with what it changed compared with the save before it."""
    rows = list(db.session.scalars(_saves(survey, name)))
    entries = []
    for index, row in enumerate(rows):
        now = ScoringInputs.of(row)
        before = ScoringInputs.of(rows[index + 1] if index + 1 < len(rows) else None)
        changes = []
        for key in sorted(set(now.literals) | set(before.literals)):
            if now.literals.get(key) != before.literals.get(key):
                changes.append(Change(key, "literal", before.literals.get(key), now.literals.get(key)))
        for key in sorted(set(now.overrides) | set(before.overrides)):
            if now.overrides.get(key) != before.overrides.get(key):
                changes.append(Change(key, "override", _override_text(before.overrides.get(key)),
                                      _override_text(now.overrides.get(key))))
        entries.append(HistoryEntry(row.saved_at, row.saved_by.username if row.saved_by else None, row.note,
                                    tuple(changes)))
    return entries


# -- checking what the evaluator typed (the console's form and the API's PUT) -------------------------------

@dataclass(frozen=True)
class InputProblem:
    """A problem with one input of a leaf: `kind` is literal, score or reason."""

    kind: str
    chinese: str
    english: str


def number(text: str) -> Decimal | None:
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def check_literal(leaf: Leaf, text: str) -> InputProblem | None:
    """A literal value must be a number (``%`` allowed at the end), for a rule that uses a value."""
    if not leaf.rule.needs_value:
        return InputProblem("literal", f"“{leaf.name}”的计分规则不使用实际完成值。",
                            f"the {leaf.rule.type} rule of this indicator uses no actual value")
    if number(text) is None:
        return InputProblem("literal", f"“{text}”不是数字。", f"{text!r} is not a number")
    return None


def check_override(leaf: Leaf, score: str, reason: str) -> list[InputProblem]:
    """An override needs a score between 0 and the weight and a reason of at most 200 characters."""
    problems = []
    value = number(score) if score else None
    if value is None:
        problems.append(InputProblem("score", "请填写调整后的得分。" if not score else f"“{score}”不是数字。",
                                     "the score is required" if not score else f"{score!r} is not a number"))
    elif not Decimal(0) <= value <= leaf.weight:
        problems.append(InputProblem("score", f"得分应在 0 到分值 {leaf.weight} 之间。",
                                     f"the score must be between 0 and the weight {leaf.weight}"))
    if not reason:
        problems.append(InputProblem("reason", "调整得分必须写明理由。", "an override must give its reason"))
    elif len(reason) > MAX_REASON:
        problems.append(InputProblem("reason", f"理由不能超过 {MAX_REASON} 个字。",
                                     f"the reason must be at most {MAX_REASON} characters"))
    return problems


def clean_literal(text: str) -> str:
    """A literal as typed, without spaces and a trailing ``%``."""
    return text.strip().rstrip("%").strip()


def _leaf_named(system: IndicatorSystem, name: str, place: str, problems: list[tuple[str, str]]) -> Leaf | None:
    """The leaf a name stands for (its key ``一级/二级/三级``, or its own name when no other leaf has it);
    None, with the problem noted at `place`, when there is none or several."""
    leaves = system.leaves()
    for leaf in leaves:
        if leaf.key == name:
            return leaf
    named = [leaf for leaf in leaves if leaf.name == name]
    if len(named) == 1:
        return named[0]
    problems.append((place, f"several indicators are named {name!r}: use the path, e.g. {named[0].key!r}"
                     if named else "no such indicator in the system"))
    return None


def read_inputs_document(system: IndicatorSystem, document: dict[str, Any], source: str = "body",
                         ) -> ScoringInputs:
    """The inputs of an API document ``{"literals": {name: value}, "overrides": {name: {score, reason}}}``.

    Names are leaf keys or unique leaf names; values numbers or texts. Raises InputError listing every
    problem with its place (``literals.预算执行率``) in English; the whole document replaces the inputs.
    """
    problems: list[tuple[str, str]] = []
    inputs = ScoringInputs()
    for key in document:
        if key not in ("literals", "overrides"):
            problems.append((key, "unknown key (allowed: literals, overrides)"))
    for part in ("literals", "overrides"):
        if not isinstance(document.get(part, {}), dict):
            problems.append((part, "must be an object keyed by indicator name"))
    literals = document.get("literals") if isinstance(document.get("literals"), dict) else {}
    overrides = document.get("overrides") if isinstance(document.get("overrides"), dict) else {}
    for name, value in literals.items():
        place = f"literals.{name}"
        leaf = _leaf_named(system, name, place, problems)
        if leaf is None:
            continue
        text = clean_literal(str(value)) if isinstance(value, str | int | float) and not isinstance(value, bool) else ""
        found = check_literal(leaf, text) if text else InputProblem("literal", "", "must be a number or a text")
        if found is None:
            inputs.literals[leaf.key] = text
        else:
            problems.append((place, found.english))
    for name, value in overrides.items():
        place = f"overrides.{name}"
        leaf = _leaf_named(system, name, place, problems)
        if leaf is None:
            continue
        if not isinstance(value, dict) or set(value) - {"score", "reason"}:
            problems.append((place, "must be an object with score and reason"))
            continue
        score, reason = value.get("score"), value.get("reason")
        score = str(score).strip() if isinstance(score, str | int | float) and not isinstance(score, bool) else ""
        reason = reason.strip() if isinstance(reason, str) else ""
        found = check_override(leaf, score, reason)
        problems.extend((f"{place}.{p.kind}", p.english) for p in found)
        if not found:
            inputs.overrides[leaf.key] = {"score": score, "reason": reason}
    if problems:
        raise InputError(source, problems)
    return inputs
