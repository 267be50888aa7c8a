"""Import a questionnaire written as plain text (as kept in Word documents) into format version 1.

The text format (docs/formats/questionnaire-text.md): the first non-empty line is the title, optional
``id:`` and ``role:`` lines and an introduction follow, then numbered questions with a bracketed type tag
(``1. 您的学段？[单选题]``), lettered options (``A. 小学``), or one line of scale labels (``非常满意 满意 …``)
and, for a matrix, one row per line. Every line that cannot be placed is an error naming its line number
and text; nothing is guessed silently.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Any

from .errors import QuestionnaireError
from .loader import FORM_ID, parse_questionnaire
from .model import OTHER_CODE, ROLES, Questionnaire
from .writer import dump_questionnaire, long_text

QUESTION_LINE = re.compile(r"^(\d{1,3})\s*[.、．）)]\s*(\S.*)$")
OPTION_LINE = re.compile(r"^([A-Za-z])\s*[.、．）)]\s*(\S.*)$")
HEADER_LINE = re.compile(r"^(id|role)\s*[:：]\s*(.*)$", re.IGNORECASE)
TAG = re.compile(r"\s*[\[【［]([^\[\]【】［］]+)[\]】］]$")
REQUIRED_MARK = re.compile(r"\s*(\*|＊|（必答）|\(必答\))$")
LIMIT = re.compile(r"[，,]?\s*(最多|至多|至少|最少)选?\s*(\d+)\s*项")
TAGS = {
    "单选题": "single", "多选题": "multiple", "量表题": "scale", "矩阵量表题": "matrix", "矩阵单选题": "matrix",
    "数字题": "number", "数字填空题": "number", "填空题": "text",
}
NA_WORDS = ("不了解", "不清楚", "说不清")
ROLE_WORDS = {"teacher": ("教师", "老师"), "parent": ("家长",), "student": ("学生",), "principal": ("校长", "书记")}
FIVE_SCORES = (100, 80, 60, 30, 0)
WORST_FIRST = re.compile(r"^(非常不|很不|十分不|不)")


@dataclass(frozen=True)
class ImportedQuestionnaire:
    """The result of an import: the document, its YAML text and the validated questionnaire."""

    document: dict[str, Any]
    yaml: str
    questionnaire: Questionnaire


@dataclass
class _Question:
    line: int
    written: str
    text: str
    type: str | None
    required: bool | None
    low: int | None = None
    high: int | None = None
    options: list[tuple[int, str]] | None = None
    labels: tuple[int, list[str]] | None = None
    rows: list[tuple[int, str]] | None = None


class _Lines:
    """Problems placed at lines: ``第 12 行`` with the line's text."""

    def __init__(self) -> None:
        self.problems: list[tuple[str, str]] = []

    def add(self, number: int, text: str, problem: str) -> None:
        self.problems.append((f"第 {number} 行", f"“{text}”：{problem}"))


def import_text(text: str, source: str = "<text>") -> ImportedQuestionnaire:
    """Turn questionnaire `text` into a version-1 document, its YAML and the loaded questionnaire.

    Raises QuestionnaireError whose places are ``第 N 行`` (the line) with that line's text and the problem.

    Examples
    --------
    >>> result = import_text("家长问卷\\nrole: parent\\n1. 您的孩子在读几年级？[单选题]\\nA. 一年级\\nB. 二年级\\n")
    >>> result.document["questions"][0]
    {'id': 'q1', 'type': 'single', 'text': '您的孩子在读几年级？', 'options': ['一年级', '二年级']}
    """
    lines = _Lines()
    raw = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    numbered = [(i + 1, _clean(line)) for i, line in enumerate(raw)]
    content = [(n, line) for n, line in numbered if line]
    if not content:
        raise QuestionnaireError(source, [("", "文本为空：第一行应为问卷标题，其后为编号的题目")])
    title_line, title = content[0]
    header: dict[str, tuple[int, str]] = {}
    intro: list[str] = []
    questions: list[_Question] = []
    if QUESTION_LINE.match(title):
        lines.add(title_line, title, "第一行应为问卷标题，而不是题目")
    for number, line in numbered[title_line:]:
        question = QUESTION_LINE.match(line)
        if question:
            questions.append(_question_line(number, question, len(questions) + 1, lines))
        elif not questions:
            _before_questions(number, line, header, intro, lines)
        elif line:
            _body_line(questions[-1], number, line, lines)
    if not questions:
        lines.add(title_line, title, "没有找到题目：题目行以题号开头，例如“1. 您的学段是？[单选题]”")
    document = _document(title, header, intro, questions, lines)
    if lines.problems:
        raise QuestionnaireError(source, sorted(lines.problems, key=lambda p: int(p[0].split()[1])))
    yaml_text = dump_questionnaire(document)
    try:
        questionnaire = parse_questionnaire(yaml_text, source)
    except QuestionnaireError as exc:
        raise QuestionnaireError(source, _placed(exc.problems, questions, header, title_line)) from exc
    return ImportedQuestionnaire(document, yaml_text, questionnaire)


