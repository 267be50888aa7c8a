"""The questionnaire editor's data: form data (what the editor's fields hold) to a questionnaire document
and back, the editor's buttons (add, move, delete) applied to form data, and loader places mapped to the
question or scale they concern.

Form data is the nested dict of `forms.EditorForm.data`: every value as text or a tick, lists for
questions, options, rows, conditions and scales. The document is what YAML holds (format version 1); it
is written by `questionnaires.writer.dump_questionnaire` and validated by the loader, which reports
anything wrong (a minimum that is not a number stays text, so the loader names it).
"""

from __future__ import annotations

import copy
import re
from typing import Any

from questionnaires import Questionnaire, QuestionnaireError, parse_questionnaire
from questionnaires.model import OTHER_CODE, OTHER_LABEL
from questionnaires.writer import dump_questionnaire, long_text

CHOICE_KEYS = ("single", "multiple")
INTEGER = re.compile(r"^-?\d+$")
NUMBER = re.compile(r"^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$")
QUESTION_PLACE = re.compile(r"^questions\[(\d+)\]")
SCALE_PLACE = re.compile(r"^scales\.([^.\[]+)")


# -- form data -> document ------------------------------------------------------------------------------

def document_from_data(data: dict[str, Any]) -> dict[str, Any]:
    """The questionnaire document the editor's fields describe (every question kept, even an empty one,
    so that the loader's `questions[i]` is the editor's question i)."""
    document: dict[str, Any] = {"format": 1, "id": _text(data.get("qid")), "title": _text(data.get("title")),
                                "role": _text(data.get("role"))}
    for key in ("intro", "outro"):
        value = long_text(_text(data.get(key)))
        if value:
            document[key] = value
    scales = {}
    for scale in data.get("scales") or []:
        name = _text(scale.get("name"))
        if name:
            options = [o for o in map(_option, scale.get("options") or []) if o is not None]
            body: dict[str, Any] = {"options": options}
            satisfied = [_code_of(code, options) for code in scale.get("satisfied") or [] if _text(code)]
            if satisfied:
                body["satisfied"] = satisfied
            scales[name] = body
    if scales:
        document["scales"] = scales
    questions = [_question(q) for q in data.get("questions") or []]
    by_id = {q["id"]: q for q in questions}
    for question in questions:
        _resolve_conditions(question, by_id, scales)
    document["questions"] = questions
    return document


def _question(data: dict[str, Any]) -> dict[str, Any]:
    qtype = _text(data.get("type")) or "single"
    item: dict[str, Any] = {"id": _text(data.get("id")), "type": qtype}
    if qtype in ("scale", "matrix"):
        item["scale"] = _text(data.get("scale"))
    item["text"] = _text(data.get("text"))
    if qtype in CHOICE_KEYS:
        item["options"] = [o for o in map(_option, data.get("options") or []) if o is not None]
    if qtype == "matrix":
        item["rows"] = [{"id": _text(r.get("id")), "text": _text(r.get("text"))} for r in data.get("rows") or []
                        if _text(r.get("id")) or _text(r.get("text"))]
    if qtype in ("multiple", "number"):
        for key in ("min", "max"):
            value = _number(data.get(key))
            if value is not None:
                item[key] = value
    if qtype == "number" and data.get("integer"):
        item["integer"] = True
    if qtype in CHOICE_KEYS and data.get("other"):
        item["other"] = True
    if not data.get("required"):
        item["required"] = False
    if qtype == "text":
        length = _number(data.get("max_length"))
        if length is not None:
            item["max_length"] = length
    conditions = {}
    for condition in data.get("show_if") or []:
        ref = _text(condition.get("question"))
        codes = [_text(c) for c in condition.get("codes") or [] if _text(c)]
        if ref:
            conditions[ref] = codes
    if conditions:
        item["show_if"] = conditions
    return item


def _resolve_conditions(question: dict, by_id: dict[str, dict], scales: dict[str, dict]) -> None:
    """Codes of conditions typed back as the referenced question's codes (5, not '5')."""
    for ref, codes in (question.get("show_if") or {}).items():
        target = by_id.get(ref.split(".")[0])
        if target is None:
            continue
        options = target.get("options") or scales.get(target.get("scale", ""), {}).get("options") or []
        if target.get("other"):
            options = [*options, OTHER_CODE]
        question["show_if"][ref] = [_code_of(code, options) for code in codes]


