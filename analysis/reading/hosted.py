"""The export of the common Chinese hosted survey tool, matched to a questionnaire by position and title.

Columns ``序号, 提交答卷时间, 所用时间, 来源, 来源详情, 来自IP``, then one column per question headed ``N、题目``
in questionnaire order; a matrix question takes one column per row (``N、题目—行文字``, also ``-``, ``_``,
``:`` as separator, ``N、(行文字)`` or ``N、行文字``). The 其他 option's text is written inside the cell as
``其他〖text〗`` and goes to ``qN.other``; ``(跳过)`` and ``(空)`` mean no answer. Trailing score columns
(``总分``, ``得分`` ...) are skipped with a note. The project's readable export (analysis/readable_export.py)
has the same layout plus ``学校`` (unit), ``角色`` (教师, 家长 ...), ``状态`` (有效 / 无效) and ``无效原因``,
which are read back.

The tool downloads either option texts (按文本) or option positions (按选项序号: 1 = the first option as
listed). When every choice cell of a file is a number, the numbers are read as positions in the
questionnaire's option list, or as option codes when asked (``numbers="codes"``); a note says which.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import numpy as np

from questionnaires import MULTI_SEPARATOR, OTHER_CODE, ROLE_LABELS, Option, Question, Questionnaire
from questionnaires.model import OTHER_LABEL

from .answers import Problem, clean_columns
from .cells import Cells
from .meta import ROLE_ORDER, STATUS_ORDER, meta_columns, report_rows, unmapped
from .parts import Part, TableResult
from .tables import Table

HOSTED_META = ("序号", "提交答卷时间", "所用时间", "来源", "来源详情", "来自IP")
READABLE_META = ("学校", "角色", "状态", "无效原因")
"""Columns the project's readable export adds to the hosted tool's ones."""
STATUS_LABELS = {"有效": "valid", "无效": "invalid"}
ROLE_CODES = {label: code for code, label in ROLE_LABELS.items()}
EMPTY_MARKS = {"(跳过)", "（跳过）", "(空)", "（空）"}
CHANNELS = ("微信", "手机", "电脑")
NUMBER_READINGS = ("positions", "codes")
CHOICE_TYPES = ("single", "multiple", "scale", "matrix")
_NUMBERED = re.compile(r"^\s*(\d+)\s*[、.．]\s*(.*)$", re.S)
_SCORE_COLUMN = re.compile(r"^(?:.*(?:总分|得分|分数)|总计)$")
_OTHER_TEXT = re.compile(r"^(.*?)〖(.*)〗\s*$", re.S)
_DURATION = re.compile(r"^(?:(\d+(?:\.\d+)?)\s*(?:小时|时|h))?\s*(?:(\d+(?:\.\d+)?)\s*(?:分钟|分|m|min))?\s*"
                       r"(?:(\d+(?:\.\d+)?)\s*(?:秒|s|sec)?)?$")
_ROW_SEPARATORS = "—-_:"
DURATION_ORDER = -1  # the hosted duration's problem comes first in its row


def is_hosted(headers: set[str]) -> bool:
    return "序号" in headers and "提交答卷时间" in headers


def _norm(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


def _expected(q: Questionnaire) -> list[tuple[Question, str | None, int]]:
    """(question, matrix row id or None, number) for each question column of the hosted export."""
    expected: list[tuple[Question, str | None, int]] = []
    for question in q.questions:
        if question.type == "matrix":
            expected.extend((question, row.id, question.number) for row in question.rows)
        else:
            expected.append((question, None, question.number))
    return expected


def _title_fits(question: Question, row_id: str | None, number: int, header: str) -> str | None:
    """None when `header` fits the question (and row); otherwise what is wrong."""
    match = _NUMBERED.match(header)
    if not match:
        return "not a question column (expected a header like '1、题目')"
    given, title = int(match.group(1)), _norm(match.group(2))
    want = _norm(question.text)
    if row_id is not None:
        row_text = _norm(next(r.text for r in question.rows if r.id == row_id))
        fits = title in (row_text, f"({row_text})")
        if not fits and title.startswith(want) and len(title) > len(want):
            rest = title[len(want):]
            fits = rest[0] in _ROW_SEPARATORS and rest[1:].strip("()") == row_text
        expect = f"{number}、{question.text}—{row_text}"
    else:
        fits = title == want
        expect = f"{number}、{question.text}"
    if given != number:
        return f"question number {given} where question {number} ({question.id}) was expected: '{expect}'"
    if not fits:
        return f"the title does not match question {question.id}: expected '{expect}'"
    return None


def _mismatches(q: Questionnaire, columns: list[str]) -> list[tuple[str, str]]:
    expected = _expected(q)
    found: list[tuple[str, str]] = []
    for pos, header in enumerate(columns):
        if pos >= len(expected):
            found.append((header, f"unknown column: questionnaire '{q.id}' has only {len(expected)} "
                                  "question columns"))
            continue
        question, row_id, number = expected[pos]
        problem = _title_fits(question, row_id, number, header)
        if problem:
            found.append((header, problem))
    for question, row_id, number in expected[len(columns):]:
        what = f"{question.id}.{row_id}" if row_id else question.id
        found.append((f"{number}、{question.text}", f"missing column for {what} of questionnaire '{q.id}'"))
    return found


def _score_columns(columns: list[str]) -> list[str]:
    """The trailing columns that are scores of the tool's quiz mode (总分, 得分 ...), not questions."""
    tail: list[str] = []
    for header in reversed(columns):
        if _NUMBERED.match(header) or not _SCORE_COLUMN.match(_norm(header)):
            break
        tail.append(header)
    return tail[::-1]


