"""Write a questionnaire document (the parsed YAML of format version 1) as readable YAML.

The layout follows the shipped files: top keys in the order of the format, a blank line before `scales`
and `questions` and between questions, short option lists and options, rows and conditions in flow style
(``{code: 5, label: 非常满意, score: 100}``), long texts as literal blocks. Every scalar is written plain
only when YAML reads it back as the same value, else quoted, so ``safe_load(dump_questionnaire(d)) == d``.
"""

from __future__ import annotations

import math
from typing import Any

import yaml

TOP_ORDER = ("format", "id", "title", "role", "intro", "outro", "scales", "questions")
QUESTION_ORDER = ("id", "type", "scale", "text", "options", "rows", "min", "max", "integer", "other", "required",
                  "max_length", "show_if")
OPTION_ORDER = ("code", "label", "score", "na")
FLOW_WIDTH = 100
INDENT = "  "


def dump_questionnaire(document: dict[str, Any]) -> str:
    """YAML text of a questionnaire `document`, in the style of the project's questionnaire files.

    Examples
    --------
    >>> print(dump_questionnaire({"format": 1, "id": "x", "title": "标题", "role": "parent",
    ...     "questions": [{"id": "q1", "type": "single", "text": "是否？", "options": ["是", "否"]}]}), end="")
    format: 1
    id: x
    title: 标题
    role: parent
    <BLANKLINE>
    questions:
      - id: q1
        type: single
        text: 是否？
        options: [是, 否]
    """
    lines: list[str] = []
    for key in _ordered(document, TOP_ORDER):
        value = document[key]
        if key == "scales" and isinstance(value, dict):
            lines += ["", "scales:"]
            for name, scale in value.items():
                lines.append(f"{INDENT}{_scalar(name)}:")
                lines += _mapping_lines(scale, ("options", "satisfied"), 2) if isinstance(scale, dict) \
                    else [f"{INDENT * 2}{_flow(scale)}"]
        elif key == "questions" and isinstance(value, list):
            lines += ["", "questions:"]
            for i, question in enumerate(value):
                if i:
                    lines.append("")
                lines += _list_item(question, QUESTION_ORDER, 1)
        else:
            lines += _key_value(key, value, 0)
    return "\n".join(lines) + "\n"


def long_text(text: str) -> str:
    r"""`text` as a questionnaire holds a typed introduction or closing text: trimmed, and ending with a line
    break when it has several lines (as a YAML literal block ``|`` gives it), so the same words typed again
    are the same content.

    >>> long_text("  尊敬的家长：\n您好！ "), long_text("感谢您的参与！\n")
    ('尊敬的家长：\n您好！\n', '感谢您的参与！')
    """
    text = text.replace("\r\n", "\n").strip()
    return text + "\n" if "\n" in text else text


def _ordered(mapping: dict, order: tuple[str, ...]) -> list:
    """Keys of `mapping`: the known ones in `order`, then any others as given (the loader reports them)."""
    return [k for k in order if k in mapping] + [k for k in mapping if k not in order]


def _list_item(item: Any, order: tuple[str, ...], depth: int) -> list[str]:
    """A block list item `- key: value` whose mapping keys line up under the first."""
    if not isinstance(item, dict) or not item:
        return [f"{INDENT * depth}- {_flow(item)}"]
    body = _mapping_lines(item, order, depth + 1)
    first = body[0][len(INDENT * (depth + 1)):]
    return [f"{INDENT * depth}- {first}", *body[1:]]


def _mapping_lines(mapping: dict, order: tuple[str, ...], depth: int) -> list[str]:
    lines: list[str] = []
    for key in _ordered(mapping, order):
        lines += _key_value(key, mapping[key], depth)
    return lines


def _key_value(key: Any, value: Any, depth: int) -> list[str]:
    pad = INDENT * depth
    head = f"{pad}{_scalar(key)}:"
    if isinstance(value, str) and "\n" in value and _block_safe(value):
        indicator = "|" if value.endswith("\n") else "|-"
        body = value[:-1] if indicator == "|" else value
        return [f"{head} {indicator}", *(f"{pad}{INDENT}{line}" if line else "" for line in body.split("\n"))]
    if isinstance(value, list | dict) and value:
        flow = _flow(value)
        if len(head) + 1 + len(flow) <= FLOW_WIDTH and not _has_nested_mapping_list(value):
            return [f"{head} {flow}"]
        if isinstance(value, list):
            return [head, *(line for item in value for line in _list_item_flow(item, depth + 1))]
        return [head, *_mapping_lines(value, (), depth + 1)]
    return [f"{head} {_flow(value)}"]


def _has_nested_mapping_list(value: Any) -> bool:
    """A list of several mappings (options with codes, matrix rows) reads best one per line."""
    return isinstance(value, list) and len(value) > 1 and any(isinstance(v, dict) for v in value)


def _list_item_flow(item: Any, depth: int) -> list[str]:
    """One list item on one line (a flow mapping for options and rows) when it fits, else in block style."""
    flow = _flow(item)
    if len(INDENT * depth) + 2 + len(flow) <= FLOW_WIDTH or not isinstance(item, dict):
        return [f"{INDENT * depth}- {flow}"]
    return _list_item(item, OPTION_ORDER, depth)


def _block_safe(text: str) -> bool:
    """Whether `text` reads back the same from a literal block: no leading blank or indented first line,
    no trailing spaces lost, no characters YAML would fold or reject."""
    if text[:1] in (" ", "\t", "\n") or text.endswith("\n\n") or text.rstrip("\n") != text.rstrip():
        return False
    return text.isprintable() or all(c.isprintable() or c in "\n\t" for c in text)


def _flow(value: Any) -> str:
    """A value on one line: flow lists and mappings, scalars plain when that reads back the same."""
    if isinstance(value, dict):
        keys = _ordered(value, OPTION_ORDER)
        return "{" + ", ".join(f"{_scalar(k)}: {_flow(value[k])}" for k in keys) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_flow(v) for v in value) + "]"
    return _scalar(value)


def _scalar(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _float(value)
    text = str(value)
    if _reads_back(text):
        return text
    return yaml.safe_dump(text, default_style='"', allow_unicode=True, width=1 << 30).rstrip("\n").removesuffix(
        "\n...").rstrip("\n")


def _float(value: float) -> str:
    if math.isnan(value):
        return ".nan"
    if math.isinf(value):
        return ".inf" if value > 0 else "-.inf"
    text = repr(value)
    if "e" in text and "." not in text.split("e")[0]:     # PyYAML reads 1e-05 as text, 1.0e-05 as a number
        mantissa, exponent = text.split("e")
        text = f"{mantissa}.0e{exponent}"
    return text


def _reads_back(text: str) -> bool:
    """Whether `text` can stand plain both in a flow list and after a block key."""
    if not text or text != text.strip() or not text.isprintable():
        return False
    try:
        return yaml.safe_load(f"[{text}]") == [text] and yaml.safe_load(f"k: {text}") == {"k": text}
    except yaml.YAMLError:
        return False
