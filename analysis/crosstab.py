"""Cross-tabulation (交叉分析) of two questions, or of a question by unit or role, with Pearson's chi-square.

Rows are the options of a single, scale or multiple-choice question or of a matrix row; columns the options
of a single or scale question, of a matrix row, or the units (``unit``) or roles (``role``) of the
responses. A cell counts the responses that gave both answers; a multiple-choice row question counts, per
option, the respondents who chose it (a person counts in several rows, so no independence test is made).
Row percentages are cell / row total. Pearson's chi-square test of independence (no continuity
correction) runs over the rows and columns whose total is not zero.

>>> t = crosstab(frame, q, "q5", "q1")          # doctest: +SKIP
>>> t.counts, t.chi2, t.dof                     # doctest: +SKIP
([[2, 1, 0], [0, 1, 1]], 2.4, 2)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from questionnaires import Question, Questionnaire

from .tables import _key, _present, factorize_answers, groups, resolve_variable

META_COLS = ("unit", "role")
ROW_KINDS = ("single", "multiple", "scale")
COL_KINDS = ("single", "scale")


@dataclass(frozen=True)
class Crosstab:
    """A cross table: counts[i][j] responses with row option i and column option j.

    Attributes
    ----------
    rows, cols : str
        The row variable and the column variable (``q5``, ``q4.r1``, ``unit`` or ``role``).
    row_title, col_title : str
        How the two are named in a report (``第5题：您是否参加过培训？``, ``单位``).
    row_labels, col_labels : list of str
        Option labels in questionnaire order (units by code, roles in the project's order).
    counts : list of list of int
    n : int
        Responses counted: those that answered both (for a multiple-choice row question, respondents).
    multiple : bool
        Whether the rows are a multiple-choice question (then rows may overlap and there is no test).
    chi2, dof, p_value : float, int, float or None
        Pearson's chi-square over the rows and columns with a non-zero total; None when fewer than two such
        rows or columns remain, or for a multiple-choice row question.
    small_expected : float or None
        The share of the tested cells whose expected count is below 5 (the test is rough when it is over
        a fifth, Cochran 1954).
    """

    rows: str
    cols: str
    row_title: str
    col_title: str
    row_labels: list[str]
    col_labels: list[str]
    counts: list[list[int]]
    n: int
    multiple: bool
    chi2: float | None
    dof: int | None
    p_value: float | None
    small_expected: float | None

    @property
    def row_totals(self) -> list[int]:
        return [sum(row) for row in self.counts]

    @property
    def col_totals(self) -> list[int]:
        return [sum(row[j] for row in self.counts) for j in range(len(self.col_labels))]

    @property
    def row_percents(self) -> list[list[float | None]]:
        """Each cell / its row total (a fraction; None for a row with no responses)."""
        return [[c / total if total else None for c in row] for row, total in zip(self.counts, self.row_totals,
                                                                                   strict=True)]


def _choice_variable(questionnaire: Questionnaire, variable: str, kinds: tuple[str, ...], side: str,
                     ) -> tuple[Question, str]:
    question, row = resolve_variable(questionnaire, variable)
    if row is not None:
        return question, f"第{question.number}题：{question.text}—{row.text}"
    if variable != question.id or question.type not in kinds:
        allowed = ", ".join(kinds) + ", a matrix row" + (" or unit / role" if side == "cols" else "")
        raise ValueError(f"{variable!r} cannot be the {side} of a cross table (it is a {question.type} "
                         f"question); use {allowed}")
    return question, f"第{question.number}题：{question.text}"


def _positions(question: Question, variable: str, column: pd.Series) -> np.ndarray:
    """Per response, the position (in option order) of its answer; -1 when unanswered."""
    positions = {_key(o.code): i for i, o in enumerate(question.options)}
    codes, uniques = factorize_answers(column)   # a list where one answer belongs: not an option, below
    lookup = []
    for value in uniques:
        found = positions.get(_key(value)) if _present(value) else -1
        if found is None:
            raise ValueError(f"{variable}: {value!r} is not an option code of {question.id}")
        lookup.append(found)
    return np.asarray([*lookup, -1], dtype=np.int64)[codes]


def _chosen(question: Question, variable: str, column: pd.Series) -> list[list[int]]:
    """Per response of a multiple-choice question, the positions of the options chosen."""
    positions = {_key(o.code): i for i, o in enumerate(question.options)}
    out = []
    for value in column.tolist():
        if not _present(value):
            out.append([])
            continue
        found = set()
        for code in value if isinstance(value, list | tuple) else [value]:
            if _key(code) not in positions:
                raise ValueError(f"{variable}: {code!r} is not an option code of {question.id}")
            found.add(positions[_key(code)])
        out.append(sorted(found))
    return out


def _meta_positions(frame: pd.DataFrame, by: str) -> tuple[list[str], np.ndarray]:
    """Names of the units or roles of the responses (order of :func:`analysis.tables.groups`), and each
    response's position among them."""
    if by not in frame.columns:
        raise ValueError(f"the responses have no column {by!r}")
    small = frame[[c for c in (by, "unit_name") if c in frame.columns]].reset_index(drop=True)
    labels: list[str] = []
    index = np.full(len(small), -1, dtype=np.int64)
    for position, (_code, name, part) in enumerate(groups(small, by)):
        labels.append(name)
        index[part.index.to_numpy()] = position
    return labels, index


def _chi_square(counts: np.ndarray) -> tuple[float | None, int | None, float | None, float | None]:
    from scipy.stats import chi2_contingency

    kept = counts[counts.sum(axis=1) > 0][:, counts.sum(axis=0) > 0]
    if kept.shape[0] < 2 or kept.shape[1] < 2:
        return None, None, None, None
    result = chi2_contingency(kept, correction=False)
    small = float((result.expected_freq < 5).mean())
    return float(result.statistic), int(result.dof), float(result.pvalue), small


def crosstab(frame: pd.DataFrame, questionnaire: Questionnaire, rows: str, cols: str) -> Crosstab:
    """Counts of responses for each pair of answers of `rows` and `cols`, with Pearson's chi-square.

    Parameters
    ----------
    frame : DataFrame
        Responses frame; every row counts (pass valid rows only).
    questionnaire : Questionnaire
    rows : str
        A single, scale or multiple-choice question id, or a matrix row (``q4.r1``).
    cols : str
        A single or scale question id, a matrix row, ``unit`` or ``role``.

    Raises
    ------
    ValueError
        For an unknown question, a question of another type, a matrix named without its row, the same
        variable on both sides, or an answer that is not an option code.

    Examples
    --------
    >>> t = crosstab(frame, q, "q3", "unit")      # doctest: +SKIP
    >>> t.row_labels, t.col_labels                # doctest: +SKIP
    (['非常满意', '满意', ...], ['第一小学', '第二小学'])
    """
    if rows == cols:
        raise ValueError(f"rows and cols are both {rows!r}; name two different questions")
    if rows in META_COLS:
        raise ValueError(f"{rows!r} can only be the cols of a cross table; put a question in rows")
    row_question, row_title = _choice_variable(questionnaire, rows, ROW_KINDS, "rows")
    if rows not in frame.columns:
        raise ValueError(f"the responses have no column {rows!r}")
    multiple = row_question.type == "multiple"
    row_labels = [o.label for o in row_question.options]
    if cols in META_COLS:
        col_labels, col_index = _meta_positions(frame, cols)
        col_title = "单位" if cols == "unit" else "调查对象"
    else:
        col_question, col_title = _choice_variable(questionnaire, cols, COL_KINDS, "cols")
        if cols not in frame.columns:
            raise ValueError(f"the responses have no column {cols!r}")
        col_index = _positions(col_question, cols, frame[cols])
        col_labels = [o.label for o in col_question.options]
    size = (len(row_labels), len(col_labels))
    if multiple:
        counts = np.zeros(size, dtype=np.int64)
        n = 0
        for chosen, col in zip(_chosen(row_question, rows, frame[rows]), col_index.tolist(), strict=True):
            if chosen and col >= 0:
                n += 1
                counts[chosen, col] += 1
    else:
        row_index = _positions(row_question, rows, frame[rows])
        both = (row_index >= 0) & (col_index >= 0)
        n = int(both.sum())
        flat = row_index[both] * size[1] + col_index[both]
        counts = np.bincount(flat, minlength=size[0] * size[1]).reshape(size)
    chi2, dof, p_value, small = (None, None, None, None) if multiple else _chi_square(counts)
    return Crosstab(rows, cols, row_title, col_title, row_labels, col_labels, counts.tolist(), n, multiple,
                    chi2, dof, p_value, small)


def crosstab_json(table: Crosstab) -> dict[str, Any]:
    """The ``crosstab --json`` document: rows, cols, row_labels, col_labels, counts, n, chi2, dof, p_value,
    and row_percents (fractions to 4 decimals) and small_expected."""
    def rounded(value: float | None, digits: int = 4) -> float | None:
        return None if value is None else round(value, digits)

    return {
        "rows": table.rows, "cols": table.cols, "row_labels": list(table.row_labels),
        "col_labels": list(table.col_labels), "counts": [list(r) for r in table.counts], "n": table.n,
        "chi2": rounded(table.chi2), "dof": table.dof, "p_value": rounded(table.p_value, 6),
        "row_percents": [[rounded(c) for c in row] for row in table.row_percents],
        "small_expected": rounded(table.small_expected),
    }


__all__ = ["Crosstab", "crosstab", "crosstab_json"]
