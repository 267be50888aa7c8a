"""The responses frame: one row per response of ONE questionnaire, meta columns then one column per variable.

Meta columns are :data:`META_COLUMNS`; ``status`` is ``"valid"`` or ``"invalid:<reason>"``, ``submitted_at``
a tz-aware Timestamp or NaT, ``duration_s`` a float or NaN. Answer columns hold canonical answers as
:func:`questionnaires.clean_answers` produces them (option code, list of codes, number, text, or None).
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from questionnaires import Questionnaire

META_COLUMNS: tuple[str, ...] = (
    "response_id", "questionnaire", "role", "unit", "unit_name", "submitted_at", "duration_s", "channel",
    "status",
)
TIMEZONE = "Asia/Shanghai"


def empty_frame(questionnaire: Questionnaire) -> pd.DataFrame:
    """A responses frame with no rows and every column of `questionnaire`.

    >>> list(empty_frame(q).columns)[:2]  # doctest: +SKIP
    ['response_id', 'questionnaire']
    """
    columns: dict[str, pd.Series] = {}
    for name in META_COLUMNS:
        if name == "submitted_at":
            columns[name] = pd.Series([], dtype=f"datetime64[ns, {TIMEZONE}]")
        elif name == "duration_s":
            columns[name] = pd.Series([], dtype="float64")
        else:
            columns[name] = pd.Series([], dtype=object)
    for var in questionnaire.variables:
        columns[var] = pd.Series([], dtype=object)
    return pd.DataFrame(columns)


def valid_only(frame: pd.DataFrame) -> pd.DataFrame:
    """The rows whose status is exactly ``"valid"`` (a new frame; the input is not changed).

    Boolean selection already makes a new frame (and pandas' copy-on-write keeps the two apart); a further
    ``.copy()`` only re-stacked every column again (a third of a second at 350,000 responses).
    """
    return frame.loc[frame["status"] == "valid"]


def filter_frame(frame: pd.DataFrame, unit: str | Iterable[str] | None = None,
                 role: str | Iterable[str] | None = None) -> pd.DataFrame:
    """The rows whose unit code is in `unit` and whose role is in `role` (None: no condition).

    Parameters
    ----------
    frame : DataFrame
        A responses frame.
    unit, role : str, list of str or None
        Unit codes / roles to keep; a single string means a list of one.
    """
    keep = pd.Series(True, index=frame.index)
    for column, wanted in (("unit", unit), ("role", role)):
        if wanted is None:
            continue
        values = {wanted} if isinstance(wanted, str) else {str(w) for w in wanted}
        keep &= frame[column].map(lambda v, values=values: v is not None and v == v and str(v) in values)
    return frame.loc[keep].copy()
