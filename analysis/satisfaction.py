"""Satisfaction rates (满意度) and shares of respondents choosing given options.

Two methods, chosen per evaluation:

* ``top_box``: answers with a code in the scale's ``satisfied`` list / answers (a fraction), with a 95%
  Wilson score interval;
* ``score``: the mean option score (on the scale's own scores, e.g. 0-100), with a normal-approximation
  95% interval (mean ± z·s/√n, s the sample standard deviation).

"Not applicable" options (``na: true``, e.g. 不了解) are left out of ``n`` and counted in ``na``. Several
questions (or all rows of a matrix) are pooled: every answer counts once, so n counts answers, not people.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from questionnaires import Question, Questionnaire

from .tables import _answer_counts, _column, _key, groups

Z95 = 1.959964
METHODS = ("top_box", "score")


@dataclass(frozen=True)
class SatisfactionResult:
    """A satisfaction rate.

    Attributes
    ----------
    method : str
        ``top_box`` or ``score``.
    rate : float or None
        A fraction (top_box) or the mean score (score); None when n is 0.
    n : int
        Answers counted (not-applicable answers excluded).
    na : int
        Not-applicable answers left out.
    satisfied : int or None
        Answers in the satisfied codes (None when the scale has no ``satisfied`` list).
    ci95 : (float, float) or None
        95% interval: Wilson for top_box, normal approximation for score; None when n is 0
        (and for score when n < 2).
    """

    method: str
    rate: float | None
    n: int
    na: int
    satisfied: int | None
    ci95: tuple[float, float] | None


@dataclass(frozen=True)
class SatisfactionGroup:
    """The satisfaction rate of one unit or role: ``group`` code, display ``name`` and the rate's fields."""

    group: str | None
    name: str
    method: str
    rate: float | None
    n: int
    na: int
    satisfied: int | None
    ci95: tuple[float, float] | None


@dataclass(frozen=True)
class ShareResult:
    """Respondents choosing any of some options (count) among those who answered (n); rate = count / n."""

    rate: float | None
    count: int
    n: int


def wilson_interval(k: int, n: int, z: float = Z95) -> tuple[float, float]:
    """The Wilson score interval of k successes in n trials.

    >>> [round(x, 4) for x in wilson_interval(46, 50)]
    [0.8116, 0.9684]
    """
    if n <= 0:
        raise ValueError("the Wilson interval needs n > 0")
    if not 0 <= k <= n:
        raise ValueError(f"k must be between 0 and n ({n}), got {k}")
    p = k / n
    z2 = z * z
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = z / (1 + z2 / n) * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    return max(0.0, centre - half), min(1.0, centre + half)


def _scale_variables(questionnaire: Questionnaire, variables: str | Iterable[str],
                     ) -> list[tuple[str, Question]]:
    if isinstance(variables, str):
        variables = [v.strip() for v in variables.split(",") if v.strip()]
    found: list[tuple[str, Question]] = []
    for variable in variables:
        try:
            question = questionnaire.question(variable)
        except KeyError:
            raise ValueError(f"questionnaire '{questionnaire.id}' has no question {variable!r}") from None
        if variable != question.id and variable not in question.variables:
            raise ValueError(f"{variable!r} is not a row of matrix {question.id!r}")
        if question.type not in ("scale", "matrix", "single"):
            raise ValueError(f"{variable!r} is a {question.type} question; a satisfaction rate needs "
                             "scale or matrix questions")
        if variable.endswith(".other"):
            raise ValueError(f"{variable!r} is an other-text, not a rating")
        names = question.variables if variable == question.id else [variable]
        found.extend((name, question) for name in names)
    if not found:
        raise ValueError("name at least one question for the satisfaction rate")
    return found


def _tally(frame: pd.DataFrame, pairs: list[tuple[str, Question]], method: str,
           ) -> tuple[int, int, int | None, float, float]:
    """n, na, satisfied, sum of scores, sum of squared scores over the answers of `pairs`."""
    n = na = satisfied = 0
    has_satisfied = True
    total = squares = 0.0
    for variable, question in pairs:
        options = {_key(o.code): o for o in question.options}
        wanted = question.scale.satisfied if question.scale is not None else None
        if wanted is None:
            has_satisfied = False
        wanted_keys = {_key(c) for c in wanted or ()}
        for value, count in _answer_counts(frame, variable)[1]:
            key = _key(value)
            option = options.get(key)
            if option is None:
                raise ValueError(f"{variable}: {value!r} is not an option code of {question.id}")
            if option.na:
                na += count
                continue
            n += count
            if key in wanted_keys:
                satisfied += count
            if method == "score":
                total += option.score * count
                squares += option.score * option.score * count
    return n, na, satisfied if has_satisfied else None, total, squares


def _check_method(pairs: list[tuple[str, Question]], method: str) -> None:
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}; use top_box or score")
    for variable, question in pairs:
        if method == "top_box":
            if question.scale is None or not question.scale.satisfied:
                what = f"scale '{question.scale.id}'" if question.scale is not None else "its options"
                raise ValueError(f"{variable}: {what} of {question.id} lists no satisfied codes, so it "
                                 "cannot give a top-box rate; add `satisfied:` to the scale or use "
                                 "method score")
        else:
            unscored = [o.label for o in question.options if not o.na and o.score is None]
            if unscored:
                raise ValueError(f"{variable}: options {', '.join(unscored)} of {question.id} have no score, "
                                 "so the score method cannot be used")


