"""Turn raw answer values (a form post or a file row) into canonical answers, with problems by variable.

Canonical answers map variables to: an option code (`single`, `scale`, matrix rows `q4.r1`), a list of codes
in option order (`multiple`), a number (`number`), text (`text`, `q2.other`). Hidden questions (show_if not
met) and empty answers are left out. The web form and the file importer both call `clean_answers`, and
each words the problems for its reader.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from .model import MULTI_SEPARATOR, Option, Question, Questionnaire

OptionLookup = Callable[[Any], Option | None]


@dataclass(frozen=True)
class AnswerProblem:
    """What is wrong with one variable: `kind` is a key such as 'required' or 'unknown_option'."""

    variable: str
    kind: str
    value: Any = None
    limit: Any = None


_MISSING_TYPES = ("NAType", "NaTType")  # pandas.NA and pandas.NaT, recognised without importing pandas


def is_empty(value: Any) -> bool:
    """None, NaN, pandas NA/NaT, blank text, or a list of only such values."""
    if value is None or type(value).__name__ in _MISSING_TYPES:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, list | tuple):
        return all(is_empty(v) for v in value)
    return False


def clean_answers(questionnaire: Questionnaire, raw: Mapping[str, Any], *, enforce_required: bool = True,
                  ) -> tuple[dict[str, Any], list[AnswerProblem]]:
    """Validate `raw` (variable -> value) against the questionnaire.

    Option values may be codes or labels; a `multiple` value may be a list or text joined by '┋'.
    Returns the canonical answers and the problems found; answers to hidden questions are dropped.

    >>> answers, problems = clean_answers(q, {"q1": "初中", "q8": "  无 "})  # doctest: +SKIP
    """
    answers: dict[str, Any] = {}
    problems: list[AnswerProblem] = []
    for question in questionnaire.questions:
        if not questionnaire.is_visible(question, answers):
            continue
        _clean_question(question, raw, answers, problems, enforce_required)
    return answers, problems


def _clean_question(q: Question, raw: Mapping[str, Any], answers: dict[str, Any],
                    problems: list[AnswerProblem], enforce_required: bool) -> None:
    required = q.required and enforce_required
    if q.type == "matrix":
        for var in q.variables:
            _choose_one(q, var, raw.get(var), required, answers, problems)
        return
    value = raw.get(q.id)
    if q.type in ("single", "scale"):
        _choose_one(q, q.id, value, required, answers, problems)
        if q.other:
            _other_text(q, raw, [answers.get(q.id)], required, answers, problems)
    elif q.type == "multiple":
        _choose_many(q, value, required, answers, problems)
        if q.other:
            _other_text(q, raw, answers.get(q.id, []), required, answers, problems)
    elif q.type == "number":
        _number(q, value, required, answers, problems)
    elif q.type == "text":
        if is_empty(value):
            if required:
                problems.append(AnswerProblem(q.id, "required"))
            return
        text = plain_text(value)
        if len(text) > q.max_length:
            problems.append(AnswerProblem(q.id, "too_long", len(text), q.max_length))
        else:
            answers[q.id] = text


def clean_value(q: Question, var: str, value: Any, lookup: OptionLookup | None = None,
                ) -> tuple[Any, AnswerProblem | None]:
    """The canonical answer of one choice or number variable of `q` (not required), and its problem.

    `lookup` finds the option an answer item names (default :meth:`Question.option`: code or label); the
    file reader passes another one for files that number the options by position. Empty values give
    (None, None).
    """
    answers: dict[str, Any] = {}
    problems: list[AnswerProblem] = []
    find = lookup or q.option
    if q.type in ("single", "scale", "matrix"):
        _choose_one(q, var, value, False, answers, problems, find)
    elif q.type == "multiple":
        _choose_many(q, value, False, answers, problems, find)
    elif q.type == "number":
        _number(q, value, False, answers, problems)
    else:
        raise ValueError(f"{var}: clean_value takes choice and number questions, not {q.type}")
    return answers.get(var), problems[0] if problems else None


def _choose_one(q: Question, var: str, value: Any, required: bool, answers: dict, problems: list,
                lookup: OptionLookup | None = None) -> None:
    if is_empty(value):
        if required:
            problems.append(AnswerProblem(var, "required"))
        return
    if isinstance(value, list | tuple):
        if len(value) != 1:
            problems.append(AnswerProblem(var, "one_only", value))
            return
        value = value[0]
    opt = (lookup or q.option)(value)
    if opt is None:
        problems.append(AnswerProblem(var, "unknown_option", value))
    else:
        answers[var] = opt.code


def _choose_many(q: Question, value: Any, required: bool, answers: dict, problems: list,
                 lookup: OptionLookup | None = None) -> None:
    if isinstance(value, str):
        items = [v for v in value.split(MULTI_SEPARATOR)]
    elif isinstance(value, list | tuple):
        items = list(value)
    else:
        items = [] if is_empty(value) else [value]
    items = [v for v in items if not is_empty(v)]
    if not items:
        if required:
            problems.append(AnswerProblem(q.id, "required"))
        return
    chosen = []
    find = lookup or q.option
    for item in items:
        opt = find(item)
        if opt is None:
            problems.append(AnswerProblem(q.id, "unknown_option", item))
            return
        chosen.append(opt.code)
    codes = [o.code for o in q.options if o.code in chosen]
    if len(codes) != len(chosen):
        problems.append(AnswerProblem(q.id, "repeated_option", items))
        return
    if q.min is not None and len(codes) < q.min:
        problems.append(AnswerProblem(q.id, "too_few", len(codes), int(q.min)))
    elif q.max is not None and len(codes) > q.max:
        problems.append(AnswerProblem(q.id, "too_many", len(codes), int(q.max)))
    else:
        answers[q.id] = codes


def _other_text(q: Question, raw: Mapping[str, Any], chosen: list, required: bool, answers: dict,
                problems: list) -> None:
    var = f"{q.id}.other"
    text = raw.get(var)
    picked = [q.option_by_code(c) for c in chosen if c is not None]
    picked_other = any(opt is not None and opt.other for opt in picked)
    if not picked_other or is_empty(text):
        if picked_other and required:
            problems.append(AnswerProblem(var, "other_required"))
        return
    text = plain_text(text)
    if len(text) > q.max_length:
        problems.append(AnswerProblem(var, "too_long", len(text), q.max_length))
    else:
        answers[var] = text


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def plain_text(value: Any) -> str:
    """Text as stored: trimmed, control characters (NUL included, which PostgreSQL refuses) removed."""
    return _CONTROL.sub("", str(value)).strip()


def _number(q: Question, value: Any, required: bool, answers: dict, problems: list) -> None:
    if is_empty(value):
        if required:
            problems.append(AnswerProblem(q.id, "required"))
        return
    if isinstance(value, bool):
        problems.append(AnswerProblem(q.id, "not_number", value))
        return
    try:
        number = float(str(value).strip().replace("，", "").replace(",", ""))
    except ValueError:
        problems.append(AnswerProblem(q.id, "not_number", value))
        return
    if not math.isfinite(number):
        problems.append(AnswerProblem(q.id, "not_number", value))
    elif q.integer and not number.is_integer():
        problems.append(AnswerProblem(q.id, "not_integer", value))
    elif q.min is not None and number < q.min:
        problems.append(AnswerProblem(q.id, "below_min", number, q.min))
    elif q.max is not None and number > q.max:
        problems.append(AnswerProblem(q.id, "above_max", number, q.max))
    else:
        answers[q.id] = int(number) if q.integer or number.is_integer() else number
