"""The meta columns of a responses frame from text cells, column by column, with their problems."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping

import numpy as np
import pandas as pd

from questionnaires import ROLES, Questionnaire

from ..frames import TIMEZONE
from .answers import Problem
from .cells import Cells

HOSTED_TIME_FORMAT = "%Y/%m/%d %H:%M:%S"

ROLE_ORDER, STATUS_ORDER, TIME_ORDER, DURATION_ORDER = 0, 1, 2, 3


_PADDED = re.compile(r"\0\s|\s\0")


def unmapped(cells: Cells, mapped: np.ndarray) -> np.ndarray:
    """Row mask of the rows whose distinct value maps to None in `mapped` (indexed like the uniques)."""
    return np.fromiter((m is None for m in mapped.tolist()), dtype=bool, count=len(mapped)).take(cells.codes)


def report_rows(problems: list[Problem], cells: Cells, bad: np.ndarray, order: int, column: str,
                problem: str) -> None:
    """One problem ``value '…': problem`` in `column` for every row of the mask `bad`."""
    for pos in np.flatnonzero(bad).tolist():
        problems.append((pos, order, column, f"value '{cells.uniques[cells.codes[pos]]}': {problem}"))


def _stripped(cells: Cells | None, rows: int) -> Cells:
    """The cells without surrounding white space (a pass over the values only when one has some)."""
    if cells is None:
        return Cells.empty(rows)
    return cells.transform(str.strip) if _PADDED.search(cells.joined()) else cells


def meta_columns(q: Questionnaire, meta: Mapping[str, Cells], numbers: np.ndarray, stem: str,
                 time_header: str) -> tuple[dict[str, np.ndarray | pd.Series], list[Problem]]:
    """The meta columns (object arrays; submitted_at and duration_s as Series) of `rows` rows.

    `meta` holds the cells of the meta columns the file has (own names: role, status ...); missing ones take
    their defaults (the questionnaire's role, status valid, no unit ...). A row without a response_id gets
    ``<stem>-<row number>`` (`numbers`: the file's row numbers); `time_header` names the submission time's
    column in problems.
    """
    problems: list[Problem] = []
    rows = len(numbers)

    def report(cells: Cells, bad: np.ndarray, order: int, column: str, problem: str) -> None:
        report_rows(problems, cells, bad, order, column, problem)

    out: dict[str, np.ndarray | pd.Series] = {}
    ids = _stripped(meta.get("response_id"), rows)
    given = ids.texts()
    if "" in ids.uniques.tolist():
        for pos in np.flatnonzero(~ids.test(bool)).tolist():
            given[pos] = f"{stem}-{numbers[pos]}"
    out["response_id"] = given
    out["questionnaire"] = np.full(rows, q.id, dtype=object)
    role = _stripped(meta.get("role"), rows).transform(lambda r: r or q.role)
    report(role, role.test(lambda r: r not in ROLES), ROLE_ORDER, "role", f"not a role ({', '.join(ROLES)})")
    out["role"] = role.texts()
    for name in ("unit", "unit_name", "channel"):
        out[name] = _stripped(meta.get(name), rows).map(lambda v: v or None)
    status = _stripped(meta.get("status"), rows).transform(lambda s: s or "valid")
    report(status, status.test(lambda s: s != "valid" and not (s.startswith("invalid:")
                                                             and len(s) > len("invalid:"))),
           STATUS_ORDER, "status", "must be 'valid' or 'invalid:<reason>'")
    out["status"] = status.texts()
    when = _stripped(meta.get("submitted_at"), rows)
    stamps, bad = submission_times(when)
    report(when, bad, TIME_ORDER, time_header, "not a date and time like 2025-10-09T14:03:11+08:00")
    out["submitted_at"] = stamps
    duration = _stripped(meta.get("duration_s"), rows)
    seconds = duration.per_unique(_seconds)
    report(duration, unmapped(duration, seconds), DURATION_ORDER, "duration_s", "not a number of seconds")
    values = np.array([math.nan if s is None else s for s in seconds.tolist()], dtype="float64")
    out["duration_s"] = pd.Series(values.take(duration.codes) if len(values) else np.zeros(0), dtype="float64")
    return out, problems


def _seconds(text: str) -> float | None:
    """Seconds of a duration_s cell: NaN when empty, None when not a number of seconds."""
    if not text:
        return math.nan
    try:
        seconds = float(text)
    except ValueError:
        return None
    return seconds if math.isfinite(seconds) and seconds >= 0 else None


def _has_offset(text: str) -> bool:
    """Whether a time ends in an offset (Z, +08:00, +0800, -05:00 ...); a time taken wrongly as without one
    fails the bulk parse and is parsed alone."""
    tail = text[-6:]
    return tail[-1:] in ("Z", "z") or "+" in tail or ("-" in tail and ":" in text[:-6])


def submission_times(cells: Cells) -> tuple[pd.Series, np.ndarray]:
    """Beijing-time timestamps of the cells (NaT when empty) and the mask of rows that are no time.

    A time with an offset is converted, one without is taken as Beijing time. The hosted tool's
    ``2025/10/9 14:03:11`` and ISO 8601 with an offset (as this project writes) are parsed in bulk, then other
    ISO 8601 times; the few distinct values left go through ``pandas.Timestamp`` one by one, as before.
    """
    texts = pd.Series(cells.uniques, dtype=object)
    result = pd.Series(pd.NaT, index=texts.index, dtype=f"datetime64[ns, {TIMEZONE}]")
    left = texts != ""
    for fmt, aware in ((HOSTED_TIME_FORMAT, False), ("%Y-%m-%dT%H:%M:%S%z", True)):
        if not left.any():
            break
        parsed = pd.to_datetime(texts[left], format=fmt, utc=aware, errors="coerce")
        ok = parsed.notna()
        parsed = parsed[ok].dt.tz_convert(TIMEZONE) if aware else parsed[ok].dt.tz_localize(TIMEZONE)
        result[parsed.index] = parsed.dt.as_unit("ns")
        left[parsed.index] = False
    if left.any():
        offset = pd.Series([_has_offset(u) for u in texts[left].tolist()], index=texts[left].index, dtype=bool)
        for part, aware in ((offset[offset].index, True), (offset[~offset].index, False)):
            if not len(part):
                continue
            parsed = pd.to_datetime(texts[part], format="ISO8601", utc=aware, errors="coerce")
            ok = parsed.notna()
            parsed = parsed[ok].dt.tz_convert(TIMEZONE) if aware else parsed[ok].dt.tz_localize(TIMEZONE)
            result[parsed.index] = parsed.dt.as_unit("ns")
            left[parsed.index] = False
    bad = np.zeros(len(texts), dtype=bool)
    for pos in np.flatnonzero(left.to_numpy()).tolist():
        try:
            stamp = pd.Timestamp(texts.iat[pos])
        except (ValueError, TypeError):
            bad[pos] = True
            continue
        if pd.isna(stamp):
            continue
        result.iat[pos] = stamp.tz_localize(TIMEZONE) if stamp.tzinfo is None else stamp.tz_convert(TIMEZONE)
    values = pd.Series(result.array.take(cells.codes), dtype=f"datetime64[ns, {TIMEZONE}]")
    return values, bad.take(cells.codes)
