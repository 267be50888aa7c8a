"""Targets (指标值) as written in reports: `≥95%`, `=100%`, `≤12个月`, `≥1.4万人`, `27`, or plain words.

A target of the form ``<op><number>[unit]`` is numeric: the table reports whether the actual value met it and
the deviation rate (actual − target number) / target number. Anything else (``2025年12月31日``, ``提高``) is
kept as text only.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

OPERATORS = {
    "≥": ">=", ">=": ">=", "≧": ">=", "≤": "<=", "<=": "<=", "≦": "<=", "=": "=", "==": "=",
    ">": ">", "<": "<",
}
_NUMERIC = re.compile(
    r"^(?P<op>>=|<=|==|≥|≤|≧|≦|=|>|<)?\s*(?P<number>[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?)\s*"
    r"(?P<unit>[^\d\s.,+\-][^\d]*)?$"
)


@dataclass(frozen=True)
class Target:
    """A numeric target: operator (``>=``, ``<=``, ``=``, ``>``, ``<``, or None when only a number is
    written), the number and the unit text (``%``, ``万人``, ``个月`` or ``""``)."""

    op: str | None
    number: Decimal
    unit: str

    def met(self, actual: Decimal, lower_is_better: bool = False) -> bool:
        """Whether `actual` meets the target.

        A bare number (``27``) is a floor, or a ceiling when `lower_is_better` (the leaf's rule is
        ``deduct_above``).
        """
        op = self.op or ("<=" if lower_is_better else ">=")
        return {
            ">=": actual >= self.number,
            "<=": actual <= self.number,
            "=": actual == self.number,
            ">": actual > self.number,
            "<": actual < self.number,
        }[op]

    def deviation(self, actual: Decimal) -> Decimal | None:
        """(actual − target) / target; None when the target number is 0."""
        if self.number == 0:
            return None
        return (actual - self.number) / self.number


def parse_target(text: str | None) -> Target | None:
    """The numeric target in `text`, or None when the text is not ``<op><number>[unit]``.

    >>> parse_target("≥1.4万人")
    Target(op='>=', number=Decimal('1.4'), unit='万人')
    >>> parse_target("2025年12月31日") is None
    True
    """
    if text is None:
        return None
    normal = unicodedata.normalize("NFKC", str(text)).strip()
    match = _NUMERIC.match(normal)
    if not match:
        return None
    op = OPERATORS[match["op"]] if match["op"] else None
    number = Decimal(match["number"].replace(",", ""))
    return Target(op=op, number=number, unit=(match["unit"] or "").strip())
