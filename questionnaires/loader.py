"""Load and validate questionnaire YAML files (format version 1, see docs/formats/questionnaire.md)."""

from __future__ import annotations

import hashlib
import json
import math
import re
from pathlib import Path
from typing import Any

from .errors import QuestionnaireError
from .model import (
    CHOICE_TYPES,
    DEFAULT_MAX_LENGTH,
    OTHER_CODE,
    OTHER_LABEL,
    QUESTION_TYPES,
    ROLES,
    Option,
    Question,
    Questionnaire,
    Row,
    Scale,
    _text,
)
from .yamlfile import Problems, parse_yaml, read_text

FORM_ID = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
QUESTION_ID = re.compile(r"^[a-z][a-z0-9_]*$")
TOP_KEYS = {"format", "id", "title", "role", "intro", "outro", "scales", "questions"}
COMMON_KEYS = {"id", "type", "text", "required", "show_if"}
TYPE_KEYS = {
    "single": {"options", "other"},
    "multiple": {"options", "other", "min", "max"},
    "scale": {"scale"},
    "matrix": {"scale", "rows"},
    "number": {"min", "max", "integer"},
    "text": {"max_length"},
}
YES_NO_HINT = " (quote words such as yes/no/on/off: YAML reads them as true/false)"


def load_questionnaire(path: str | Path) -> Questionnaire:
    """Read and validate one questionnaire file.

    Raises QuestionnaireError naming the file, the place and the problem of every error.
    """
    text = read_text(path, QuestionnaireError)
    return parse_questionnaire(text, str(path))


def parse_questionnaire(text: str, source: str = "<string>") -> Questionnaire:
    """Validate questionnaire YAML `text`; `source` names it in error messages."""
    raw = parse_yaml(text, source, QuestionnaireError)
    errors = Problems()
    questionnaire = _build(raw, source, errors)
    if errors.problems:
        raise QuestionnaireError(source, errors.problems)
    assert questionnaire is not None
    return questionnaire


