"""Data-quality screening (有效问卷): flags for the evaluator to review, never deletions.

Four checks, thresholds configurable:

* ``duplicate``: the same answers submitted again from the same device/client (a ``client`` column, when the
  frame has one) within ``duplicate_window_s`` seconds; without a client column, the same answers submitted
  again within ``content_window_s`` seconds. The first submission is kept, later ones are flagged.
  IP addresses are not used: a whole school shares one address.
* ``speeder``: answering time below ``min_seconds``, or below ``median_fraction`` of the median time.
* ``straight_line``: every row of a matrix (with at least ``straight_min_rows`` rows answered) given the
  same answer. Informational only - all 非常满意 is common and honest in school surveys.
* ``too_long`` (回答过长): an open answer (or 其他 text) longer than its question's ``max_length``. The web
  form refuses such answers; an imported file keeps them in full and they are flagged here, informational.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from questionnaires import Questionnaire

FLAG_COLUMNS = ("response_id", "flag", "reason")
INFORMATIONAL_FLAGS = frozenset({"straight_line", "too_long"})
"""Flags that describe a response without suggesting it is invalid."""


def _content_key(value: Any) -> Any:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, list | tuple):
        return tuple(str(v) for v in value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _seconds(value: float) -> str:
    return f"{int(value)}" if float(value).is_integer() else f"{value:.1f}"


def screen(frame: pd.DataFrame, questionnaire: Questionnaire, *, min_seconds: float = 30,
           median_fraction: float = 0.5, duplicate_window_s: float = 300, content_window_s: float = 10,
           straight_min_rows: int = 3) -> pd.DataFrame:
    """Flag duplicates, speeders and straight-lining.

    Parameters
    ----------
    frame : DataFrame
        Responses frame (all rows, not only valid ones: screening decides validity).
    questionnaire : Questionnaire
    min_seconds : float
        Answering times below this are too short (0 turns the check off).
    median_fraction : float
        Answering times below this fraction of the median are too short (0 turns the check off).
    duplicate_window_s : float
        Same answers from the same client within this many seconds are duplicates.
    content_window_s : float
        Without a client column: same answers within this many seconds are duplicates.
    straight_min_rows : int
        Matrices with fewer answered rows are not checked for straight-lining.

    Returns
    -------
    DataFrame
        Columns ``response_id, flag, reason`` (reason in Chinese), one row per flag, in frame order;
        a response may carry several flags. ``straight_line`` flags are informational
        (:data:`INFORMATIONAL_FLAGS`), and so are ``too_long`` flags.

    Examples
    --------
    >>> screen(frame, q, min_seconds=60)  # doctest: +SKIP
      response_id    flag                        reason
    0          r7  speeder  答题时间过短（12秒，少于60秒）
    """
    for name, value in (("min_seconds", min_seconds), ("median_fraction", median_fraction),
                        ("duplicate_window_s", duplicate_window_s), ("content_window_s", content_window_s)):
        if not (isinstance(value, int | float) and math.isfinite(value) and value >= 0):
            raise ValueError(f"{name} must be a number >= 0, got {value!r}")
    if median_fraction >= 1:
        raise ValueError(f"median_fraction must be below 1, got {median_fraction!r}")
    flags: list[tuple[int, int, str, str]] = []  # (position, check order, flag, reason)
    ids = frame["response_id"].tolist()
    flags.extend(_duplicates(frame, questionnaire, duplicate_window_s, content_window_s))
    flags.extend(_speeders(frame, min_seconds, median_fraction))
    flags.extend(_straight_lines(frame, questionnaire, straight_min_rows))
    flags.extend(_too_long(frame, questionnaire))
    flags.sort(key=lambda f: (f[0], f[1]))
    return pd.DataFrame({
        "response_id": pd.Series([ids[pos] for pos, *_ in flags], dtype=object),
        "flag": pd.Series([f[2] for f in flags], dtype=object),
        "reason": pd.Series([f[3] for f in flags], dtype=object),
    })


def _key_codes(frame: pd.DataFrame, variables: list[str]) -> np.ndarray:
    """Rows x variables of integer codes, equal where :func:`_content_key` is equal (across variables too),
    -1 where there is no answer: each distinct cell of a column is keyed once."""
    out = np.full((len(frame), len(variables)), -1, dtype=np.int64)
    keys: dict[Any, int] = {}
    for j, var in enumerate(variables):
        values = frame[var].to_numpy(dtype=object)
        try:
            codes, uniques = pd.factorize(values, use_na_sentinel=True)
        except TypeError:  # lists (multiple choice): as tuples, which hash
            values = np.array([tuple(v) if isinstance(v, list) else v for v in values.tolist()] + [None],
                              dtype=object)[:-1]
            codes, uniques = pd.factorize(values, use_na_sentinel=True)
        mapped = np.array([-1 if (k := _content_key(u)) is None else keys.setdefault(k, len(keys))
                           for u in uniques.tolist()] + [-1], dtype=np.int64)
        out[:, j] = mapped.take(codes)  # code -1 (missing) takes the last slot
    return out


def _duplicates(frame: pd.DataFrame, questionnaire: Questionnaire, window: float, content_window: float,
                ) -> list[tuple[int, int, str, str]]:
    variables = [v for v in questionnaire.variables if v in frame.columns]
    if not len(frame) or not variables:
        return []
    codes = _key_codes(frame, variables)
    answered = (codes >= 0).any(axis=1)
    times = pd.to_datetime(frame["submitted_at"])
    if times.dt.tz is not None:
        times = times.dt.tz_convert("UTC").dt.tz_localize(None)
    stamps = times.dt.as_unit("ns").to_numpy()
    nanos = stamps.view(np.int64)
    timed = ~np.isnat(stamps)
    if "client" in frame.columns:
        clients = frame["client"].to_numpy(dtype=object)
        known = np.array([not (c is None or c == "" or (isinstance(c, float) and math.isnan(c)))
                          for c in clients.tolist()], dtype=bool)
        client_codes, _ = pd.factorize(np.where(known, clients.astype(str), None), use_na_sentinel=True)
    else:
        known = np.zeros(len(frame), dtype=bool)
        client_codes = np.full(len(frame), -1, dtype=np.int64)
    group = pd.DataFrame(np.column_stack([client_codes, codes])).groupby(
        list(range(codes.shape[1] + 1)), sort=False).ngroup().to_numpy()
    rows = np.flatnonzero(answered & timed)
    if len(rows) < 2:
        return []
    order = rows[np.lexsort((rows, nanos[rows], group[rows]))]  # by group, then time, then position
    earlier, later = order[:-1], order[1:]
    gaps = (nanos[later] - nanos[earlier]) / 1e9
    limits = np.where(known[later], window, content_window)
    hit = (group[earlier] == group[later]) & (gaps <= limits)
    ids = frame["response_id"].tolist()
    flags = []
    for e, la, gap in zip(earlier[hit].tolist(), later[hit].tolist(), gaps[hit].tolist(), strict=True):
        where = "同一设备" if known[la] else "未知设备"
        reason = f"重复提交：与答卷 {ids[e]} 答案完全相同，间隔{_seconds(gap)}秒（{where}）"
        flags.append((la, 0, "duplicate", reason))
    return flags


def _speeders(frame: pd.DataFrame, min_seconds: float, fraction: float) -> list[tuple[int, int, str, str]]:
    durations = pd.to_numeric(frame["duration_s"], errors="coerce").astype("float64").to_numpy()
    known = durations[~np.isnan(durations)]
    median = float(np.median(known)) if len(known) else math.nan
    flags = []
    short = (durations < min_seconds) if min_seconds else np.zeros(len(durations), dtype=bool)
    for pos in np.flatnonzero(short).tolist():
        reason = f"答题时间过短（{_seconds(durations[pos])}秒，少于{_seconds(min_seconds)}秒）"
        flags.append((pos, 1, "speeder", reason))
    if fraction and not math.isnan(median):
        for pos in np.flatnonzero(~short & (durations < fraction * median)).tolist():
            flags.append((pos, 1, "speeder", f"答题时间过短（{_seconds(durations[pos])}秒，不足中位数"
                                             f"{_seconds(median)}秒的{fraction:.0%}）"))
    return flags


def _straight_lines(frame: pd.DataFrame, questionnaire: Questionnaire, min_rows: int,
                    ) -> list[tuple[int, int, str, str]]:
    flags = []
    for question in questionnaire.questions:
        if question.type != "matrix" or len(question.rows) < max(2, min_rows):
            continue
        variables = [v for v in question.variables if v in frame.columns]
        if len(variables) != len(question.rows):
            continue
        codes = _key_codes(frame, variables)
        same = (codes >= 0).all(axis=1) & (codes == codes[:, :1]).all(axis=1)
        labels: dict[int, str] = {}
        first = frame[variables[0]].tolist()
        for pos in np.flatnonzero(same).tolist():
            if codes[pos, 0] not in labels:
                given = _content_key(first[pos])
                option = question.option(given)
                labels[codes[pos, 0]] = option.label if option is not None else given
            label = labels[codes[pos, 0]]
            flags.append((pos, 2, "straight_line",
                          f"矩阵题第{question.number}题各行答案相同（均为“{label}”），仅供参考，不作为无效依据"))
    return flags


def _too_long(frame: pd.DataFrame, questionnaire: Questionnaire) -> list[tuple[int, int, str, str]]:
    """Open answers and 其他 texts longer than their question allows (only imported files hold them)."""
    flags = []
    for question in questionnaire.questions:
        texts = [question.id] if question.type == "text" else [f"{question.id}.other"] if question.other else []
        for var in texts:
            if var not in frame.columns:
                continue
            lengths = frame[var].astype(object).str.len()  # NaN for no answer
            over = (lengths.fillna(0).to_numpy() > question.max_length).nonzero()[0]
            what = "“其他”填写内容" if var.endswith(".other") else "回答"
            for pos, length in zip(over.tolist(), lengths.iloc[over].tolist(), strict=True):
                flags.append((pos, 3, "too_long", f"回答过长：第{question.number}题{what}共{int(length)}字，"
                                                  f"超过上限{question.max_length}字（全文保留）"))
    return flags
