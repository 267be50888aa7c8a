"""Responses frames written out by hand for tests (the frame contract of analysis/frames.py)."""

from __future__ import annotations

from typing import Any

import pandas as pd

from analysis.frames import META_COLUMNS, TIMEZONE

START = pd.Timestamp("2025-10-09 14:00:00", tz=TIMEZONE)


def make_frame(questionnaire, rows: list[dict[str, Any]], **meta: Any) -> pd.DataFrame:
    """A responses frame from canonical answer dicts, one per response.

    A row may also hold meta keys (role, unit, status ...) for itself; `meta` sets a column for all rows,
    as one value or a list. Defaults: valid responses of the questionnaire's role in unit s1 (第一小学),
    submitted a minute apart from 2025-10-09 14:00 Beijing time, 120 s each, through WeChat.
    """
    n = len(rows)
    defaults: dict[str, Any] = {
        "response_id": [f"r{i + 1}" for i in range(n)], "questionnaire": questionnaire.id,
        "role": questionnaire.role, "unit": "s1", "unit_name": "第一小学",
        "submitted_at": [START + pd.Timedelta(minutes=i) for i in range(n)],
        "duration_s": 120.0, "channel": "微信", "status": "valid",
    }
    defaults.update(meta)
    columns: dict[str, pd.Series] = {}
    for name in META_COLUMNS:
        given = defaults[name]
        values = [row.get(name, given[i] if isinstance(given, list) else given) for i, row in enumerate(rows)]
        if name == "submitted_at":
            columns[name] = pd.Series(pd.DatetimeIndex(values).tz_convert(TIMEZONE).as_unit("ns"))
        elif name == "duration_s":
            columns[name] = pd.Series(values, dtype="float64")
        else:
            columns[name] = pd.Series(values, dtype=object)
    for var in questionnaire.variables:
        columns[var] = pd.Series([row.get(var) for row in rows], dtype=object)
    return pd.DataFrame(columns)
