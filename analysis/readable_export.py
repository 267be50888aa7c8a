"""The readable raw-data workbook: every response in the layout of the common Chinese hosted survey tool's
export (按文本下载), the file an evaluator hands to a client.

One sheet per questionnaire (named by its title), a frozen header row and then one row per response:

* ``序号`` 1, 2, 3 …; ``提交答卷时间`` a real Excel date-time (Beijing time, ``yyyy-mm-dd hh:mm:ss``);
  ``所用时间`` as the hosted tool writes it (``125秒``); ``来源`` the channel (微信 / 手机 / 电脑);
* ``学校`` (the unit's name), ``角色`` (教师, 家长 …), ``状态`` (有效 / 无效) and ``无效原因``;
* one column per question headed ``N、题目`` (a matrix question one column per row, ``N、(行文字)``): the
  option label, several joined by ``┋``, the 其他 text after its label, ``其他〖text〗``, numbers as
  numbers, open answers as typed; ``(跳过)`` where the question was hidden by its condition, an empty cell
  where it was left unanswered.

Text is written as string cells as it is (a string cell is never a formula, so no ``'`` is added). Reading
the workbook back with :func:`analysis.responses.read_responses` gives the same answers, roles, schools and
statuses, so ``surveyapp stats`` on it prints the database's tables. Written with xlsxwriter's
constant_memory mode, :data:`~analysis.responses.EXPORT_CHUNK` rows at a time: memory stays flat however
many rows.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from questionnaires import MULTI_SEPARATOR, OTHER_CODE, ROLE_LABELS, Question, Questionnaire

from .frames import META_COLUMNS, TIMEZONE
from .responses import EXPORT_CHUNK, _cached, _missing, _number_cell
from .scoring.table import display_width
from .workbook import sheet_name

META_HEADERS = ("序号", "提交答卷时间", "所用时间", "来源", "学校", "角色", "状态", "无效原因")
TIME_COLUMN = 1
CENTRED = {"序号", "提交答卷时间", "所用时间", "来源", "角色", "状态"}
"""Short meta columns, centred so that neighbours such as the time and 所用时间 do not run together."""
SKIPPED = "(跳过)"
VALID, INVALID = "有效", "无效"
TIME_FORMAT = "yyyy-mm-dd hh:mm:ss"
META_WIDTHS = {"序号": 7, "提交答卷时间": 20, "所用时间": 10, "来源": 8, "角色": 7, "状态": 7, "无效原因": 16}
MIN_WIDTH, MAX_WIDTH, HEADER_WIDTH = 8, 40, 24
"""Column widths (characters; a Chinese character takes two): the longest of the first rows' distinct texts,
within MIN_WIDTH..MAX_WIDTH, at least the header's up to HEADER_WIDTH (longer titles wrap)."""
_EXCEL_EPOCH = pd.Timestamp("1899-12-30")


def question_headers(questionnaire: Questionnaire) -> list[tuple[str, Question, str | None]]:
    """(header, question, matrix row id or None) of every question column, in questionnaire order."""
    out: list[tuple[str, Question, str | None]] = []
    for question in questionnaire.questions:
        if question.type == "matrix":
            out.extend((f"{question.number}、({row.text})", question, row.id) for row in question.rows)
        else:
            out.append((f"{question.number}、{question.text}", question, None))
    return out


