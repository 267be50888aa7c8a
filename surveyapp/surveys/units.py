"""Read the units (schools) of a survey and their targets from a CSV.

Without a header the columns are ``code,name[,district]``. With a header (English or Chinese names) the file
may also hold, per role, a target count of valid responses (``target_teacher`` / ``教师目标数``) or the number
of people the unit has in that role (``enrolment_teacher`` / ``教师人数``), from which the needed sample size is
computed for a 95% margin of error given in ``margin`` / ``误差`` (percentage points, default 5); see
docs/methods-targets.md. Problems are reported in English (command line) or Chinese (console upload), each
with its row as a spreadsheet numbers it.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from analysis.sampling import DEFAULT_MARGIN, needed_sample_size
from questionnaires import ROLE_LABELS, ROLES, InputError

HEADER = ("code", "name", "district")
CHINESE_HEADER = ("代码", "名称", "区县")
MAX_COUNT = 10_000_000


@dataclass(frozen=True)
class RoleTarget:
    """The valid responses a unit should collect from one role: given, or needed for `margin` at 95%
    confidence among `population` people."""

    target: int
    population: int | None = None
    margin: float | None = None


@dataclass(frozen=True)
class UnitRow:
    code: str
    name: str
    district: str = ""
    targets: dict[str, RoleTarget] = field(default_factory=dict)


@dataclass(frozen=True)
class Problem:
    """One problem of an input, in both languages; `place` is English (``row 3``, ``units[2].code``)."""

    place: str
    english: str
    chinese: str


def column_names() -> dict[str, tuple[str, str | None]]:
    """Header name (lower case) -> (field, role): code/name/district/margin, target or enrolment per role."""
    names: dict[str, tuple[str, str | None]] = {}
    for field_name, english, chinese in zip(HEADER, HEADER, CHINESE_HEADER, strict=True):
        names[english] = names[chinese] = (field_name, None)
    names["单位代码"], names["单位名称"] = ("code", None), ("name", None)
    names["margin"] = names["误差"] = names["允许误差"] = ("margin", None)
    for role in ROLES:
        label = ROLE_LABELS[role]
        for name in (f"target_{role}", f"{label}目标数", f"{label}目标"):
            names[name] = ("target", role)
        for name in (f"enrolment_{role}", f"enrollment_{role}", f"{label}人数", f"{label}总人数"):
            names[name] = ("enrolment", role)
    return names


def check_unit(code: str, name: str, district: str, place: str) -> list[Problem]:
    """Problems of a unit's code, name and district (the same rules for CSV rows and API documents)."""
    if not code or not name:
        return [Problem(place, "code and name must not be empty", "代码和名称不能为空")]
    if len(code) > 64 or not code.replace("-", "").replace("_", "").isalnum():
        return [Problem(place, f"code {code!r} must be up to 64 letters, digits, - or _",
                        f"代码“{code}”只能由字母、数字、- 或 _ 组成，最长 64 个字符")]
    if len(name) > 200 or len(district) > 100:
        return [Problem(place, "name or district is too long", "名称或区县过长")]
    return []


def _count(text: str, place: str, what: str, what_zh: str, problems: list[Problem], *, positive: bool,
           ) -> int | None:
    try:
        number = int(text)
    except ValueError:
        problems.append(Problem(place, f"{what} {text!r} is not a whole number", f"{what_zh}“{text}”不是整数"))
        return None
    if number < (1 if positive else 0) or number > MAX_COUNT:
        low = 1 if positive else 0
        problems.append(Problem(place, f"{what} must be between {low} and {MAX_COUNT}, got {number}",
                                f"{what_zh}应在 {low} 到 {MAX_COUNT} 之间，实际为 {number}"))
        return None
    return number


def role_targets(targets: dict[str, str], enrolment: dict[str, str], margin_text: str, place: str,
                 problems: list[Problem]) -> dict[str, RoleTarget]:
    """Targets per role from texts as typed: a count, or enrolment and a margin in percentage points."""
    margin = DEFAULT_MARGIN
    if margin_text:
        try:
            margin = float(margin_text.rstrip("%").strip()) / 100
        except ValueError:
            margin = -1.0
        if not 0 < margin <= 0.5:
            problems.append(Problem(place, f"margin {margin_text!r} must be a percentage above 0 and at most 50",
                                    f"误差“{margin_text}”应为大于 0、不超过 50 的百分数"))
            return {}
    found: dict[str, RoleTarget] = {}
    for role in ROLES:
        given, people = targets.get(role, ""), enrolment.get(role, "")
        label = ROLE_LABELS[role]
        if given and people:
            problems.append(Problem(place, f"give either a target or an enrolment for {role}, not both",
                                    f"{label}的目标数和人数只能填一个"))
        elif given:
            number = _count(given, place, f"target of {role}", f"{label}目标数", problems, positive=False)
            if number is not None:
                found[role] = RoleTarget(number)
        elif people:
            number = _count(people, place, f"enrolment of {role}", f"{label}人数", problems, positive=True)
            if number is not None:
                found[role] = RoleTarget(needed_sample_size(number, margin), number, margin)
    return found


