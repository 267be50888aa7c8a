"""The score table as a report shows it: an aligned terminal table, a CSV file and an XLSX appendix table.

Columns: 一级指标 / 二级指标 / 三级指标 / 分值 / 指标值 / 实际完成值 / 得分 / 得分率 /
达成情况 / 偏差率 / 备注.
Each level-2 group ends with a 小计 row, each level-1 group with a subtotal row, then 合计 and 评价等级.
Overrides show in 备注 with the computed score and the reason.
"""

from __future__ import annotations

import csv
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import xlsxwriter

from ..safe import FORMULA_STARTS, neutralise
from .engine import LeafResult, ScoreResult, Subtotal
from .rules import round_half_up

HEADERS = ("一级指标", "二级指标", "三级指标", "分值", "指标值", "实际完成值", "得分", "得分率", "达成情况",
           "偏差率", "备注")
NUMERIC_COLUMNS = {3, 5, 6, 7, 9}


@dataclass(frozen=True)
class TableRow:
    """One printed row; `kind` is leaf, level2, level1, total or grade."""

    kind: str
    level1: str = ""
    level2: str = ""
    level3: str = ""
    weight: Decimal | None = None
    target: str = ""
    value: Decimal | None = None
    unit: str = ""
    score: Decimal | None = None
    rate: Decimal | None = None
    met: bool | None = None
    deviation: Decimal | None = None
    note: str = ""
    grade: str | None = None

    def texts(self) -> list[str]:
        """The row's cells as the terminal and CSV show them."""
        if self.kind == "grade":
            return [self.level1, "", "", "", "", "", self.grade or "无", "", "", "", ""]
        return [
            self.level1, self.level2, self.level3,
            "" if self.weight is None else format_number(self.weight),
            self.target,
            "" if self.value is None else format_value(self.value, self.unit),
            "" if self.score is None else format_score(self.score),
            "" if self.rate is None else format_percent(self.rate),
            {True: "达成", False: "未达成", None: ""}[self.met],
            "" if self.deviation is None else format_percent(self.deviation, signed=True),
            self.note,
        ]


def table_rows(result: ScoreResult) -> list[TableRow]:
    """The rows of the score table in print order, subtotals, total and grade included."""
    rows: list[TableRow] = []
    level2 = {s.path: s for s in result.level2}
    for sub1 in result.level1:
        name1 = sub1.path[0]
        for group in next(g for g in result.system.indicators if g.name == name1).children:
            for leaf in (r for r in result.leaves if r.path[:2] == (name1, group.name)):
                rows.append(_leaf_row(leaf))
            rows.append(_subtotal_row("level2", level2[(name1, group.name)], name1, group.name, "小计"))
        rows.append(_subtotal_row("level1", sub1, name1, f"{name1}小计", ""))
    rows.append(TableRow("total", level1="合计", weight=result.weight_sum, score=result.total,
                         rate=result.rate))
    rows.append(TableRow("grade", level1="评价等级", grade=result.grade))
    return rows


def override_note(leaf: LeafResult) -> str:
    """备注 of an overridden leaf: the computed score, the score given and the reason."""
    if leaf.override is None:
        return ""
    return (f"计算得分{format_score(leaf.computed)}，调整为{format_score(leaf.override.score)}，"
            f"理由：{leaf.override.reason}")


def _leaf_row(leaf: LeafResult) -> TableRow:
    name1, name2, name3 = leaf.path
    return TableRow("leaf", name1, name2, name3, weight=leaf.weight, target=leaf.leaf.target or "",
                    value=leaf.value, unit=leaf.unit, score=leaf.score, rate=leaf.rate, met=leaf.met,
                    deviation=leaf.deviation, note=override_note(leaf))


def _subtotal_row(kind: str, sub: Subtotal, level1: str, level2: str, level3: str) -> TableRow:
    return TableRow(kind, level1, level2, level3, weight=sub.weight, score=sub.score, rate=sub.rate)


# -- number formats ----------------------------------------------------------------------------------------

def format_score(score: Decimal) -> str:
    """A score with 2 decimals: ``4.55``."""
    return f"{round_half_up(score, 2):.2f}"


def format_percent(fraction: Decimal, signed: bool = False) -> str:
    """A fraction as a percentage with 2 decimals: ``0.91`` -> ``91.00%`` (``+8.00%`` when `signed`)."""
    text = f"{round_half_up(fraction * 100, 2):.2f}%"
    return f"+{text}" if signed and fraction > 0 else text