def readable_columns(frame: pd.DataFrame, questionnaire: Questionnaire, first: int = 1,
                     ) -> Iterator[tuple[str, list[Any]]]:
    """(header, cells) of every column of the readable sheet; `first` is the 序号 of the frame's first row.

    Cells are text, numbers (the time as an Excel serial number, Beijing time) or None (empty).
    """
    missing = [c for c in (*META_COLUMNS, *questionnaire.variables) if c not in frame.columns]
    if missing:
        raise ValueError(f"the frame lacks columns {', '.join(missing)} of questionnaire '{questionnaire.id}'")
    yield "序号", list(range(first, first + len(frame)))
    yield "提交答卷时间", _excel_times(frame["submitted_at"])
    yield "所用时间", _cached(frame["duration_s"].tolist(), _duration_cell)
    yield "来源", _cached(frame["channel"].tolist(), _text_or_none)
    names = [name if not _missing(name) and str(name).strip() else unit
             for name, unit in zip(frame["unit_name"].tolist(), frame["unit"].tolist(), strict=True)]
    yield "学校", _cached(names, _text_or_none)
    yield "角色", _cached(frame["role"].tolist(), lambda r: None if _missing(r) else ROLE_LABELS.get(r, r))
    statuses = frame["status"].tolist()
    yield "状态", _cached(statuses, lambda s: None if _missing(s) else VALID if s == "valid" else INVALID)
    yield "无效原因", _cached(statuses, _reason)
    for header, question, row_id in question_headers(questionnaire):
        variable = f"{question.id}.{row_id}" if row_id else question.id
        cells = _answer_cells(frame, question, variable)
        if question.show_if:
            hidden = _hidden(frame, questionnaire, question)
            cells = [SKIPPED if cell is None and hide else cell for cell, hide in zip(cells, hidden, strict=True)]
        yield header, cells


def _text_or_none(value: Any) -> str | None:
    return None if _missing(value) or not str(value) else str(value)


def _duration_cell(seconds: Any) -> str | None:
    if _missing(seconds) or not math.isfinite(float(seconds)):
        return None
    return f"{round(float(seconds))}秒"


def _reason(status: Any) -> str | None:
    if _missing(status) or not str(status).startswith("invalid:"):
        return None
    return str(status).removeprefix("invalid:").strip() or None


def _excel_times(stamps: pd.Series) -> list[float | None]:
    """Excel serial numbers (days since 1899-12-30) of the times in Beijing time; None for NaT."""
    stamps = pd.to_datetime(stamps)
    if len(stamps) == 0:
        return []
    local = stamps.dt.tz_localize(TIMEZONE) if stamps.dt.tz is None else stamps.dt.tz_convert(TIMEZONE)
    days = (local.dt.tz_localize(None) - _EXCEL_EPOCH) / pd.Timedelta(days=1)
    return days.astype(object).where(days.notna(), None).tolist()


def _answer_cells(frame: pd.DataFrame, question: Question, variable: str) -> list[Any]:
    values = frame[variable].tolist()
    if question.type == "number":
        return _cached(values, _number_cell)
    if question.type == "text":
        return _cached(values, _text_or_none)
    labels = {_code_key(o.code): o.label for o in question.options}

    def label(code: Any) -> str:
        try:
            return labels[_code_key(code)]
        except KeyError:
            raise ValueError(f"{variable}: {code!r} is not an option code of {question.id}") from None

    def cell(value: Any, other: str | None = None) -> str | None:
        if _missing(value):
            return None
        codes = list(value) if question.type == "multiple" else [value]
        parts = [label(c) + (f"〖{other}〗" if other and _code_key(c) == OTHER_CODE else "") for c in codes]
        return MULTI_SEPARATOR.join(parts) or None

    if not question.other:
        return _cached(values, cell)
    others = frame[f"{question.id}.other"].tolist()
    cells = _cached(values, cell)
    for i, other in enumerate(others):  # the few rows with a 其他 text are written again with it
        if not _missing(other) and str(other):
            cells[i] = cell(values[i], str(other))
    return cells


def _code_key(code: Any) -> str:
    return str(int(code)) if isinstance(code, float) and code.is_integer() else str(code)


def _hidden(frame: pd.DataFrame, questionnaire: Questionnaire, question: Question) -> list[bool]:
    """Whether `question` was hidden by its condition, per row (worked out once per distinct answer)."""
    refs = [ref for ref in question.show_if if ref in frame.columns]
    seen: dict[tuple[Any, ...], bool] = {}
    out = []
    for values in zip(*(frame[ref].tolist() for ref in refs), strict=True):
        key = tuple(tuple(v) if isinstance(v, list) else v for v in values)
        try:
            out.append(seen[key])
        except KeyError:
            seen[key] = hidden = not questionnaire.is_visible(question, dict(zip(refs, values, strict=True)))
            out.append(hidden)
        except TypeError:  # unhashable answers: no caching
            out.append(not questionnaire.is_visible(question, dict(zip(refs, values, strict=True))))
    return out if refs else [False] * len(frame)