def _clean(line: str) -> str:
    return line.replace("\u3000", " ").replace("\xa0", " ").replace("\t", " ").strip()


def _before_questions(number: int, line: str, header: dict, intro: list[str], lines: _Lines) -> None:
    match = HEADER_LINE.match(line)
    if match and not intro:
        key, value = match.group(1).lower(), match.group(2).strip()
        if key in header:
            lines.add(number, line, f"{key} 已在第 {header[key][0]} 行给出")
        elif key == "id" and not FORM_ID.match(value):
            lines.add(number, line, "问卷编号只能用小写字母、数字、连字符和下划线，并以字母或数字开头")
        elif key == "role" and value not in ROLES:
            lines.add(number, line, f"填写对象应为 {', '.join(ROLES)} 之一")
        else:
            header[key] = (number, value)
    elif line or intro:
        intro.append(line)


def _question_line(number: int, match: re.Match, expected: int, lines: _Lines) -> _Question:
    printed, rest = int(match.group(1)), match.group(2)
    if printed != expected:
        lines.add(number, match.group(0), f"题号应为 {expected}（题号须从 1 起连续编排）")
    required = None
    qtype = None
    low = high = None
    while True:
        mark = REQUIRED_MARK.search(rest)
        tag = TAG.search(rest)
        if mark:
            required, rest = True, rest[:mark.start()]
        elif tag and qtype is None:
            qtype, low, high = _tag(tag.group(1), number, match.group(0), lines)
            rest = rest[:tag.start()]
        else:
            break
    if not rest.strip():
        lines.add(number, match.group(0), "缺少题目文字")
    return _Question(number, match.group(0), rest.strip(), qtype, required, low, high)


def _tag(tag: str, number: int, line: str, lines: _Lines) -> tuple[str, int | None, int | None]:
    words = tag.strip()
    name = next((t for t in sorted(TAGS, key=len, reverse=True) if words.startswith(t)), None)
    if name is None:
        lines.add(number, line, f"未知的题型标记“{tag}”（可用：{'、'.join(TAGS)}）")
        return "invalid", None, None
    low = high = None
    remainder = words[len(name):].strip()
    if remainder and name == "多选题":
        for limit in LIMIT.finditer(remainder):
            if limit.group(1) in ("最多", "至多"):
                high = int(limit.group(2))
            else:
                low = int(limit.group(2))
        remainder = LIMIT.sub("", remainder).strip()
    if remainder:
        lines.add(number, line, f"题型标记“{tag}”中的“{remainder}”无法识别（多选题可写“最多2项”“至少1项”）")
    return TAGS[name], low, high


def _body_line(question: _Question, number: int, line: str, lines: _Lines) -> None:
    if question.type in ("scale", "matrix"):
        if question.labels is None:
            question.labels = (number, line.split())
        elif question.type == "matrix":
            question.rows = [*(question.rows or []), (number, line)]
        else:
            lines.add(number, line, "量表题只有一行选项（用空格分隔），这一行无法归属")
        return
    if question.type in ("number", "text"):
        kind = "数字题" if question.type == "number" else "填空题"
        lines.add(number, line, f"{kind}没有选项，这一行无法归属（题目需以题号开头）")
        return
    option = OPTION_LINE.match(line)
    if option is None:
        lines.add(number, line, "无法归属：选项行以字母开头（如“A. 小学”），题目行以题号开头")
        return
    options = question.options = question.options or []
    letter = chr(ord("A") + len(options))
    if option.group(1).upper() != letter:
        lines.add(number, line, f"选项字母应为 {letter}（按 A、B、C… 顺序）")
    options.append((number, option.group(2).strip()))


def _document(title: str, header: dict, intro: list[str], questions: list[_Question],
              lines: _Lines) -> dict[str, Any]:
    qid = header["id"][1] if "id" in header else "imported-" + hashlib.sha256(title.encode()).hexdigest()[:8]
    document: dict[str, Any] = {"format": 1, "id": qid, "title": title,
                                "role": header["role"][1] if "role" in header else _role_of(title)}
    paragraphs = long_text(re.sub(r"\n{3,}", "\n\n", "\n".join(intro)))
    if paragraphs:
        document["intro"] = paragraphs
    scales: dict[tuple[str, ...], tuple[str, dict]] = {}
    built = [_build(q, i + 1, scales, lines) for i, q in enumerate(questions)]
    if scales:
        document["scales"] = dict(scales.values())
    document["questions"] = built
    return document


def _role_of(title: str) -> str:
    """The role the title names (教师/老师, 家长, 学生, 校长/书记); `other` when it names none or several."""
    found = [role for role, words in ROLE_WORDS.items() if any(w in title for w in words)]
    return found[0] if len(found) == 1 else "other"


