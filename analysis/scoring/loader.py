"""Load and validate indicator-system YAML files (format version 1, see docs/formats/indicators.md).

Every problem is collected with its place in the file
(``indicators[2].children[0].children[1].rule.threshold``) and reported at once in one
:class:`ScoringError`; nothing is scored from a malformed file.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

from questionnaires.model import ROLES
from questionnaires.yamlfile import Problems, parse_yaml, read_text

from .model import (
    RULE_TYPES,
    SATISFACTION_METHODS,
    ChecklistItem,
    Filter,
    GradeBand,
    Group,
    IndicatorSystem,
    Leaf,
    Literal,
    MeanSource,
    Override,
    Rule,
    SatisfactionSource,
    ScoringError,
    ShareSource,
    TextShareSource,
    ValueSource,
)
from .rules import round_score

TOP_KEYS = {"format", "title", "grades", "indicators"}
GROUP_KEYS = {"name", "children"}
LEAF_KEYS = {"name", "weight", "target", "value", "rule", "override"}
RULE_KEYS = {
    "manual": {"score"},
    "yes_no": {"met"},
    "checklist": {"items"},
    "proportional": {"round_value"},
    "deduct_below": {"threshold", "per_point", "floor"},
    "deduct_above": {"threshold", "per_point", "ceiling"},
    "ratio_below": {"threshold"},
}
REQUIRED_RULE_KEYS = {
    "manual": ("score",),
    "yes_no": ("met",),
    "checklist": ("items",),
    "proportional": (),
    "deduct_below": ("threshold", "per_point"),
    "deduct_above": ("threshold", "per_point"),
    "ratio_below": ("threshold",),
}
SOURCE_KEYS = {
    "share": ({"form", "question", "options", "filter"}, ("question", "options")),
    "satisfaction": ({"form", "questions", "method", "filter"}, ("questions",)),
    "text_share": ({"form", "question", "category", "filter"}, ("question", "category")),
}
VALUE_KINDS = ("share", "satisfaction", "text_share", "mean")
FORM_ID = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
VARIABLE = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)?$")
LEVEL_NAMES = {1: "level-1", 2: "level-2"}


def load_indicators(path: str | Path) -> IndicatorSystem:
    """Read and validate one indicator-system file.

    Raises
    ------
    ScoringError
        Naming the file, the place inside it and the problem, for every problem found.
    """
    text = read_text(path, ScoringError)
    return parse_indicators(text, str(path))


def parse_indicators(text: str, source: str = "<string>") -> IndicatorSystem:
    """Validate indicator-system YAML `text`; `source` names it in error messages.

    >>> system = parse_indicators(open("questionnaires/indicators/lamps.yaml").read())  # doctest: +SKIP
    """
    raw = parse_yaml(text, source, ScoringError)
    errors = Problems()
    system = _build(raw, source, errors)
    if errors.problems or system is None:
        raise ScoringError(source, errors.problems or [("", "the file holds no indicator system")])
    return system


# -- validation -------------------------------------------------------------------------------------------

def _build(raw: Any, source: str, errors: Problems) -> IndicatorSystem | None:
    if not isinstance(raw, dict):
        errors.add("", "the file must be a mapping with format, title, grades and indicators")
        return None
    errors.unknown_keys(raw, TOP_KEYS, "")
    for key in sorted(TOP_KEYS):
        if key not in raw:
            errors.add(key, "is required")
    if "format" in raw and (raw["format"] != 1 or isinstance(raw["format"], bool)):
        errors.add("format", f"must be 1, got {raw['format']!r}")
    title = raw.get("title")
    if "title" in raw and not (isinstance(title, str) and title.strip()):
        errors.add("title", f"must be non-empty text, got {title!r}")
    grades = _grades(raw["grades"], errors) if "grades" in raw else []
    groups = _groups(raw["indicators"], errors) if "indicators" in raw else []
    if errors.problems:
        return None
    return IndicatorSystem(title=title.strip(), grades=tuple(grades), indicators=tuple(groups), source=source)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and value == value \
        and value not in (float("inf"), float("-inf"))


def _decimal(value: Any) -> Decimal:
    """The number as written: 2.675 stays 2.675 (not the nearest binary float)."""
    return Decimal(str(value))


def _number(mapping: dict, key: str, path: str, errors: Problems, *, required: bool = False,
            positive: bool = False, non_negative: bool = False) -> Decimal | None:
    where = f"{path}.{key}"
    if key not in mapping:
        if required:
            errors.add(where, "is required")
        return None
    value = mapping[key]
    if not _is_number(value):
        errors.add(where, f"must be a number, got {value!r}")
        return None
    number = _decimal(value)
    if positive and number <= 0:
        errors.add(where, f"must be greater than 0, got {value}")
        return None
    if non_negative and number < 0:
        errors.add(where, f"must not be negative, got {value}")
        return None
    return number


def _bool(mapping: dict, key: str, path: str, errors: Problems) -> bool | None:
    where = f"{path}.{key}"
    if key not in mapping:
        errors.add(where, "is required")
        return None
    value = mapping[key]
    if not isinstance(value, bool):
        errors.add(where, f"must be true or false, got {value!r}")
        return None
    return value


def _name(mapping: dict, path: str, errors: Problems) -> str | None:
    if "name" not in mapping:
        errors.add(f"{path}.name", "is required")
        return None
    name = mapping["name"]
    if isinstance(name, int | float) and not isinstance(name, bool):
        name = str(name)
    if not isinstance(name, str) or not name.strip():
        errors.add(f"{path}.name", f"must be non-empty text, got {name!r}")
        return None
    return name.strip()


def _grades(raw: Any, errors: Problems) -> list[GradeBand]:
    if not isinstance(raw, list) or not raw:
        errors.add("grades", "must be a non-empty list of {grade, min}, highest first")
        return []
    bands: list[GradeBand] = []
    for i, item in enumerate(raw):
        where = f"grades[{i}]"
        if not isinstance(item, dict):
            errors.add(where, "must be a mapping with grade and min")
            continue
        errors.unknown_keys(item, {"grade", "min"}, where)
        grade = item.get("grade")
        if "grade" not in item:
            errors.add(f"{where}.grade", "is required")
        elif not isinstance(grade, str) or not grade.strip():
            errors.add(f"{where}.grade", f"must be non-empty text, got {grade!r}")
            grade = None
        elif any(b.grade == grade.strip() for b in bands):
            errors.add(f"{where}.grade", f"duplicate grade {grade!r}")
            grade = None
        low = _number(item, "min", where, errors, required=True)
        if bands and low is not None and low >= bands[-1].min:
            errors.add(f"{where}.min", f"grades must be listed highest first with descending min: {low} "
                                       f"is not below {bands[-1].min} of grade {bands[-1].grade!r}")
            continue
        if grade and low is not None:
            bands.append(GradeBand(grade=grade.strip(), min=low))
    return bands


def _groups(raw: Any, errors: Problems) -> list[Group]:
    if not isinstance(raw, list) or not raw:
        errors.add("indicators", "must be a non-empty list of level-1 indicators")
        return []
    return _children(raw, "indicators", 1, (), errors)


def _children(raw: list, path: str, level: int, parents: tuple[str, ...], errors: Problems,
              ) -> list[Any]:
    nodes: list[Any] = []
    seen: set[str] = set()
    for i, item in enumerate(raw):
        where = f"{path}[{i}]"
        if not isinstance(item, dict):
            wanted = "children" if level < 3 else "weight and rule"
            errors.add(where, f"must be a mapping with name and {wanted}")
            continue
        name = _name(item, where, errors)
        if name is not None:
            if name in seen:
                errors.add(f"{where}.name", f"duplicate name {name!r} at this level")
            seen.add(name)
        if level < 3:
            node = _group(item, where, level, parents, name, errors)
        else:
            node = _leaf(item, where, parents, name, errors)
        if node is not None:
            nodes.append(node)
    return nodes


def _group(item: dict, where: str, level: int, parents: tuple[str, ...], name: str | None,
           errors: Problems) -> Group | None:
    leaf_keys = sorted(set(item) & (LEAF_KEYS - GROUP_KEYS))
    if "children" not in item and leaf_keys:
        errors.add(where, f"a {LEVEL_NAMES[level]} indicator needs children (scored leaves are level 3; "
                          f"found {', '.join(leaf_keys)})")
        return None
    errors.unknown_keys(item, GROUP_KEYS, where)
    children = item.get("children")
    if not isinstance(children, list) or not children:
        errors.add(f"{where}.children", f"must be a non-empty list of level-{level + 1} indicators")
        return None
    nodes = _children(children, f"{where}.children", level + 1, (*parents, name or ""), errors)
    if name is None:
        return None
    return Group(name=name, place=where, children=tuple(nodes))


def _leaf(item: dict, where: str, parents: tuple[str, ...], name: str | None, errors: Problems,
          ) -> Leaf | None:
    if "children" in item:
        errors.add(f"{where}.children",
                   "the indicator tree has three levels: a level-3 indicator has no children")
    errors.unknown_keys(item, LEAF_KEYS | {"children"}, where)
    before = len(errors.problems)
    weight = _number(item, "weight", where, errors, required=True, positive=True)
    target = _target(item, where, errors)
    value = _value(item["value"], f"{where}.value", errors) if "value" in item else None
    rule = _rule(item.get("rule"), f"{where}.rule", weight, errors) if "rule" in item else None
    if "rule" not in item:
        errors.add(f"{where}.rule", "is required")
    override = None
    if "override" in item:
        override = _override(item["override"], f"{where}.override", weight, errors)
    if len(errors.problems) > before or name is None or weight is None or rule is None:
        return None
    return Leaf(name=name, path=(*parents, name), place=where, weight=weight, rule=rule, target=target,
                value=value, override=override)


def _target(item: dict, where: str, errors: Problems) -> str | None:
    if "target" not in item or item["target"] is None:
        return None
    target = item["target"]
    if isinstance(target, bool):
        errors.add(f"{where}.target", f"must be text such as '≥95%', got {target!r}")
        return None
    if isinstance(target, dt.date):
        return target.isoformat()
    if isinstance(target, int | float):
        return str(target)
    if not isinstance(target, str):
        errors.add(f"{where}.target", f"must be text such as '≥95%', got {target!r}")
        return None
    return target.strip() or None


def _rule(raw: Any, where: str, weight: Decimal | None, errors: Problems) -> Rule | None:
    if not isinstance(raw, dict):
        errors.add(where, "must be a mapping with a type")
        return None
    kind = raw.get("type")
    if "type" not in raw:
        errors.add(f"{where}.type", f"is required (one of {', '.join(RULE_TYPES)})")
        return None
    if kind not in RULE_TYPES:
        errors.add(f"{where}.type", f"unknown rule {kind!r} (one of {', '.join(RULE_TYPES)})")
        return None
    before = len(errors.problems)
    errors.unknown_keys(raw, RULE_KEYS[kind] | {"type"}, where)
    for key in REQUIRED_RULE_KEYS[kind]:
        if key not in raw:
            errors.add(f"{where}.{key}", f"is required by the {kind} rule")
    params: dict[str, Any] = {}
    if kind == "manual" and "score" in raw:
        score = _number(raw, "score", where, errors, non_negative=True)
        if score is not None and weight is not None and score > weight:
            errors.add(f"{where}.score", f"{score} is more than the weight {weight}")
        params["score"] = score
    elif kind == "yes_no" and "met" in raw:
        params["met"] = _bool(raw, "met", where, errors)
    elif kind == "checklist" and "items" in raw:
        params["items"] = _checklist(raw["items"], f"{where}.items", errors)
    elif kind == "proportional" and "round_value" in raw:
        digits = raw["round_value"]
        if not isinstance(digits, int) or isinstance(digits, bool) or not 0 <= digits <= 6:
            errors.add(f"{where}.round_value",
                       f"must be a whole number of decimals from 0 to 6, got {digits!r}")
        else:
            params["round_value"] = digits
    elif kind in ("deduct_below", "deduct_above", "ratio_below"):
        params["threshold"] = _number(raw, "threshold", where, errors, positive=kind == "ratio_below")
        if kind != "ratio_below":
            params["per_point"] = _number(raw, "per_point", where, errors, positive=True)
        bound = {"deduct_below": "floor", "deduct_above": "ceiling"}.get(kind)
        if bound and bound in raw:
            limit = _number(raw, bound, where, errors)
            threshold = params["threshold"]
            if limit is not None and threshold is not None:
                if kind == "deduct_below" and limit > threshold:
                    errors.add(f"{where}.floor", f"floor {limit} is above the threshold {threshold}")
                if kind == "deduct_above" and limit < threshold:
                    errors.add(f"{where}.ceiling", f"ceiling {limit} is below the threshold {threshold}")
            params[bound] = limit
    if len(errors.problems) > before:
        return None
    return Rule(type=kind, **params)


def _checklist(raw: Any, where: str, errors: Problems) -> tuple[ChecklistItem, ...]:
    if not isinstance(raw, list) or not raw:
        errors.add(where, "must be a non-empty list of {name, share, met}")
        return ()
    items: list[ChecklistItem] = []
    total = Decimal(0)
    for i, item in enumerate(raw):
        place = f"{where}[{i}]"
        if not isinstance(item, dict):
            errors.add(place, "must be a mapping with name, share and met")
            continue
        errors.unknown_keys(item, {"name", "share", "met"}, place)
        name = _name(item, place, errors)
        share = _number(item, "share", place, errors, required=True, positive=True)
        if share is not None and share > 1:
            errors.add(f"{place}.share", f"a share is a fraction of the weight (at most 1), got {share}")
            share = None
        met = _bool(item, "met", place, errors)
        if share is not None:
            total += share
        if name is not None and share is not None and met is not None:
            items.append(ChecklistItem(name=name, share=share, met=met))
    if total > 1:
        errors.add(where, f"the shares add up to {total}, more than 1")
    return tuple(items)


def _override(raw: Any, where: str, weight: Decimal | None, errors: Problems) -> Override | None:
    if not isinstance(raw, dict):
        errors.add(where, "must be a mapping with score and reason")
        return None
    errors.unknown_keys(raw, {"score", "reason"}, where)
    score = _number(raw, "score", where, errors, required=True, non_negative=True)
    if score is not None and weight is not None and score > weight:
        errors.add(f"{where}.score", f"{score} is more than the weight {weight}")
        score = None
    reason = raw.get("reason")
    if "reason" not in raw:
        errors.add(f"{where}.reason", "is required: an override must give its reason")
    elif not isinstance(reason, str) or not reason.strip():
        errors.add(f"{where}.reason", f"must be non-empty text, got {reason!r}")
        reason = None
    if score is None or not reason:
        return None
    return Override(score=round_score(score), reason=reason.strip())


def _value(raw: Any, where: str, errors: Problems) -> ValueSource | None:
    if _is_number(raw):
        return Literal(_decimal(raw))
    if not isinstance(raw, dict) or len(raw) != 1:
        errors.add(where, "must be a number or a mapping with exactly one of "
                          f"{', '.join(VALUE_KINDS)}, got {raw!r}")
        return None
    kind, body = next(iter(raw.items()))
    if kind not in VALUE_KINDS:
        errors.add(f"{where}.{kind}", f"unknown value source (one of {', '.join(VALUE_KINDS)})")
        return None
    where = f"{where}.{kind}"
    if kind == "mean":
        if not isinstance(body, list) or not body:
            errors.add(where, "must be a non-empty list of values")
            return None
        items = [_value(item, f"{where}[{i}]", errors) for i, item in enumerate(body)]
        if any(item is None for item in items):
            return None
        return MeanSource(items=tuple(items))  # type: ignore[arg-type]
    if not isinstance(body, dict):
        errors.add(where, "must be a mapping")
        return None
    allowed, required = SOURCE_KEYS[kind]
    before = len(errors.problems)
    errors.unknown_keys(body, allowed, where)
    for key in required:
        if key not in body:
            errors.add(f"{where}.{key}", f"is required by {kind}")
    form = body.get("form")
    if form is not None and not (isinstance(form, str) and FORM_ID.match(form)):
        errors.add(f"{where}.form", f"{form!r} is not a questionnaire id")
    filt = _filter(body["filter"], f"{where}.filter", errors) if "filter" in body else None
    if kind == "share":
        question = _variable(body, "question", where, errors)
        options = body.get("options")
        if "options" in body and (not isinstance(options, list) or not options or not all(
                (isinstance(o, str) and o.strip()) or (isinstance(o, int) and not isinstance(o, bool))
                for o in options)):
            errors.add(f"{where}.options",
                       f"must be a non-empty list of option codes or labels, got {options!r}")
        if len(errors.problems) > before:
            return None
        return ShareSource(question=question, options=tuple(options), form=form, filter=filt)
    if kind == "satisfaction":
        questions = body.get("questions")
        if "questions" in body and (not isinstance(questions, list) or not questions or not all(
                isinstance(q, str) and VARIABLE.match(q) for q in questions)):
            errors.add(f"{where}.questions", f"must be a non-empty list of question ids such as q3 or q4.r1, "
                                             f"got {questions!r}")
        method = body.get("method", "top_box")
        if method not in SATISFACTION_METHODS:
            errors.add(f"{where}.method", f"{method!r} is not one of {', '.join(SATISFACTION_METHODS)}")
        if len(errors.problems) > before:
            return None
        return SatisfactionSource(questions=tuple(questions), method=method, form=form, filter=filt)
    question = _variable(body, "question", where, errors)
    category = body.get("category")
    if "category" in body and not (isinstance(category, str) and category.strip()):
        errors.add(f"{where}.category", f"must be a category name such as no_opinion, got {category!r}")
    if len(errors.problems) > before:
        return None
    return TextShareSource(question=question, category=category.strip(), form=form, filter=filt)


def _variable(body: dict, key: str, where: str, errors: Problems) -> str | None:
    value = body.get(key)
    if key in body and not (isinstance(value, str) and VARIABLE.match(value)):
        errors.add(f"{where}.{key}", f"must be a question id such as q3 or q4.r1, got {value!r}")
        return None
    return value


def _filter(raw: Any, where: str, errors: Problems) -> Filter | None:
    if not isinstance(raw, dict) or not raw:
        errors.add(where, "must be a mapping with unit and/or role lists")
        return None
    errors.unknown_keys(raw, {"unit", "role"}, where)
    found: dict[str, tuple[str, ...] | None] = {}
    for key in ("unit", "role"):
        if key not in raw:
            found[key] = None
            continue
        values = raw[key]
        if isinstance(values, str | int) and not isinstance(values, bool):
            values = [values]
        if not isinstance(values, list) or not values or not all(
                (isinstance(v, str) and v.strip()) or (isinstance(v, int) and not isinstance(v, bool))
                for v in values):
            errors.add(f"{where}.{key}", f"must be a non-empty list of {key} codes, got {raw[key]!r}")
            found[key] = None
            continue
        texts = tuple(str(v).strip() for v in values)
        if key == "role":
            for j, role in enumerate(texts):
                if role not in ROLES:
                    errors.add(f"{where}.role[{j}]", f"{role!r} is not one of {', '.join(ROLES)}")
        found[key] = texts
    return Filter(unit=found["unit"], role=found["role"])
