"""Reading response files column by column (see :func:`analysis.responses.read_responses`).

Each file is read into categoricals (:mod:`.tables`), every column is checked and converted once per
distinct cell (:mod:`.answers`, :mod:`.meta`), and problems are collected by row and column, so a file of
350,000 rows costs about what pandas' own CSV reader costs plus a little per column.
"""

from __future__ import annotations

import gc
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pandas as pd

from questionnaires import Questionnaire

from ..errors import DataError
from ..frames import META_COLUMNS, TIMEZONE, empty_frame
from .hosted import NUMBER_READINGS, is_hosted, parse_hosted
from .own import parse_own
from .parts import Part, TableResult
from .tables import Table, read_tables

__all__ = ["NUMBER_READINGS", "read_files"]


def read_files(paths: Iterable[str | Path], questionnaires: Mapping[str, Questionnaire], preferred: list[str],
               numbers: str = "positions", notes: list[str] | None = None) -> dict[str, pd.DataFrame]:
    """Responses frames by questionnaire id; see :func:`analysis.responses.read_responses`."""
    if numbers not in NUMBER_READINGS:
        raise ValueError(f"numbers must be one of {', '.join(NUMBER_READINGS)}, got {numbers!r}")
    with _collector_paused():
        return _read_files(paths, questionnaires, preferred, numbers, notes)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Reading makes millions of cell texts and none is garbage: the cyclic collector would only rescan
    them again and again."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _read_files(paths: Iterable[str | Path], questionnaires: Mapping[str, Questionnaire], preferred: list[str],
                numbers: str, notes: list[str] | None) -> dict[str, pd.DataFrame]:
    files: list[tuple[Path, list[Part], list[tuple[int, int, str, str]]]] = []
    failures: list[tuple[str, list[tuple[str, str]]]] = []
    for path in map(Path, paths):
        try:
            tables = read_tables(path)
        except DataError as exc:
            failures.append((exc.source, exc.problems))
            continue
        parts: list[Part] = []
        problems: list[tuple[int, int, str, str]] = []
        for table in tables:
            result = _parse_table(table, questionnaires, preferred, numbers)
            parts.extend(result.parts)
            problems.extend(sorted(result.problems, key=lambda p: (p[0], p[1])))
            if notes is not None:
                notes.extend(result.notes)
        files.append((path, parts, problems))
    _number_hosted_by_file(files)
    seen: dict[str, pd.Index] = {}
    kept: dict[str, list[Kept]] = {}
    frames: dict[str, list[pd.DataFrame]] = {}
    for path, parts, problems in files:
        places = [(place, problem) for _, _, place, problem in problems]
        bad_rows = {row for row, _, _, _ in problems}
        for part in parts:
            places.extend(_repeated_ids(path, part, bad_rows, seen, kept))
        if places:
            failures.append((str(path), places))
            continue
        for part in parts:
            frames.setdefault(part.questionnaire.id, []).append(_frame(part))
    if failures:
        if len(failures) == 1:
            raise DataError(*failures[0])
        raise DataError("response files", [(f"{src}: {place}" if place else src, problem)
                                           for src, problems in failures for place, problem in problems])
    return {qid: _join(questionnaires[qid], parts) for qid, parts in frames.items()}


def _parse_table(table: Table, questionnaires: Mapping[str, Questionnaire], preferred: list[str],
                 numbers: str) -> TableResult:
    result = TableResult()
    # Columns with no header are allowed only when empty (Excel's stray formatting).
    for i, name in enumerate(table.header):
        if not name and not table.columns[i].test(lambda u: not u.strip()).all():
            result.fail(table.place(column=f"#{i + 1}"), "a column with data has no header")
    named = [(i, h) for i, h in enumerate(table.header) if h]
    seen: set[str] = set()
    for _, name in named:
        if name in seen:
            result.fail(table.place(column=name), "the column appears twice")
        seen.add(name)
    if result.problems:
        return result
    if is_hosted(seen):
        parse_hosted(table, named, questionnaires, preferred, result, numbers)
    else:
        parse_own(table, named, questionnaires, preferred, result)
    return result


