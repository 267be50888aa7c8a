"""A leaf's actual value from its source (literal, share, satisfaction, text share, mean) with its evidence.

Every survey value counts valid responses only (after the source's filter); the question tables kept as
evidence are drawn from the same rows by :func:`analysis.tables.question_table`, so a report shows the
numbers the value was computed from. A value that cannot be computed raises :class:`Failed` naming the
place in the indicator file.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

import pandas as pd

from questionnaires import Question, Questionnaire
from questionnaires.errors import InputError

from ..frames import filter_frame, valid_only
from ..satisfaction import satisfaction, share
from ..tables import _key, _present, question_table
from .evidence import (
    CategoryCount,
    Evidence,
    LiteralEvidence,
    MeanEvidence,
    SatisfactionEvidence,
    ShareEvidence,
    SurveyOrigin,
    TextQuestion,
    TextShareEvidence,
)
from .model import (
    Literal,
    MeanSource,
    SatisfactionSource,
    ShareSource,
    SurveySource,
    TextShareSource,
    ValueSource,
)
from .rules import HUNDRED


class Context:
    """The responses frames and questionnaires a system is scored on; valid rows are taken once per form."""

    def __init__(self, data: Mapping[str, pd.DataFrame], questionnaires: Mapping[str, Questionnaire]):
        self.data = data
        self.questionnaires = questionnaires
        self._valid: dict[str, pd.DataFrame] = {}

    def frame(self, form: str) -> pd.DataFrame:
        if form not in self._valid:
            self._valid[form] = valid_only(self.data[form])
        return self._valid[form]


class Failed(Exception):
    """A value that cannot be computed; caught per leaf and reported with the leaf's names."""

    def __init__(self, place: str, problem: str):
        super().__init__(problem)
        self.place = place
        self.problem = problem


def literal_number(raw: Any) -> Decimal:
    """A finite number from a literal written or given (text or number); Failed otherwise."""
    if isinstance(raw, bool):
        raise Failed("", f"must be a number, got {raw!r}")
    try:
        number = raw if isinstance(raw, Decimal) else Decimal(str(raw).strip())
    except InvalidOperation:
        raise Failed("", f"must be a number, got {raw!r}") from None
    if not number.is_finite():
        raise Failed("", f"must be a finite number, got {raw!r}")
    return number


def given_literal(raw: Any) -> tuple[Decimal, str, Evidence]:
    """A literal value given by the evaluator (not written in the file), with its evidence."""
    number = literal_number(raw)
    return number, "", LiteralEvidence(number, given=True)


def source_value(source: ValueSource, place: str, context: Context) -> tuple[Decimal, str, Evidence]:
    """The value of `source`, the unit it is in ('%' for survey shares and rates) and its evidence."""
    if isinstance(source, Literal):
        return source.value, "", LiteralEvidence(source.value)
    if isinstance(source, MeanSource):
        parts = [source_value(item, f"{place}.mean[{i}]", context) for i, item in enumerate(source.items)]
        units = {unit for _, unit, _ in parts}
        mean = sum((v for v, _, _ in parts), Decimal(0)) / len(parts)
        return mean, units.pop() if len(units) == 1 else "", MeanEvidence(tuple(e for _, _, e in parts), mean)
    kind = {ShareSource: "share", SatisfactionSource: "satisfaction",
            TextShareSource: "text_share"}[type(source)]
    place = f"{place}.{kind}"
    form, questionnaire, frame = _survey_frame(source, place, context)
    try:
        origin = _origin(form, questionnaire, frame, source)
        if isinstance(source, ShareSource):
            return _share(source, questionnaire, frame, origin, place)
        if isinstance(source, SatisfactionSource):
            return _satisfaction(source, questionnaire, frame, origin, place)
        return _text_share(source, questionnaire, frame, origin, place)
    except (InputError, ValueError, KeyError) as exc:
        if isinstance(exc, InputError):
            message = "; ".join(f"{where}: {problem}" if where else problem
                                for where, problem in exc.problems)
        else:
            message = str(exc.args[0]) if isinstance(exc, KeyError) and exc.args else str(exc)
        raise Failed(place, message) from None


def _share(source: ShareSource, questionnaire: Questionnaire, frame: pd.DataFrame, origin: SurveyOrigin,
           place: str) -> tuple[Decimal, str, Evidence]:
    _check_variable(questionnaire, source.question, f"{place}.question", choice=True)
    found = share(frame, questionnaire, source.question, list(source.options))
    _answered(found.n, origin, source, place)
    question = questionnaire.question(source.question)
    wanted = {_key(question.option(o).code) for o in source.options}  # share() checked every option
    labels = tuple(o.label for o in question.options if _key(o.code) in wanted)
    value = HUNDRED * found.count / found.n
    table = question_table(frame, questionnaire, source.question)
    return value, "%", ShareEvidence(origin, table, labels, found.count, found.n, value)


def _satisfaction(source: SatisfactionSource, questionnaire: Questionnaire, frame: pd.DataFrame,
                  origin: SurveyOrigin, place: str) -> tuple[Decimal, str, Evidence]:
    variables: list[str] = []
    for i, qid in enumerate(source.questions):
        variables.extend(_check_variable(questionnaire, qid, f"{place}.questions[{i}]", scale=True))
    found = satisfaction(frame, questionnaire, variables, source.method)
    _answered(found.n, origin, source, place)
    if source.method == "top_box":
        value, unit = HUNDRED * found.satisfied / found.n, "%"
    else:
        value, unit = Decimal(str(found.rate)), ""
    questions = [questionnaire.question(qid) for qid in dict.fromkeys(v.split(".", 1)[0] for v in variables)]
    satisfied = [o.label for q in questions if q.scale is not None and q.scale.satisfied
                 for o in q.options if _key(o.code) in {_key(c) for c in q.scale.satisfied}]
    evidence = SatisfactionEvidence(
        origin=origin, method=source.method,
        tables=tuple(question_table(frame, questionnaire, v) for v in variables),
        satisfied_labels=tuple(dict.fromkeys(satisfied)),
        na_labels=tuple(dict.fromkeys(o.label for q in questions for o in q.options if o.na)),
        scores=tuple(dict.fromkeys((o.label, Decimal(str(o.score))) for q in questions for o in q.options
                                   if not o.na and o.score is not None)),
        n=found.n, na=found.na, satisfied=found.satisfied, value=value)
    return value, unit, evidence


