"""Per-question tables (选项 / 小计 / 比例 / 本题有效填写人次), the format Chinese survey tools print.

比例 = 小计 / 本题有效填写人次, where 本题有效填写人次 counts respondents who answered the question
(skipped and hidden ones excluded). A multiple-choice question uses the same denominator, so its
ratios can sum past 100%. A matrix question gives one table per row (id ``q4.r1``; the combined rows ×
options table is :func:`analysis.matrix_tables.matrix_table`). Callers pass the
rows to count (normally :func:`analysis.frames.valid_only` of a frame); nothing here filters or
changes the frame.
"""

from __future__ import annotations

import math
from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from questionnaires import ROLE_LABELS, Question, Questionnaire
from questionnaires.model import Row

CHOICE_KINDS = ("single", "multiple", "scale", "matrix")
NO_UNIT = "（无单位）"


class TableRow(NamedTuple):
    """One option line: code, label, 小计 and 比例 (a fraction)."""

    code: Any
    label: str
    count: int
    ratio: float


@dataclass(frozen=True)
class NumberSummary:
    """Summary of a number question's answers (None when nobody answered)."""

    n: int
    mean: float | None
    median: float | None
    min: float | None
    max: float | None


@dataclass(frozen=True)
class QuestionTable:
    """The table of one question, or of one matrix row (id ``q4.r1``).

    Attributes
    ----------
    id, type, text : str
        Variable id, question type and text (a matrix row's text is ``题目—行文字``).
    number : int
        Question number in the questionnaire (the 4 of 第4题).
    valid : int
        本题有效填写人次: respondents who answered.
    rows : list of TableRow
        Every option in option order, zero counts included (empty for number and text questions).
    answered : int or None
        For number and text questions: how many answered (equal to `valid`); None for choice questions.
    summary : NumberSummary or None
        For number questions.
    others : list of str
        Texts typed into 其他（请注明）, in row order.
    """

    id: str
    type: str
    text: str
    number: int
    valid: int
    rows: list[TableRow] = field(default_factory=list)
    answered: int | None = None
    summary: NumberSummary | None = None
    others: list[str] = field(default_factory=list)

    @property
    def type_label(self) -> str:
        from questionnaires.model import TYPE_LABELS

        return TYPE_LABELS[self.type]

    @property
    def title(self) -> str:
        """The title line of the report table, e.g. ``第4题（单选题）：您所在班级……``."""
        return f"第{self.number}题（{self.type_label}）：{self.text}"


@dataclass(frozen=True)
class GroupTable:
    """A question's table within one group (unit or role)."""

    group: str | None
    name: str
    table: QuestionTable


def _key(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _present(value: Any) -> bool:
    if value is None:
        return False
    if isinstance(value, float) and math.isnan(value):
        return False
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, list | tuple):
        return len(value) > 0
    return value is not pd.NaT


def _column(frame: pd.DataFrame, variable: str) -> pd.Series:
    """The answered cells of `variable` (None, NaN, blank text and empty lists left out)."""
    if variable not in frame.columns:
        raise ValueError(f"the responses have no column {variable!r}")
    column = frame[variable]
    column = column[column.notna()]
    if len(column) and column.dtype == object:
        keep = _answered_mask(column.to_numpy())
        if keep is not None:
            column = column[keep]
    return column


_SCALARS = frozenset({int, float, bool})


def _answered_mask(values: np.ndarray) -> np.ndarray | None:
    """Which of these non-missing cells hold an answer (None when all do).

    Works on whole columns at once: numbers are always answers, text is checked once per distinct value,
    lists by their length; any other mix falls back to :func:`_present` cell by cell.
    """
    kinds = set(map(type, values))
    if kinds <= _SCALARS:
        return None
    if kinds <= {str}:
        blank = [v for v in set(values) if not v.strip()]
        return ~pd.Series(values).isin(blank).to_numpy() if blank else None
    if kinds <= {list, tuple}:
        return np.fromiter(map(len, values), dtype=np.int64, count=len(values)) > 0
    if kinds <= _SCALARS | {str}:
        blank = [v for v in set(values) if isinstance(v, str) and not v.strip()]
        return ~pd.Series(values).isin(blank).to_numpy() if blank else None
    return np.fromiter(map(_present, values), dtype=bool, count=len(values))


