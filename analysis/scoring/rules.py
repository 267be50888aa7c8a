"""Scoring rules: a leaf's weight and actual value become its score (see formats/indicators.md).

All arithmetic is in :class:`decimal.Decimal`; :func:`round_score` rounds half up to 2 decimals, as scores are
shown in reports.
"""

from __future__ import annotations

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
    kind = rule.type
    if kind == "manual":
        return rule.score  # type: ignore[return-value]
    if kind == "yes_no":
        return weight if rule.met else ZERO
    if kind == "checklist":
        return weight * sum((item.share for item in rule.items if item.met), ZERO)
    if value is None:
        raise ValueError(f"the {kind} rule needs an actual value")
    if kind == "proportional":
        v = round_half_up(value, rule.round_value) if rule.round_value is not None else value
        return _clamp(weight * v / HUNDRED, weight)
    if kind == "deduct_below":
        if value >= rule.threshold:
            return weight
        if rule.floor is not None and value < rule.floor:
            return ZERO
        return _clamp(weight * (1 - rule.per_point / HUNDRED * (rule.threshold - value)), weight)
    if kind == "deduct_above":
        if value <= rule.threshold:
            return weight
        if rule.ceiling is not None and value > rule.ceiling:
            return ZERO
        return _clamp(weight * (1 - rule.per_point / HUNDRED * (value - rule.threshold)), weight)
    if kind == "ratio_below":
        if value >= rule.threshold:
            return weight
        return _clamp(weight * value / rule.threshold, weight)
    raise ValueError(f"unknown rule type {kind!r}")


def _clamp(score: Decimal, weight: Decimal) -> Decimal:
    """A score never below 0 nor above the weight."""
    return min(max(score, ZERO), weight)
