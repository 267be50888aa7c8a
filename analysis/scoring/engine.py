"""The scoring engine: an indicator system plus survey data become leaf scores, subtotals, total and grade.

>>> system = load_indicators("questionnaires/indicators/lamps.yaml")      # doctest: +SKIP
>>> result = score_system(system, {"student-lamps": frame}, questionnaires)  # doctest: +SKIP
>>> score_json(result)["total"]                                            # doctest: +SKIP
87.45
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

import pandas as pd

from questionnaires import Questionnaire
from questionnaires.errors import InputError

from ..frames import filter_frame, valid_only
from ..satisfaction import satisfaction, share
from .model import (
    IndicatorSystem,
    Leaf,
    Literal,
    MeanSource,
    Override,
    SatisfactionSource,
    ScoringError,
    ShareSource,
    SurveySource,
    TextShareSource,
    ValueSource,
    leaf_key,
)
from .rules import HUNDRED, apply_rule, round_half_up, round_score
from .targets import Target, parse_target

PathKey = str | tuple[str, ...]


@dataclass(frozen=True)
class LeafResult:
    """One scored leaf: its value, computed score (rounded), override and what the table reports."""

    leaf: Leaf
    value: Decimal | None
    unit: str
    """Unit of the value as shown: the numeric target's unit, else '%' for survey shares and rates."""
    computed: Decimal
    override: Override | None = None

    @property
    def path(self) -> tuple[str, ...]:
        return self.leaf.path

    @property
    def weight(self) -> Decimal:
        return self.leaf.weight

    @property
    def target(self) -> Target | None:
        return parse_target(self.leaf.target)

    @property
    def score(self) -> Decimal:
        """The score that counts: the override's when there is one, else the computed score."""
        return self.override.score if self.override is not None else self.computed

    @property
    def rate(self) -> Decimal:
        """得分率: score / weight."""
        return self.score / self.weight

    @property
    def met(self) -> bool | None:
        """Whether the value met a numeric target; None without a value or a numeric target."""
        target = self.target
        if target is None or self.value is None:
            return None
        return target.met(self.value, lower_is_better=self.leaf.rule.type == "deduct_above")

    @property
    def deviation(self) -> Decimal | None:
        """偏差率 (actual − target) / target; None without a value or a numeric, non-zero target."""
        target = self.target
        if target is None or self.value is None:
            return None
        return target.deviation(self.value)


@dataclass(frozen=True)
class Subtotal:
    """A level-1 or level-2 group: the sums of its leaves' weights and rounded scores."""

    path: tuple[str, ...]
    weight: Decimal
    score: Decimal

    @property
    def rate(self) -> Decimal:
        return self.score / self.weight if self.weight else Decimal(0)


@dataclass(frozen=True)
class ScoreResult:
    """The scored system: leaves in file order, subtotals per level 1 and level 2, total and grade."""

    system: IndicatorSystem
    leaves: tuple[LeafResult, ...]
    level1: tuple[Subtotal, ...]
    level2: tuple[Subtotal, ...]
    total: Decimal
    weight_sum: Decimal
    grade: str | None

    @property
    def title(self) -> str:
        return self.system.title

    @property
    def rate(self) -> Decimal:
        return self.total / self.weight_sum if self.weight_sum else Decimal(0)