def factorize_answers(column: pd.Series) -> tuple[np.ndarray, Any]:
    """``pd.factorize`` of an answer column: each cell's position among the distinct values (-1 for None
    and NaN) and those values; unhashable cells (lists where one answer belongs) are compared as text."""
    values = column.to_numpy(dtype=object)
    try:
        return pd.factorize(values)
    except TypeError:
        return pd.factorize(np.asarray([str(v) if isinstance(v, list | tuple) else v for v in values],
                                       dtype=object))


def _answer_counts(frame: pd.DataFrame, variable: str, multiple: bool = False,
                   ) -> tuple[int, list[tuple[Any, int]]]:
    """How many rows answered `variable`, and each answered value with how often it was given.

    One hash pass over the column (distinct values are then checked, not every cell); a `multiple`
    column's lists are exploded, so each chosen code counts once per row that chose it.
    """
    if variable not in frame.columns:
        raise ValueError(f"the responses have no column {variable!r}")
    if not multiple:
        try:
            counted = frame[variable].value_counts(sort=False, dropna=False)
        except TypeError:  # unhashable cells (lists where a single answer belongs): the general way below
            pass
        else:
            pairs = [(value, int(count)) for value, count in counted.items() if _present(value)]
            return sum(count for _, count in pairs), pairs
    values = _column(frame, variable)
    answered = len(values)
    if multiple:
        values = values.explode()
    return answered, [(value, int(count)) for value, count in values.value_counts(sort=False).items()]


def _option_counts(question: Question, variable: str, frame: pd.DataFrame) -> tuple[int, list[TableRow]]:
    valid, pairs = _answer_counts(frame, variable, question.type == "multiple")
    counts: dict[str, int] = {}
    for value, count in pairs:
        key = _key(value)
        counts[key] = counts.get(key, 0) + count
    known = {_key(o.code) for o in question.options}
    unknown = [k for k in counts if k not in known]
    if unknown:
        raise ValueError(f"{variable}: {', '.join(repr(k) for k in unknown)} "
                         f"{'is not an option code' if len(unknown) == 1 else 'are not option codes'} "
                         f"of {question.id}")
    rows = []
    for option in question.options:
        count = counts.get(_key(option.code), 0)
        rows.append(TableRow(option.code, option.label, count, count / valid if valid else 0.0))
    return valid, rows


def resolve_variable(questionnaire: Questionnaire, variable: str) -> tuple[Question, Row | None]:
    """The question behind `variable` and, for a matrix row such as ``q4.r1``, that row (else None).

    Raises ValueError for an unknown question, and for a whole matrix where one row is needed.
    """
    try:
        question = questionnaire.question(variable)
    except KeyError:
        raise ValueError(f"questionnaire '{questionnaire.id}' has no question {variable!r}") from None
    if question.type != "matrix":
        return question, None
    row = next((r for r in question.rows if f"{question.id}.{r.id}" == variable), None)
    if row is None:
        raise ValueError(f"{variable!r} is a matrix question; name one row such as {question.variables[0]!r}")
    return question, row


def question_table(frame: pd.DataFrame, questionnaire: Questionnaire, variable: str) -> QuestionTable:
    """The table of one question or one matrix row.

    Parameters
    ----------
    frame : DataFrame
        Responses frame; every row counts (pass valid rows only).
    questionnaire : Questionnaire
    variable : str
        A question id (``q3``) or a matrix row (``q4.r1``); a whole matrix has one table per row, see
        :func:`question_tables`.

    Examples
    --------
    >>> t = question_table(frame, q, "q1")  # doctest: +SKIP
    >>> [(r.label, r.count, round(r.ratio, 4)) for r in t.rows]  # doctest: +SKIP
    [('小学', 3, 0.75), ('初中', 1, 0.25), ('高中', 0, 0.0)]
    """
    question, row = resolve_variable(questionnaire, variable)
    if row is not None:
        valid, rows = _option_counts(question, variable, frame)
        return QuestionTable(variable, "matrix", f"{question.text}—{row.text}", question.number, valid, rows)
    if variable != question.id:
        raise ValueError(f"{variable!r} is not a question id (other texts come with the table of "
                         f"{question.id!r})")
    if question.type in ("single", "multiple", "scale"):
        valid, rows = _option_counts(question, variable, frame)
        others = []
        if question.other:
            others = [str(t).strip() for t in _column(frame, f"{question.id}.other").tolist()]
        return QuestionTable(question.id, question.type, question.text, question.number, valid, rows,
                             others=others)
    values = _column(frame, variable)
    if question.type == "number":
        numbers = pd.to_numeric(values, errors="raise").astype("float64")
        n = len(numbers)
        summary = NumberSummary(n, *(None if n == 0 else float(getattr(numbers, f)())
                                     for f in ("mean", "median", "min", "max")))
        return QuestionTable(question.id, "number", question.text, question.number, n, answered=n,
                             summary=summary)
    n = len(values)
    return QuestionTable(question.id, "text", question.text, question.number, n, answered=n)


