"""The project's own layout: meta columns, then one column per variable, labels or codes in the cells."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import numpy as np

from questionnaires import Questionnaire

from ..frames import META_COLUMNS
from .answers import clean_columns
from .meta import meta_columns
from .parts import Part, TableResult
from .tables import Table


def parse_own(table: Table, named: list[tuple[int, str]], questionnaires: Mapping[str, Questionnaire],
              preferred: list[str], result: TableResult) -> None:
    answer_columns = [h for _, h in named if h not in META_COLUMNS]
    index = {h: i for i, h in named}
    default = _guess(table, answer_columns, questionnaires, preferred)
    rows = len(table)
    # Which questionnaire each row answers: a position into `targets`, or -1 with what is wrong.
    targets: list[Questionnaire] = []
    which = np.full(rows, -1, dtype=np.intp)
    unknown = np.zeros(rows, dtype=bool)
    row_problems: list[tuple[int, int, str, str]] = []
    if "questionnaire" in index:
        given = table.columns[index["questionnaire"]].transform(str.strip)
        for u, qid in enumerate(given.uniques.tolist()):
            at = given.codes == u
            q = questionnaires.get(qid) if qid else default
            if q is None:
                unknown[at] = bool(qid)
                continue
            if q not in targets:
                targets.append(q)
            which[at] = targets.index(q)
        for pos in np.flatnonzero(which < 0).tolist():
            qid = given.uniques[given.codes[pos]]
            problem = (f"value '{qid}': no such questionnaire (known: {', '.join(questionnaires)})"
                       if unknown[pos] else _no_questionnaire_message(answer_columns, questionnaires))
            number = int(table.numbers[pos])
            row_problems.append((number, -1, table.place(number, "questionnaire"), problem))
    elif default is not None:
        targets.append(default)
        which[:] = 0
    else:
        problem = _no_questionnaire_message(answer_columns, questionnaires)
        for number in table.numbers.tolist():
            row_problems.append((number, -1, table.place(number), problem))
    if not rows and default is not None:
        targets.append(default)
    column_problems = False
    for q in targets:
        variables = set(q.variables)
        for name in answer_columns:
            if name not in variables:
                column_problems = True
                result.fail(table.place(column=name), "unknown column: neither a meta column "
                            f"({', '.join(META_COLUMNS)}) nor a variable of questionnaire '{q.id}'")
        for var in q.variables:
            if var not in index:
                column_problems = True
                result.fail(table.place(column=var), f"missing column for variable {var} of questionnaire "
                                                     f"'{q.id}'")
    if column_problems:
        return
    result.problems.extend(row_problems)
    stem = Path(table.source).stem
    for i, q in enumerate(targets):
        positions = np.flatnonzero(which == i)
        every = len(positions) == rows
        pick = slice(None) if every else positions
        numbers = table.numbers[pick]
        meta = {name: table.columns[index[name]].rows(pick) for name in META_COLUMNS if name in index}
        columns, found = meta_columns(q, meta, numbers, stem, "submitted_at")
        raw = {var: table.columns[index[var]].rows(pick) for var in q.variables}
        answers, answer_problems = clean_columns(q, raw, {})
        result.add(table, numbers, found + answer_problems)
        result.parts.append(Part(q, table, numbers, {**columns, **answers}))


def _guess(table: Table, answer_columns: list[str], questionnaires: Mapping[str, Questionnaire],
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
