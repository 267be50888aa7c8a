"""Answer columns of one questionnaire turned into canonical answers, column by column.

The rules are :func:`questionnaires.clean_answers`' (files may leave required questions empty), applied once
per distinct cell of a column: codes or labels of options, lists of codes for multiple choice, numbers,
texts; answers to hidden questions (``show_if`` not met) and other-texts without 其他 are problems. A text
longer than the question's ``max_length`` is kept in full (screening flags it ``too_long``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from questionnaires import OTHER_CODE, Option, Question, Questionnaire
from questionnaires.answers import AnswerProblem, clean_value, is_empty, plain_text

from .cells import Cells

Problem = tuple[int, int, str, str]
"""(row position in the table part, order within the row, column header, problem)."""

Lookup = Callable[[Question], Callable[[Any], Option | None]]
"""Given a question, the function that finds the option an answer item names."""


@dataclass
class Clean:
    """One variable's canonical answers: ``results[codes[i]]`` for the rows in `kept`, else None."""

    codes: np.ndarray
    results: np.ndarray
    kept: np.ndarray

    def values(self) -> np.ndarray:
        out = self.results.take(self.codes)
        out[~self.kept] = None
        return out

    def chosen(self, test: Callable[[Any], bool]) -> np.ndarray:
        """Rows whose kept answer passes `test` (computed per distinct answer)."""
        flags = np.fromiter((r is not None and test(r) for r in self.results.tolist()), dtype=bool,
                            count=len(self.results))
        return flags.take(self.codes) & self.kept


def _blank(value: str) -> bool:
    return not value.strip()


def _key(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def clean_columns(q: Questionnaire, raw: Mapping[str, Cells], headers: Mapping[str, str],
                  lookup: Lookup | None = None) -> tuple[dict[str, np.ndarray], list[Problem]]:
    """Canonical answers per variable (object arrays, None where no answer) and the problems found.

    `raw` holds every variable's cells (``q2.other`` included); `headers` the column header to name in
    problems; `lookup` replaces the code-or-label option lookup (numbered exports).
    """
    rows = len(next(iter(raw.values()))) if raw else 0
    order = {var: i for i, var in enumerate(q.variables)}
    clean: dict[str, Clean] = {}
    problems: list[Problem] = []

    def report(var: str, mask: np.ndarray, messages: np.ndarray) -> None:
        cells = raw[var]
        for pos in np.flatnonzero(mask).tolist():
            problems.append((pos, 10 + order[var], headers.get(var, var),
                             f"value '{cells.uniques[cells.codes[pos]]}': {messages[cells.codes[pos]]}"))

    for question in q.questions:
        visible = _visible(q, question, clean, rows)
        hidden_message = None
        if not visible.all():
            conditions = "; ".join(f"{ref} in {list(codes)}" for ref, codes in question.show_if.items())
            hidden_message = f"answered although the question is hidden by its condition ({conditions})"
        for var in question.variables:
            cells = raw[var]
            blank = cells.test(_blank)
            if hidden_message is not None:
                hidden = ~visible & ~blank
                if hidden.any():
                    report(var, hidden, np.full(len(cells.uniques), hidden_message, dtype=object))
            if var.endswith(".other"):
                picked = clean[question.id].chosen(lambda r, question=question: _has_other(question, r))
                results = cells.per_unique(lambda u: plain_text(u) if not is_empty(u) else None)
                stray = visible & ~picked & ~blank
                if stray.any():
                    report(var, stray, np.full(len(cells.uniques),
                                               f"other text given but {OTHER_CODE} was not chosen in "
                                               f"{question.id}", dtype=object))
                clean[var] = Clean(cells.codes, results, visible & picked & ~blank)
                continue
            if question.type == "text":
                results = cells.per_unique(lambda u: plain_text(u) if not is_empty(u) else None)
                clean[var] = Clean(cells.codes, results, visible & ~blank)
                continue
            find = lookup(question) if lookup is not None else None
            checked = cells.per_unique(lambda u, q=question, var=var, find=find: clean_value(q, var, u, find))
            results = np.empty(len(checked), dtype=object)
            results[:] = [answer for answer, _ in checked.tolist()]
            messages = np.empty(len(checked), dtype=object)
            messages[:] = [None if p is None else describe(question, p) for _, p in checked.tolist()]
            bad = np.fromiter((m is not None for m in messages.tolist()), dtype=bool, count=len(messages))
            wrong = bad.take(cells.codes) & visible
            if wrong.any():
                report(var, wrong, messages)
            clean[var] = Clean(cells.codes, results, visible & ~bad.take(cells.codes) & ~blank)
    return {var: clean[var].values() for var in q.variables}, problems


def _has_other(question: Question, answer: Any) -> bool:
    chosen = answer if isinstance(answer, list) else [answer]
    for code in chosen:
        option = question.option_by_code(code)
        if option is not None and option.other:
            return True
    return False


def _visible(q: Questionnaire, question: Question, clean: Mapping[str, Clean], rows: int) -> np.ndarray:
    """Rows where `question`'s show_if holds for the answers cleaned so far."""
    visible = np.ones(rows, dtype=bool)
    for ref, wanted in question._show_if_text:
        given = clean.get(ref)
        if given is None:
            return np.zeros(rows, dtype=bool)

        def fits(answer: Any, wanted: frozenset[str] = wanted) -> bool:
            chosen = answer if isinstance(answer, list | tuple) else [answer]
            return any(c is not None and _key(c) in wanted for c in chosen)

        visible &= given.chosen(fits)
    return visible


def describe(question: Question, problem: AnswerProblem) -> str:
    """What is wrong with one answer, in the reader's words."""
    kind, value, limit = problem.kind, problem.value, problem.limit
    if kind == "unknown_option":
        labels = ", ".join(o.label for o in question.options)
        return f"'{value}' is not an option of {question.id} ({labels})"
    return {
        "one_only": "only one option may be chosen here",
        "repeated_option": "an option is chosen twice",
        "too_few": f"{value} options chosen, at least {limit} needed",
        "too_many": f"{value} options chosen, at most {limit} allowed",
        "too_long": f"the text is {value} characters long, at most {limit} allowed",
        "not_number": "not a number",
        "not_integer": "not a whole number",
        "below_min": f"below the minimum {limit}",
        "above_max": f"above the maximum {limit}",
    }.get(kind, kind)