def question_tables(frame: pd.DataFrame, questionnaire: Questionnaire, question_id: str,
                    ) -> list[QuestionTable]:
    """The tables of one question: one per matrix row, else a list of one."""
    question = questionnaire.question(question_id)
    if question.type == "matrix" and question_id == question.id:
        return [question_table(frame, questionnaire, var) for var in question.variables]
    return [question_table(frame, questionnaire, question_id)]


def all_tables(frame: pd.DataFrame, questionnaire: Questionnaire) -> list[QuestionTable]:
    """Every question's tables in questionnaire order (matrix rows each their own)."""
    return [t for q in questionnaire.questions for t in question_tables(frame, questionnaire, q.id)]


def groups(frame: pd.DataFrame, by: str) -> list[tuple[str | None, str, pd.DataFrame]]:
    """Split a responses frame by ``unit`` or ``role``: (group code, name, rows) in a stable order.

    Units are ordered by code (rows without a unit last, named （无单位）), named by their unit_name;
    roles follow teacher, parent, student, principal, other and are named 教师, 家长 ….
    """
    if by not in ("unit", "role"):
        raise ValueError(f"cannot group by {by!r}; use 'unit' or 'role'")
    keys = _group_keys(frame[by])
    found: dict[Hashable, pd.DataFrame] = dict(iter(frame.groupby(keys.fillna("\0"), sort=False)))
    if by == "role":
        order = list(ROLE_LABELS) + sorted(k for k in found if k not in ROLE_LABELS and k != "\0")
    else:
        order = sorted(k for k in found if k != "\0")
    if "\0" in found:
        order.append("\0")
    out = []
    for key in order:
        if key not in found:
            continue
        part = found[key]
        code = None if key == "\0" else str(key)
        if by == "role":
            name = ROLE_LABELS.get(code, code) if code else "（无角色）"
        else:
            first = next((n for n in part["unit_name"].tolist() if _present(n)), None) \
                if "unit_name" in part else None
            name = str(first) if first is not None else (code or NO_UNIT)
        out.append((code, name, part))
    return out


def _group_keys(column: pd.Series) -> pd.Series:
    """The group key of each cell (its text, or None when empty), worked out once per distinct value."""
    def key(v: Any) -> str | None:
        return _key(v) if _present(v) else None

    try:
        distinct = {v: key(v) for v in set(column.tolist())}
    except TypeError:  # unhashable cells: cell by cell
        return column.map(key)
    return pd.Series([distinct[v] for v in column.tolist()], index=column.index, dtype=object)


def table_by(frame: pd.DataFrame, questionnaire: Questionnaire, variable: str, by: str = "unit",
             ) -> list[GroupTable]:
    """The table of `variable` separately for each unit or role (see :func:`groups` for the order)."""
    return [GroupTable(code, name, question_table(part, questionnaire, variable))
            for code, name, part in groups(frame, by)]


# -- JSON ------------------------------------------------------------------------------------------------

def _plain(value: Any) -> Any:
    if hasattr(value, "item"):
        return value.item()
    return value


def table_json(table: QuestionTable) -> dict[str, Any]:
    """One entry of ``stats --json``: options for choice questions, ``answered`` for open ones."""
    entry: dict[str, Any] = {"id": table.id, "type": table.type, "text": table.text, "valid": table.valid}
    if table.type in CHOICE_KINDS:
        entry["options"] = [{"code": _plain(r.code), "label": r.label, "count": r.count,
                             "ratio": round(r.ratio, 4)} for r in table.rows]
        if table.others:
            entry["other_texts"] = list(table.others)
    else:
        entry["answered"] = table.answered
        if table.summary is not None:
            s = table.summary
            entry["summary"] = {"n": s.n, "mean": s.mean, "median": s.median, "min": s.min, "max": s.max}
    return entry


def stats_json(frame: pd.DataFrame, questionnaire: Questionnaire) -> dict[str, Any]:
    """The ``stats --json`` document: ``{"questions": [...]}``, ratios rounded to 4 decimals.

    Choice questions carry ``options`` (code, label, count, ratio) and, with 其他, ``other_texts``;
    number and text questions carry ``answered`` (numbers also ``summary``).
    """
    return {"questions": [table_json(t) for t in all_tables(frame, questionnaire)]}