def _option(data: dict[str, Any]) -> Any:
    """An option as the format writes it: plain text when code = label and nothing else is set."""
    code, label = _text(data.get("code")), _text(data.get("label"))
    if not code and not label:
        return None
    score = _number(data.get("score"))
    na = bool(data.get("na"))
    if (not code or code == label) and score is None and not na:
        return label
    option: dict[str, Any] = {"code": int(code) if INTEGER.match(code) else (code or label), "label": label}
    if score is not None:
        option["score"] = score
    if na:
        option["na"] = True
    return option


def _code_of(code: str, options: list) -> Any:
    """`code` as the option's own code (an int where the option's code is one)."""
    for option in options:
        value = option.get("code") if isinstance(option, dict) else option
        if str(value) == code:
            return value
    return int(code) if INTEGER.match(code) else code


def _text(value: Any) -> str:
    return "" if value is None else str(value).replace("\r\n", "\n").strip()


def _number(value: Any) -> Any:
    """A number typed in a field: int or float; other text as it is (the loader reports it); None if empty."""
    text = _text(value)
    if not text:
        return None
    if INTEGER.match(text):
        return int(text)
    if NUMBER.match(text):
        return float(text)
    return text


def check_data(data: dict[str, Any]) -> tuple[str, Questionnaire | None, list[tuple[str, str]]]:
    """The YAML the editor's data makes, its questionnaire (None when invalid) and the loader's problems."""
    document = document_from_data(data)
    yaml_text = dump_questionnaire(document)
    try:
        questionnaire = parse_questionnaire(yaml_text, f"{document['id'] or 'questionnaire'}.yaml")
    except QuestionnaireError as exc:
        return yaml_text, None, exc.problems
    return yaml_text, questionnaire, []


def condition_choices(data: dict[str, Any]) -> list[list[tuple[str, str, list[tuple[str, str]]]]]:
    """For each question, the earlier answers a condition may name: (variable, label, [(code, label)])."""
    document = document_from_data(data)
    scales = document.get("scales", {})
    found: list[tuple[str, str, list[tuple[str, str]]]] = []
    per_question = []
    for number, question in enumerate(document["questions"], start=1):
        per_question.append(list(found))
        options = question.get("options") or scales.get(question.get("scale", ""), {}).get("options") or []
        codes = [_code_label(o) for o in options if _code_label(o)[0]]
        if question.get("other"):
            codes.append((OTHER_CODE, OTHER_LABEL))
        text = question["text"][:24] or question["id"]
        if question["type"] in ("single", "multiple", "scale"):
            found.append((question["id"], f"第 {number} 题 {text}", codes))
        elif question["type"] == "matrix":
            found += [(f"{question['id']}.{row['id']}", f"第 {number} 题 {row['text']}", codes)
                      for row in question.get("rows") or []]
    return per_question


def _code_label(option: Any) -> tuple[str, str]:
    if isinstance(option, dict):
        return str(option.get("code", "")), str(option.get("label", ""))
    return str(option), str(option)


# -- document -> form data ------------------------------------------------------------------------------

def data_from_document(document: dict[str, Any]) -> dict[str, Any]:
    """The editor's field values for a questionnaire document."""
    return {
        "qid": document.get("id", ""), "title": document.get("title", ""), "role": document.get("role", "other"),
        "intro": (document.get("intro") or "").strip(), "outro": (document.get("outro") or "").strip(),
        "scales": [{"name": name, "options": [_option_data(o) for o in body.get("options", [])],
                    "satisfied": [str(c) for c in body.get("satisfied", [])]}
                   for name, body in (document.get("scales") or {}).items()],
        "questions": [_question_data(q) for q in document.get("questions") or []],
    }


def _question_data(question: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": question.get("id", ""), "type": question.get("type", "single"), "text": question.get("text", ""),
        "required": question.get("required", True), "scale": question.get("scale", ""),
        "options": [_option_data(o) for o in question.get("options") or []],
        "other": question.get("other", False), "integer": question.get("integer", False),
        "min": _shown(question.get("min")), "max": _shown(question.get("max")),
        "max_length": _shown(question.get("max_length")),
        "rows": [{"id": r.get("id", ""), "text": r.get("text", "")} for r in question.get("rows") or []],
        "show_if": [{"question": ref, "codes": [str(c) for c in codes]}
                    for ref, codes in (question.get("show_if") or {}).items()],
    }


