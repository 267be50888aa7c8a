"""Satisfaction rates (满意度) and shares of respondents choosing given options.

Two methods, chosen per evaluation:

* ``top_box``: answers with a code in the scale's ``satisfied`` list / answers (a fraction), with a 95%
  Wilson score interval;
* ``score``: the mean option score (on the scale's own scores, e.g. 0-100), with a normal-approximation
  95% interval (mean ± z·s/√n_eff, s the sample standard deviation of the answers).

"Not applicable" options (``na: true``, e.g. 不了解) are left out of ``n`` and counted in ``na``. Several
questions (or all rows of a matrix) are pooled: ``n`` counts answers, ``respondents`` the people with at
least one counted answer, and the interval uses the effective sample size ``n_effective`` of
:mod:`analysis.intervals` (clusters: respondents by default, or units), so a person's several answers do
not count as several independent people. One question answered once per person gives the plain interval.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from questionnaires import Question, Questionnaire

from .intervals import Z95, effective_n, mean_interval, wilson_interval, wilson_rate_interval
from .tables import _column, _group_keys, _key, _present, factorize_answers, groups, resolve_variable

METHODS = ("top_box", "score")
CLUSTERS = ("respondent", "unit")
CLUSTER_LABELS = {"respondent": "按作答人", "unit": "按单位"}

__all__ = ["CLUSTERS", "CLUSTER_LABELS", "METHODS", "SatisfactionGroup", "SatisfactionResult", "ShareResult", "Z95",
           "rated_method", "satisfaction", "satisfaction_by", "satisfaction_json", "satisfaction_variables",
           "share", "wilson_interval"]


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
        95% interval on ``n_effective``: Wilson for top_box, normal approximation for score; None when n
        is 0 (and for score when n < 2).
    respondents : int
        People (rows) with at least one counted answer.
    n_effective : float or None
        The effective sample size n / deff behind the interval (None when n is 0).
    cluster : str
        ``respondent`` or ``unit``: the clusters the interval was computed over (``unit`` falls back to
        ``respondent`` when the answers come from a single unit).
    """

    method: str
    rate: float | None
    n: int
    na: int
    satisfied: int | None
    ci95: tuple[float, float] | None
    respondents: int = 0
    n_effective: float | None = None
    cluster: str = "respondent"


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
    respondents: int = 0
    n_effective: float | None = None
    cluster: str = "respondent"


@dataclass(frozen=True)
class ShareResult:
    """Respondents choosing any of some options (count) among those who answered (n); rate = count / n."""

    rate: float | None
    count: int
    n: int


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


def rated_method(question: Question) -> str | None:
    """The method a scale or matrix question can give a rate with: ``top_box`` when its scale lists
    satisfied codes, else ``score`` when every applicable option has a score, else None."""
    if question.type not in ("scale", "matrix") or question.scale is None:
        return None
    if question.scale.satisfied:
        return "top_box"
    if all(o.na or o.score is not None for o in question.options):
        return "score"
    return None


def satisfaction_variables(questionnaire: Questionnaire) -> tuple[list[str], str | None]:
    """The questions pooled into a questionnaire's satisfaction rate and the method that fits them.

    Scale and matrix questions count. ``top_box`` when every one lists satisfied codes, else ``score`` when
    every option is scored, else no rate (empty list, None).
    """
    rated = [q for q in questionnaire.questions if q.type in ("scale", "matrix") and q.scale is not None]
    if not rated:
        return [], None
    if all(q.scale.satisfied for q in rated):
        return [q.id for q in rated], "top_box"
    if all(o.na or o.score is not None for q in rated for o in q.options):
        return [q.id for q in rated], "score"
    return [], None


_TOTALS = ("n", "na", "satisfied", "t", "t2")


@dataclass(frozen=True)
class _Tally:
    """Per response: counted answers ``m`` and the rated amount ``z`` (satisfied answers for top_box, sum
    of scores for score); per group (rows of ``totals``): n, na, satisfied, Σscore, Σscore² (see _TOTALS)."""

    m: np.ndarray
    z: np.ndarray
    totals: np.ndarray