def score_system(system: IndicatorSystem, data: Mapping[str, pd.DataFrame],
                 questionnaires: Mapping[str, Questionnaire], literals: Mapping[PathKey, Any] | None = None,
                 overrides: Mapping[PathKey, Override | Mapping[str, Any]] | None = None) -> ScoreResult:
    """Score every leaf of `system` and sum the scores.

    Parameters
    ----------
    system : IndicatorSystem
        From :func:`load_indicators` or :func:`parse_indicators`.
    data : mapping of questionnaire id to DataFrame
        Responses frames (invalid rows are left out here). May be empty when every value is a literal.
    questionnaires : mapping of questionnaire id to Questionnaire
    literals : mapping of leaf path to number, optional
        Actual values given by the evaluator; they replace the leaf's value in the file. A leaf path is a
        tuple of the three names or the names joined by '/' (``LeafResult.leaf.key``).
    overrides : mapping of leaf path to Override or {"score", "reason"}, optional
        Scores replacing the computed ones (they win over overrides written in the file).

    Returns
    -------
    ScoreResult

    Raises
    ------
    ScoringError
        Naming every leaf whose value or score cannot be computed (no data, unknown question, no answers,
        a bad literal or override), or a path in `literals`/`overrides` that is no leaf.
    """
    problems: list[tuple[str, str]] = []
    leaves = system.leaves()
    literal_values = _by_leaf(literals or {}, leaves, "literals", problems)
    override_values = _by_leaf(overrides or {}, leaves, "overrides", problems)
    context = _Context(data, questionnaires)
    results: list[LeafResult] = []
    for leaf in leaves:
        failures: list[tuple[str, str]] = []
        value, unit = _leaf_value(leaf, literal_values.get(leaf.key), context, failures)
        override = _override(leaf, override_values[leaf.key], failures) if leaf.key in override_values \
            else leaf.override
        if leaf.rule.needs_value and value is None and not failures:
            failures.append((f"{leaf.place}.value", f"the {leaf.rule.type} rule needs an actual value: give "
                                                    "`value` in the file or a literal value"))
        if failures:
            problems.extend((f"{place} ({leaf.key})", problem) for place, problem in failures)
            continue
        computed = round_score(apply_rule(leaf.rule, leaf.weight, value))
        target = parse_target(leaf.target)
        results.append(LeafResult(leaf=leaf, value=value, unit=target.unit if target else unit,
                                  computed=computed, override=override))
    if problems:
        raise ScoringError(system.source, problems)

    level1: list[Subtotal] = []
    level2: list[Subtotal] = []
    for group in system.indicators:
        mine = [r for r in results if r.path[0] == group.name]
        level1.append(_subtotal((group.name,), mine))
        for sub in group.children:
            level2.append(_subtotal((group.name, sub.name), [r for r in mine if r.path[1] == sub.name]))
    total = sum((r.score for r in results), Decimal(0))
    weight_sum = sum((r.weight for r in results), Decimal(0))
    return ScoreResult(system=system, leaves=tuple(results), level1=tuple(level1), level2=tuple(level2),
                       total=total, weight_sum=weight_sum, grade=system.grade(total))


def score_json(result: ScoreResult) -> dict[str, Any]:
    """The `score` JSON document of formats/data-and-cli.md.

    Scores and the total have 2 decimals; rate and deviation are fractions with 4 decimals; value and
    deviation are null where there is none; override is null or {"score", "reason", "computed"}.
    """
    rows = []
    for r in result.leaves:
        deviation = r.deviation
        rows.append({
            "path": list(r.path),
            "weight": _number(r.weight),
            "target": r.leaf.target,
            "value": None if r.value is None else float(round_half_up(r.value, 4)),
            "score": float(r.score),
            "rate": float(round_half_up(r.rate, 4)),
            "deviation": None if deviation is None else float(round_half_up(deviation, 4)),
            "override": None if r.override is None else {
                "score": float(r.override.score), "reason": r.override.reason, "computed": float(r.computed)},
        })
    return {
        "title": result.title,
        "total": float(result.total),
        "grade": result.grade,
        "weight_sum": _number(result.weight_sum),
        "rows": rows,
    }


# -- values ------------------------------------------------------------------------------------------------

class _Context:
    def __init__(self, data: Mapping[str, pd.DataFrame], questionnaires: Mapping[str, Questionnaire]):
        self.data = data
        self.questionnaires = questionnaires
        self._valid: dict[str, pd.DataFrame] = {}

    def frame(self, form: str) -> pd.DataFrame:
        if form not in self._valid:
            self._valid[form] = valid_only(self.data[form])
        return self._valid[form]


class _Failed(Exception):
    """A value that cannot be computed; caught per leaf and reported with the leaf's names."""

    def __init__(self, place: str, problem: str):
        super().__init__(problem)
        self.place = place
        self.problem = problem


