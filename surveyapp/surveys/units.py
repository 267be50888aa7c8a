"""Read the units (schools) of a survey from a CSV of code,name,district."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

from questionnaires import InputError

HEADER = ("code", "name", "district")
CHINESE_HEADER = ("代码", "名称", "区县")


@dataclass(frozen=True)
class UnitRow:
    code: str
    name: str
    district: str = ""


def parse_units_csv(text: str, source: str = "units.csv") -> list[UnitRow]:
    """Units from CSV text with columns code,name[,district]; a header row is optional.

    Raises InputError listing every bad row (row numbers as a spreadsheet shows them).
    """
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    problems: list[tuple[str, str]] = []
    units: list[UnitRow] = []
    seen: dict[str, int] = {}
    start = 0
    if rows and tuple(c.strip().lower() for c in rows[0][:2]) in (HEADER[:2], CHINESE_HEADER[:2]):
        start = 1
    for number, row in enumerate(rows[start:], start=start + 1):
        cells = [c.strip() for c in row]
        if not any(cells):
            continue
        if len(cells) < 2 or len(cells) > 3:
            problems.append((f"row {number}", f"expected code,name[,district], got {len(cells)} columns"))
            continue
        code, name = cells[0], cells[1]
        district = cells[2] if len(cells) == 3 else ""
        if not code or not name:
            problems.append((f"row {number}", "code and name must not be empty"))
        elif len(code) > 64 or not code.replace("-", "").replace("_", "").isalnum():
            problems.append((f"row {number}", f"code {code!r} must be up to 64 letters, digits, - or _"))
        elif code in seen:
            problems.append((f"row {number}", f"code {code!r} repeats row {seen[code]}"))
        elif len(name) > 200 or len(district) > 100:
            problems.append((f"row {number}", "name or district is too long"))
        else:
            seen[code] = number
            units.append(UnitRow(code=code, name=name, district=district))
    if problems:
        raise InputError(source, problems)
    if not units:
        raise InputError(source, [("", "no units found (expected rows of code,name,district)")])
    return units


def read_units_csv(path: str | Path) -> list[UnitRow]:
    path = Path(path)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        raise InputError(str(path), [("", f"cannot read file: {exc.strerror}")]) from exc
    except UnicodeDecodeError as exc:
        raise InputError(str(path), [("", f"not UTF-8 text (byte {exc.start}); save the CSV as UTF-8")]) from exc
    return parse_units_csv(text, str(path))


ROW_PLACE = re.compile(r"^row (\d+)$")


def read_uploaded_units(data: bytes, filename: str) -> list[UnitRow]:
    """Units from an uploaded CSV (UTF-8, with or without BOM, or the GBK Excel writes on Chinese Windows).

    Raises InputError whose problems name the rows (``第 3 行``) and what is wrong with each.
    """
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError as exc:
            problem = f"无法识别文件编码（第 {exc.start} 字节）；请另存为 UTF-8 CSV"
            raise InputError(filename, [("", problem)]) from exc
    try:
        return parse_units_csv(text, filename)
    except InputError as exc:
        problems = []
        for place, problem in exc.problems:
            match = ROW_PLACE.match(place)
            problems.append((f"第 {match.group(1)} 行" if match else place, problem))
        raise InputError(exc.source, problems) from exc
