"""Read and write response files (CSV or XLSX) as responses frames.

Two layouts are read:

* the project's own columns (docs/formats/responses.md): the meta columns, then one column per variable
  (``q2``, ``q2.other``, ``q4.r1`` ...), answer cells holding option labels or codes, several options
  joined by ``┋``;
* the export of the common Chinese hosted survey tool (按文本 or 按选项序号 download): ``序号, 提交答卷时间,
  所用时间, 来源, 来源详情, 来自IP``, then one column per question headed ``N、题目`` in questionnaire order
  (see :mod:`analysis.reading.hosted`). ``来源`` becomes the channel (微信 / 手机 / 电脑 when it says so,
  else kept as written); ``来源详情`` and ``来自IP`` are not kept (a school shares one IP address, so it
  tells nothing about the respondent). Such rows get status ``valid``, the questionnaire's role, no unit,
  and ``序号`` as response id (``<file stem>-<序号>`` when several such files answer one questionnaire).

Every cell that does not fit is reported - row as the user sees it (the header is row 1), column header,
value and problem - in one :class:`~analysis.errors.DataError`; nothing is dropped silently, and a file with
errors yields nothing. Files are read column by column (:mod:`analysis.reading`): each distinct cell of a
column is checked once.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from questionnaires import MULTI_SEPARATOR, Questionnaire

from .frames import META_COLUMNS, TIMEZONE
from .reading import NUMBER_READINGS, read_files
from .safe import neutralise

__all__ = ["NUMBER_READINGS", "export_columns", "read_responses", "write_responses", "write_responses_xlsx"]


# -- reading --------------------------------------------------------------------------------------------

def read_responses(paths: str | Path | Iterable[str | Path], questionnaires: Mapping[str, Questionnaire],
                   *, preferred: Iterable[str] = (), numbers: str = "positions",
                   notes: list[str] | None = None) -> dict[str, pd.DataFrame]:
    """Read response files into one responses frame per questionnaire id.

    Parameters
    ----------
    paths : path or list of paths
        CSV (UTF-8 with or without BOM, or GB18030) or XLSX files (every non-empty sheet is read).
    questionnaires : mapping of id to Questionnaire
        The questionnaires the files may belong to. A file with a ``questionnaire`` column names its own;
        otherwise an XLSX sheet named like a questionnaire id, the only questionnaire given, or the one
        whose variables (or, for the hosted tool's export, question titles) fit the columns is used.
    preferred : ids, optional
        Questionnaires to try first when a file does not name its own (for example those named on the
        command line, before the project's shipped ones).
    numbers : {"positions", "codes"}
        How the numbers of a hosted export whose choice cells are all numbers are read: as 1-based
        positions in the question's option list (the tool's 按选项序号 download), or as option codes.
    notes : list, optional
        Receives one line per thing worth telling the user (the reading of numbers used, columns
        skipped); the command line prints them on stderr.

    Returns
    -------
    dict of str to DataFrame
        Responses frames (see :mod:`analysis.frames`), rows in file order, keyed by questionnaire id.

    Raises
    ------
    DataError
        Listing every problem of every file (row, column, value, problem); nothing is returned then.

    Examples
    --------
    >>> frames = read_responses(["parents.csv"], {"parent-platform": q})  # doctest: +SKIP
    >>> frames["parent-platform"].shape  # doctest: +SKIP
    (412, 34)
    """
    if isinstance(paths, str | Path):
        paths = [paths]
    preferred = [qid for qid in preferred if qid in questionnaires]
    return read_files(paths, questionnaires, preferred, numbers, notes)


# -- writing ---------------------------------------------------------------------------------------------

def _missing(value: Any) -> bool:
    return value is None or value is pd.NaT or (isinstance(value, float) and math.isnan(value))


def _cached(values: list[Any], fn: Any) -> list[Any]:
    """[fn(v) for v in values], computing fn once per distinct value (lists compared as tuples).

    Distinct values are found with one hash pass (``pandas.factorize``) and the results spread back with
    one ``take``; missing values (None, NaN) all give ``fn(None)``. Columns of lists, or of anything
    else factorize cannot hash, go through a dictionary cell by cell.
    """
    if not values:
        return []
    array = np.empty(len(values), dtype=object)
    array[:] = values
    try:
        codes, uniques = pd.factorize(array, use_na_sentinel=True)
    except TypeError:  # lists (multiple choice) or other unhashable cells
        return _cached_by_cell(values, fn)
    results = np.empty(len(uniques) + 1, dtype=object)
    results[:-1] = [fn(u) for u in uniques]
    results[-1] = fn(None)
    return results.take(codes).tolist()  # code -1 (missing) takes the last slot


def _cached_by_cell(values: list[Any], fn: Any) -> list[Any]:
    cache: dict[Any, Any] = {}
    out: list[Any] = []
    append = out.append
    for value in values:
        key = tuple(value) if isinstance(value, list) else value
        try:
            append(cache[key])
        except KeyError:
            cache[key] = result = fn(value)
            append(result)
        except TypeError:  # unhashable: no caching
            append(fn(value))
    return out


def _text_cell(value: Any) -> str | None:
    return None if _missing(value) else (neutralise(str(value)) or None)


def _plain_text_cell(value: Any) -> str | None:
    return None if _missing(value) else (str(value) or None)


def _time_cells(series: pd.Series) -> list[str | None]:
    """ISO 8601 with the +08:00 offset (Beijing time); naive times are taken as Beijing time."""
    stamps = pd.to_datetime(series)
    if len(stamps) == 0:
        return []
    stamps = stamps.dt.tz_localize(TIMEZONE) if stamps.dt.tz is None else stamps.dt.tz_convert(TIMEZONE)
    if (stamps.dt.year < 1992).any():  # China kept summer time until 1991: the offset is not always +08:00
        return _time_cells_by_stamp(stamps)
    whole = stamps.dt.strftime("%Y-%m-%dT%H:%M:%S+08:00")
    fraction = stamps.dt.strftime("%Y-%m-%dT%H:%M:%S.%f+08:00")
    extra = (stamps.dt.microsecond + stamps.dt.nanosecond).fillna(0).to_numpy() != 0
    cells = whole.where(~extra, fraction)
    return cells.astype(object).where(stamps.notna(), None).tolist()


def _time_cells_by_stamp(stamps: pd.Series) -> list[str | None]:
    base = stamps.dt.strftime("%Y-%m-%dT%H:%M:%S").tolist()
    micro = (stamps.dt.microsecond + stamps.dt.nanosecond).fillna(0).tolist()
    out: list[str | None] = []
    for text, stamp, extra in zip(base, stamps.tolist(), micro, strict=True):
        if _missing(text) or stamp is pd.NaT:
            out.append(None)
        elif extra:
            out.append(stamp.isoformat(timespec="microseconds"))
        else:
            out.append(text + "+08:00")
    return out


def _number_cell(value: Any) -> float | int | None:
    if value is None or isinstance(value, str) and not value.strip():
        return None
    number = float(value)
    if math.isnan(number):
        return None
    return int(number) if number.is_integer() else number


def _column_formatter(q: Questionnaire, var: str, guard: bool = True):
    """A function turning one canonical answer of `var` into its cell (label, number, text); text is
    neutralised when `guard` is true."""
    question = q.question(var)
    text_cell = _text_cell if guard else _plain_text_cell
    if var.endswith(".other") or question.type == "text":
        return text_cell
    if question.type == "number":
        return _number_cell
    labels = {str(o.code): neutralise(o.label) if guard else o.label for o in question.options}

    def label(code: Any) -> str:
        key = str(int(code)) if isinstance(code, float) and code.is_integer() else str(code)
        try:
            return labels[key]
        except KeyError:
            raise ValueError(f"{var}: {code!r} is not an option code of {question.id}") from None

    if question.type == "multiple":
        def many(value: Any) -> str | None:
            if _missing(value):
                return None
            items = list(value)
            return MULTI_SEPARATOR.join(label(c) for c in items) if items else None
        return many

    def one(value: Any) -> str | None:
        return None if _missing(value) else label(value)
    return one


def export_columns(frame: pd.DataFrame, questionnaire: Questionnaire, guard: bool = True,
                   ) -> Iterator[tuple[str, list[Any]]]:
    """(header, cells) of every column of a response file, cells as written (text or numbers).

    Meta columns come first, then one column per variable; empty cells are None. With `guard` (CSV), text a
    spreadsheet would read as a formula gets a leading ``'``; an XLSX string cell needs none.
    """
    text_cell = _text_cell if guard else _plain_text_cell
    missing = [c for c in (*META_COLUMNS, *questionnaire.variables) if c not in frame.columns]
    if missing:
        raise ValueError(f"the frame lacks columns {', '.join(missing)} "
                         f"of questionnaire '{questionnaire.id}'")
    for name in META_COLUMNS:
        if name == "submitted_at":
            yield name, _time_cells(frame[name])
        elif name == "duration_s":
            yield name, _cached(frame[name].tolist(), _number_cell)
        else:
            yield name, _cached(frame[name].tolist(), text_cell)
    for var in questionnaire.variables:
        fmt = _column_formatter(questionnaire, var, guard)
        values = frame[var].tolist()
        yield var, _cached(values, fmt)


def write_responses(frame: pd.DataFrame, questionnaire: Questionnaire, path: str | Path) -> Path:
    """Write one questionnaire's responses as a response file (.csv UTF-8 with BOM, or .xlsx).

    Columns are exactly the contract's: meta columns, then per variable the option label (several joined
    by ``┋``), the number or the text; ``submitted_at`` in ISO 8601 with the +08:00 offset; in a CSV file,
    text a spreadsheet would read as a formula gets a leading ``'`` (an XLSX string cell needs none).
    Reading the file back with :func:`read_responses` gives the same frame.

    >>> write_responses(frame, q, "out/parents.csv")  # doctest: +SKIP
    """
    path = Path(path)
    if path.suffix.lower() == ".xlsx":
        write_responses_xlsx({questionnaire.id: frame}, {questionnaire.id: questionnaire}, path)
        return path
    if path.suffix.lower() != ".csv":
        raise ValueError(f"{path}: write .csv or .xlsx")
    headers = _export_headers(frame, questionnaire)
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(headers)
        for rows in _export_row_chunks(frame, questionnaire):
            writer.writerows(rows)  # None is written as an empty cell, numbers with str()
    return path


EXPORT_CHUNK = 20_000
"""Rows turned into cells at a time when writing a response file: memory stays flat however many rows."""


def _export_headers(frame: pd.DataFrame, questionnaire: Questionnaire) -> list[str]:
    """The header row of a response file (checks that the frame has every column)."""
    return [name for name, _ in export_columns(frame.iloc[:0], questionnaire)]


def _export_row_chunks(frame: pd.DataFrame, questionnaire: Questionnaire, guard: bool = True,
                       ) -> Iterator[list[tuple[Any, ...]]]:
    """The cells of the frame's rows as written, :data:`EXPORT_CHUNK` rows at a time."""
    for start in range(0, len(frame), EXPORT_CHUNK):
        part = frame.iloc[start:start + EXPORT_CHUNK]
        yield list(zip(*(cells for _, cells in export_columns(part, questionnaire, guard)), strict=True))