def _option_data(option: Any) -> dict[str, Any]:
    if not isinstance(option, dict):
        return {"code": "", "label": str(option), "score": "", "na": False}
    code, label = option.get("code", ""), option.get("label", "")
    return {"code": "" if str(code) == label else str(code), "label": label, "score": _shown(option.get("score")),
            "na": bool(option.get("na"))}


def _shown(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# -- the editor's buttons -------------------------------------------------------------------------------

def new_question(data: dict[str, Any]) -> dict[str, Any]:
    taken = {q.get("id") for q in data.get("questions") or []}
    number = len(taken) + 1
    while f"q{number}" in taken:
        number += 1
    return _question_data({"id": f"q{number}", "type": "single", "text": "",
                           "options": [{"code": "", "label": ""}, {"code": "", "label": ""}]})


def _new_item(data: dict[str, Any], parent: Any, kind: str) -> dict[str, Any]:
    if kind == "questions":
        return new_question(data)
    if kind == "options":
        return {"code": "", "label": "", "score": "", "na": False}
    if kind == "rows":
        taken = {r.get("id") for r in parent}
        number = len(parent) + 1
        while f"r{number}" in taken:
            number += 1
        return {"id": f"r{number}", "text": ""}
    if kind == "show_if":
        return {"question": "", "codes": []}
    taken = {s.get("name") for s in parent}
    number = len(parent) + 1
    while f"scale{number}" in taken:
        number += 1
    return {"name": f"scale{number}", "satisfied": [],
            "options": [{"code": str(5 - k), "label": label, "score": str(score), "na": False}
                        for k, (label, score) in enumerate(zip(("非常满意", "满意", "一般", "不满意", "非常不满意"),
                                                               (100, 80, 60, 30, 0), strict=True))]}


LISTS = ("questions", "scales", "options", "rows", "show_if")


def apply_action(data: dict[str, Any], action: str) -> dict[str, Any]:
    """Apply an editor button to form data: ``add:<list>``, ``up:<item>``, ``down:<item>``, ``delete:<item>``
    where a list is a dotted path such as ``questions.2.options`` and an item one with its index,
    ``questions.2.options.0``. Returns new data (the input is not changed); an unknown action changes
    nothing."""
    verb, _, path = action.partition(":")
    parts = path.split(".") if path else []
    result = copy.deepcopy(data)
    if verb == "add":
        target = _walk(result, parts)
        if not isinstance(target, list) or not parts or parts[-1] not in LISTS:
            return data
        target.append(_new_item(result, target, parts[-1]))
        return result
    if verb in ("up", "down", "delete") and len(parts) >= 2 and parts[-1].isdigit():
        items = _walk(result, parts[:-1])
        index = int(parts[-1])
        if not isinstance(items, list) or parts[-2] not in LISTS or index >= len(items):
            return data
        if verb == "delete":
            del items[index]
        else:
            other = index - 1 if verb == "up" else index + 1
            if 0 <= other < len(items):
                items[index], items[other] = items[other], items[index]
        return result
    return data


def _walk(data: Any, parts: list[str]) -> Any:
    node = data
    for part in parts:
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return None
    return node


# -- loader problems beside the question ----------------------------------------------------------------

def problems_by_place(problems: list[tuple[str, str]], data: dict[str, Any]) -> dict[str, list[str]]:
    """Messages of (loader place, message) pairs grouped under ``q<i>`` (editor question i), ``s<i>``
    (scale i) or ``top``."""
    scale_index = {_text(s.get("name")): i for i, s in enumerate(data.get("scales") or [])}
    grouped: dict[str, list[str]] = {}
    for place, problem in problems:
        question = QUESTION_PLACE.match(place)
        scale = SCALE_PLACE.match(place)
        if question:
            key = f"q{question.group(1)}"
        elif scale and scale.group(1) in scale_index:
            key = f"s{scale_index[scale.group(1)]}"
        else:
            key = "top"
        grouped.setdefault(key, []).append(problem)
    return grouped
