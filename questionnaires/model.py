"""Typed, immutable view of a questionnaire definition (format version 1)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

Code = str | int
ROLES = ("teacher", "parent", "student", "principal", "other")
ROLE_LABELS = {"teacher": "教师", "parent": "家长", "student": "学生", "principal": "校长", "other": "其他"}
CHOICE_TYPES = ("single", "multiple", "scale")
QUESTION_TYPES = ("single", "multiple", "scale", "matrix", "number", "text")
TYPE_LABELS = {
    "single": "单选题",
    "multiple": "多选题",
    "scale": "量表题",
    "matrix": "矩阵量表题",
    "number": "数字填空题",
    "text": "填空题",
}
OTHER_CODE = "其他"
OTHER_LABEL = "其他（请注明）"
MULTI_SEPARATOR = "┋"
DEFAULT_MAX_LENGTH = 1000


@dataclass(frozen=True)
class Option:
    """One answer option; `code` is stored, `label` is shown and printed."""

    code: Code
    label: str
    score: float | None = None
    na: bool = False
    other: bool = False


@dataclass(frozen=True)
class Scale:
    id: str
    options: tuple[Option, ...]
    satisfied: tuple[Code, ...] | None = None


@dataclass(frozen=True)
class Row:
    id: str
    text: str


@dataclass(frozen=True)
class Question:
    """A question; for `scale` and `matrix` the options are the named scale's."""

    id: str
    type: str
    text: str
    number: int
    required: bool = True
    options: tuple[Option, ...] = ()
    scale: Scale | None = None
    rows: tuple[Row, ...] = ()
    min: float | None = None
    max: float | None = None
    integer: bool = False
    other: bool = False
    max_length: int = DEFAULT_MAX_LENGTH
    show_if: Mapping[str, tuple[Code, ...]] = field(default_factory=dict)

    @property
    def variables(self) -> list[str]:
        """Answer variables (data columns) of this question, `q2.other` and `q4.r1` included."""
        if self.type == "matrix":
            return [f"{self.id}.{row.id}" for row in self.rows]
        return [self.id, f"{self.id}.other"] if self.other else [self.id]

    @property
    def type_label(self) -> str:
        return TYPE_LABELS[self.type]

    def option(self, value: Any) -> Option | None:
        """The option whose code or label equals `value` (compared as text; codes first), else None."""
        key = _text(value)
        by_code, by_label = self._option_keys
        return by_code.get(key) or by_label.get(key)

    def option_by_code(self, code: Any) -> Option | None:
        return self._option_keys[0].get(_text(code))

    @cached_property
    def _option_keys(self) -> tuple[dict[str, Option], dict[str, Option]]:
        """Options by code as text and by label (其他（请注明） too for the other option); the first wins."""
        by_code: dict[str, Option] = {}
        by_label: dict[str, Option] = {}
        for opt in self.options:
            by_code.setdefault(_text(opt.code), opt)
            by_label.setdefault(opt.label, opt)
            if opt.other:
                by_label.setdefault(OTHER_LABEL, opt)
        return by_code, by_label

    @cached_property
    def _show_if_text(self) -> tuple[tuple[str, frozenset[str]], ...]:
        """`show_if` with the codes as text: (earlier variable, codes that show this question), ..."""
        return tuple((ref, frozenset(_text(c) for c in codes)) for ref, codes in self.show_if.items())


@dataclass(frozen=True)
class Questionnaire:
    id: str
    title: str
    role: str
    questions: tuple[Question, ...]
    scales: Mapping[str, Scale]
    intro: str = ""
    outro: str = ""
    source: str = ""
    content_hash: str = ""

    def question(self, qid: str) -> Question:
        """The question with id `qid`; a matrix row variable `q4.r1` gives its matrix."""
        base = qid.split(".", 1)[0]
        for q in self.questions:
            if q.id == base:
                return q
        raise KeyError(qid)

    @property
    def variables(self) -> list[str]:
        return [v for q in self.questions for v in q.variables]

    def is_visible(self, question: Question, answers: Mapping[str, Any]) -> bool:
        """Whether `question`'s show_if holds for `answers` (variable -> code or list of codes)."""
        for ref, wanted in question._show_if_text:
            given = answers.get(ref)
            chosen = given if isinstance(given, list | tuple | set | frozenset) else [given]
            if not any(c is not None and _text(c) in wanted for c in chosen):
                return False
        return True


def _text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()
