"""The scoring engine: an indicator system plus survey data become leaf scores, subtotals, total and grade.

>>> system = load_indicators("questionnaires/indicators/lamps.yaml")      # doctest: +SKIP
>>> result = score_system(system, {"student-lamps": frame}, questionnaires)  # doctest: +SKIP
>>> score_json(result)["total"]                                            # doctest: +SKIP
87.45
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pandas as pd

from questionnaires import Questionnaire

from .evidence import Evidence
from .model import IndicatorSystem, Leaf, Override, ScoringError, leaf_key
from .rules import RuleOutcome, round_half_up, round_score, rule_outcome
from .targets import Target, parse_target
from .values import Context, Failed, given_literal, literal_number, source_value

PathKey = str | tuple[str, ...]


@dataclass(frozen=True)
class LeafResult:
    """One scored leaf: its value, computed score (rounded), override and what the table reports.

    `evidence` says what the value was computed from (questions, their tables, counts, the parts of a
    mean; None without a value) and `outcome` how the rule turned it into the computed score; a report
    writes its sentences from these, never counting again.
    """

    leaf: Leaf
    value: Decimal | None
    unit: str
    """Unit of the value as shown: the numeric target's unit, else '%' for survey shares and rates."""
    computed: Decimal
    override: Override | None = None
    evidence: Evidence | None = None
    outcome: RuleOutcome | None = None

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
    context = Context(data, questionnaires)
    results: list[LeafResult] = []
    for leaf in leaves:
        failures: list[tuple[str, str]] = []
        value, unit, evidence = _leaf_value(leaf, literal_values.get(leaf.key), context, failures)
        override = _override(leaf, override_values[leaf.key], failures) if leaf.key in override_values \
            else leaf.override
        if leaf.rule.needs_value and value is None and not failures:
            failures.append((f"{leaf.place}.value", f"the {leaf.rule.type} rule needs an actual value: give "
                                                    "`value` in the file or a literal value"))
        if failures:
            problems.extend((f"{place} ({leaf.key})", problem) for place, problem in failures)
            continue
        outcome = rule_outcome(leaf.rule, leaf.weight, value)
        target = parse_target(leaf.target)
        results.append(LeafResult(leaf=leaf, value=value, unit=target.unit if target else unit,
                                  computed=round_score(outcome.score), override=override, evidence=evidence,
                                  outcome=outcome))
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
    """The JSON document of `surveyapp score --json` (docs/cli.md).

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


# -- values, literals and overrides by leaf path -----------------------------------------------------------

def _leaf_value(leaf: Leaf, literal: Any, context: Context, failures: list[tuple[str, str]],
                ) -> tuple[Decimal | None, str, Evidence | None]:
    if literal is not None:
        try:
            return given_literal(literal)
        except Failed as exc:
            failures.append((leaf.place, f"literal value: {exc.problem}"))
            return None, "", None
    if leaf.value is None:
        return None, "", None
    try:
        return source_value(leaf.value, f"{leaf.place}.value", context)
    except Failed as exc:
        failures.append((exc.place, exc.problem))
        return None, "", None


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
        number = literal_number(score)
    except Failed as exc:
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