def parse_hosted(table: Table, named: list[tuple[int, str]], questionnaires: Mapping[str, Questionnaire],
                 preferred: list[str], result: TableResult, numbers: str = "positions") -> None:
    index = {h: i for i, h in named}
    columns = [h for _, h in named if h not in HOSTED_META and h not in READABLE_META]
    skipped = _score_columns(columns)
    if skipped:
        columns = columns[:len(columns) - len(skipped)]
        result.notes.append(f"{_where(table)}: 跳过非题目列 {'、'.join(skipped)}（评分列，不是问卷题目）")
    pools = [preferred, list(questionnaires)] if preferred else [list(questionnaires)]
    fits: list[str] = []
    for pool in pools:
        fits = [qid for qid in pool if not _mismatches(questionnaires[qid], columns)]
        if fits:
            break
    if len(fits) > 1:
        result.fail(table.place(), f"the columns fit several questionnaires ({', '.join(fits)}); "
                                   "pass only the one these responses answered")
        return
    if not fits:
        pool = pools[0]
        scored = sorted(((len(_mismatches(questionnaires[qid], columns)), qid) for qid in pool),
                        key=lambda item: item[0])
        if not scored:
            result.fail(table.place(), "no questionnaire given")
            return
        closest = questionnaires[scored[0][1]]
        for header, problem in _mismatches(closest, columns):
            note = "" if len(pool) == 1 else f" (closest questionnaire '{closest.id}')"
            result.fail(table.place(column=header), problem + note)
        return
    q = questionnaires[fits[0]]
    rows = len(table)
    raw: dict[str, Cells] = {}
    headers: dict[str, str] = {}
    for header, (question, row_id, _) in zip(columns, _expected(q), strict=True):
        cells = table.columns[index[header]].transform(_cell)
        var = f"{question.id}.{row_id}" if row_id else question.id
        headers[var] = header
        if question.other:
            split = cells.per_unique(_split_other)
            raw[f"{question.id}.other"] = Cells(cells.codes, _texts([o or "" for _, o in split.tolist()]))
            headers[f"{question.id}.other"] = header
            cells = Cells(cells.codes, _texts([c for c, _ in split.tolist()]))
        raw[var] = cells
    lookup = None
    if _numbered_choices(q, raw):
        lookup = _by_position if numbers == "positions" else None
        reading = ("按选项序号读取：1 = 问卷文件中列出的第一个选项（若数字是选项代码，请加 --numbers codes）"
                   if lookup else "按选项代码读取数字（--numbers codes）")
        result.notes.append(f"{_where(table)}: 选择题的答案是数字，{reading}")
    meta, found = _meta(table, q, index, rows)
    columns_out, meta_problems = meta_columns(q, meta, table.numbers, Path(table.source).stem, "提交答卷时间")
    answers, answer_problems = clean_columns(q, raw, headers, lookup)
    result.add(table, table.numbers, found + meta_problems + answer_problems)
    result.parts.append(Part(q, table, table.numbers, {**columns_out, **answers}, hosted=True))


def _where(table: Table) -> str:
    return table.source + (f" ({table.sheet})" if table.sheet else "")


def _texts(values: list[str]) -> np.ndarray:
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


def _cell(value: str) -> str:
    value = value.strip()
    return "" if value in EMPTY_MARKS else value


