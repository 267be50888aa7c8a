"""The questionnaire form, built at run time from a questionnaire version, and its Chinese messages.

One WTForms field per variable (``q4.r1`` for matrix rows, ``q2.other`` for the other-text), plus the
one-time submit token and the signed start time. The fields only carry raw values: every rule (required,
show_if, option codes, counts, bounds, lengths) is checked by `questionnaires.clean_answers`, and its
`AnswerProblem`s are worded here for respondents.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask_wtf import FlaskForm
from wtforms import Field, HiddenField, StringField, TextAreaField

from questionnaires import AnswerProblem, Question, Questionnaire

SUBMIT_FIELD = "submit-token"      # hyphens cannot appear in question ids, so these never clash
STARTED_FIELD = "started-at"
OTHER_LABEL = "其他（请注明）"

_CLASSES: dict[str, type[FlaskForm]] = {}


class RawChoiceField(Field):
    """One choice, kept as sent: a single value as text, several values (a forged post) as a list.

    `clean_answers` decides what is valid (unknown codes, more than one value); nothing is dropped here.
    """

    def __init__(self, label: str | None = None, choices: Iterable[tuple[str, str]] = (), **kwargs: Any):
        super().__init__(label, **kwargs)
        self.choices = list(choices)

    def process_formdata(self, valuelist: list[str]) -> None:
        if not valuelist:
            self.data = None
        elif len(valuelist) == 1:
            self.data = valuelist[0]
        else:
            self.data = list(valuelist)

    def _value(self) -> str:
        return self.data if isinstance(self.data, str) else ""


class RawMultipleField(Field):
    """Several choices, kept as sent, always a list (codes and counts are checked by `clean_answers`)."""

    def __init__(self, label: str | None = None, choices: Iterable[tuple[str, str]] = (), **kwargs: Any):
        super().__init__(label, **kwargs)
        self.choices = list(choices)

    def process_formdata(self, valuelist: list[str]) -> None:
        self.data = list(valuelist)

    def process_data(self, value: Any) -> None:
        self.data = list(value) if isinstance(value, list | tuple) else []


def _choices(question: Question) -> list[tuple[str, str]]:
    return [(str(o.code), OTHER_LABEL if o.other else o.label) for o in question.options]


def field_key(variable: str) -> str:
    """The form attribute of a variable's field; its HTML name is the variable itself.

    The prefix keeps question ids such as `data` or `errors` clear of the form class's own attributes.
    """
    return f"v_{variable}"


def field_data(form: FlaskForm, variable: str) -> Any:
    return form[field_key(variable)].data


def _fields(question: Question) -> dict[str, Field]:
    fields: dict[str, Field] = {}
    if question.type == "matrix":
        for var, row in zip(question.variables, question.rows, strict=True):
            fields[field_key(var)] = RawChoiceField(row.text, _choices(question), name=var)
        return fields
    key = field_key(question.id)
    if question.type in ("single", "scale"):
        fields[key] = RawChoiceField(question.text, _choices(question), name=question.id)
    elif question.type == "multiple":
        fields[key] = RawMultipleField(question.text, _choices(question), name=question.id)
    elif question.type == "number":
        fields[key] = StringField(question.text, name=question.id)
    else:
        fields[key] = TextAreaField(question.text, name=question.id)
    if question.other:
        fields[field_key(f"{question.id}.other")] = StringField(OTHER_LABEL, name=f"{question.id}.other")
    return fields


def questionnaire_form_class(questionnaire: Questionnaire) -> type[FlaskForm]:
    """The form class of a questionnaire version (built with `type()` once per content hash, then cached)."""
    key = questionnaire.content_hash or questionnaire.id
    cls = _CLASSES.get(key)
    if cls is None:
        attrs: dict[str, Any] = {SUBMIT_FIELD: HiddenField(), STARTED_FIELD: HiddenField()}
        for question in questionnaire.questions:
            attrs.update(_fields(question))
        cls = type(f"QuestionnaireForm_{questionnaire.id.replace('-', '_')}", (FlaskForm,), attrs)
        _CLASSES[key] = cls
    return cls


_SPECS: dict[type, list[tuple[str, str, str]]] = {}


def _raw_spec(form_class: type[FlaskForm], questionnaire: Questionnaire) -> list[tuple[str, str, str]]:
    """(variable, HTML name, how its field reads a post) per variable, taken from the form class's fields."""
    spec = _SPECS.get(form_class)
    if spec is None:
        spec = []
        for var in questionnaire.variables:
            unbound = getattr(form_class, field_key(var))
            field_class = unbound.field_class
            name = unbound.kwargs.get("name", var)
            if issubclass(field_class, RawMultipleField):
                kind = "multiple"
            elif issubclass(field_class, RawChoiceField):
                kind = "choice"
            elif issubclass(field_class, StringField):
                kind = "text"
            else:  # pragma: no cover - every field of `_fields` is one of the above
                raise TypeError(f"no raw reading for {field_class.__name__}")
            spec.append((var, name, kind))
        _SPECS[form_class] = spec
    return spec