def _tally(frame: pd.DataFrame, pairs: list[tuple[str, Question]], method: str,
           group_codes: np.ndarray | None = None, groups_n: int = 1) -> _Tally:
    """Tally the answers to the variables of `pairs`: each column is hashed once and its distinct values
    checked against the options; group totals come from one count per (group, value)."""
    rows = len(frame)
    m = np.zeros(rows)
    z = np.zeros(rows)
    totals = np.zeros((groups_n, len(_TOTALS)))
    for variable, question in pairs:
        if variable not in frame.columns:
            raise ValueError(f"the responses have no column {variable!r}")
        options = {_key(o.code): o for o in question.options}
        wanted = {_key(c) for c in (question.scale.satisfied if question.scale is not None else None) or ()}
        codes, uniques = factorize_answers(frame[variable])
        table = np.zeros((len(uniques) + 1, len(_TOTALS)))  # per distinct value; the last row: no answer
        for index, value in enumerate(uniques):
            if not _present(value):
                continue
            option = options.get(_key(value))
            if option is None:
                raise ValueError(f"{variable}: {value!r} is not an option code of {question.id}")
            if option.na:
                table[index, 1] = 1
                continue
            score = float(option.score) if method == "score" and option.score is not None else 0.0
            table[index] = (1, 0, _key(value) in wanted, score, score * score)
        m += table[codes, 0]             # code -1 (missing) picks the last row: zeros
        z += table[codes, 2 if method == "top_box" else 3]
        answered = codes >= 0
        keys = codes[answered] if group_codes is None else group_codes[answered] * len(uniques) + codes[answered]
        counts = np.bincount(keys, minlength=groups_n * len(uniques)).reshape(groups_n, len(uniques))
        totals += counts @ table[:-1]
    return _Tally(m, z, totals)


def _clusters(frame: pd.DataFrame, counted: np.ndarray, cluster: str) -> tuple[np.ndarray | None, str]:
    """Cluster number of each row (None: every row its own cluster) and the cluster kind actually used.

    Units: rows without a unit are each their own cluster; answers from a single unit fall back to
    respondents (one unit has no between-unit variation to measure).
    """
    if cluster not in CLUSTERS:
        raise ValueError(f"unknown cluster {cluster!r}; use respondent or unit")
    if cluster == "respondent" or "unit" not in frame.columns:
        return None, "respondent"
    keys = _group_keys(frame["unit"]).to_numpy(dtype=object)
    codes, uniques = pd.factorize(keys)   # None (no unit) gets -1
    if len(set(codes[(counted > 0) & (codes >= 0)].tolist())) <= 1:
        return None, "respondent"
    lone = codes < 0
    codes = codes.copy()
    codes[lone] = len(uniques) + np.arange(int(lone.sum()))
    return codes, "unit"


def _result(method: str, m: np.ndarray, z_: np.ndarray, totals: np.ndarray, has_satisfied: bool,
            cluster_codes: np.ndarray | None, cluster: str, z: float) -> SatisfactionResult:
    n, na, satisfied_sum, total, squares = totals.tolist()
    n, na = int(round(n)), int(round(na))
    respondents = int((m > 0).sum())
    satisfied = int(round(satisfied_sum)) if has_satisfied else None
    if n == 0:
        return SatisfactionResult(method, None, 0, na, satisfied, None, 0, None, cluster)
    if cluster_codes is not None:
        size = int(cluster_codes.max()) + 1
        m = np.bincount(cluster_codes, weights=m, minlength=size)
        z_ = np.bincount(cluster_codes, weights=z_, minlength=size)
    if method == "top_box":
        if satisfied is None:
            raise ValueError("a top-box rate needs satisfied codes")
        rate = satisfied / n
        n_eff = effective_n(z_, m)
        ci = wilson_interval(satisfied, n, z) if n_eff == n else wilson_rate_interval(rate, n_eff, z)
        return SatisfactionResult(method, rate, n, na, satisfied, ci, respondents, n_eff, cluster)
    mean = total / n
    if n < 2:
        return SatisfactionResult(method, mean, n, na, satisfied, None, respondents, float(n), cluster)
    variance = max(0.0, (squares - n * mean * mean) / (n - 1))
    n_eff = effective_n(z_, m, unit_variance=variance)
    return SatisfactionResult(method, mean, n, na, satisfied, mean_interval(mean, math.sqrt(variance), n_eff, z),
                              respondents, n_eff, cluster)


def _check_method(pairs: list[tuple[str, Question]], method: str) -> bool:
    """Check that `method` fits every variable; returns whether all have satisfied codes."""
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
    return all(question.scale is not None and question.scale.satisfied for _, question in pairs)