def _leaf_value(leaf: Leaf, literal: Any, context: _Context, failures: list[tuple[str, str]],
                ) -> tuple[Decimal | None, str]:
    if literal is not None:
        try:
            return _literal(literal), ""
        except _Failed as exc:
            failures.append((leaf.place, f"literal value: {exc.problem}"))
            return None, ""
    if leaf.value is None:
        return None, ""
    try:
        return _value(leaf.value, f"{leaf.place}.value", context)
    except _Failed as exc:
        failures.append((exc.place, exc.problem))
        return None, ""


def _literal(raw: Any) -> Decimal:
    if isinstance(raw, bool):
        raise _Failed("", f"must be a number, got {raw!r}")
    try:
        number = raw if isinstance(raw, Decimal) else Decimal(str(raw).strip())
    except InvalidOperation:
        raise _Failed("", f"must be a number, got {raw!r}") from None
    if not number.is_finite():
        raise _Failed("", f"must be a finite number, got {raw!r}")
    return number


def _value(source: ValueSource, place: str, context: _Context) -> tuple[Decimal, str]:
    """The value of `source` and the unit it is in ('%' for survey shares and rates)."""
    if isinstance(source, Literal):
        return source.value, ""
    if isinstance(source, MeanSource):
        parts = [_value(item, f"{place}.mean[{i}]", context) for i, item in enumerate(source.items)]
        units = {unit for _, unit in parts}
        mean = sum((v for v, _ in parts), Decimal(0)) / len(parts)
        return mean, units.pop() if len(units) == 1 else ""
    kind = {ShareSource: "share", SatisfactionSource: "satisfaction",
            TextShareSource: "text_share"}[type(source)]
    place = f"{place}.{kind}"
    form, questionnaire, frame = _survey_frame(source, place, context)
    try:
        if isinstance(source, ShareSource):
            _check_variable(questionnaire, source.question, f"{place}.question", choice=True)
            found = share(frame, questionnaire, source.question, list(source.options))
            _answered(found.n, form, source, place)
            return HUNDRED * found.count / found.n, "%"
        if isinstance(source, SatisfactionSource):
            variables: list[str] = []
            for i, qid in enumerate(source.questions):
                variables.extend(_check_variable(questionnaire, qid, f"{place}.questions[{i}]", scale=True))
            found = satisfaction(frame, questionnaire, variables, source.method)
            _answered(found.n, form, source, place)
            if source.method == "top_box":
                return HUNDRED * found.satisfied / found.n, "%"
            return Decimal(str(found.rate)), ""
        _check_variable(questionnaire, source.question, f"{place}.question", text=True)
        from ..text import text_share  # imported here: it loads the Chinese tokenizer

        found = text_share(frame, questionnaire, source.question, source.category)
        _answered(found.n, form, source, place)
        return HUNDRED * found.count / found.n, "%"
    except (InputError, ValueError, KeyError) as exc:
        if isinstance(exc, InputError):
            message = "; ".join(f"{where}: {problem}" if where else problem
                                for where, problem in exc.problems)
        else:
            message = str(exc.args[0]) if isinstance(exc, KeyError) and exc.args else str(exc)
        raise _Failed(place, message) from None


def _survey_frame(source: SurveySource, place: str, context: _Context,
                  ) -> tuple[str, Questionnaire, pd.DataFrame]:
    form = source.form
    if form is None:
        if len(context.data) != 1:
            given = ", ".join(context.data) or "none"
            raise _Failed(f"{place}.form", f"name the questionnaire: the data hold {len(context.data)} "
                                           f"questionnaires ({given})")
        form = next(iter(context.data))
    if form not in context.data:
        given = ", ".join(context.data) or "none"
        raise _Failed(f"{place}.form",
                      f"no response data for questionnaire {form!r} (data given for: {given})")
    if form not in context.questionnaires:
        raise _Failed(f"{place}.form", f"unknown questionnaire {form!r}: its definition was not found")
    frame = context.frame(form)
    if source.filter is not None:
        frame = filter_frame(frame, unit=source.filter.unit, role=source.filter.role)
    return form, context.questionnaires[form], frame


