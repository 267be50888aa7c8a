"""Scoring rules: a leaf's weight and actual value become its score (see docs/formats/indicators.md).

All arithmetic is in :class:`decimal.Decimal`; :func:`round_score` rounds half up to 2 decimals, as scores are
shown in reports.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from .model import Rule

ZERO = Decimal(0)
HUNDRED = Decimal(100)
CENT = Decimal("0.01")


def round_half_up(value: Decimal, decimals: int = 2) -> Decimal:
    """`value` rounded to `decimals` places, halves away from zero (2.675 -> 2.68, 88.5 -> 89).

    >>> round_half_up(Decimal("2.675"))
    Decimal('2.68')
    """
    return value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def round_score(value: Decimal) -> Decimal:
    """A score rounded half up to 2 decimals."""
    return round_half_up(value, 2)


@dataclass(frozen=True)
class RuleOutcome:
    """How a rule turned a leaf's value into its score: the case that applied and the numbers behind it.

    Attributes
    ----------
    score : Decimal
        The score, between 0 and the weight, not yet rounded.
    case : str
        Which branch of the rule applied: ``manual``; ``met`` / ``not_met`` (yes_no); ``checklist``;
        ``proportional``; ``full`` (the threshold was reached); ``deducted``; ``below_floor``;
        ``above_ceiling``; ``ratio`` (ratio_below short of the threshold).
    value : Decimal or None
        The value the rule used: the actual value, rounded first for ``proportional`` with ``round_value``.
    gap : Decimal or None
        deduct_below / deduct_above when ``deducted``: how far the value is short of (over) the threshold.
    deduction : Decimal or None
        The percentage of the weight deducted (``per_point × gap``; over 100 means nothing is left).
    fraction : Decimal or None
        The share of the weight scored before clamping: sum of the shares met (checklist), value / 100
        (proportional), value / threshold (ratio_below); None where the score says it all.
    clamped : bool
        The score was held at 0 or at the weight (a proportional value over 100, a deduction over 100%).
    """

    score: Decimal
    case: str
    value: Decimal | None = None
    gap: Decimal | None = None
    deduction: Decimal | None = None
    fraction: Decimal | None = None
    clamped: bool = False


def apply_rule(rule: Rule, weight: Decimal, value: Decimal | None) -> Decimal:
    """The unrounded score of a leaf of `weight` with actual `value` under `rule`.

    Parameters
    ----------
    rule : Rule
        The leaf's rule.
    weight : Decimal
        The leaf's weight (分值), > 0.
    value : Decimal or None
        The actual value in percent (or the target's unit); required by the value rules
        (proportional, deduct_below, deduct_above, ratio_below).

    Returns
    -------
    Decimal
        The score, between 0 and `weight`, not yet rounded.

    Raises
    ------
    ValueError
        When a value rule is given no value.

    Examples
    --------
    >>> apply_rule(Rule("deduct_below", threshold=Decimal(100), per_point=Decimal(2), floor=Decimal(60)),
    ...            Decimal(5), Decimal("95.5"))
    Decimal('4.5500')
    """
    return rule_outcome(rule, weight, value).score


def rule_outcome(rule: Rule, weight: Decimal, value: Decimal | None) -> RuleOutcome:
    """Like :func:`apply_rule`, with the case that applied and its numbers (for the report's sentences).

    >>> rule_outcome(Rule("deduct_below", threshold=Decimal(90), per_point=Decimal(1)),
    ...              Decimal(5), Decimal("88.14")).deduction
    Decimal('1.86')
    """
    kind = rule.type
    if kind == "manual":
        return RuleOutcome(rule.score, "manual")  # type: ignore[arg-type]
    if kind == "yes_no":
        return RuleOutcome(weight if rule.met else ZERO, "met" if rule.met else "not_met")
    if kind == "checklist":
        fraction = sum((item.share for item in rule.items if item.met), ZERO)
        return RuleOutcome(weight * fraction, "checklist", fraction=fraction)
    if value is None:
        raise ValueError(f"the {kind} rule needs an actual value")
    if kind == "proportional":
        v = round_half_up(value, rule.round_value) if rule.round_value is not None else value
        return _clamped(weight * v / HUNDRED, weight, "proportional", value=v, fraction=v / HUNDRED)
    if kind in ("deduct_below", "deduct_above"):
        below = kind == "deduct_below"
        if (value >= rule.threshold) if below else (value <= rule.threshold):
            return RuleOutcome(weight, "full", value=value)
        limit = rule.floor if below else rule.ceiling
        if limit is not None and ((value < limit) if below else (value > limit)):
            return RuleOutcome(ZERO, "below_floor" if below else "above_ceiling", value=value)
        gap = (rule.threshold - value) if below else (value - rule.threshold)
        deduction = rule.per_point * gap
        return _clamped(weight * (1 - deduction / HUNDRED), weight, "deducted", value=value, gap=gap,
                        deduction=deduction)
    if kind == "ratio_below":
        if value >= rule.threshold:
            return RuleOutcome(weight, "full", value=value)
        fraction = value / rule.threshold
        return _clamped(weight * fraction, weight, "ratio", value=value, fraction=fraction)
    raise ValueError(f"unknown rule type {kind!r}")


def _clamped(score: Decimal, weight: Decimal, case: str, **numbers: Decimal) -> RuleOutcome:
    """The outcome with its score held between 0 and the weight (and marked when it had to be)."""
    held = _clamp(score, weight)
    return RuleOutcome(held, case, clamped=held != score, **numbers)


def _clamp(score: Decimal, weight: Decimal) -> Decimal:
    """A score never below 0 nor above the weight."""
    return min(max(score, ZERO), weight)
