"""What each leaf's actual value was computed from: the evidence behind every number of the score table.

The engine builds these while it computes the values (:mod:`analysis.scoring.values`), from the very rows
and counts it scores with, so a report can show the questions, their tables, the counts and the method
without counting anything again.

>>> leaf = score_system(system, frames, questionnaires).leaves[0]   # doctest: +SKIP
>>> leaf.evidence.count, leaf.evidence.n, leaf.evidence.value         # doctest: +SKIP
(363, 420, Decimal('86.42857142857142857142857143'))
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ..tables import QuestionTable
from .model import Filter


@dataclass(frozen=True)
class SurveyOrigin:
    """The questionnaire a survey value read and the rows it kept.

    Attributes
    ----------
    form : str
        Questionnaire id.
    title : str
        Questionnaire title.
    role : str
        Questionnaire role (teacher, parent, student …).
    filter : Filter or None
        The value's filter, if any.
    units : tuple of str
        Names of the filter's units as the data name them (codes where the data have no name).
    responses : int
        Valid responses counted (after the filter).
    """

    form: str
    title: str
    role: str
    filter: Filter | None
    units: tuple[str, ...]
    responses: int


@dataclass(frozen=True)
class TextQuestion:
    """An open question (or the 其他 text of a choice question) as a report names it."""

    variable: str
    number: int
    type: str
    text: str


@dataclass(frozen=True)
class CategoryCount:
    """Open answers in one category (无意见, 正面 …) with its Chinese label."""

    category: str
    label: str
    count: int


@dataclass(frozen=True)
class LiteralEvidence:
    """A literal value: written in the indicator file, or given by the evaluator (`given`)."""

    value: Decimal
    given: bool = False


@dataclass(frozen=True)
class ShareEvidence:
    """A share: `count` of the `n` respondents who answered chose any of `options` (labels)."""

    origin: SurveyOrigin
    table: QuestionTable
    options: tuple[str, ...]
    count: int
    n: int
    value: Decimal


@dataclass(frozen=True)
class SatisfactionEvidence:
    """A satisfaction value pooled over `tables` (one per question or matrix row, in the order read).

    `n` answers counted and `na` not-applicable answers left out; `satisfied` answers in the satisfied
    codes (`satisfied_labels`); `scores` the (label, score) of every scored option for the score method.
    `value` is in percent (top_box) or the mean score (score).
    """

    origin: SurveyOrigin
    method: str
    tables: tuple[QuestionTable, ...]
    satisfied_labels: tuple[str, ...]
    na_labels: tuple[str, ...]
    scores: tuple[tuple[str, Decimal], ...]
    n: int
    na: int
    satisfied: int | None
    value: Decimal


@dataclass(frozen=True)
class TextShareEvidence:
    """A text share: `count` of the `n` non-empty answers fall in `category`; `categories` all counts."""

    origin: SurveyOrigin
    question: TextQuestion
    category: str
    categories: tuple[CategoryCount, ...]
    count: int
    n: int
    value: Decimal


@dataclass(frozen=True)
class MeanEvidence:
    """The arithmetic mean of `parts` (each with its own evidence), in percent when they all are."""

    parts: tuple[Evidence, ...]
    value: Decimal


Evidence = LiteralEvidence | ShareEvidence | SatisfactionEvidence | TextShareEvidence | MeanEvidence
SurveyEvidence = ShareEvidence | SatisfactionEvidence | TextShareEvidence


def survey_parts(evidence: Evidence | None) -> list[SurveyEvidence]:
    """The survey values inside `evidence` in reading order (a mean's parts flattened)."""
    if evidence is None or isinstance(evidence, LiteralEvidence):
        return []
    if isinstance(evidence, MeanEvidence):
        return [part for item in evidence.parts for part in survey_parts(item)]
    return [evidence]