def _check_variable(questionnaire: Questionnaire, variable: str, place: str, *, choice: bool = False,
                    scale: bool = False, text: bool = False) -> list[str]:
    """The data variables `variable` names (a whole matrix gives its rows), after checking its type."""
    try:
        question = questionnaire.question(variable)
    except KeyError:
        raise _Failed(place, f"questionnaire {questionnaire.id!r} has no question {variable!r}") from None
    if variable != question.id and variable not in question.variables:
        what = f"a row of matrix {question.id!r}" if question.type == "matrix" \
            else f"a variable of {question.id!r}"
        raise _Failed(place, f"{variable!r} is not {what} in {questionnaire.id!r}")
    if variable.endswith(".other") and not text:
        raise _Failed(place, f"{variable!r} is an other-text; name the question {question.id!r}")
    kind = question.type
    if choice and (kind not in ("single", "multiple", "scale", "matrix") or
                   (kind == "matrix" and variable == question.id)):
        wanted = "a matrix row such as " + question.variables[0] if kind == "matrix" \
            else "a single, multiple, scale question or a matrix row"
        raise _Failed(place, f"{variable!r} is a {kind} question; share needs {wanted}")
    if scale:
        if kind not in ("scale", "matrix"):
            raise _Failed(place, f"{variable!r} is a {kind} question; satisfaction needs scale or matrix "
                                 "questions")
        return list(question.variables) if variable == question.id else [variable]
    if text and kind != "text" and not variable.endswith(".other"):
        raise _Failed(place, f"{variable!r} is a {kind} question; text_share needs an open (text) question "
                             "or an other-text such as q2.other")
    return [variable]


def _answered(n: int, form: str, source: SurveySource, place: str) -> None:
    if not n:
        narrowed = ""
        if source.filter is not None:
            conditions = (("unit", source.filter.unit), ("role", source.filter.role))
            parts = [f"{k} in {list(v)}" for k, v in conditions if v]
            narrowed = " with " + " and ".join(parts)
        raise _Failed(place, f"no valid answers in {form!r}{narrowed}: the value cannot be computed")


# -- literals and overrides by leaf path -------------------------------------------------------------------

def _by_leaf(given: Mapping[PathKey, Any], leaves: list[Leaf], what: str,
             problems: list[tuple[str, str]]) -> dict[str, Any]:
    keys = {leaf.key for leaf in leaves}
    found: dict[str, Any] = {}
    for path, value in given.items():
        key = path if isinstance(path, str) else leaf_key(path)
        if key not in keys:
            problems.append((what, f"{key!r} is not a leaf indicator of this system"))
            continue
        found[key] = value
    return found


def _override(leaf: Leaf, raw: Override | Mapping[str, Any], failures: list[tuple[str, str]],
              ) -> Override | None:
    place = f"{leaf.place}.override"
    if isinstance(raw, Override):
        score, reason = raw.score, raw.reason
    elif isinstance(raw, Mapping):
        score, reason = raw.get("score"), raw.get("reason")
    else:
        failures.append((place, f"must be a mapping with score and reason, got {raw!r}"))
        return None
    try:
        number = _literal(score)
    except _Failed as exc:
        failures.append((f"{place}.score", exc.problem))
        return None
    if not Decimal(0) <= number <= leaf.weight:
        failures.append((f"{place}.score", f"{number} is not between 0 and the weight {leaf.weight}"))
        return None
    if not isinstance(reason, str) or not reason.strip():
        failures.append((f"{place}.reason", "is required: an override must give its reason"))
        return None
    return Override(score=round_score(number), reason=reason.strip())


def _subtotal(path: tuple[str, ...], results: list[LeafResult]) -> Subtotal:
    return Subtotal(path=path, weight=sum((r.weight for r in results), Decimal(0)),
                    score=sum((r.score for r in results), Decimal(0)))


def _number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)