def _split_other(cell: str) -> tuple[str, str | None]:
    """'学校通知┋其他〖朋友说的〗' -> ('学校通知┋其他', '朋友说的')."""
    other = None
    items = []
    for item in cell.split(MULTI_SEPARATOR) if cell else []:
        match = _OTHER_TEXT.match(item)
        if match:
            label, other = match.group(1).strip(), match.group(2).strip()
            item = OTHER_CODE if label in (OTHER_CODE, OTHER_LABEL, "") else label
        items.append(item)
    return MULTI_SEPARATOR.join(items), other


def _numbered_choices(q: Questionnaire, raw: Mapping[str, Cells]) -> bool:
    """Whether every answered choice cell holds numbers only (the 按选项序号 download), and there are some."""
    seen = False
    for question in q.questions:
        if question.type not in CHOICE_TYPES:
            continue
        for var in question.variables:
            if var.endswith(".other"):
                continue
            for cell in raw[var].uniques.tolist():
                items = [i.strip() for i in cell.split(MULTI_SEPARATOR) if i.strip()]
                items = [i for i in items if i != OTHER_CODE]  # 其他〖text〗 is written with its text
                if not all(i.isascii() and i.isdigit() for i in items):
                    return False
                seen = seen or bool(items)
    return seen


def _by_position(question: Question) -> Callable[[Any], Option | None]:
    """The option at a 1-based position of the question's list (its 其他 option by code as well)."""
    options = question.options

    def find(item: Any) -> Option | None:
        text = str(item).strip()
        if text.isascii() and text.isdigit():
            number = int(text)
            return options[number - 1] if 1 <= number <= len(options) else None
        return question.option_by_code(text) if text == OTHER_CODE else None

    return find


def _meta(table: Table, q: Questionnaire, index: Mapping[str, int], rows: int,
          ) -> tuple[dict[str, Cells], list[Problem]]:
    """Own meta columns from the hosted ones, and the problems of 所用时间."""
    def column(name: str, strip: bool = True) -> Cells:
        if name not in index:
            return Cells.empty(rows)
        return table.columns[index[name]].transform(str.strip) if strip else table.columns[index[name]]

    problems: list[Problem] = []
    spent = column("所用时间")
    seconds = spent.per_unique(lambda s: "" if not s else _parse_duration(s))
    report_rows(problems, spent, unmapped(spent, seconds), DURATION_ORDER, "所用时间", "not a duration like '125秒'")
    duration = Cells(spent.codes, _texts(["" if s is None or s == "" else repr(s) for s in seconds.tolist()]))
    source = column("来源")
    channel = source.transform(lambda s: next((c for c in CHANNELS if c in s), s))
    meta = {"response_id": column("序号", False), "submitted_at": column("提交答卷时间", False),
            "duration_s": duration, "channel": channel}
    if "学校" in index:
        meta["unit"] = meta["unit_name"] = column("学校")
    if "角色" in index:
        meta["role"] = _readable_role(column("角色"), problems)
    if "状态" in index:
        meta["status"] = _readable_status(column("状态"), column("无效原因"), problems)
    return meta, problems


def _readable_role(cells: Cells, problems: list[Problem]) -> Cells:
    """角色 of the readable export: a role's label (教师) or code (teacher) as the role's code."""
    codes = cells.per_unique(lambda s: "" if not s else ROLE_CODES.get(s, s if s in ROLE_LABELS else None))
    report_rows(problems, cells, unmapped(cells, codes), ROLE_ORDER, "角色",
                f"not a role ({'、'.join(ROLE_LABELS.values())})")
    return Cells(cells.codes, _texts(["" if c is None else c for c in codes.tolist()]))


def _readable_status(status: Cells, reason: Cells, problems: list[Problem]) -> Cells:
    """状态 and 无效原因 of the readable export as ``valid`` or ``invalid:<reason>`` (无效 without a reason)."""
    wanted = status.per_unique(lambda s: "" if not s else STATUS_LABELS.get(s))
    report_rows(problems, status, unmapped(status, wanted), STATUS_ORDER, "状态", "not 有效 or 无效")
    flags = wanted.take(status.codes)
    invalid = flags == "invalid"
    if not invalid.any():
        return Cells.empty(len(status))
    reasons = reason.texts()
    out = np.full(len(status), "", dtype=object)
    out[invalid] = ["invalid:" + (r or "无效") for r in reasons[invalid].tolist()]
    return Cells.of(out)


def _parse_duration(text: str) -> float | None:
    match = _DURATION.match(text.strip())
    if not match or not any(match.groups()):
        return None
    hours, minutes, seconds = (float(g) if g else 0.0 for g in match.groups())
    return hours * 3600 + minutes * 60 + seconds