def _width(header: str, cells: list[Any]) -> int:
    """The width of a column from its header and the cells of the first chunk of rows."""
    if header in META_WIDTHS:
        return META_WIDTHS[header]
    texts = {c for c in cells if isinstance(c, str)}
    longest = max(map(display_width, texts), default=0)
    if len(texts) < len(cells) and any(not isinstance(c, str) and c is not None for c in cells):
        longest = max(longest, 6)  # numbers
    return min(MAX_WIDTH, max(MIN_WIDTH, longest + 2, min(display_width(header), HEADER_WIDTH)))


def write_readable_xlsx(frames: Mapping[str, pd.DataFrame], questionnaires: Mapping[str, Questionnaire],
                        path: str | Path) -> Path:
    """Write the readable workbook of several questionnaires' responses, one sheet per questionnaire.

    >>> write_readable_xlsx({"parent-platform": frame}, {"parent-platform": q}, "raw.xlsx")  # doctest: +SKIP
    """
    import xlsxwriter

    path = Path(path)
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_numbers": False,
                                           "strings_to_formulas": False, "strings_to_urls": False})
    try:
        header_format = book.add_format({"bold": True, "text_wrap": True, "valign": "top",
                                         "bg_color": "#DDEBF7", "bottom": 1})
        centred = book.add_format({"align": "center"})
        time_format = book.add_format({"num_format": TIME_FORMAT, "align": "center"})
        formats = [time_format if col == TIME_COLUMN else centred if name in CENTRED else None
                   for col, name in enumerate(META_HEADERS)]
        taken: set[str] = set()
        for qid, frame in frames.items():
            q = questionnaires[qid]
            sheet = book.add_worksheet(sheet_name(q.title or qid, taken))
            _write_sheet(sheet, frame, q, header_format, formats)
    finally:
        book.close()
    return path


def _write_sheet(sheet: Any, frame: pd.DataFrame, q: Questionnaire, header_format: Any, meta_formats: list[Any],
                 ) -> None:
    """The header, then the rows :data:`EXPORT_CHUNK` at a time (`meta_formats`: the meta columns' formats)."""
    write_string, write_number = sheet.write_string, sheet.write_number
    row = 0
    for start in range(0, max(len(frame), 1), EXPORT_CHUNK):
        columns = list(readable_columns(frame.iloc[start:start + EXPORT_CHUNK], q, first=start + 1))
        if start == 0:
            _write_header(sheet, columns, header_format, len(frame))
        formats = meta_formats + [None] * (len(columns) - len(meta_formats))
        for cells in zip(*(cells for _, cells in columns), strict=True):
            row += 1
            for col, cell in enumerate(cells):
                if cell is None:
                    continue
                if isinstance(cell, str):
                    write_string(row, col, cell, formats[col])
                else:
                    write_number(row, col, cell, formats[col])


def _write_header(sheet: Any, columns: list[tuple[str, list[Any]]], header_format: Any, rows: int) -> None:
    """Widths from the first rows, a header tall enough for the wrapped titles, frozen, with filters; printed
    landscape on A4 with the header on every page."""
    widths = [_width(header, cells) for header, cells in columns]
    lines = max(math.ceil(display_width(h) / max(w - 1, 1)) for (h, _), w in zip(columns, widths, strict=True))
    sheet.set_row(0, 15 * min(max(lines, 1), 6), header_format)
    for col, ((header, _), width) in enumerate(zip(columns, widths, strict=True)):
        sheet.set_column(col, col, width)
        sheet.write_string(0, col, header, header_format)
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, max(rows, 1), len(columns) - 1)
    sheet.set_landscape()
    sheet.set_paper(9)
    sheet.repeat_rows(0)