def posted_values(questionnaire: Questionnaire, formdata: Any) -> tuple[dict[str, Any], Any, Any]:
    """What a bound form of `questionnaire_form_class` would hold for a post, without binding one.

    Returns (raw answers as `raw_answers` gives them, submit token, start marker). Each value is read the
    way its field class reads a post (`RawChoiceField`, `RawMultipleField`, `StringField`), so the result
    equals ``raw_answers(form_class(formdata=formdata), questionnaire)``; binding the 37 fields of a
    questionnaire form costs more than the rest of a submission's Python work. CSRF is not checked here:
    `CSRFProtect` checks it before the view (see `routes._submit`).
    """
    raw: dict[str, Any] = {}
    for var, name, kind in _raw_spec(questionnaire_form_class(questionnaire), questionnaire):
        values = formdata.getlist(name)
        if kind == "multiple":
            value: Any = list(values)
        elif not values:
            value = None
        elif kind == "text" or len(values) == 1:
            value = values[0]
        else:
            value = list(values)
        if isinstance(value, str):
            value = value.replace("\r\n", "\n")   # a browser's maxlength counts a line break once
        raw[var] = value
    return raw, formdata.get(SUBMIT_FIELD), formdata.get(STARTED_FIELD)


def raw_answers(form: FlaskForm, questionnaire: Questionnaire) -> dict[str, Any]:
    """The submitted values of the questionnaire's variables only (fields of other forms never get here)."""
    raw = {var: field_data(form, var) for var in questionnaire.variables}
    for var, value in raw.items():
        if isinstance(value, str):
            raw[var] = value.replace("\r\n", "\n")   # a browser's maxlength counts a line break once
    return raw


# -- Chinese wording --------------------------------------------------------------------------------

def _num(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def number_rule(question: Question) -> str:
    """What a number question accepts, e.g. '0到168之间的整数'."""
    kind = "整数" if question.integer else "数字"
    low, high = question.min, question.max
    if low is not None and high is not None:
        return f"{_num(low)}到{_num(high)}之间的{kind}"
    if low is not None:
        return f"不小于{_num(low)}的{kind}"
    if high is not None:
        return f"不大于{_num(high)}的{kind}"
    return kind


def choice_hint(question: Question) -> str:
    """The count rule of a multiple-choice question, e.g. '（可多选，最多选3项）'."""
    if question.type != "multiple":
        return ""
    low = int(question.min) if question.min is not None else None
    high = int(question.max) if question.max is not None else None
    if low and high:
        return f"（请选择{low}～{high}项）" if low != high else f"（请选择{low}项）"
    if high:
        return f"（可多选，最多选{high}项）"
    if low and low > 1:
        return f"（可多选，至少选{low}项）"
    return "（可多选）"


def problem_message(question: Question, problem: AnswerProblem) -> str:
    """The Chinese message shown beside a question for one `AnswerProblem`."""
    kind = problem.kind
    if kind == "required":
        return "此项为必答项" if question.type == "matrix" else "此题为必答题"
    if kind == "other_required":
        return "请填写“其他”的具体内容"
    if kind == "unknown_option":
        return "所选选项无效，请重新选择"
    if kind == "one_only":
        return "只能选择一项"
    if kind == "repeated_option":
        return "选项重复，请重新选择"
    if kind == "too_few":
        return f"请至少选择{problem.limit}项"
    if kind == "too_many":
        return f"最多只能选择{problem.limit}项"
    if kind in ("not_number", "not_integer", "below_min", "above_max"):
        return f"请输入{number_rule(question)}"
    if kind == "too_long":
        return f"不能超过{problem.limit}字（当前{problem.value}字）"
    return "此题的回答无效，请检查"


def display_numbers(questionnaire: Questionnaire, values: dict[str, Any]) -> dict[str, int | None]:
    """The number shown before each question: 1, 2, 3 … over the questions visible for `values` (the
    answers on the page, variable -> set of codes or text), None for a hidden one.

    A question is visible when its show_if holds for the answers of the visible questions before it (the
    page's script applies the same rule as answers change). With no answers, every conditional question
    is hidden.
    """
    numbers: dict[str, int | None] = {}
    shown: dict[str, Any] = {}
    count = 0
    for question in questionnaire.questions:
        if questionnaire.is_visible(question, shown):
            count += 1
            numbers[question.id] = count
            shown.update((var, values.get(var)) for var in question.variables)
        else:
            numbers[question.id] = None
    return numbers


def condition_note(questionnaire: Questionnaire, question: Question,
                   numbers: dict[str, int | None] | None = None) -> str:
    """The note under a conditional question (seen without JavaScript), e.g. '（仅当第5题选择“是”时作答）';
    the question it depends on is named by its shown number (`display_numbers`) when it has one."""
    if not question.show_if:
        return ""
    parts = []
    for ref, codes in question.show_if.items():
        target = questionnaire.question(ref)
        labels = []
        for code in codes:
            option = target.option_by_code(code)
            label = str(code) if option is None else (OTHER_LABEL if option.other else option.label)
            labels.append(f"“{label}”")
        number = (numbers or {}).get(target.id) or target.number
        parts.append(f"第{number}题选择{'或'.join(labels)}")
    return f"（仅当{'，且'.join(parts)}时作答）"


def show_if_data(question: Question) -> dict[str, list[str]]:
    """`show_if` with codes as text, for the page's data attribute (the script compares text)."""
    return {ref: [str(c) for c in codes] for ref, codes in question.show_if.items()}
