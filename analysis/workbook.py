"""The statistics workbook (statistics.xlsx): a summary sheet, satisfaction, one sheet per question in report
layout, and cross tables.

Each question sheet holds the title line ``第4题（单选题）：…``, the header 选项 / 小计 / 比例, one line per
option, then 本题有效填写人次; a matrix sheet holds one combined table (rows × options with 小计 and 比例,
each row's satisfaction). Open answers and 其他 texts are listed as the phrase table of
:func:`analysis.phrases.phrase_table` (normalised answers with counts, the same as the CSV files and the Word
appendix; the first :data:`MAX_TEXT_ROWS`, the rest summed as 其他). The 满意度 sheet gives the rate of the
rated questions in all, per role and per unit with 有效评价数, 人数, 有效样本量 and the 95% interval of
:mod:`analysis.satisfaction`; the 交叉分析 sheet the cross tables asked for. Ratios are stored as numbers with
a ``0.00%`` format, so they can be copied and computed with; text is written as string cells as it is (a string
cell is never a formula, so no ``'`` is added).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd
import xlsxwriter

from questionnaires import Questionnaire

from .crosstab import crosstab
from .frames import valid_only
from .matrix_tables import MatrixTable, matrix_table
from .phrases import phrase_table
from .satisfaction import satisfaction, satisfaction_by, satisfaction_variables
from .tables import QuestionTable, question_tables
from .workbook_sheets import write_crosstab, write_matrix, write_satisfaction

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


class Writer:
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
                self.sheet.write_string(self.row, col, str(cell), fmt)
        self.row += 1

    def skip(self, n: int = 1) -> None:
        self.row += n


def _write_table(w: Writer, table: QuestionTable) -> None:
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


def _write_texts(w: Writer, heading: str, texts: Any, limit: int = MAX_TEXT_ROWS) -> None:
    """The phrase table of `texts` (normalised answers with counts, most frequent first), cut at `limit`."""
    table = phrase_table(texts, top=limit)
    w.line(heading, "次数", style="header")
    for term, count in zip(table["term"].tolist(), table["count"].tolist(), strict=True):
        w.line(str(term), int(count))


def _parse_pairs(crosstabs: Iterable[tuple[str, str] | str]) -> list[tuple[str, str]]:
    pairs = []
    for pair in crosstabs:
        if isinstance(pair, str):
            rows, sep, cols = pair.partition(":")
            if not sep or not rows.strip() or not cols.strip():
                raise ValueError(f"a cross table is written rows:cols (such as q5:q1 or q3:unit), not {pair!r}")
            pair = (rows.strip(), cols.strip())
        pairs.append(tuple(pair))
    return pairs


def write_statistics_workbook(frame: pd.DataFrame, questionnaire: Questionnaire, path: str | Path,
                              *, crosstabs: Iterable[tuple[str, str] | str] = (), cluster: str = "respondent",
                              progress: Any = None, tables: Mapping[str, list[QuestionTable]] | None = None,
                              by_group: Mapping[str, list[Any]] | None = None) -> Path:
    """Write statistics.xlsx for the valid responses of `frame`.

    Parameters
    ----------
    frame : DataFrame
        Responses frame with all responses: the summary counts collected and valid ones, the tables
        count valid ones only.
    questionnaire : Questionnaire
    path : str or Path
        Where to write the workbook.
    crosstabs : list of (rows, cols) or "rows:cols"
        Cross tables for the 交叉分析 sheet (see :func:`analysis.crosstab.crosstab`); none: no sheet.
    cluster : {"respondent", "unit"}
        Clusters of the satisfaction intervals (see :func:`analysis.satisfaction.satisfaction`).
    progress : callable, optional
        Called with each question after its sheet is written (for a progress bar).
    tables : mapping of question id to its tables, optional
        :func:`analysis.tables.question_tables` of the valid responses already made (matrix questions get
        their combined table here); missing ones are made.
    by_group : mapping of "role" / "unit" to satisfaction groups, optional
        :func:`analysis.satisfaction.satisfaction_by` of the valid responses over the questionnaire's
        :func:`analysis.satisfaction.satisfaction_variables` with this `cluster`, already made.

    Raises
    ------
    ValueError
        For a cross table that cannot be made (the file is not written then).

    Examples
    --------
    >>> write_statistics_workbook(frame, q, "out/statistics.xlsx", crosstabs=["q5:q1"])  # doctest: +SKIP
    """
    path = Path(path)
    valid = valid_only(frame)
    # Everything that can fail on bad input is computed before the file is opened.
    cross = [crosstab(valid, questionnaire, rows, cols) for rows, cols in _parse_pairs(crosstabs)]
    variables, method = satisfaction_variables(questionnaire)
    rated = None
    if variables:
        overall = satisfaction(valid, questionnaire, variables, method, cluster=cluster)
        made = by_group or {}
        parts = [(name, made[by] if by in made else satisfaction_by(valid, questionnaire, variables, method, by,
                                                                     cluster=cluster))
                 for name, by in (("调查对象", "role"), ("单位", "unit"))]
        rated = (method, overall, parts)
    made_tables = tables or {}
    by_question: list[tuple[Any, list[QuestionTable] | MatrixTable]] = [
        (question, matrix_table(valid, questionnaire, question.id, {t.id: t for t in made_tables.get(question.id, [])})
         if question.type == "matrix"
         else made_tables.get(question.id) or question_tables(valid, questionnaire, question.id))
        for question in questionnaire.questions]
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_numbers": False,
                                           "strings_to_formulas": False, "strings_to_urls": False})
    try:
        formats = {
            "title": book.add_format({"bold": True, "font_size": 12}),
            "header": book.add_format({"bold": True, "bg_color": "#D9E1F2", "border": 1}),
            "bold": book.add_format({"bold": True}),
            "percent": book.add_format({"num_format": "0.00%"}),
            "number": book.add_format({"num_format": "0.00"}),
            "p": book.add_format({"num_format": "0.0000"}),
        }
        taken: set[str] = set()
        summary_sheet = book.add_worksheet(sheet_name("汇总", taken))
        summary_sheet.set_column(0, 0, 10)
        summary_sheet.set_column(1, 1, 60)
        summary_sheet.set_column(2, 4, 16)
        satisfaction_sheet = book.add_worksheet(sheet_name("满意度", taken)) if rated else None
        names = [sheet_name(f"第{question.number}题", taken) for question, _ in by_question]

        s = Writer(summary_sheet, formats)
        s.line(questionnaire.title, style="title")
        s.line("问卷", questionnaire.id)
        s.line("回收答卷", len(frame))
        s.line("有效答卷", len(valid))
        s.line("无效答卷", len(frame) - len(valid))
        s.line("有效率", len(valid) / len(frame) if len(frame) else 0.0, styles=(None, "percent"))
        s.skip()
        s.line("题号", "题目", "题型", "本题有效填写人次", "工作表", style="header")
        for (question, tables), name in zip(by_question, names, strict=True):
            count = tables.valid if isinstance(tables, MatrixTable) else tables[0].valid
            s.line(f"第{question.number}题", question.text, question.type_label, count, name)

        if rated:
            satisfaction_sheet.set_column(0, 1, 16)
            satisfaction_sheet.set_column(2, 8, 12)
            method, overall, parts = rated
            write_satisfaction(Writer(satisfaction_sheet, formats), questionnaire.title, method, cluster, overall,
                               parts)

        for (question, tables), name in zip(by_question, names, strict=True):
            sheet = book.add_worksheet(name)
            sheet.set_column(0, 0, 40)
            sheet.set_column(1, 2 * len(question.options) + 2, 12)
            w = Writer(sheet, formats)
            if isinstance(tables, MatrixTable):
                write_matrix(w, tables)
            else:
                for i, table in enumerate(tables):
                    if i:
                        w.skip()
                    _write_table(w, table)
            if question.type == "text":
                w.skip()
                _write_texts(w, "填写内容", valid[question.id] if question.id in valid else [])
            if progress is not None:
                progress(question)

        if cross:
            sheet = book.add_worksheet(sheet_name("交叉分析", taken))
            sheet.set_column(0, 0, 24)
            sheet.set_column(1, 30, 12)
            w = Writer(sheet, formats)
            for i, table in enumerate(cross):
                if i:
                    w.skip(2)
                write_crosstab(w, table)
    finally:
        book.close()
    return path