def format_number(value: Decimal) -> str:
    """A number with at most 2 decimals and no trailing zeros: ``5``, ``2.5``, ``1.52``."""
    text = f"{round_half_up(value, 2):.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def format_value(value: Decimal, unit: str) -> str:
    """An actual value in its unit: ``95.50%`` (2 decimals), other units as numbers (``1.52万人``)."""
    if unit == "%":
        return f"{round_half_up(value, 2):.2f}%"
    return f"{format_number(value)}{unit}"


# -- terminal ----------------------------------------------------------------------------------------------

def display_width(text: str) -> int:
    """Columns `text` takes in a terminal: wide and full-width characters (Chinese) take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 0 if unicodedata.combining(ch) else 1
               for ch in text)


def _pad(text: str, width: int, right: bool) -> str:
    space = " " * (width - display_width(text))
    return space + text if right else text + space


def format_score_table(result: ScoreResult) -> str:
    """The score table as aligned text for a terminal (names shown once per group)."""
    lines_cells: list[list[str]] = [list(HEADERS)]
    previous = ("", "")
    for row in table_rows(result):
        cells = row.texts()
        if row.kind in ("leaf", "level2", "level1"):
            if cells[0] == previous[0]:
                cells[0] = ""
                if row.kind in ("leaf", "level2") and cells[1] == previous[1]:
                    cells[1] = ""
            previous = (row.level1, row.level2)
        lines_cells.append(cells)
    widths = [max(display_width(cells[i]) for cells in lines_cells) for i in range(len(HEADERS))]
    # 偏差率 and 备注 only when some row has one
    keep = [i for i in range(len(HEADERS)) if i < 9 or any(cells[i] for cells in lines_cells[1:])]
    rule = "  ".join("-" * widths[i] for i in keep)
    out = [result.title, ""]
    for n, cells in enumerate(lines_cells):
        out.append("  ".join(_pad(cells[i], widths[i], right=n > 0 and i in NUMERIC_COLUMNS)
                             for i in keep).rstrip())
        if n == 0:
            out.append(rule)
    return "\n".join(out)


# -- CSV ---------------------------------------------------------------------------------------------------

def write_score_csv(result: ScoreResult, path: str | Path) -> Path:
    """Write the score table as CSV (UTF-8 with BOM, so Excel opens it); names repeat on every row."""
    path = Path(path)
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADERS)
        for row in table_rows(result):
            cells = row.texts()
            for i in (0, 1, 2, 4, 10):
                cells[i] = neutralise(cells[i])
            writer.writerow(cells)
    return path


# -- XLSX --------------------------------------------------------------------------------------------------

def write_score_xlsx(result: ScoreResult, path: str | Path) -> Path:
    """Write the score table as an XLSX appendix table.

    A title row, Chinese headers, merged 一级指标 / 二级指标 cells over their groups, 小计 rows, the 合计
    and 评价等级 rows, borders, scores with 2 decimals and rates as percentages; overrides in 备注.
    Text that a spreadsheet would read as a formula (a target such as ``=100%``) is stored as text with
    Excel's own single-quote prefix (the cell shows ``=100%``, the formula bar ``'=100%``).
    """
    path = Path(path)
    workbook = xlsxwriter.Workbook(str(path))
    try:
        _write_sheet(workbook, result)
    finally:
        workbook.close()
    return path


class _Formats:
    """Cell formats by name; the quoted variant marks formula-like text as text (Excel's ' prefix)."""

    def __init__(self, workbook: xlsxwriter.Workbook):
        base = {"border": 1, "valign": "vcenter", "font_name": "宋体", "font_size": 10}
        sub = {**base, "bold": True, "bg_color": "#F2F2F2"}
        self.workbook = workbook
        self.specs = {
            "title": {"bold": True, "font_size": 14, "align": "center", "valign": "vcenter",
                      "font_name": "宋体"},
            "header": {**base, "bold": True, "align": "center", "bg_color": "#D9E1F2", "text_wrap": True},
            "text": {**base, "text_wrap": True},
            "group": {**base, "align": "center", "text_wrap": True},
            "number": {**base, "align": "right", "num_format": "General"},
            "score": {**base, "num_format": "0.00"},
            "percent": {**base, "num_format": "0.00%"},
            "deviation": {**base, "num_format": "+0.00%;-0.00%;0.00%"},
            "center": {**base, "align": "center"},
            "sub_text": {**sub, "align": "center"},
            "sub_number": {**sub, "num_format": "General"},
            "sub_score": {**sub, "num_format": "0.00"},
            "sub_percent": {**sub, "num_format": "0.00%"},
            "sub_blank": {**base, "bg_color": "#F2F2F2"},
        }
        self.made: dict[tuple[str, bool], object] = {}

    def __getitem__(self, name: str):
        return self.get(name)

    def get(self, name: str, quoted: bool = False):
        key = (name, quoted)
        if key not in self.made:
            spec = {**self.specs[name], **({"quote_prefix": True} if quoted else {})}
            self.made[key] = self.workbook.add_format(spec)
        return self.made[key]

    def for_text(self, name: str, text: str):
        return self.get(name, quoted=text.startswith(FORMULA_STARTS))


def _write_sheet(workbook: xlsxwriter.Workbook, result: ScoreResult) -> None:
    sheet = workbook.add_worksheet("指标得分")
    fmt = _Formats(workbook)
    last_col = len(HEADERS) - 1
    sheet.merge_range(0, 0, 0, last_col, result.title, fmt.for_text("title", result.title))
    sheet.set_row(0, 28)
    for col, header in enumerate(HEADERS):
        sheet.write_string(1, col, header, fmt["header"])
    for col, width in enumerate((10, 12, 22, 7, 12, 12, 8, 9, 9, 9, 36)):
        sheet.set_column(col, col, width)
    sheet.freeze_panes(2, 0)

    first = 2
    level1_start: int | None = None
    level2_start: int | None = None
    for offset, row in enumerate(table_rows(result)):
        r = first + offset
        if row.kind == "leaf":
            level1_start = r if level1_start is None else level1_start
            level2_start = r if level2_start is None else level2_start
            _text(sheet, r, 2, row.level3, fmt, "text")
            _numbers(sheet, r, row, fmt, prefix="")
            _text(sheet, r, 4, row.target, fmt, "center")
            _value_cell(sheet, r, row, fmt)
            _text(sheet, r, 8, {True: "达成", False: "未达成", None: ""}[row.met], fmt, "center")
            if row.deviation is None:
                sheet.write_blank(r, 9, None, fmt["deviation"])
            else:
                sheet.write_number(r, 9, float(round_half_up(row.deviation, 4)), fmt["deviation"])
            _text(sheet, r, 10, row.note, fmt, "text")
        elif row.kind == "level2":
            sheet.write_string(r, 2, "小计", fmt["sub_text"])
            _subtotal_cells(sheet, r, row, fmt)
            sheet.merge_range(level2_start, 1, r, 1, row.level2, fmt.for_text("group", row.level2))
            level2_start = None
        elif row.kind == "level1":
            sheet.merge_range(r, 1, r, 2, row.level2, fmt.for_text("sub_text", row.level2))
            _subtotal_cells(sheet, r, row, fmt)
            sheet.merge_range(level1_start, 0, r, 0, row.level1, fmt.for_text("group", row.level1))
            level1_start = None
        elif row.kind == "total":
            sheet.merge_range(r, 0, r, 2, "合计", fmt["sub_text"])
            _subtotal_cells(sheet, r, row, fmt)
        else:
            grade = row.grade or "无"
            sheet.merge_range(r, 0, r, 2, "评价等级", fmt["sub_text"])
            sheet.merge_range(r, 3, r, last_col, grade, fmt.for_text("sub_text", grade))


def _text(sheet, r: int, col: int, text: str, fmt: _Formats, name: str) -> None:
    if text:
        sheet.write_string(r, col, text, fmt.for_text(name, text))
    else:
        sheet.write_blank(r, col, None, fmt[name])


def _numbers(sheet, r: int, row: TableRow, fmt: _Formats, prefix: str) -> None:
    sheet.write_number(r, 3, _plain(row.weight), fmt[f"{prefix}number"])
    sheet.write_number(r, 6, float(round_half_up(row.score, 2)), fmt[f"{prefix}score"])
    sheet.write_number(r, 7, float(round_half_up(row.rate, 4)), fmt[f"{prefix}percent"])


def _subtotal_cells(sheet, r: int, row: TableRow, fmt: _Formats) -> None:
    _numbers(sheet, r, row, fmt, prefix="sub_")
    for col in (4, 5, 8, 9, 10):
        sheet.write_blank(r, col, None, fmt["sub_blank"])


def _value_cell(sheet, r: int, row: TableRow, fmt: _Formats) -> None:
    if row.value is None:
        sheet.write_blank(r, 5, None, fmt["number"])
    elif row.unit == "%":
        sheet.write_number(r, 5, float(round_half_up(row.value / 100, 6)), fmt["percent"])
    elif row.unit:
        _text(sheet, r, 5, format_value(row.value, row.unit), fmt, "center")
    else:
        sheet.write_number(r, 5, float(round_half_up(row.value, 4)), fmt["number"])


def _plain(value: Decimal) -> float | int:
    return int(value) if value == value.to_integral_value() else float(value)
