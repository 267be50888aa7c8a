"""Response files (CSV or XLSX) as tables of text cells, column by column, with the file's row numbers.

CSV goes through pandas' C parser as text, then each column is factorised once; a file the C parser refuses
(a row longer than the first) goes through the csv module as before. XLSX goes through python-calamine;
openpyxl is used only when calamine refuses the file: openpyxl then reads what it can (a workbook whose
parts calamine does not accept) or words the error (a file that is no workbook at all is reported in
openpyxl's words, as before).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..errors import DataError
from ..safe import FORMULA_STARTS
from .cells import Cells

_BLANK_VALUE = re.compile(r"\0\s*\0")


@dataclass
class Table:
    """One sheet of cells as text: header, one :class:`Cells` per header position, file row numbers."""

    source: str
    sheet: str | None
    header: list[str]
    columns: list[Cells]
    numbers: np.ndarray  # row number as seen in the file (the header is row 1), per data row

    def place(self, row: int | None = None, column: str | None = None) -> str:
        parts = [f"sheet '{self.sheet}'"] if self.sheet is not None else []
        if row is not None:
            parts.append(f"row {row}")
        if column is not None:
            parts.append(f"column '{column}'")
        return ", ".join(parts)

    def __len__(self) -> int:
        return len(self.numbers)


def read_tables(path: Path) -> list[Table]:
    """The tables of a response file; a DataError when it cannot be read."""
    suffix = path.suffix.lower()
    if not path.is_file():
        raise DataError(str(path), [("", "no such file")])
    if suffix == ".csv":
        return [_read_csv(path)]
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(path)
    raise DataError(str(path), [("", f"unsupported file type {path.suffix!r}; use .csv (UTF-8) or .xlsx")])


def _read_csv(path: Path) -> Table:
    if path.stat().st_size == 0:
        raise DataError(str(path), [("", "the file is empty (no header row)")])
    for encoding in ("utf-8-sig", "gb18030"):
        # Excel on Chinese Windows saves "CSV" as GB18030/GBK; a wrong guess fails on the headers anyway.
        try:
            frame = pd.read_csv(path, header=None, dtype=object, na_filter=False, skip_blank_lines=False,
                                encoding=encoding, engine="c")
        except UnicodeDecodeError:
            continue
        except (pd.errors.ParserError, ValueError):
            return _read_csv_rows(path, encoding)  # rows of uneven length: the csv module takes any
        columns = [Cells.of(frame[c].to_numpy()) for c in frame.columns]
        del frame
        return _table(str(path), None, columns)
    try:
        path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DataError(str(path), [("", f"not UTF-8 text (byte {exc.start}); save it as CSV UTF-8")]) from exc
    raise DataError(str(path), [("", "not UTF-8 text; save it as CSV UTF-8")])  # pragma: no cover


def _read_csv_rows(path: Path, encoding: str) -> Table:
    reader = csv.reader(io.StringIO(path.read_text(encoding=encoding), newline=""))
    try:
        rows = [row for row in reader]
    except csv.Error as exc:
        raise DataError(str(path), [(f"row {reader.line_num}", f"cannot read CSV: {exc}")]) from exc
    return _table(str(path), None, _columns_of_rows(rows, _cell_text))


def _columns_of_rows(rows: list[list[Any]], text: Any) -> list[Cells]:
    """Cells per column of rows of uneven length (short rows padded with empty cells), `text` turning
    each distinct cell value into its text.

    The distinct values are found with a dictionary per column: cells read from a workbook are new objects
    each, and hashing them once in a dictionary is about twice as fast as ``pandas.factorize`` on them.
    """
    width = max((len(r) for r in rows), default=0)
    if any(len(r) != width for r in rows):
        rows = [list(r) + [None] * (width - len(r)) for r in rows]
    columns = []
    for c in range(width):
        seen: dict[Any, int] = {}
        codes = np.array([seen.setdefault(r[c], len(seen)) for r in rows], dtype=np.intp)
        uniques = np.empty(len(seen), dtype=object)
        uniques[:] = [text(v) for v in seen]
        columns.append(Cells(codes, uniques))
    return columns


def _read_xlsx(path: Path) -> list[Table]:
    try:
        sheets = _calamine_sheets(path)
    except Exception:  # noqa: BLE001 - calamine cannot read it: openpyxl says what is wrong, or reads it
        sheets = _openpyxl_sheets(path)
    tables = []
    while sheets:
        name, rows = sheets.pop(0)
        columns = _columns_of_rows(rows, _cell_text)
        del rows  # the cells as Python values are the bulk of the memory: gone before the next sheet
        if any(not c.test(lambda u: not u).all() for c in columns):
            tables.append(_table(str(path), name, columns))
    if not tables:
        raise DataError(str(path), [("", "the workbook has no data")])
    return tables


def _calamine_sheets(path: Path) -> list[tuple[str, list[list[Any]]]]:
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_path(str(path))
    try:
        return [(name, book.get_sheet_by_name(name).to_python(skip_empty_area=False))
                for name in book.sheet_names]
    finally:
        close = getattr(book, "close", None)
        if close is not None:
            close()


def _openpyxl_sheets(path: Path) -> list[tuple[str, list[list[Any]]]]:
    import openpyxl

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # zipfile.BadZipFile, KeyError, InvalidFileException ...
        raise DataError(str(path), [("", f"cannot open as an XLSX workbook: {exc}")]) from exc
    try:
        return [(sheet.title, [list(row) for row in sheet.iter_rows(values_only=True)])
                for sheet in book.worksheets]
    finally:
        book.close()


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).upper()
    if isinstance(value, float):
        if value != value:  # NaN: an empty cell
            return ""
        if value.is_integer():
            return str(int(value))
        return repr(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    return str(value)


def _table(source: str, sheet: str | None, columns: list[Cells]) -> Table:
    """Header = the first row with any non-blank cell; blank rows are skipped, the others keep their number."""
    rows = len(columns[0]) if columns else 0
    blank = np.ones(rows, dtype=bool)
    for cells in columns:  # a row is blank when every cell is: look only at rows still blank
        if not _BLANK_VALUE.search(cells.joined()):
            blank[:] = False
            break
        candidates = np.flatnonzero(blank)
        if not len(candidates):
            break
        blank[candidates] = [not u.strip() for u in cells.uniques.take(cells.codes[candidates]).tolist()]
    numbered = np.flatnonzero(~blank)
    if not len(numbered):
        raise DataError(source, [(f"sheet '{sheet}'" if sheet else "", "the file is empty (no header row)")])
    head = int(numbered[0])
    header = [str(c.uniques[c.codes[head]]).strip().lstrip("\ufeff") for c in columns]
    data = numbered[1:]
    picked = slice(head + 1, None) if len(data) == rows - head - 1 else data
    columns = [_unneutralised(Cells(c.codes[picked], c.uniques).compact()) for c in columns]
    return Table(source, sheet, header, columns, (data + 1).astype(np.int64))


def _unneutralised(cells: Cells) -> Cells:
    """Undo :func:`analysis.safe.neutralise`: ``'=x`` read back is ``=x``."""
    if "\0'" not in cells.joined():
        return cells
    values = cells.uniques.tolist()
    quoted = [i for i, u in enumerate(values) if u[:1] == "'" and u[1:].startswith(FORMULA_STARTS)]
    if not quoted:
        return cells
    uniques = cells.uniques.copy()
    for i in quoted:
        uniques[i] = values[i][1:]
    return Cells(cells.codes, uniques)