def write_responses_xlsx(frames: Mapping[str, pd.DataFrame], questionnaires: Mapping[str, Questionnaire],
                         path: str | Path) -> Path:
    """Write responses of several questionnaires into one workbook, one sheet per questionnaire id.

    Same columns and cells as :func:`write_responses`, except that text is written as string cells as it is
    (a string cell is never a formula: no ``'`` is added); streamed with xlsxwriter's constant_memory mode,
    the cells made :data:`EXPORT_CHUNK` rows at a time, so memory stays flat however many rows.
    """
    import xlsxwriter

    path = Path(path)
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_numbers": False,
                                           "strings_to_formulas": False, "strings_to_urls": False})
    try:
        header_format = book.add_format({"bold": True})
        for qid, frame in frames.items():
            q = questionnaires[qid]
            sheet = book.add_worksheet(qid[:31])
            for col, name in enumerate(_export_headers(frame, q)):
                sheet.write_string(0, col, name, header_format)
            write_string, write_number = sheet.write_string, sheet.write_number
            row = 0
            for rows in _export_row_chunks(frame, q, guard=False):
                for cells in rows:
                    row += 1
                    for col, cell in enumerate(cells):
                        if cell is None:
                            continue
                        if isinstance(cell, str):
                            write_string(row, col, cell)
                        else:
                            write_number(row, col, cell)
    finally:
        book.close()
    return path