def satisfaction(frame: pd.DataFrame, questionnaire: Questionnaire, variables: str | Sequence[str],
                 method: str = "top_box", *, cluster: str = "respondent", z: float = Z95) -> SatisfactionResult:
    """The satisfaction rate pooled over the answers to `variables`, with n, respondents and a 95% interval.

    Parameters
    ----------
    frame : DataFrame
        Responses frame; every row counts (pass valid rows only).
    questionnaire : Questionnaire
    variables : str or list of str
        Question ids (a matrix id means all its rows) or matrix rows (``q4.r1``); a string may list
        several separated by commas.
    method : {"top_box", "score"}
    cluster : {"respondent", "unit"}
        Whose answers are taken as alike for the interval (see :mod:`analysis.intervals`).

    Raises
    ------
    ValueError
        For unknown questions, non-rating questions, a scale without ``satisfied`` asked for top_box,
        options without scores asked for score, or an unknown cluster.

    Examples
    --------
    >>> r = satisfaction(frame, q, ["q3", "q4"])  # doctest: +SKIP
    >>> r.rate, r.n, r.respondents, r.ci95  # doctest: +SKIP
    (0.92, 150, 50, (0.84, 0.96))
    """
    pairs = _scale_variables(questionnaire, variables)
    has_satisfied = _check_method(pairs, method)
    tally = _tally(frame, pairs, method)
    codes, used = _clusters(frame, tally.m, cluster)
    return _result(method, tally.m, tally.z, tally.totals[0], has_satisfied, codes, used, z)


def satisfaction_by(frame: pd.DataFrame, questionnaire: Questionnaire, variables: str | Sequence[str],
                    method: str = "top_box", by: str = "unit", *, cluster: str = "respondent", z: float = Z95,
                    ) -> list[SatisfactionGroup]:
    """The satisfaction rate for each unit or role (order and names as :func:`analysis.tables.groups`).

    `cluster` as in :func:`satisfaction`; within one unit the clusters are its respondents.
    """
    pairs = _scale_variables(questionnaire, variables)
    has_satisfied = _check_method(pairs, method)
    # Split a small frame of the group columns and row positions, not the answers themselves.
    meta = [c for c in dict.fromkeys((by, "unit_name", "unit")) if c in frame.columns]
    small = pd.DataFrame({c: frame[c].to_numpy() for c in meta}, index=pd.RangeIndex(len(frame)))
    found = groups(small, by)
    group_codes = np.zeros(len(frame), dtype=np.int64)
    for g, (_code, _name, part) in enumerate(found):
        group_codes[part.index.to_numpy()] = g
    tally = _tally(frame, pairs, method, group_codes, max(1, len(found)))
    out = []
    for g, (code, name, part) in enumerate(found):
        rows = part.index.to_numpy()
        m, z_ = tally.m[rows], tally.z[rows]
        codes, used = _clusters(part, m, cluster)
        r = _result(method, m, z_, tally.totals[g], has_satisfied, codes, used, z)
        out.append(SatisfactionGroup(code, name, r.method, r.rate, r.n, r.na, r.satisfied, r.ci95,
                                     r.respondents, r.n_effective, r.cluster))
    return out


def _round(value: float | None, digits: int = 4) -> float | None:
    return None if value is None else round(value, digits)


def satisfaction_json(result: SatisfactionResult, groups_: Sequence[SatisfactionGroup] = (),
                      ) -> dict[str, Any]:
    """The ``satisfaction --json`` document: method, rate, n, ci95, groups, and respondents, n_effective,
    cluster, na, satisfied (rates and bounds to 4 decimals, n_effective to 2)."""
    def ci(pair: tuple[float, float] | None) -> list[float] | None:
        return None if pair is None else [round(pair[0], 4), round(pair[1], 4)]

    return {
        "method": result.method, "rate": _round(result.rate), "n": result.n, "ci95": ci(result.ci95),
        "na": result.na, "satisfied": result.satisfied, "respondents": result.respondents,
        "n_effective": _round(result.n_effective, 2), "cluster": result.cluster,
        "groups": [{"group": g.group, "name": g.name, "rate": _round(g.rate), "n": g.n, "ci95": ci(g.ci95),
                    "na": g.na, "satisfied": g.satisfied, "respondents": g.respondents,
                    "n_effective": _round(g.n_effective, 2), "cluster": g.cluster} for g in groups_],
    }


def share(frame: pd.DataFrame, questionnaire: Questionnaire, variable: str, options: Iterable[Any],
          ) -> ShareResult:
    """The share of respondents who chose any of `options` (codes or labels) among those who answered.

    Works on single, multiple and scale questions and on matrix rows.

    >>> share(frame, q, "q5", ["有"])  # doctest: +SKIP
    ShareResult(rate=0.75, count=3, n=4)
    """
    question, row = resolve_variable(questionnaire, variable)
    if row is None and (variable != question.id or question.type not in ("single", "multiple", "scale")):
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