def _header(row: list[str]) -> list[tuple[str, str | None]] | None:
    """The columns a header row names, or None when the first row is data."""
    names = column_names()
    cells = [c.strip().lower() for c in row]
    if len(cells) < 2 or names.get(cells[0], (None,))[0] != "code" or names.get(cells[1], (None,))[0] != "name":
        return None
    return [names.get(c, ("unknown", c)) for c in cells]


def parse_units_csv(text: str, source: str = "units.csv", *, chinese: bool = False) -> list[UnitRow]:
    """Units (and their targets) from CSV text; see the module docstring for the columns.

    Raises InputError listing every bad row (row numbers as a spreadsheet shows them), in English or, with
    `chinese`, in Chinese (``第 3 行``).
    """
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    problems: list[Problem] = []
    columns = _header(rows[0]) if rows else None
    start = 1 if columns is not None else 0
    if columns is not None:
        for kind, name in columns:
            if kind == "unknown":
                problems.append(Problem("row 1", f"unknown column {name!r}", f"无法识别的列“{name}”"))
    units: list[UnitRow] = []
    seen: dict[str, int] = {}
    for number, row in enumerate(rows[start:], start=start + 1):
        cells = [c.strip() for c in row]
        if not any(cells):
            continue
        place = f"row {number}"
        if len(cells) < 2 or (columns is None and len(cells) > 3):
            problems.append(Problem(place, f"expected code,name[,district], got {len(cells)} columns",
                                    f"应为“代码,名称[,区县]”，实际有 {len(cells)} 列"))
            continue
        if columns is not None and len(cells) > len(columns):
            problems.append(Problem(place, f"{len(cells)} cells but the header names {len(columns)} columns",
                                    f"有 {len(cells)} 个单元格，表头只有 {len(columns)} 列"))
            continue
        kinds = columns or list(zip(HEADER, (None, None, None), strict=True))
        values: dict[str, str] = {}
        targets: dict[str, str] = {}
        enrolment: dict[str, str] = {}
        for (kind, role), cell in zip(kinds, cells, strict=False):
            {"target": targets, "enrolment": enrolment}.get(kind, values)[role or kind] = cell
        code, name, district = values.get("code", ""), values.get("name", ""), values.get("district", "")
        found = check_unit(code, name, district, place)
        if not found and code in seen:
            found = [Problem(place, f"code {code!r} repeats row {seen[code]}",
                             f"代码“{code}”与第{seen[code]}行重复")]
        before = len(problems)
        unit_targets = role_targets(targets, enrolment, values.get("margin", ""), place, problems)
        problems.extend(found)
        if not found and len(problems) == before:
            seen[code] = number
            units.append(UnitRow(code=code, name=name, district=district, targets=unit_targets))
    if not units and not problems:
        problems.append(Problem("", "no units found (expected rows of code,name,district)",
                                "没有找到单位（每行应为：代码,名称,区县）"))
    if problems:
        raise units_error(source, problems, chinese)
    return units


def units_error(source: str, problems: list[Problem], chinese: bool) -> InputError:
    """InputError of `problems` in one language; English places ``row N`` become ``第 N 行`` in Chinese."""
    if not chinese:
        return InputError(source, [(p.place, p.english) for p in problems])
    return InputError(source, [(f"第 {p.place.removeprefix('row ')} 行" if p.place.startswith("row ") else p.place,
                                p.chinese) for p in problems])


def read_units_csv(path: str | Path) -> list[UnitRow]:
    path = Path(path)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        raise InputError(str(path), [("", f"cannot read file: {exc.strerror}")]) from exc
    except UnicodeDecodeError as exc:
        raise InputError(str(path), [("", f"not UTF-8 text (byte {exc.start}); save the CSV as UTF-8")]) from exc
    return parse_units_csv(text, str(path))


def read_uploaded_units(data: bytes, filename: str) -> list[UnitRow]:
    """Units from an uploaded CSV (UTF-8, with or without BOM, or the GBK Excel writes on Chinese Windows).

    Raises InputError whose problems name the rows (``第 3 行``) and what is wrong with each, in Chinese.
    """
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError as exc:
            problem = f"无法识别文件编码（第 {exc.start} 字节）；请另存为 UTF-8 CSV"
            raise InputError(filename, [("", problem)]) from exc
    return parse_units_csv(text, filename, chinese=True)
