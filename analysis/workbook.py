"""The statistics workbook (statistics.xlsx): a summary sheet and one sheet per question in report layout.

Each question sheet holds the title line ``第4题（单选题）：…``, the header 选项 / 小计 / 比例, one line per
option, then 本题有效填写人次; a matrix sheet holds one such table per row. Open answers and 其他 texts
are listed as distinct texts with counts (the first :data:`MAX_TEXT_ROWS`). Ratios are stored as numbers
with a ``0.00%`` format, so they can be copied and computed with; every text cell is neutralised.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import xlsxwriter

from questionnaires import Questionnaire

from .frames import valid_only
from .safe import neutralise
from .tables import QuestionTable, question_tables

MAX_SHEET_NAME = 31
MAX_TEXT_ROWS = 1000
"""Open answers are listed as distinct texts with counts, at most this many per sheet."""
_FORBIDDEN = set("[]:*?/\\")


def sheet_name(wanted: str, taken: set[str]) -> str:
    """A valid, unique (case-insensitively) sheet name of at most 31 characters, based on `wanted`."""
    base = "".join("_" if c in _FORBIDDEN else c for c in wanted).strip("'") or "Sheet"
    base = base[:MAX_SHEET_NAME]
    name, i = base, 1
    while name.lower() in taken:
        i += 1
        suffix = f"({i})"
        name = base[:MAX_SHEET_NAME - len(suffix)] + suffix
    taken.add(name.lower())
    return name


class _Writer:
    """Writes rows top to bottom (constant_memory needs row order) with a running row counter."""

    def __init__(self, sheet: Any, formats: dict[str, Any]):
        self.sheet, self.formats, self.row = sheet, formats, 0

    def line(self, *cells: Any, style: str | None = None, styles: tuple[str | None, ...] = ()) -> None:
        """Write one row; `style` names the format of every cell, `styles` one per cell (None: plain)."""
        for col, cell in enumerate(cells):
            if cell is None:
                continue
            fmt = self.formats.get(styles[col] if col < len(styles) else style or "")
            if isinstance(cell, int | float) and not isinstance(cell, bool):
                self.sheet.write_number(self.row, col, cell, fmt)
            else:
                self.sheet.write_string(self.row, col, neutralise(str(cell)), fmt)
        self.row += 1

    def skip(self, n: int = 1) -> None:
        self.row += n


def _write_table(w: _Writer, table: QuestionTable) -> None:
    w.line(table.title, style="title")
    if table.type in ("single", "multiple", "scale", "matrix"):
        w.line("选项", "小计", "比例", style="header")
        for row in table.rows:
            w.line(row.label, row.count, row.ratio, styles=(None, None, "percent"))
        w.line("本题有效填写人次", table.valid, style="bold")
        if table.others:
            w.skip()
            _write_texts(w, "“其他”填写内容", table.others)
    elif table.type == "number":
        s = table.summary
        w.line("统计量", "数值", style="header")
        w.line("本题有效填写人次", table.valid)
        if s is not None and s.n:
            w.line("平均值", s.mean, styles=(None, "number"))
            w.line("中位数", s.median, styles=(None, "number"))
            w.line("最小值", s.min, styles=(None, "number"))
            w.line("最大值", s.max, styles=(None, "number"))
    else:
        w.line("本题有效填写人次", table.answered, style="bold")


def _answers(frame: pd.DataFrame, variable: str) -> list[str]:
    if variable not in frame.columns:
        return []
    return [str(v).strip() for v in frame[variable].tolist()
            if v is not None and not (isinstance(v, float) and v != v) and str(v).strip()]


def _write_texts(w: _Writer, heading: str, texts: list[str], limit: int = MAX_TEXT_ROWS) -> None:
    """Distinct texts with how often each was given, most frequent first (ties: first given first)."""
    counts: dict[str, int] = {}
    for text in texts:
        counts[text] = counts.get(text, 0) + 1
    ranked = sorted(counts.items(), key=lambda item: -item[1])
    shown = f"（共{len(counts)}种，列出前{limit}种）" if len(ranked) > limit else ""
    w.line(heading + shown, "次数", style="header")
    for text, count in ranked[:limit]:
        w.line(text, count)


def write_statistics_workbook(frame: pd.DataFrame, questionnaire: Questionnaire, path: str | Path,
                              *, progress: Any = None) -> Path:
    """Write statistics.xlsx for the valid responses of `frame`.

    Parameters
    ----------
    frame : DataFrame
        Responses frame with all responses: the summary counts collected and valid ones, the tables
        count valid ones only.
    questionnaire : Questionnaire
    path : str or Path
        Where to write the workbook.
    progress : callable, optional
        Called with each question after its sheet is written (for a progress bar).

    Examples
    --------
    >>> write_statistics_workbook(frame, q, "out/statistics.xlsx")  # doctest: +SKIP
    """
    path = Path(path)
    valid = valid_only(frame)
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_numbers": False,
                                           "strings_to_formulas": False, "strings_to_urls": False})
    try:
        formats = {
            "title": book.add_format({"bold": True, "font_size": 12}),
            "header": book.add_format({"bold": True, "bg_color": "#D9E1F2", "border": 1}),
            "bold": book.add_format({"bold": True}),
            "percent": book.add_format({"num_format": "0.00%"}),
            "number": book.add_format({"num_format": "0.00"}),
        }
        taken: set[str] = set()
        summary_sheet = book.add_worksheet(sheet_name("汇总", taken))
        summary_sheet.set_column(0, 0, 10)
        summary_sheet.set_column(1, 1, 60)
        summary_sheet.set_column(2, 4, 16)
        tables_by_question: list[tuple[Any, list[QuestionTable], str]] = []
        for question in questionnaire.questions:
            tables = question_tables(valid, questionnaire, question.id)
            name = sheet_name(f"第{question.number}题", taken)
            tables_by_question.append((question, tables, name))

        s = _Writer(summary_sheet, formats)
        s.line(questionnaire.title, style="title")
        s.line("问卷", questionnaire.id)
        s.line("回收答卷", len(frame))
        s.line("有效答卷", len(valid))
        s.line("无效答卷", len(frame) - len(valid))
        s.line("有效率", len(valid) / len(frame) if len(frame) else 0.0, styles=(None, "percent"))
        s.skip()
        s.line("题号", "题目", "题型", "本题有效填写人次", "工作表", style="header")
        for question, tables, name in tables_by_question:
            counts = [t.valid for t in tables]
            valid_count = counts[0] if len(counts) == 1 else max(counts, default=0)
            s.line(f"第{question.number}题", question.text, question.type_label, valid_count, name)

        for question, tables, name in tables_by_question:
            sheet = book.add_worksheet(name)
            sheet.set_column(0, 0, 40)
            sheet.set_column(1, 2, 12)
            w = _Writer(sheet, formats)
            for i, table in enumerate(tables):
                if i:
                    w.skip()
                _write_table(w, table)
            if question.type == "text":
                w.skip()
                _write_texts(w, "填写内容", _answers(valid, question.id))
            if progress is not None:
                progress(question)
    finally:
        book.close()
    return path