def _text_share(source: TextShareSource, questionnaire: Questionnaire, frame: pd.DataFrame,
                origin: SurveyOrigin, place: str) -> tuple[Decimal, str, Evidence]:
    _check_variable(questionnaire, source.question, f"{place}.question", text=True)
    from ..text import CATEGORIES, category_table, open_answers  # here: the module loads the tokenizer

    if source.category not in CATEGORIES:
        raise Failed(f"{place}.category", f"unknown category {source.category}; expected one of "
                                          f"{', '.join(CATEGORIES)}")
    table = category_table(open_answers(frame, questionnaire, source.question))
    categories = tuple(CategoryCount(c, label, int(n)) for c, label, n
                       in zip(table["category"], table["label"], table["count"], strict=True))
    n = sum(c.count for c in categories)
    _answered(n, origin, source, place)
    count = next(c.count for c in categories if c.category == source.category)
    value = HUNDRED * count / n
    question = _text_question(questionnaire.question(source.question), source.question)
    return value, "%", TextShareEvidence(origin, question, source.category, categories, count, n, value)


def _text_question(question: Question, variable: str) -> TextQuestion:
    if variable == question.id:
        return TextQuestion(variable, question.number, question.type, question.text)
    return TextQuestion(variable, question.number, "text", f"{question.text}（选择“其他”时填写的内容）")


def _origin(form: str, questionnaire: Questionnaire, frame: pd.DataFrame, source: SurveySource,
            ) -> SurveyOrigin:
    units: tuple[str, ...] = ()
    if source.filter is not None and source.filter.unit:
        names = {}
        if "unit_name" in frame.columns:
            for code, name in zip(frame["unit"].tolist(), frame["unit_name"].tolist(), strict=True):
                if _present(code) and _present(name):
                    names.setdefault(_key(code), str(name))
        units = tuple(names.get(_key(code), str(code)) for code in source.filter.unit)
    return SurveyOrigin(form, questionnaire.title, questionnaire.role, source.filter, units, len(frame))


def _survey_frame(source: SurveySource, place: str, context: Context,
                  ) -> tuple[str, Questionnaire, pd.DataFrame]:
    form = source.form
    if form is None:
        if len(context.data) != 1:
            given = ", ".join(context.data) or "none"
            raise Failed(f"{place}.form", f"name the questionnaire: the data hold {len(context.data)} "
                                          f"questionnaires ({given})")
        form = next(iter(context.data))
    if form not in context.data:
        given = ", ".join(context.data) or "none"
        raise Failed(f"{place}.form",
                     f"no response data for questionnaire {form!r} (data given for: {given})")
    if form not in context.questionnaires:
        raise Failed(f"{place}.form", f"unknown questionnaire {form!r}: its definition was not found")
    frame = context.frame(form)
    if source.filter is not None:
        frame = filter_frame(frame, unit=source.filter.unit, role=source.filter.role)
    return form, context.questionnaires[form], frame


def _check_variable(questionnaire: Questionnaire, variable: str, place: str, *, choice: bool = False,
                    scale: bool = False, text: bool = False) -> list[str]:
    """The data variables `variable` names (a whole matrix gives its rows), after checking its type."""
    try:
        question = questionnaire.question(variable)
    except KeyError:
        raise Failed(place, f"questionnaire {questionnaire.id!r} has no question {variable!r}") from None
    if variable != question.id and variable not in question.variables:
        what = f"a row of matrix {question.id!r}" if question.type == "matrix" \
            else f"a variable of {question.id!r}"
        raise Failed(place, f"{variable!r} is not {what} in {questionnaire.id!r}")
    if variable.endswith(".other") and not text:
        raise Failed(place, f"{variable!r} is an other-text; name the question {question.id!r}")
    kind = question.type
    if choice and (kind not in ("single", "multiple", "scale", "matrix") or
                   (kind == "matrix" and variable == question.id)):
        wanted = "a matrix row such as " + question.variables[0] if kind == "matrix" \
            else "a single, multiple, scale question or a matrix row"
        raise Failed(place, f"{variable!r} is a {kind} question; share needs {wanted}")
    if scale:
        if kind not in ("scale", "matrix"):
            raise Failed(place, f"{variable!r} is a {kind} question; satisfaction needs scale or matrix "
                                "questions")
        return list(question.variables) if variable == question.id else [variable]
    if text and kind != "text" and not variable.endswith(".other"):
        raise Failed(place, f"{variable!r} is a {kind} question; text_share needs an open (text) question "
                            "or an other-text such as q2.other")
    return [variable]


def _answered(n: int, origin: SurveyOrigin, source: SurveySource, place: str) -> None:
    if not n:
        narrowed = ""
        if source.filter is not None:
            conditions = (("unit", source.filter.unit), ("role", source.filter.role))
            parts = [f"{k} in {list(v)}" for k, v in conditions if v]
            narrowed = " with " + " and ".join(parts)
        raise Failed(place, f"no valid answers in {origin.form!r}{narrowed}: the value cannot be computed")