def content_hash(raw: Any) -> str:
    """Hash of the parsed definition: comments and layout don't make a new version."""
    canonical = json.dumps(raw, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


class _FilesError(QuestionnaireError):
    """Errors of several files: `source` and `problems` are the first file's, the message lists them all."""

    def __init__(self, errors: list[QuestionnaireError]):
        self.errors = errors
        super().__init__(errors[0].source, errors[0].problems)

    @property
    def message(self) -> str:
        return "\n".join(error.message for error in self.errors)


def load_folder(paths: list[str | Path]) -> dict[str, Questionnaire]:
    """Load every `*.yaml` questionnaire under the given files or folders, keyed by id.

    Raises QuestionnaireError listing the errors of every bad file and every id used twice.
    """
    found: dict[str, Questionnaire] = {}
    problems: list[QuestionnaireError] = []
    for file in iter_questionnaire_files(paths):
        try:
            q = load_questionnaire(file)
        except QuestionnaireError as exc:
            problems.append(exc)
            continue
        if q.id in found:
            problems.append(QuestionnaireError(str(file), [
                ("id", f"'{q.id}' is also used by {found[q.id].source}")]))
            continue
        found[q.id] = q
    if problems:
        raise problems[0] if len(problems) == 1 else _FilesError(problems)
    return found


def iter_questionnaire_files(paths: list[str | Path]) -> list[Path]:
    """Questionnaire files named or found (not recursing into `indicators/`) under `paths`."""
    files: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            files.extend(sorted(f for f in p.glob("*.y*ml") if f.suffix in (".yaml", ".yml")))
        else:
            files.append(p)
    return files


# -- validation -------------------------------------------------------------------------------------------

def _build(raw: Any, source: str, errors: Problems) -> Questionnaire | None:
    if raw is None:
        errors.add("", "the file is empty; it must be a mapping with format, id, title, role and questions")
        return None
    if not isinstance(raw, dict):
        errors.add("", "the file must be a mapping with format, id, title, role and questions, "
                       f"got {type(raw).__name__}")
        return None
    errors.unknown_keys(raw, TOP_KEYS, "")
    for key in ("format", "id", "title", "role", "questions"):
        if key not in raw:
            errors.add(key, "is required")
    if "format" in raw and (raw["format"] != 1 or isinstance(raw["format"], bool)):
        errors.add("format", f"must be 1, got {raw['format']!r}")
    qid = raw.get("id")
    if "id" in raw and not (isinstance(qid, str) and FORM_ID.match(qid)):
        errors.add("id", f"{_got(qid)} must match ^[a-z0-9][a-z0-9_-]*$")
    title = _string(raw, "title", "", errors, required=True)
    role = raw.get("role")
    if "role" in raw and role not in ROLES:
        errors.add("role", f"{_got(role)} is not one of {', '.join(ROLES)}")
    intro = _string(raw, "intro", "", errors)
    outro = _string(raw, "outro", "", errors)

    scales = _scales(raw.get("scales", {}), errors)
    questions = _questions(raw["questions"], scales, errors) if "questions" in raw else []
    if errors.problems:
        return None
    return Questionnaire(
        id=qid, title=title, role=role, questions=tuple(questions), scales=scales,
        intro=(intro or "").strip(), outro=(outro or "").strip(), source=source,
        content_hash=content_hash(raw),
    )


def _string(mapping: dict, key: str, path: str, errors: Problems, required: bool = False) -> str | None:
    where = f"{path}.{key}" if path else key
    if key not in mapping:
        if required:
            errors.add(where, "is required")
        return None
    value = mapping[key]
    if not isinstance(value, str) or (required and not value.strip()):
        errors.add(where, f"must be non-empty text, got {_got(value)}" if required
                   else f"must be text, got {_got(value)}")
        return None
    return value


def _got(value: Any) -> str:
    """`value` for a message, with a hint when YAML turned a bare yes/no/on/off into a boolean."""
    return repr(value) + (YES_NO_HINT if isinstance(value, bool) else "")


def _number(value: Any) -> bool:
    """A finite int or float (not a bool, not .nan or .inf)."""
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _options(raw: Any, path: str, errors: Problems) -> list[Option]:
    if not isinstance(raw, list) or not raw:
        errors.add(path, "must be a non-empty list of options")
        return []
    options: list[Option] = []
    indexes: list[int] = []  # position in the file of each option kept, for messages
    for i, item in enumerate(raw):
        where = f"{path}[{i}]"
        if isinstance(item, str):
            if not item.strip():
                errors.add(where, "an option cannot be empty")
                continue
            options.append(Option(code=item.strip(), label=item.strip()))
            indexes.append(i)
        elif isinstance(item, dict):
            errors.unknown_keys(item, {"code", "label", "score", "na"}, where)
            code = item.get("code")
            if "code" not in item:
                errors.add(f"{where}.code", "is required")
            elif not (isinstance(code, str) and code.strip()) and not (isinstance(code, int)
                                                                        and not isinstance(code, bool)):
                errors.add(f"{where}.code", f"must be text or a whole number, got {_got(code)}")
                code = None
            label = _string(item, "label", where, errors, required=True)
            score = item.get("score")
            if score is not None and not _number(score):
                errors.add(f"{where}.score", f"must be a finite number, got {score!r}")
                score = None
            na = item.get("na", False)
            if not isinstance(na, bool):
                errors.add(f"{where}.na", f"must be true or false, got {na!r}")
                na = False
            if code is not None and label:
                options.append(Option(code=code.strip() if isinstance(code, str) else code,
                                      label=label.strip(), score=score, na=na))
                indexes.append(i)
        else:
            errors.add(where, f"must be text or a mapping with code and label, got {_got(item)}")
    seen_codes: set[str] = set()
    seen_labels: set[str] = set()
    for i, opt in zip(indexes, options, strict=True):
        if _text(opt.code) in seen_codes:
            errors.add(f"{path}[{i}]", f"duplicate option code {opt.code!r}")
        elif opt.label in seen_labels:
            errors.add(f"{path}[{i}]", f"duplicate option label {opt.label!r}")
        seen_codes.add(_text(opt.code))
        seen_labels.add(opt.label)
    return options


def _scales(raw: Any, errors: Problems) -> dict[str, Scale]:
    if not isinstance(raw, dict):
        errors.add("scales", "must be a mapping of scale names to scales")
        return {}
    scales: dict[str, Scale] = {}
    for name, body in raw.items():
        where = f"scales.{name}"
        if not isinstance(name, str) or not QUESTION_ID.match(name):
            errors.add(where, "a scale name must match ^[a-z][a-z0-9_]*$")
            continue
        if not isinstance(body, dict):
            errors.add(where, "must be a mapping with options")
            continue
        errors.unknown_keys(body, {"options", "satisfied"}, where)
        options = _options(body.get("options"), f"{where}.options", errors)
        satisfied = None
        if "satisfied" in body:
            sat = body["satisfied"]
            if not isinstance(sat, list) or not sat:
                errors.add(f"{where}.satisfied", "must be a non-empty list of option codes")
            else:
                by_code = {_text(o.code): o for o in options}
                for j, code in enumerate(sat):
                    opt = by_code.get(_text(code))
                    if opt is None:
                        errors.add(f"{where}.satisfied[{j}]", f"{_got(code)} is not a code of this scale")
                    elif opt.na:
                        errors.add(f"{where}.satisfied[{j}]",
                                   f"{code!r} is marked na and cannot count as satisfied")
                satisfied = tuple(by_code[_text(c)].code for c in sat if _text(c) in by_code)
        scales[name] = Scale(id=name, options=tuple(options), satisfied=satisfied)
    return scales


def _questions(raw: Any, scales: dict[str, Scale], errors: Problems) -> list[Question]:
    if not isinstance(raw, list) or not raw:
        errors.add("questions", "must be a non-empty list")
        return []
    questions: list[Question] = []
    seen: dict[str, Question] = {}
    positions: dict[str, int] = {}  # first position of every question id written in the file
    for i, item in enumerate(raw):
        if isinstance(item, dict) and isinstance(item.get("id"), str):
            positions.setdefault(item["id"], i)
    for i, item in enumerate(raw):
        where = f"questions[{i}]"
        if not isinstance(item, dict):
            errors.add(where, "must be a mapping with id, type and text")
            continue
        q = _question(item, i, where, scales, seen, positions, errors)
        if q is None:
            continue
        if q.id in seen:
            errors.add(f"{where}.id", f"duplicate question id {q.id!r}")
            continue
        seen[q.id] = q
        questions.append(q)
    return questions


def _question(item: dict, index: int, where: str, scales: dict[str, Scale], earlier: dict[str, Question],
              positions: dict[str, int], errors: Problems) -> Question | None:
    before = len(errors.problems)
    qid = item.get("id")
    if "id" not in item:
        errors.add(f"{where}.id", "is required")
    elif not (isinstance(qid, str) and QUESTION_ID.match(qid)):
        errors.add(f"{where}.id", f"{_got(qid)} must match ^[a-z][a-z0-9_]*$")
    qtype = item.get("type")
    if "type" not in item:
        errors.add(f"{where}.type", f"is required (one of {', '.join(QUESTION_TYPES)})")
        return None
    if qtype not in QUESTION_TYPES:
        errors.add(f"{where}.type", f"{qtype!r} is not one of {', '.join(QUESTION_TYPES)}")
        return None
    errors.unknown_keys(item, COMMON_KEYS | TYPE_KEYS[qtype], where)
    text = _string(item, "text", where, errors, required=True)
    required = item.get("required", True)
    if not isinstance(required, bool):
        errors.add(f"{where}.required", f"must be true or false, got {required!r}")

    options: list[Option] = []
    scale = None
    rows: list[Row] = []
    other = item.get("other", False)
    if not isinstance(other, bool):
        errors.add(f"{where}.other", f"must be true or false, got {other!r}")
        other = False
    if qtype in ("single", "multiple"):
        options = _options(item.get("options"), f"{where}.options", errors)
        if other:
            if any(_text(o.code) == OTHER_CODE or o.label in (OTHER_CODE, OTHER_LABEL) for o in options):
                errors.add(f"{where}.other",
                           f"the options already contain {OTHER_CODE}; drop other: true or that option")
            options.append(Option(code=OTHER_CODE, label=OTHER_CODE, other=True))
    if qtype in ("scale", "matrix"):
        name = item.get("scale")
        if "scale" not in item:
            errors.add(f"{where}.scale", "is required")
        elif not isinstance(name, str) or name not in scales:
            errors.add(f"{where}.scale", f"unknown scale {name!r}" + (
                f" (defined: {', '.join(scales)})" if scales else " (no scales are defined)"))
        else:
            scale = scales[name]
            options = list(scale.options)
    if qtype == "matrix":
        rows = _rows(item.get("rows"), f"{where}.rows", errors)

    low, high = item.get("min"), item.get("max")
    for key, value in (("min", low), ("max", high)):
        if value is not None and not _number(value):
            errors.add(f"{where}.{key}", f"must be a number, got {value!r}")
    if _number(low) and _number(high) and low > high:
        errors.add(f"{where}.min", f"min {low} is greater than max {high}")
    if qtype == "multiple":
        for key, value in (("min", low), ("max", high)):
            if _number(value) and (value != int(value) or value < 0 or value > len(options)):
                errors.add(f"{where}.{key}", f"must be a whole number from 0 to {len(options)}")
    integer = item.get("integer", False)
    if not isinstance(integer, bool):
        errors.add(f"{where}.integer", f"must be true or false, got {integer!r}")
    max_length = item.get("max_length", DEFAULT_MAX_LENGTH)
    if not isinstance(max_length, int) or isinstance(max_length, bool) or max_length < 1:
        errors.add(f"{where}.max_length", f"must be a positive whole number, got {max_length!r}")

    show_if = _show_if(item.get("show_if"), f"{where}.show_if", index, earlier, positions, errors) \
        if "show_if" in item else {}
    if len(errors.problems) > before:
        return None
    return Question(
        id=qid, type=qtype, text=text.strip(), number=index + 1, required=required, options=tuple(options),
        scale=scale, rows=tuple(rows), min=low, max=high, integer=integer, other=other,
        max_length=max_length, show_if=show_if,
    )


def _rows(raw: Any, path: str, errors: Problems) -> list[Row]:
    if not isinstance(raw, list) or not raw:
        errors.add(path, "must be a non-empty list of rows with id and text")
        return []
    rows: list[Row] = []
    for j, row in enumerate(raw):
        where = f"{path}[{j}]"
        if not isinstance(row, dict):
            errors.add(where, "must be a mapping with id and text")
            continue
        errors.unknown_keys(row, {"id", "text"}, where)
        rid = row.get("id")
        if "id" not in row:
            errors.add(f"{where}.id", "is required")
            continue
        if not (isinstance(rid, str) and QUESTION_ID.match(rid)):
            errors.add(f"{where}.id", f"{_got(rid)} must match ^[a-z][a-z0-9_]*$")
            continue
        if any(r.id == rid for r in rows):
            errors.add(f"{where}.id", f"duplicate row id {rid!r}")
            continue
        text = _string(row, "text", where, errors, required=True)
        if text:
            rows.append(Row(id=rid, text=text.strip()))
    return rows


def _show_if(raw: Any, path: str, index: int, earlier: dict[str, Question], positions: dict[str, int],
             errors: Problems) -> dict[str, tuple]:
    if not isinstance(raw, dict) or not raw:
        errors.add(path, "must map earlier question ids to lists of option codes")
        return {}
    conditions: dict[str, tuple] = {}
    for ref, codes in raw.items():
        where = f"{path}.{ref}"
        base, _, row = str(ref).partition(".")
        target = earlier.get(base)
        if target is None:
            position = positions.get(base)
            if position is None:
                errors.add(where, f"{_got(ref)} is not a question of this file "
                                  "(show_if must name an earlier question id)")
            elif position == index:
                errors.add(where, f"{ref!r} is this question itself; conditions may only refer to earlier "
                                  "questions")
            elif position > index:
                errors.add(where, f"{ref!r} is question {position + 1}, after this one "
                                  f"(question {index + 1}); conditions may only refer to earlier questions")
            # else: the earlier question has its own errors, already reported
            continue
        if row and not (target.type == "matrix" and any(r.id == row for r in target.rows)):
            errors.add(where, f"{ref!r} is not a row of matrix {base!r}")
            continue
        if not row and target.type not in CHOICE_TYPES:
            errors.add(where, f"{ref!r} is a {target.type} question; show_if needs single, multiple or scale")
            continue
        if not isinstance(codes, list) or not codes:
            errors.add(where, "must be a non-empty list of option codes")
            continue
        resolved = []
        for k, code in enumerate(codes):
            opt = target.option_by_code(code)
            if opt is None:
                codes_text = ", ".join(repr(o.code) for o in target.options)
                errors.add(f"{where}[{k}]",
                           f"{_got(code)} is not an option code of {ref!r} (codes: {codes_text})")
            else:
                resolved.append(opt.code)
        conditions[str(ref)] = tuple(resolved)
    return conditions
