"""What reading one table gives: the rows of each questionnaire as columns, problems by place, notes."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from questionnaires import Questionnaire

from .answers import Problem
from .tables import Table


@dataclass
class Part:
    """The rows of one table that answer one questionnaire, as frame columns (meta, then variables)."""

    questionnaire: Questionnaire
    table: Table
    numbers: np.ndarray  # file row numbers of these rows
    columns: dict[str, Any]
    hosted: bool = False  # the hosted tool's export: ids are its 序号


@dataclass
class TableResult:
    parts: list[Part] = field(default_factory=list)
    problems: list[tuple[int, int, str, str]] = field(default_factory=list)  # (row, order, place, problem)
    notes: list[str] = field(default_factory=list)

    def fail(self, place: str, problem: str) -> TableResult:
        self.problems.append((0, 0, place, problem))
        return self

    def add(self, table: Table, numbers: np.ndarray, found: list[Problem]) -> None:
        """Problems found on rows of a part (positions into `numbers`), placed by row and column."""
        for pos, order, column, problem in found:
            number = int(numbers[pos])
            self.problems.append((number, order, table.place(number, column), problem))