def _result(method: str, n: int, na: int, satisfied: int | None, total: float, squares: float, z: float,
            ) -> SatisfactionResult:
    if n == 0:
        return SatisfactionResult(method, None, 0, na, satisfied, None)
    if method == "top_box":
        assert satisfied is not None  # _check_method made sure
        return SatisfactionResult(method, satisfied / n, n, na, satisfied, wilson_interval(satisfied, n, z))
    mean = total / n
    ci = None
    if n >= 2:
        variance = max(0.0, (squares - n * mean * mean) / (n - 1))
        half = z * math.sqrt(variance / n)
        ci = (mean - half, mean + half)
    return SatisfactionResult(method, mean, n, na, satisfied, ci)


def satisfaction(frame: pd.DataFrame, questionnaire: Questionnaire, variables: str | Sequence[str],
                 method: str = "top_box", *, z: float = Z95) -> SatisfactionResult:
    """The satisfaction rate pooled over the answers to `variables`.

    Parameters
    ----------
    frame : DataFrame
        Responses frame; every row counts (pass valid rows only).
    questionnaire : Questionnaire
    variables : str or list of str
        Question ids (a matrix id means all its rows) or matrix rows (``q4.r1``); a string may list
        several separated by commas.
    method : {"top_box", "score"}

    Raises
    ------
    ValueError
        For unknown questions, non-rating questions, a scale without ``satisfied`` asked for top_box, or
        options without scores asked for score.

    Examples
    --------
    >>> r = satisfaction(frame, q, ["q3", "q4"])  # doctest: +SKIP
    >>> r.rate, r.n, r.ci95  # doctest: +SKIP
    (0.92, 50, (0.8116, 0.9684))
    """
    pairs = _scale_variables(questionnaire, variables)
    _check_method(pairs, method)
    return _result(method, *_tally(frame, pairs, method), z)


def satisfaction_by(frame: pd.DataFrame, questionnaire: Questionnaire, variables: str | Sequence[str],
                    method: str = "top_box", by: str = "unit", *, z: float = Z95) -> list[SatisfactionGroup]:
    """The satisfaction rate for each unit or role (order and names as :func:`analysis.tables.groups`)."""
    pairs = _scale_variables(questionnaire, variables)
    _check_method(pairs, method)
    # Split only the columns the rates read: splitting a whole frame copies every answer column of every
    # group (most of the time at 200,000 responses), and the result is the same.
    wanted = [by, "unit_name", *(variable for variable, _ in pairs)]
    frame = frame[list(dict.fromkeys(c for c in wanted if c in frame.columns))]
    out = []
    for code, name, part in groups(frame, by):
        r = _result(method, *_tally(part, pairs, method), z)
        out.append(SatisfactionGroup(code, name, r.method, r.rate, r.n, r.na, r.satisfied, r.ci95))
    return out


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def satisfaction_json(result: SatisfactionResult, groups_: Sequence[SatisfactionGroup] = (),
                      ) -> dict[str, Any]:
    """The ``satisfaction --json`` document: method, rate, n, ci95, groups (and na, satisfied)."""
    def ci(pair: tuple[float, float] | None) -> list[float] | None:
        return None if pair is None else [round(pair[0], 4), round(pair[1], 4)]

    return {
        "method": result.method, "rate": _round(result.rate), "n": result.n, "ci95": ci(result.ci95),
        "na": result.na, "satisfied": result.satisfied,
        "groups": [{"group": g.group, "name": g.name, "rate": _round(g.rate), "n": g.n, "ci95": ci(g.ci95),
                    "na": g.na, "satisfied": g.satisfied} for g in groups_],
    }


def share(frame: pd.DataFrame, questionnaire: Questionnaire, variable: str, options: Iterable[Any],
          ) -> ShareResult:
    """The share of respondents who chose any of `options` (codes or labels) among those who answered.

    Works on single, multiple and scale questions and on matrix rows.

    >>> share(frame, q, "q5", ["有"])  # doctest: +SKIP
    ShareResult(rate=0.75, count=3, n=4)
    """
    try:
        question = questionnaire.question(variable)
    except KeyError:
        raise ValueError(f"questionnaire '{questionnaire.id}' has no question {variable!r}") from None
    if question.type == "matrix":
        if variable not in question.variables:
            raise ValueError(f"{variable!r} is a matrix; name one row such as {question.variables[0]!r}")
    elif variable != question.id or question.type not in ("single", "multiple", "scale"):
        raise ValueError(f"{variable!r} is not a choice question; a share needs single, multiple, scale or a "
                         "matrix row")
    wanted = set()
    for value in options:
        option = question.option(value)
        if option is None:
            labels = ", ".join(o.label for o in question.options)
            raise ValueError(f"{value!r} is not an option of {question.id} ({labels})")
        wanted.add(_key(option.code))
    if not wanted:
        raise ValueError("name at least one option for the share")
    values = _column(frame, variable)
    if question.type == "multiple":
        chosen = values.map(lambda codes: any(_key(c) in wanted for c in codes))
    else:
        chosen = values.map(lambda code: _key(code) in wanted)
    n, count = len(values), int(chosen.sum()) if len(values) else 0
    return ShareResult(count / n if n else None, count, n)
