"""Typed, immutable view of an indicator system (绩效评价指标体系, format version 1).

Numbers that take part in scoring (weights, thresholds, shares, literal values) are kept as
:class:`decimal.Decimal` built from their written text, so that ``2.675`` rounds half up to ``2.68``.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from questionnaires.errors import InputError

RULE_TYPES = ("manual", "yes_no", "checklist", "proportional", "deduct_below", "deduct_above", "ratio_below")
VALUE_RULES = ("proportional", "deduct_below", "deduct_above", "ratio_below")
"""Rules whose score depends on the leaf's actual value."""
SATISFACTION_METHODS = ("top_box", "score")
LeafPath = tuple[str, str, str]


class ScoringError(InputError):
    """An indicator file breaks format version 1, or an indicator's value or score cannot be computed.

    Every problem names the file and the place: the path inside the file (``indicators[1].children[0]``)
    and, for scoring problems, the indicator's names.
    """


# -- value sources -----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Filter:
    """Narrows a survey value to the given unit codes and/or roles (None: no condition)."""

    unit: tuple[str, ...] | None = None
    role: tuple[str, ...] | None = None


@dataclass(frozen=True)
class Literal:
    """A number written in the file (in percent unless the target says otherwise)."""

    value: Decimal


@dataclass(frozen=True)
class ShareSource:
    """100 × respondents choosing any of `options` / respondents who answered `question`."""

    question: str
    options: tuple[str | int, ...]
    form: str | None = None
    filter: Filter | None = None


@dataclass(frozen=True)
class SatisfactionSource:
    """Top-box rate in percent (``top_box``) or mean option score (``score``) pooled over `questions`."""

    questions: tuple[str, ...]
    method: str = "top_box"
    form: str | None = None
    filter: Filter | None = None


@dataclass(frozen=True)
class TextShareSource:
    """100 × non-empty answers of open `question` classified in `category` / non-empty answers."""

    question: str
    category: str
    form: str | None = None
    filter: Filter | None = None


@dataclass(frozen=True)
class MeanSource:
    """The arithmetic mean of other values."""

    items: tuple[ValueSource, ...]


ValueSource = Literal | ShareSource | SatisfactionSource | TextShareSource | MeanSource
SurveySource = ShareSource | SatisfactionSource | TextShareSource


# -- rules -------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ChecklistItem:
    name: str
    share: Decimal
    met: bool


@dataclass(frozen=True)
class Rule:
    """A scoring rule; only the parameters of its `type` are set (see docs/formats/indicators.md)."""

    type: str
    score: Decimal | None = None                # manual
    met: bool | None = None                     # yes_no
    items: tuple[ChecklistItem, ...] = ()       # checklist
    round_value: int | None = None              # proportional
    threshold: Decimal | None = None            # deduct_below, deduct_above, ratio_below
    per_point: Decimal | None = None            # deduct_below, deduct_above
    floor: Decimal | None = None                # deduct_below
    ceiling: Decimal | None = None              # deduct_above

    @property
    def needs_value(self) -> bool:
        return self.type in VALUE_RULES


@dataclass(frozen=True)
class Override:
    """An evaluator's score replacing the computed one, with the written reason."""

    score: Decimal
    reason: str


# -- the tree ----------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Leaf:
    """A level-3 indicator: weight, target text, value source, rule and optional override."""

    name: str
    path: LeafPath
    place: str                                  # e.g. indicators[1].children[0].children[2]
    weight: Decimal
    rule: Rule
    target: str | None = None
    value: ValueSource | None = None
    override: Override | None = None

    @property
    def key(self) -> str:
        """The leaf's path joined by '/', e.g. ``过程/资金管理/预算执行率``."""
        return leaf_key(self.path)


@dataclass(frozen=True)
class Group:
    """A level-1 or level-2 indicator: a name and its children."""

    name: str
    place: str
    children: tuple[Group | Leaf, ...]


@dataclass(frozen=True)
class GradeBand:
    grade: str
    min: Decimal


@dataclass(frozen=True)
class IndicatorSystem:
    """An indicator system: title, grade bands (highest first) and the level-1 groups."""

    title: str
    grades: tuple[GradeBand, ...]
    indicators: tuple[Group, ...]
    source: str = "<string>"

    def leaves(self) -> list[Leaf]:
        """Every leaf in file order."""
        return [leaf for level1 in self.indicators for level2 in level1.children
                for leaf in level2.children]  # type: ignore[union-attr]

    def grade(self, total: Decimal) -> str | None:
        """The first band whose min the total reaches; None when the total is below every band."""
        for band in self.grades:
            if total >= band.min:
                return band.grade
        return None


def leaf_key(path: tuple[str, ...] | list[str]) -> str:
    """A leaf path as one text key: the names joined by '/'."""
    return "/".join(path)