def _number_hosted_by_file(files: list[tuple[Path, list[Part], list]]) -> None:
    """Exports of the hosted tool each number their rows 1..N: when one questionnaire's responses come
    from several of them, a response is ``<file stem>-<序号>``."""
    hosted: dict[str, list[Part]] = {}
    for _, parts, _ in files:
        for part in parts:
            if part.hosted:
                hosted.setdefault(part.questionnaire.id, []).append(part)
    for parts in hosted.values():
        if len(parts) < 2:
            continue
        for part in parts:
            stem = Path(part.table.source).stem
            ids = part.columns["response_id"]
            prefixed = np.char.add(f"{stem}-", ids.astype(str)).astype(object)
            part.columns["response_id"] = np.where(pd.Series(ids).str.startswith(f"{stem}-").to_numpy(),
                                                   ids, prefixed)


Kept = tuple[pd.Index, Path, Table, np.ndarray]
"""Response ids already read for a questionnaire: (ids, file, table, their row numbers)."""


def _repeated_ids(path: Path, part: Part, bad_rows: set[int], seen: dict[str, pd.Index],
                  kept: dict[str, list[Kept]]) -> list[tuple[str, str]]:
    """Problems of response ids that repeat an earlier row (this file or an earlier one); rows with other
    problems are left out."""
    qid = part.questionnaire.id
    good = ~np.isin(part.numbers, list(bad_rows)) if bad_rows else np.ones(len(part.numbers), dtype=bool)
    ids = pd.Index(part.columns["response_id"])[good]
    numbers = part.numbers[good]
    earlier = seen.get(qid, pd.Index([], dtype=object))
    repeats = ids.duplicated(keep="first") | ids.isin(earlier)
    found: list[tuple[str, str]] = []
    if repeats.any():
        repeated = ids[repeats]
        first: dict[str, str] = {}  # where each repeated id was read first
        for old_ids, old_path, old_table, old_numbers in kept.get(qid, []):
            for pos in np.flatnonzero(old_ids.isin(repeated)).tolist():
                first.setdefault(old_ids[pos], f"{old_path}, {old_table.place(int(old_numbers[pos]))}")
        for pos in np.flatnonzero(~repeats & ids.isin(repeated)).tolist():
            first.setdefault(ids[pos], f"{path}, {part.table.place(int(numbers[pos]))}")
        for pos in np.flatnonzero(repeats).tolist():
            found.append((part.table.place(int(numbers[pos])), f"response_id {ids[pos]!r} repeats {first[ids[pos]]}"))
    new = ids[~repeats]
    seen[qid] = earlier.append(new)
    kept.setdefault(qid, []).append((new, path, part.table, numbers[~repeats]))
    return found


def _frame(part: Part) -> pd.DataFrame:
    q = part.questionnaire
    if not len(part.numbers):
        return empty_frame(q)
    columns: dict[str, pd.Series] = {}
    for name in META_COLUMNS:
        values = part.columns[name]
        if name == "submitted_at":
            columns[name] = pd.Series(values.array, dtype=f"datetime64[ns, {TIMEZONE}]", copy=False)
        elif name == "duration_s":
            columns[name] = pd.Series(np.asarray(values, dtype="float64"), copy=False)
        else:
            columns[name] = pd.Series(values, dtype=object, copy=False)
    for var in q.variables:
        columns[var] = pd.Series(part.columns[var], dtype=object, copy=False)
    return pd.DataFrame(columns, copy=False)  # no copy into one 2-D block: each column stays its own


def _join(q: Questionnaire, parts: list[pd.DataFrame]) -> pd.DataFrame:
    if len(parts) == 1:
        return parts[0]
    filled = [p for p in parts if len(p)]
    if not filled:
        return empty_frame(q)
    return pd.concat(filled, ignore_index=True)