def _build(question: _Question, index: int, scales: dict, lines: _Lines) -> dict[str, Any]:
    qtype = question.type or ("single" if question.options else "text")
    item: dict[str, Any] = {"id": f"q{index}", "type": qtype, "text": question.text}
    head = question.written
    if qtype in ("single", "multiple"):
        _choice_options(question, item, head, lines)
    elif qtype in ("scale", "matrix"):
        name = _scale(question, head, scales, lines)
        item = {"id": item["id"], "type": qtype, "scale": name, "text": question.text}
        if qtype == "matrix":
            if not question.rows:
                lines.add(question.line, head, "矩阵题在选项行之后每行写一个小题，这里一行也没有")
            item["rows"] = [{"id": f"r{j + 1}", "text": text} for j, (_n, text) in enumerate(question.rows or [])]
    required = question.required or qtype != "text"
    if not required:
        item["required"] = False
    return item


def _choice_options(question: _Question, item: dict, head: str, lines: _Lines) -> None:
    options = question.options or []
    if not options:
        lines.add(question.line, head, "单选题和多选题需要选项（以 A. B. C. 开头的行）")
    written: list[Any] = []
    seen: dict[str, int] = {}
    for k, (number, label) in enumerate(options):
        if label in seen:
            lines.add(number, label, f"选项与第 {seen[label]} 行重复")
            continue
        seen[label] = number
        if label.startswith(OTHER_CODE):
            if k != len(options) - 1:
                lines.add(number, label, "“其他”选项须写在最后一项")
            item["other"] = True
        elif label.startswith(NA_WORDS):
            written.append({"code": label, "label": label, "na": True})
        else:
            written.append(label)
    if options and not written:
        lines.add(question.line, head, "除“其他”外至少需要一个选项")
    item["options"] = written
    if question.low is not None:
        item["min"] = question.low
    if question.high is not None:
        item["max"] = question.high
    count = len(written) + (1 if item.get("other") else 0)
    for key, value in (("min", question.low), ("max", question.high)):
        if value is not None and (value < 1 or value > count):
            lines.add(question.line, head, f"{'最多' if key == 'max' else '至少'}{value}项超出了选项数（{count}）")
    if question.low is not None and question.high is not None and question.low > question.high:
        lines.add(question.line, head, f"至少{question.low}项大于最多{question.high}项")


def _scale(question: _Question, head: str, scales: dict, lines: _Lines) -> str:
    """The name of the (shared) scale of a scale or matrix question's label row."""
    if question.labels is None:
        lines.add(question.line, head,
                  "量表题和矩阵题的下一行应为用空格分隔的选项，例如“非常满意 满意 一般 不满意 非常不满意”")
        return "invalid"
    number, labels = question.labels
    row = " ".join(labels)
    key = tuple(labels)
    if key in scales:
        return scales[key][0]
    name = f"scale{len(scales) + 1}"
    levels = [label for label in labels if not label.startswith(NA_WORDS)]
    problems = len(lines.problems)
    if len(set(labels)) != len(labels):
        lines.add(number, row, "选项重复")
    if any(label.startswith(OTHER_CODE) for label in labels):
        lines.add(number, row, "量表选项不能有“其他”")
    if len(labels) - len(levels) > 1:
        lines.add(number, row, "“不了解/不清楚/说不清”类选项只能有一个")
    if len(levels) < 2:
        lines.add(number, row, "量表至少需要两个等级")
    elif WORST_FIRST.match(levels[0]) and not WORST_FIRST.match(levels[-1]):
        lines.add(number, row, "量表选项请从最好到最差排列，例如“非常满意 满意 一般 不满意 非常不满意”")
    if len(lines.problems) > problems:
        return "invalid"
    options: list[dict[str, Any]] = []
    for k, label in enumerate(levels):
        option: dict[str, Any] = {"code": len(levels) - k, "label": label}
        if len(levels) == len(FIVE_SCORES):
            option["score"] = FIVE_SCORES[k]
        options.append(option)
    options += [{"code": 0, "label": label, "na": True} for label in labels if label.startswith(NA_WORDS)]
    satisfied = [len(levels), len(levels) - 1] if len(levels) >= 4 else [len(levels)]
    scales[key] = (name, {"options": options, "satisfied": satisfied})
    return name


def _placed(problems: list[tuple[str, str]], questions: list[_Question], header: dict,
            title_line: int) -> list[tuple[str, str]]:
    """Loader problems (places like ``questions[2].options``) moved to the lines they come from."""
    placed = []
    for place, problem in problems:
        index = re.match(r"questions\[(\d+)\]", place)
        if index and int(index.group(1)) < len(questions):
            line = questions[int(index.group(1))].line
        elif place.startswith(("id", "role")) and place.split(".")[0] in header:
            line = header[place.split(".")[0]][0]
        else:
            line = title_line
        placed.append((f"第 {line} 行", f"{place}: {problem}"))
    return placed
