"""Read and write response files (CSV or XLSX) as responses frames.

Two layouts are read:

* the project's own columns (formats/data-and-cli.md): the meta columns, then one column per variable
  (``q2``, ``q2.other``, ``q4.r1`` ...), answer cells holding option labels or codes, several options
  joined by ``┋``;
* the export of the common Chinese hosted survey tool ("按文本" download): ``序号, 提交答卷时间, 所用时间,
  来源, 来源详情, 来自IP``, then one column per question headed ``N、题目`` in questionnaire order. A matrix
  question takes one column per row, headed ``N、题目—行文字`` (also ``-``, ``_``, ``:`` as separator),
  ``N、(行文字)`` or ``N、行文字``. The 其他 option's text is written inside the cell as ``其他〖text〗``
  and goes to ``qN.other``; the cells ``(跳过)`` and ``(空)`` mean no answer. ``来源`` becomes the channel
  (微信 / 手机 / 电脑 when it says so, else kept as written); ``来源详情`` and ``来自IP`` are not kept
  (a school shares one IP address, so it tells nothing about the respondent). Such rows get status
  ``valid``, the questionnaire's role, no unit, and ``序号`` as response id - unless the file is the
  project's readable export, whose columns ``学校`` (unit), ``角色`` (教师, 家长 ...), ``状态`` (有效 / 无效)
  and ``无效原因`` say so.

Every cell that does not fit is reported - row as the user sees it (the header is row 1), column header,
value and problem - in one :class:`~analysis.errors.DataError`; nothing is dropped silently, and a file with
errors yields nothing.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
import unicodedata
import warnings
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from questionnaires import MULTI_SEPARATOR, OTHER_CODE, ROLE_LABELS, ROLES, Question, Questionnaire, clean_answers
from questionnaires.answers import AnswerProblem
from questionnaires.model import OTHER_LABEL

from .errors import DataError
from .frames import META_COLUMNS, TIMEZONE, empty_frame
from .safe import FORMULA_STARTS, neutralise

HOSTED_META = ("序号", "提交答卷时间", "所用时间", "来源", "来源详情", "来自IP")
READABLE_META = ("学校", "角色", "状态", "无效原因")
"""Columns the project's readable export (analysis/readable_export.py) adds to the hosted tool's ones."""
STATUS_LABELS = {"有效": "valid", "无效": "invalid"}
EMPTY_MARKS = {"(跳过)", "（跳过）", "(空)", "（空）"}
CHANNELS = ("微信", "手机", "电脑")
_NUMBERED = re.compile(r"^\s*(\d+)\s*[、.．]\s*(.*)$", re.S)
_OTHER_TEXT = re.compile(r"^(.*?)〖(.*)〗\s*$", re.S)
_DURATION = re.compile(r"^(?:(\d+(?:\.\d+)?)\s*(?:小时|时|h))?\s*(?:(\d+(?:\.\d+)?)\s*(?:分钟|分|m|min))?\s*"
                       r"(?:(\d+(?:\.\d+)?)\s*(?:秒|s|sec)?)?$")
_ROW_SEPARATORS = "—-_:"


@dataclass
class _Table:
    """One sheet of cells as text: header plus data rows, with where it came from."""

    source: str
    sheet: str | None
    header: list[str]
    rows: list[tuple[int, list[str]]]  # (row number as seen in the file, cells)

    def place(self, row: int | None = None, column: str | None = None) -> str:
        parts = [f"sheet '{self.sheet}'"] if self.sheet is not None else []
        if row is not None:
            parts.append(f"row {row}")
        if column is not None:
            parts.append(f"column '{column}'")
        return ", ".join(parts)


# -- reading --------------------------------------------------------------------------------------------

def read_responses(paths: str | Path | Iterable[str | Path], questionnaires: Mapping[str, Questionnaire],
                   *, preferred: Iterable[str] = ()) -> dict[str, pd.DataFrame]:
    """Read response files into one responses frame per questionnaire id.

    Parameters
    ----------
    paths : path or list of paths
        CSV (UTF-8 with or without BOM) or XLSX files (every non-empty sheet is read).
    questionnaires : mapping of id to Questionnaire
        The questionnaires the files may belong to. A file with a ``questionnaire`` column names its own;
        otherwise an XLSX sheet named like a questionnaire id, the only questionnaire given, or the one
        whose variables (or, for the hosted tool's export, question titles) fit the columns is used.
    preferred : ids, optional
        Questionnaires to try first when a file does not name its own (for example those named on the
        command line, before the project's shipped ones).

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
    records: dict[str, list[dict[str, Any]]] = {}
    seen_ids: dict[tuple[str, str], str] = {}
    failures: list[tuple[str, list[tuple[str, str]]]] = []
    for path in map(Path, paths):
        problems: list[tuple[str, str]] = []
        try:
            tables = _read_tables(path)
        except DataError as exc:
            failures.append((exc.source, exc.problems))
            continue
        file_records: dict[str, list[dict[str, Any]]] = {}
        for table in tables:
            for qid, recs in _parse_table(table, questionnaires, preferred, problems).items():
                file_records.setdefault(qid, []).extend(recs)
        for qid, recs in file_records.items():
            for rec in recs:
                key = (qid, rec["response_id"])
                where = f"{path}, {rec.pop('_place')}"
                if key in seen_ids:
                    problems.append((where.removeprefix(f"{path}, "),
                                     f"response_id {rec['response_id']!r} repeats {seen_ids[key]}"))
                else:
                    seen_ids[key] = where
        if problems:
            failures.append((str(path), problems))
            continue
        for qid, recs in file_records.items():
            records.setdefault(qid, []).extend(recs)
    if failures:
        if len(failures) == 1:
            raise DataError(*failures[0])
        raise DataError("response files", [(f"{src}: {place}" if place else src, problem)
                                           for src, problems in failures for place, problem in problems])
    return {qid: _frame(questionnaires[qid], recs) for qid, recs in records.items()}


def _read_tables(path: Path) -> list[_Table]:
    suffix = path.suffix.lower()
    if not path.is_file():
        raise DataError(str(path), [("", "no such file")])
    if suffix == ".csv":
        return [_read_csv(path)]
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(path)
    raise DataError(str(path), [("", f"unsupported file type {path.suffix!r}; use .csv (UTF-8) or .xlsx")])


def _read_csv(path: Path) -> _Table:
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        # Excel on Chinese Windows saves "CSV" as GB18030/GBK; a wrong guess fails on the headers anyway.
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError:
            raise DataError(str(path), [("", f"not UTF-8 text (byte {exc.start}); save it as CSV UTF-8")]) \
                from exc
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        rows = [row for row in reader]
    except csv.Error as exc:
        raise DataError(str(path), [(f"row {reader.line_num}", f"cannot read CSV: {exc}")]) from exc
    return _table(str(path), None, rows)


def _read_xlsx(path: Path) -> list[_Table]:
    import openpyxl

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # zipfile.BadZipFile, KeyError, InvalidFileException ...
        raise DataError(str(path), [("", f"cannot open as an XLSX workbook: {exc}")]) from exc
    try:
        tables = []
        for sheet in book.worksheets:
            rows = [[_cell_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
            if any(any(cell for cell in row) for row in rows):
                tables.append(_table(str(path), sheet.title, rows))
    finally:
        book.close()
    if not tables:
        raise DataError(str(path), [("", "the workbook has no data")])
    return tables


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).upper()
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return repr(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    return str(value)


def _table(source: str, sheet: str | None, rows: list[list[str]]) -> _Table:
    numbered = [(i + 1, row) for i, row in enumerate(rows)]
    numbered = [(n, row) for n, row in numbered if any(cell.strip() for cell in row)]
    if not numbered:
        raise DataError(source, [(f"sheet '{sheet}'" if sheet else "", "the file is empty (no header row)")])
    header_no, header = numbered[0]
    header = [h.strip().lstrip("\ufeff") for h in header]
    data = []
    for number, row in numbered[1:]:
        row = [_unneutralise(c) for c in row] + [""] * (len(header) - len(row))
        data.append((number, row))
    return _Table(source, sheet, header, data)


def _unneutralise(cell: str) -> str:
    """Undo :func:`analysis.safe.neutralise`: ``'=x`` read back is ``=x``."""
    if cell.startswith("'") and cell[1:].startswith(FORMULA_STARTS):
        return cell[1:]
    return cell


def _parse_table(table: _Table, questionnaires: Mapping[str, Questionnaire], preferred: list[str],
                 problems: list[tuple[str, str]]) -> dict[str, list[dict[str, Any]]]:
    """Records of one table by questionnaire id; problems are appended (place, problem)."""
    header = table.header
    # Columns with no header are allowed only when empty (Excel's stray formatting).
    for i, name in enumerate(header):
        if not name and any(i < len(cells) and cells[i].strip() for _, cells in table.rows):
            problems.append((table.place(column=f"#{i + 1}"), "a column with data has no header"))
    named = [(i, h) for i, h in enumerate(header) if h]
    seen: set[str] = set()
    for _, name in named:
        if name in seen:
            problems.append((table.place(column=name), "the column appears twice"))
        seen.add(name)
    if problems:
        return {}
    if "序号" in seen and "提交答卷时间" in seen:
        return _parse_hosted(table, named, questionnaires, preferred, problems)
    return _parse_own(table, named, questionnaires, preferred, problems)


# -- the project's own layout ----------------------------------------------------------------------------

def _parse_own(table: _Table, named: list[tuple[int, str]], questionnaires: Mapping[str, Questionnaire],
               preferred: list[str], problems: list[tuple[str, str]]) -> dict[str, list[dict[str, Any]]]:
    answer_columns = [h for _, h in named if h not in META_COLUMNS]
    index = {h: i for i, h in named}
    default = _guess_own(table, answer_columns, questionnaires, preferred)
    by_row: list[tuple[int, list[str], Questionnaire | str]] = []  # a questionnaire or what is wrong
    wanted: dict[str, Questionnaire] = {}
    for number, cells in table.rows:
        qid = cells[index["questionnaire"]].strip() if "questionnaire" in index else ""
        if qid:
            q = questionnaires.get(qid)
            if q is None:
                by_row.append((number, cells, f"value '{qid}': no such questionnaire "
                                              f"(known: {', '.join(questionnaires)})"))
                continue
        elif default is None:
            by_row.append((number, cells, _no_questionnaire_message(answer_columns, questionnaires)))
            continue
        else:
            q = default
        wanted[q.id] = q
        by_row.append((number, cells, q))
    if not table.rows and default is not None:
        wanted[default.id] = default
    column_problems = []
    for q in wanted.values():
        variables = set(q.variables)
        for name in answer_columns:
            if name not in variables:
                column_problems.append((table.place(column=name),
                                        f"unknown column: neither a meta column ({', '.join(META_COLUMNS)}) "
                                        f"nor a variable of questionnaire '{q.id}'"))
        for var in q.variables:
            if var not in index:
                column_problems.append((table.place(column=var), f"missing column for variable {var} of "
                                                                 f"questionnaire '{q.id}'"))
    if column_problems:
        problems.extend(column_problems)
        return {}
    out: dict[str, list[dict[str, Any]]] = {qid: [] for qid in wanted}
    for number, cells, q in by_row:
        if isinstance(q, str):
            column = "questionnaire" if "questionnaire" in index else None
            problems.append((table.place(number, column), q))
            continue
        raw = {var: cells[index[var]] for var in q.variables}
        meta = {name: cells[index[name]].strip() for name in META_COLUMNS if name in index}
        record = _record(table, number, q, meta, raw, {var: var for var in q.variables}, problems)
        if record is not None:
            out[q.id].append(record)
    return out


def _guess_own(table: _Table, answer_columns: list[str], questionnaires: Mapping[str, Questionnaire],
               preferred: list[str]) -> Questionnaire | None:
    if table.sheet in questionnaires:
        return questionnaires[table.sheet]
    for pool in ([questionnaires[qid] for qid in preferred], list(questionnaires.values())):
        if len(pool) == 1:
            return pool[0]
        fits = [q for q in pool if set(q.variables) == set(answer_columns)]
        if len(fits) == 1:
            return fits[0]
        if fits:
            return None
    return None


def _no_questionnaire_message(answer_columns: list[str], questionnaires: Mapping[str, Questionnaire]) -> str:
    fits = [q.id for q in questionnaires.values() if set(q.variables) == set(answer_columns)]
    if fits:
        return f"the columns fit several questionnaires ({', '.join(fits)}); add a questionnaire column"
    return ("no questionnaire given for this row and none of the known questionnaires "
            f"({', '.join(questionnaires) or 'none'}) has exactly these answer columns")


# -- the hosted survey tool's export ---------------------------------------------------------------------

def _norm(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


def _expected_hosted(q: Questionnaire) -> list[tuple[Question, str | None, int]]:
    """(question, matrix row id or None, number) for each question column of the hosted export."""
    expected: list[tuple[Question, str | None, int]] = []
    for question in q.questions:
        if question.type == "matrix":
            expected.extend((question, row.id, question.number) for row in question.rows)
        else:
            expected.append((question, None, question.number))
    return expected


def _hosted_title_fits(question: Question, row_id: str | None, number: int, header: str) -> str | None:
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


def _hosted_mismatches(q: Questionnaire, columns: list[str]) -> list[tuple[str, str]]:
    expected = _expected_hosted(q)
    found: list[tuple[str, str]] = []
    for pos, header in enumerate(columns):
        if pos >= len(expected):
            found.append((header, f"unknown column: questionnaire '{q.id}' has only {len(expected)} "
                                  "question columns"))
            continue
        question, row_id, number = expected[pos]
        problem = _hosted_title_fits(question, row_id, number, header)
        if problem:
            found.append((header, problem))
    for question, row_id, number in expected[len(columns):]:
        what = f"{question.id}.{row_id}" if row_id else question.id
        found.append((f"{number}、{question.text}", f"missing column for {what} of questionnaire '{q.id}'"))
    return found


def _parse_hosted(table: _Table, named: list[tuple[int, str]], questionnaires: Mapping[str, Questionnaire],
                  preferred: list[str], problems: list[tuple[str, str]]) -> dict[str, list[dict[str, Any]]]:
    index = {h: i for i, h in named}
    columns = [h for _, h in named if h not in HOSTED_META and h not in READABLE_META]
    pools = [preferred, list(questionnaires)] if preferred else [list(questionnaires)]
    for pool in pools:
        scored = sorted(((len(_hosted_mismatches(questionnaires[qid], columns)), qid) for qid in pool),
                        key=lambda item: item[0])
        fits = [qid for n, qid in scored if n == 0]
        if fits:
            break
    if len(fits) > 1:
        problems.append((table.place(), f"the columns fit several questionnaires ({', '.join(fits)}); "
                                        "pass only the one these responses answered"))
        return {}
    if not fits:
        pool = pools[0]
        scored = sorted(((len(_hosted_mismatches(questionnaires[qid], columns)), qid) for qid in pool),
                        key=lambda item: item[0])
        if not scored:
            problems.append((table.place(), "no questionnaire given"))
            return {}
        closest = questionnaires[scored[0][1]]
        for header, problem in _hosted_mismatches(closest, columns):
            note = "" if len(pool) == 1 else f" (closest questionnaire '{closest.id}')"
            problems.append((table.place(column=header), problem + note))
        return {}
    q = questionnaires[fits[0]]
    expected = _expected_hosted(q)
    records = []
    for number, cells in table.rows:
        raw: dict[str, Any] = {}
        headers: dict[str, str] = {}
        for header, (question, row_id, _) in zip(columns, expected, strict=True):
            cell = cells[index[header]].strip()
            if cell in EMPTY_MARKS:
                cell = ""
            var = f"{question.id}.{row_id}" if row_id else question.id
            headers[var] = header
            if question.other:
                headers[f"{question.id}.other"] = header
                cell, other = _split_other(cell)
                if other is not None:
                    raw[f"{question.id}.other"] = other
            raw[var] = cell
        meta, meta_problems = _hosted_meta(table, number, cells, index, q)
        problems.extend(meta_problems)
        record = _record(table, number, q, meta, raw, headers, problems)
        if record is not None and not meta_problems:
            records.append(record)
    return {q.id: records}


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


def _hosted_meta(table: _Table, number: int, cells: list[str], index: dict[str, int],
                 q: Questionnaire) -> tuple[dict[str, str], list[tuple[str, str]]]:
    problems: list[tuple[str, str]] = []

    def cell(name: str) -> str:
        return cells[index[name]].strip() if name in index else ""

    duration = ""
    spent = cell("所用时间")
    if spent:
        seconds = _parse_duration(spent)
        if seconds is None:
            problems.append((table.place(number, "所用时间"),
                             f"value '{spent}': not a duration like '125秒'"))
        else:
            duration = repr(seconds)
    source = cell("来源")
    channel = next((c for c in CHANNELS if c in source), source)
    meta = {
        "response_id": cell("序号"),
        "questionnaire": q.id,
        "role": q.role,
        "submitted_at": cell("提交答卷时间"),
        "duration_s": duration,
        "channel": channel,
        "status": "valid",
    }
    _readable_meta(table, number, cell, meta, problems)
    return meta, problems


def _readable_meta(table: _Table, number: int, cell: Any, meta: dict[str, str],
                   problems: list[tuple[str, str]]) -> None:
    """学校 (unit and unit name), 角色 (a role label) and 状态 / 无效原因 of the readable export, when given."""
    school, role, status = cell("学校"), cell("角色"), cell("状态")
    if school:
        meta["unit"] = meta["unit_name"] = school
    if role:
        roles = {label: code for code, label in ROLE_LABELS.items()}
        if role in roles or role in ROLE_LABELS:
            meta["role"] = roles.get(role, role)
        else:
            problems.append((table.place(number, "角色"),
                             f"value '{role}': not a role ({'、'.join(ROLE_LABELS.values())})"))
    if status:
        if status not in STATUS_LABELS:
            problems.append((table.place(number, "状态"), f"value '{status}': not 有效 or 无效"))
        elif STATUS_LABELS[status] == "invalid":
            meta["status"] = f"invalid:{cell('无效原因') or status}"


def _parse_duration(text: str) -> float | None:
    match = _DURATION.match(text.strip())
    if not match or not any(match.groups()):
        return None
    hours, minutes, seconds = (float(g) if g else 0.0 for g in match.groups())
    return hours * 3600 + minutes * 60 + seconds


# -- one row ---------------------------------------------------------------------------------------------

def _record(table: _Table, number: int, q: Questionnaire, meta: Mapping[str, str], raw: Mapping[str, Any],
            headers: Mapping[str, str], problems: list[tuple[str, str]]) -> dict[str, Any] | None:
    """The record of one row, or None (with its problems appended) when any cell does not fit."""
    before = len(problems)
    record: dict[str, Any] = {"_place": table.place(number)}
    _meta(table, number, q, meta, record, problems)
    answers, found = clean_answers(q, raw, enforce_required=False)
    row_problems: list[tuple[str, str, str]] = []  # (variable, place, problem)
    named = set()
    for problem in found:
        if problem.kind in ("required", "other_required"):
            continue  # files may hold partial answers; required-ness is the web form's business
        named.add(problem.variable)
        header = headers.get(problem.variable, problem.variable)
        value = raw.get(problem.variable)
        row_problems.append((problem.variable, table.place(number, header),
                             f"value '{value}': {_describe(q, problem)}"))
    # clean_answers drops answers to hidden questions and other-texts without 其他: report them.
    for var, value in raw.items():
        if var in answers or var in named or _blank(value):
            continue
        question = q.question(var)
        if not q.is_visible(question, answers):
            conditions = "; ".join(f"{ref} in {list(codes)}" for ref, codes in question.show_if.items())
            problem = f"answered although the question is hidden by its condition ({conditions})"
        elif var.endswith(".other"):
            problem = f"other text given but {OTHER_CODE} was not chosen in {question.id}"
        else:  # pragma: no cover - clean_answers keeps or reports every other value
            problem = "the answer was not accepted"
        row_problems.append((var, table.place(number, headers.get(var, var)), f"value '{value}': {problem}"))
    order = {var: i for i, var in enumerate(q.variables)}
    row_problems.sort(key=lambda item: order.get(item[0], len(order)))
    problems.extend((place, problem) for _, place, problem in row_problems)
    if len(problems) > before:
        return None
    for var in q.variables:
        record[var] = answers.get(var)
    return record


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _meta(table: _Table, number: int, q: Questionnaire, meta: Mapping[str, str], record: dict[str, Any],
          problems: list[tuple[str, str]]) -> None:
    def bad(column: str, value: str, problem: str) -> None:
        problems.append((table.place(number, column), f"value '{value}': {problem}"))

    record["response_id"] = meta.get("response_id") or f"{Path(table.source).stem}-{number}"
    record["questionnaire"] = q.id
    role = meta.get("role") or q.role
    if role not in ROLES:
        bad("role", role, f"not a role ({', '.join(ROLES)})")
    record["role"] = role
    for name in ("unit", "unit_name", "channel"):
        record[name] = meta.get(name) or None
    status = meta.get("status") or "valid"
    if status != "valid" and not (status.startswith("invalid:") and len(status) > len("invalid:")):
        bad("status", status, "must be 'valid' or 'invalid:<reason>'")
    record["status"] = status
    when = meta.get("submitted_at") or ""
    record["submitted_at"] = pd.NaT
    if when:
        try:
            stamp = pd.Timestamp(when)
        except (ValueError, TypeError):
            bad("submitted_at" if "submitted_at" in table.header else "提交答卷时间", when,
                "not a date and time like 2025-10-09T14:03:11+08:00")
        else:
            if pd.isna(stamp):
                pass
            elif stamp.tzinfo is None:
                record["submitted_at"] = stamp.tz_localize(TIMEZONE)
            else:
                record["submitted_at"] = stamp.tz_convert(TIMEZONE)
    duration = meta.get("duration_s") or ""
    record["duration_s"] = math.nan
    if duration:
        try:
            seconds = float(duration)
        except ValueError:
            seconds = math.nan
        if not math.isfinite(seconds) or seconds < 0:
            bad("duration_s", duration, "not a number of seconds")
        else:
            record["duration_s"] = seconds


def _describe(q: Questionnaire, problem: AnswerProblem) -> str:
    kind, value, limit = problem.kind, problem.value, problem.limit
    if kind == "unknown_option":
        question = q.question(problem.variable)
        labels = ", ".join(o.label for o in question.options)
        return f"'{value}' is not an option of {question.id} ({labels})"
    return {
        "one_only": "only one option may be chosen here",
        "repeated_option": "an option is chosen twice",
        "too_few": f"{value} options chosen, at least {limit} needed",
        "too_many": f"{value} options chosen, at most {limit} allowed",
        "too_long": f"the text is {value} characters long, at most {limit} allowed",
        "not_number": "not a number",
        "not_integer": "not a whole number",
        "below_min": f"below the minimum {limit}",
        "above_max": f"above the maximum {limit}",
    }.get(kind, kind)


def _frame(q: Questionnaire, records: list[dict[str, Any]]) -> pd.DataFrame:
    if not records:
        return empty_frame(q)
    columns: dict[str, Any] = {}
    for name in META_COLUMNS:
        values = [rec[name] for rec in records]
        if name == "submitted_at":
            columns[name] = pd.Series(pd.DatetimeIndex(values, tz=TIMEZONE).as_unit("ns"))
        elif name == "duration_s":
            columns[name] = pd.Series(values, dtype="float64")
        else:
            columns[name] = pd.Series(values, dtype=object)
    for var in q.variables:
        columns[var] = pd.Series([rec[var] for rec in records], dtype=object)
    return pd.DataFrame(columns)


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
