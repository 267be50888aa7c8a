"""One combined table per matrix question: rows × options with counts and percentages, and each row's
satisfaction, the table evaluators paste into a report (instead of one table per row).

Each row's 比例 = 小计 / that row's 本题有效填写人次 (as in :func:`analysis.tables.question_table`); its
satisfaction is the top-box rate when the scale lists satisfied codes, else the mean score when every
option is scored, else none; one answer per person, so its interval is the plain one (Wilson for top_box).

>>> t = matrix_table(frame, q, "q4")                      # doctest: +SKIP
>>> t.option_labels, [(r.text, r.counts, r.rate) for r in t.rows]   # doctest: +SKIP
(['非常满意', '满意', ...], [('平台操作便捷性', [3, 1, 0, 0, 0, 0], 1.0), ...])
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from questionnaires import Question, Questionnaire
from questionnaires.model import TYPE_LABELS

from .satisfaction import rated_method, satisfaction
from .tables import QuestionTable, _column, question_table


@dataclass(frozen=True)
class MatrixRowTable:
    """One row of a matrix: its counts and ratios per option, valid answers, and its satisfaction."""

    id: str
    text: str
    counts: list[int]
    ratios: list[float]
    valid: int
    rate: float | None
    n: int
    ci95: tuple[float, float] | None


@dataclass(frozen=True)
class MatrixTable:
    """A matrix question as one table: rows × options (see the module docstring).

    ``method`` is ``top_box``, ``score`` or None (no satisfaction column); ``valid`` counts respondents who
    answered at least one row.
    """

    id: str
    number: int
    text: str
    option_labels: list[str]
    rows: list[MatrixRowTable]
    method: str | None
    valid: int

    @property
    def title(self) -> str:
        return f"第{self.number}题（{TYPE_LABELS['matrix']}）：{self.text}"


def _matrix(questionnaire: Questionnaire, question_id: str) -> Question:
    try:
        question = questionnaire.question(question_id)
    except KeyError:
        raise ValueError(f"questionnaire '{questionnaire.id}' has no question {question_id!r}") from None
    if question.type != "matrix" or question_id != question.id:
        raise ValueError(f"{question_id!r} is not a matrix question")
    return question


def matrix_table(frame: pd.DataFrame, questionnaire: Questionnaire, question_id: str,
                 tables: Mapping[str, QuestionTable] | None = None) -> MatrixTable:
    """The combined table of matrix question `question_id` over the rows of `frame` (pass valid rows);
    `tables` may hold the rows' tables already computed on the same rows (by variable, as `all_tables`
    gives them), which are then not counted again.

    Raises ValueError for an unknown question, a question that is not a matrix, or an answer that is not
    an option code.
    """
    question = _matrix(questionnaire, question_id)
    method = rated_method(question)
    rows = []
    for variable, row in zip(question.variables, question.rows, strict=True):
        table = (tables or {}).get(variable) or question_table(frame, questionnaire, variable)
        rate = n = ci = None
        if method is not None:
            result = satisfaction(frame, questionnaire, [variable], method)
            rate, n, ci = result.rate, result.n, result.ci95
        rows.append(MatrixRowTable(variable, row.text, [r.count for r in table.rows], [r.ratio for r in table.rows],
                                   table.valid, rate, n or 0, ci))
    answered = pd.Series(False, index=frame.index)
    for variable in question.variables:
        answered[_column(frame, variable).index] = True
    return MatrixTable(question.id, question.number, question.text, [o.label for o in question.options], rows,
                       method, int(answered.sum()))


def matrix_tables(frame: pd.DataFrame, questionnaire: Questionnaire,
                  tables: Mapping[str, QuestionTable] | None = None) -> list[MatrixTable]:
    """The combined table of every matrix question, in questionnaire order (`tables`: see `matrix_table`)."""
    return [matrix_table(frame, questionnaire, q.id, tables) for q in questionnaire.questions
            if q.type == "matrix"]


def matrix_json(table: MatrixTable) -> dict[str, Any]:
    """A matrix table as JSON: id, text, options, valid, method and rows (counts, ratios, valid, rate, n,
    ci95), fractions to 4 decimals."""
    def r4(value: float | None) -> float | None:
        return None if value is None else round(value, 4)

    return {
        "id": table.id, "text": table.text, "options": list(table.option_labels), "valid": table.valid,
        "method": table.method,
        "rows": [{"id": r.id, "text": r.text, "counts": list(r.counts), "ratios": [r4(x) for x in r.ratios],
                  "valid": r.valid, "rate": r4(r.rate), "n": r.n,
                  "ci95": None if r.ci95 is None else [r4(r.ci95[0]), r4(r.ci95[1])]} for r in table.rows],
    }
