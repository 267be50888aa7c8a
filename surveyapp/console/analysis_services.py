"""Console analysis services: statistics, open answers, scoring and analysis downloads.

Everything computed here is computed by :mod:`analysis` (the same functions the CLI calls); this module
only picks the rows (frames come from :mod:`surveyapp.responses`), calls those functions, and caches what
they return in process memory.

The cache
---------
Each survey questionnaire has a *fingerprint*: the number of its responses, the largest response id, and
the number and largest id of the status changes of its responses. It is one indexed query. Any new
response, or any response marked invalid or valid again, changes it, so a cached result whose key holds
the fingerprint can never be stale; results of an older fingerprint are simply never asked for again and
fall out of the bounded LRU. The caches live on the app (``app.extensions``), one set per app.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import math
import re
import tempfile
import threading
import zipfile
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import pandas as pd
import sqlalchemy as sa
from flask import current_app

from questionnaires import ROLE_LABELS, ROLES, SHIPPED, InputError, Question, Questionnaire

from ..extensions import db
from ..models import Form, Response, StatusChange, Survey, Unit
from ..responses import load_form_frame, survey_questionnaires
from .services import ConsoleError

logger = logging.getLogger(__name__)

INDICATORS_DIR = SHIPPED / "indicators"
DEFAULT_TARGET = 90.0
TOP_PHRASES = 20
TOP_WORDS = 30
METHOD_LABELS = {"top_box": "满意及以上占比", "score": "平均得分"}


# -- the cache ------------------------------------------------------------------------------------------

class LRUCache:
    """A small thread-safe LRU map bounded by a total weight (entries count 1 unless a weight is given)."""

    def __init__(self, capacity: int):
        self.capacity = capacity
        self._items: OrderedDict[Hashable, tuple[Any, int]] = OrderedDict()
        self._weight = 0
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: Hashable) -> Any:
        with self._lock:
            item = self._items.get(key)
            if item is None:
                self.misses += 1
                return None
            self._items.move_to_end(key)
            self.hits += 1
            return item[0]

    def put(self, key: Hashable, value: Any, weight: int = 1) -> None:
        if weight > self.capacity:
            return
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self._weight -= old[1]
            self._items[key] = (value, weight)
            self._weight += weight
            while self._weight > self.capacity:
                _, (_, dropped) = self._items.popitem(last=False)
                self._weight -= dropped

    def get_or_compute(self, key: Hashable, compute: Callable[[], Any],
                       weigh: Callable[[Any], int] | None = None) -> Any:
        value = self.get(key)
        if value is None:
            value = compute()
            self.put(key, value, weigh(value) if weigh else 1)
        return value

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._weight = 0

    def __len__(self) -> int:
        return len(self._items)


@dataclass
class Caches:
    frames: LRUCache
    """Responses frames, weighted by their row count."""
    results: LRUCache
    """Computed tables, satisfaction, text tables, scores."""
    pictures: LRUCache
    """PNG bytes of charts and word clouds."""


def caches() -> Caches:
    """This app's caches (made on first use; sizes from CONSOLE_FRAME_CACHE_ROWS, CONSOLE_CACHE_SIZE)."""
    ext = current_app.extensions
    found = ext.get("console_analysis_cache")
    if found is None:
        config = current_app.config
        found = ext["console_analysis_cache"] = Caches(
            LRUCache(int(config.get("CONSOLE_FRAME_CACHE_ROWS", 600_000))),
            LRUCache(int(config.get("CONSOLE_CACHE_SIZE", 128))),
            LRUCache(int(config.get("CONSOLE_PICTURE_CACHE_SIZE", 256))))
    return found


@dataclass(frozen=True)
class Fingerprint:
    """What changes whenever the answers of a questionnaire's forms change in a way analysis can see."""

    responses: int
    max_response_id: int
    changes: int
    max_change_id: int


def fingerprint(form_ids: list[int]) -> Fingerprint:
    """The fingerprint of the responses of `form_ids`: one query over indexed columns."""
    if not form_ids:
        return Fingerprint(0, 0, 0, 0)
    responses = (sa.select(sa.func.count(Response.id), sa.func.coalesce(sa.func.max(Response.id), 0))
                 .where(Response.form_id.in_(form_ids)))
    changes = (sa.select(sa.func.count(StatusChange.id), sa.func.coalesce(sa.func.max(StatusChange.id), 0))
               .join(Response, StatusChange.response_id == Response.id)
               .where(Response.form_id.in_(form_ids)))
    r, c = responses.subquery(), changes.subquery()
    row = db.session.execute(sa.select(*r.c, *c.c).select_from(r.join(c, sa.true()))).one()
    return Fingerprint(*(int(v or 0) for v in row))


# -- questionnaires of a survey -----------------------------------------------------------------------------

@dataclass(frozen=True)
class SurveyForm:
    """One questionnaire of a survey: its forms (one per role) and the roles it is offered to."""

    questionnaire: Questionnaire
    form_ids: tuple[int, ...]
    roles: tuple[str, ...]

    @property
    def id(self) -> str:
        return self.questionnaire.id

    @property
    def title(self) -> str:
        return self.questionnaire.title


def _role_order(role: str) -> tuple[int, str]:
    return (ROLES.index(role) if role in ROLES else 99, role)


def survey_forms(survey: Survey) -> list[SurveyForm]:
    """The survey's questionnaires in role order (teachers, parents, students ...)."""
    questionnaires = survey_questionnaires(survey)
    out = []
    for qid, questionnaire in questionnaires.items():
        forms = [f for f in survey.forms if f.version.questionnaire_id == qid]
        roles = tuple(sorted({f.role for f in forms}, key=_role_order))
        out.append(SurveyForm(questionnaire, tuple(f.id for f in forms), roles))
    return sorted(out, key=lambda f: (_role_order(f.roles[0]) if f.roles else (99, ""), f.id))


def pick_form(survey: Survey, questionnaire_id: str | None) -> tuple[list[SurveyForm], SurveyForm]:
    """All questionnaires of the survey and the one asked for (the first when none is named).

    Raises ConsoleError for an unknown id or a survey without questionnaires.
    """
    forms = survey_forms(survey)
    if not forms:
        raise ConsoleError("该调查没有问卷。")
    if not questionnaire_id:
        return forms, forms[0]
    for form in forms:
        if form.id == questionnaire_id:
            return forms, form
    raise ConsoleError(f"该调查没有问卷 {questionnaire_id}。")


def survey_units(survey: Survey) -> list[Unit]:
    return sorted(survey.units, key=lambda u: u.code)


@dataclass(frozen=True)
class Filters:
    """Unit code and role to narrow the rows to (None: all)."""

    unit: str | None = None
    role: str | None = None

    @classmethod
    def parse(cls, survey: Survey, form: SurveyForm, unit: str | None, role: str | None) -> Filters:
        """Filters from query arguments; unknown units or roles are ignored (all rows)."""
        units = {u.code for u in survey.units}
        return cls(unit if unit in units else None, role if role in form.roles else None)

    @property
    def active(self) -> bool:
        return self.unit is not None or self.role is not None

    def args(self) -> dict[str, str]:
        return {k: v for k, v in (("unit", self.unit), ("role", self.role)) if v}


def form_frame(survey: Survey, form: SurveyForm, fp: Fingerprint, include_invalid: bool = False,
               ) -> pd.DataFrame:
    """The responses frame of a questionnaire (valid rows only unless asked), cached by fingerprint.

    The cached frame is shared: callers must not change it (analysis functions never do).
    """
    key = ("frame", survey.id, form.id, form.form_ids, fp, include_invalid)

    def load() -> pd.DataFrame:
        forms = db.session.scalars(sa.select(Form).where(Form.id.in_(form.form_ids))).all()
        return load_form_frame(forms, form.questionnaire, include_invalid)

    return caches().frames.get_or_compute(key, load, weigh=lambda frame: max(len(frame), 1))


def _filtered(frame: pd.DataFrame, filters: Filters) -> pd.DataFrame:
    from analysis.frames import filter_frame

    if not filters.active:
        return frame
    return filter_frame(frame, unit=filters.unit, role=filters.role)


# -- statistics ---------------------------------------------------------------------------------------------

def rated_questions(questionnaire: Questionnaire, method: str = "top_box") -> list[Question]:
    """Questions a satisfaction rate can pool: scale and matrix questions whose scale lists `satisfied`
    (top_box) or whose options all carry scores (score)."""
    found = []
    for q in questionnaire.questions:
        if q.type not in ("scale", "matrix") or q.scale is None:
            continue
        if method == "top_box" and q.scale.satisfied:
            found.append(q)
        elif method == "score" and all(o.na or o.score is not None for o in q.options):
            found.append(q)
    return found


def default_rated(questionnaire: Questionnaire) -> tuple[str, ...]:
    """Every scale/matrix question whose scale has `satisfied`: the default choice of the page."""
    return tuple(q.id for q in rated_questions(questionnaire, "top_box"))


@dataclass(frozen=True)
class SatisfactionChoice:
    """What the evaluator asked for: questions pooled, method, target (percent for top_box, else score)."""

    questions: tuple[str, ...]
    method: str = "top_box"
    target: float = DEFAULT_TARGET

    @classmethod
    def parse(cls, questionnaire: Questionnaire, questions: list[str], method: str | None,
              target: str | None) -> tuple[SatisfactionChoice, list[str]]:
        """The choice from query arguments and Chinese problems with them (defaults used instead)."""
        problems = []
        method = method if method in METHOD_LABELS else "top_box"
        candidates = {q.id for q in questionnaire.questions if q.type in ("scale", "matrix")}
        chosen = tuple(q for q in dict.fromkeys(questions) if q in candidates) or default_rated(questionnaire)
        value = DEFAULT_TARGET
        if target not in (None, ""):
            try:
                value = float(target)
                if not math.isfinite(value) or not 0 <= value <= 100:
                    raise ValueError(target)
            except ValueError:
                problems.append(f"目标值“{target}”无效：请填 0 到 100 之间的数。已按 {DEFAULT_TARGET:g} 计算。")
                value = DEFAULT_TARGET
        return cls(chosen, method, value), problems

    @property
    def target_fraction(self) -> float:
        """The target on the rate's own scale: a fraction for top_box, a score for score."""
        return self.target / 100 if self.method == "top_box" else self.target


MARKERS = {
    "below": "低于目标",
    "unproven": "样本不足以证明达标",
    "short": "未达目标（区间含目标）",
    "met": "达标",
}


def target_marker(rate: float | None, ci95: tuple[float, float] | None, target: float) -> str | None:
    """Where a rate stands against `target` (on the rate's scale), judged by its 95% interval.

    ``below``: the whole interval lies under the target (upper < target); ``unproven``: the rate reaches
    the target but the interval's lower bound does not (lower < target <= rate), so the sample cannot show
    the target is met; ``short``: the rate misses the target but the interval reaches it
    (rate < target <= upper); ``met``: the lower bound reaches the target. None without a rate or interval.
    """
    if rate is None or ci95 is None:
        return None
    low, high = ci95
    if high < target:
        return "below"
    if low < target <= rate:
        return "unproven"
    if rate < target:
        return "short"
    return "met"


@dataclass(frozen=True)
class SatisfactionCell:
    rate: float | None
    n: int
    na: int
    ci95: tuple[float, float] | None
    marker: str | None


@dataclass(frozen=True)
class SatisfactionRow:
    code: str | None
    name: str
    cells: tuple[SatisfactionCell | None, ...]
    """One per column; None where the unit has no responses of that role."""


@dataclass(frozen=True)
class SatisfactionView:
    """Satisfaction by unit (rows) x role (columns; a 合计 column when there are several roles)."""

    choice: SatisfactionChoice
    columns: tuple[tuple[str, str], ...]
    rows: tuple[SatisfactionRow, ...]
    total: SatisfactionRow | None
    error: str | None = None


@dataclass(frozen=True)
class Statistics:
    """The statistics page of one questionnaire: counts, every question's table, satisfaction."""

    form: SurveyForm
    filters: Filters
    fingerprint: Fingerprint
    collected: int
    valid_all: int
    valid: int
    tables: tuple[Any, ...]
    satisfaction: SatisfactionView | None


def _tables(survey: Survey, form: SurveyForm, filters: Filters, fp: Fingerprint) -> tuple[int, int, tuple]:
    from analysis.tables import all_tables

    def compute() -> tuple[int, int, tuple]:
        frame = form_frame(survey, form, fp)
        part = _filtered(frame, filters)
        return len(frame), len(part), tuple(all_tables(part, form.questionnaire))

    return caches().results.get_or_compute(("tables", survey.id, form.id, filters, fp), compute)


def _cell(result: Any, target: float) -> SatisfactionCell:
    return SatisfactionCell(result.rate, result.n, result.na, result.ci95,
                            target_marker(result.rate, result.ci95, target))


def _satisfaction_groups(survey: Survey, form: SurveyForm, filters: Filters, fp: Fingerprint,
                         questions: tuple[str, ...], method: str) -> Any:
    """Per column (role, then all roles): satisfaction_by unit and the pooled rate; or an error text."""
    from analysis.satisfaction import satisfaction, satisfaction_by

    def compute() -> Any:
        frame = _filtered(form_frame(survey, form, fp), filters)
        q = form.questionnaire
        roles = [r for r in form.roles if filters.role in (None, r)]
        parts = [(r, ROLE_LABELS.get(r, r), _filtered(frame, Filters(role=r))) for r in roles] \
            if len(roles) > 1 else [(roles[0] if roles else "", ROLE_LABELS.get(roles[0], roles[0])
                                     if roles else "全部", frame)]
        if len(roles) > 1:
            parts.append(("", "合计", frame))
        try:
            return [(code, label, satisfaction_by(part, q, list(questions), method, "unit"),
                     satisfaction(part, q, list(questions), method)) for code, label, part in parts]
        except ValueError as exc:
            return str(exc)

    return caches().results.get_or_compute(("satisfaction", survey.id, form.id, filters, fp, questions, method),
                                           compute)


def _satisfaction_view(survey: Survey, form: SurveyForm, filters: Filters, fp: Fingerprint,
                       choice: SatisfactionChoice) -> SatisfactionView | None:
    if not choice.questions:
        return None
    found = _satisfaction_groups(survey, form, filters, fp, choice.questions, choice.method)
    if isinstance(found, str):
        return SatisfactionView(choice, (), (), None, error=found)
    target = choice.target_fraction
    columns = tuple((code, label) for code, label, _, _ in found)
    names: dict[str | None, str] = {}
    for _, _, groups, _ in found:
        for g in groups:
            names.setdefault(g.group, g.name)
    order = sorted(c for c in names if c is not None) + ([None] if None in names else [])
    rows = []
    for code in order:
        cells = []
        for _, _, groups, _ in found:
            g = next((g for g in groups if g.group == code), None)
            cells.append(None if g is None else _cell(g, target))
        rows.append(SatisfactionRow(code, names[code], tuple(cells)))
    total = SatisfactionRow(None, "合计", tuple(_cell(r, target) for _, _, _, r in found))
    return SatisfactionView(choice, columns, tuple(rows), total)


def statistics(survey: Survey, form: SurveyForm, filters: Filters, choice: SatisfactionChoice | None,
               ) -> Statistics:
    """Every question's table (analysis.tables.all_tables) of the valid, filtered rows, and satisfaction
    by unit x role (analysis.satisfaction.satisfaction_by); cached by the questionnaire's fingerprint."""
    fp = fingerprint(list(form.form_ids))
    valid_all, valid, tables = _tables(survey, form, filters, fp)
    view = _satisfaction_view(survey, form, filters, fp, choice) if choice is not None else None
    return Statistics(form, filters, fp, fp.responses, valid_all, valid, tables, view)


def find_table(stats: Statistics, table_id: str) -> Any:
    for table in stats.tables:
        if table.id == table_id:
            return table
    raise ConsoleError(f"没有题目 {table_id}。")


def _png(draw: Callable[[Path], Any]) -> bytes:
    with tempfile.TemporaryDirectory(prefix="surveyapp-png-") as folder:
        path = Path(folder) / "picture.png"
        draw(path)
        return path.read_bytes()


def chart_png(survey: Survey, form: SurveyForm, filters: Filters, table_id: str) -> bytes:
    """The bar chart (analysis.pictures.bar_chart_png) of one table of the statistics page, cached.

    Raises ConsoleError for an unknown table and NothingToDraw for a table without options.
    """
    from analysis.pictures import bar_chart_png

    stats = statistics(survey, form, filters, None)
    table = find_table(stats, table_id)
    key = ("chart", survey.id, form.id, filters, stats.fingerprint, table_id)
    return caches().pictures.get_or_compute(key, lambda: _png(lambda path: bar_chart_png(table, path)))


# -- open questions -----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class OpenVariable:
    variable: str
    question: Question
    label: str


def open_variables(questionnaire: Questionnaire) -> list[OpenVariable]:
    """Open-text variables: text questions and the 其他（请注明） texts of choice questions."""
    found = []
    for q in questionnaire.questions:
        if q.type == "text":
            found.append(OpenVariable(q.id, q, f"第{q.number}题：{q.text}"))
        elif q.other:
            found.append(OpenVariable(f"{q.id}.other", q, f"第{q.number}题“其他”填写内容：{q.text}"))
    return found


def pick_open_variable(questionnaire: Questionnaire, variable: str | None) -> OpenVariable | None:
    variables = open_variables(questionnaire)
    for item in variables:
        if item.variable == variable:
            return item
    return variables[0] if variables else None


@dataclass(frozen=True)
class TextAnalysis:
    """Phrase, word and category tables of one open variable over the valid, filtered rows."""

    variable: OpenVariable
    answered: int
    valid: int
    phrases: tuple[tuple[str, int], ...]
    words: tuple[tuple[str, int], ...]
    categories: tuple[tuple[str, str, int, float | None], ...]


def _pairs(table: pd.DataFrame) -> tuple[tuple[str, int], ...]:
    return tuple((str(t), int(c)) for t, c in zip(table["term"].tolist(), table["count"].tolist(), strict=True))


def text_analysis(survey: Survey, form: SurveyForm, filters: Filters, variable: OpenVariable) -> TextAnalysis:
    """analysis.text phrase_table (top 20 + 其他), word_table (top 30 + 其他) and category_table, cached."""
    from analysis.text import category_table, count_answered, open_answers, phrase_table, word_table

    fp = fingerprint(list(form.form_ids))

    def compute() -> TextAnalysis:
        frame = _filtered(form_frame(survey, form, fp), filters)
        answers = open_answers(frame, form.questionnaire, variable.variable)
        categories = category_table(answers)
        rows = tuple((str(c), str(lbl), int(n), None if r != r else float(r)) for c, lbl, n, r in zip(
            categories["category"].tolist(), categories["label"].tolist(), categories["count"].tolist(),
            categories["ratio"].tolist(), strict=True))
        return TextAnalysis(variable, count_answered(answers), len(frame),
                            _pairs(phrase_table(answers, TOP_PHRASES)), _pairs(word_table(answers, TOP_WORDS)),
                            rows)

    return caches().results.get_or_compute(("text", survey.id, form.id, filters, fp, variable.variable), compute)


def wordcloud_png(survey: Survey, form: SurveyForm, filters: Filters, variable: OpenVariable) -> bytes:
    """The word cloud (analysis.pictures.wordcloud_png) of an open variable; raises NothingToDraw."""
    from analysis import pictures
    from analysis.text import open_answers

    fp = fingerprint(list(form.form_ids))

    def draw() -> bytes:
        frame = _filtered(form_frame(survey, form, fp), filters)
        answers = open_answers(frame, form.questionnaire, variable.variable)
        return _png(lambda path: pictures.wordcloud_png(answers, path, source=variable.variable))

    key = ("wordcloud", survey.id, form.id, filters, fp, variable.variable)
    return caches().pictures.get_or_compute(key, draw)


def wordcloud_note(survey: Survey, form: SurveyForm, filters: Filters, variable: OpenVariable,
                   answered: int) -> str | None:
    """None when the word cloud can be drawn (it is drawn now and cached), else a Chinese note saying why
    not (analysis.pictures raised NothingToDraw)."""
    from analysis.errors import NothingToDraw

    try:
        wordcloud_png(survey, form, filters, variable)
    except NothingToDraw:
        if answered == 0:
            return "本题还没有有效回答，无法生成词云。"
        return (f"{answered} 条回答都是“无”“没有”“暂无”之类的无意见回答或只含停用词，"
                "没有可画入词云的词语。")
    return None


# -- scoring ------------------------------------------------------------------------------------------------

INDICATOR_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*\.ya?ml$")


@dataclass(frozen=True)
class IndicatorFile:
    name: str
    title: str
    path: Path


def indicator_files(folder: Path | None = None) -> list[IndicatorFile]:
    """The indicator systems shipped in questionnaires/indicators/ (files that fail to load are left out)."""
    from analysis.scoring import load_indicators

    folder = folder or Path(current_app.config.get("CONSOLE_INDICATORS_DIR", INDICATORS_DIR))
    found = []
    for path in sorted(folder.glob("*.y*ml")):
        if not INDICATOR_NAME.match(path.name):
            continue
        try:
            found.append(IndicatorFile(path.name, load_indicators(path).title, path))
        except InputError as exc:
            logger.warning("Indicator file %s left out: %s", path, exc)
    return found


def pick_indicators(name: str | None) -> tuple[list[IndicatorFile], IndicatorFile | None]:
    files = indicator_files()
    for item in files:
        if item.name == name:
            return files, item
    if name:
        raise ConsoleError(f"没有指标体系文件 {name}。")
    return files, None


@dataclass
class ScoringInputs:
    """The evaluator's literal values and overrides of one survey x indicator file (texts as typed)."""

    literals: dict[str, str] = field(default_factory=dict)
    overrides: dict[str, dict[str, str]] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {"literals": dict(sorted(self.literals.items())),
                "overrides": {k: dict(v) for k, v in sorted(self.overrides.items())}}

    def digest(self) -> str:
        return hashlib.sha256(json.dumps(self.as_json(), ensure_ascii=False, sort_keys=True).encode()).hexdigest()

    def engine_literals(self) -> dict[str, Decimal]:
        return {k: Decimal(v) for k, v in self.literals.items()}

    def engine_overrides(self) -> dict[str, dict[str, Any]]:
        return {k: {"score": Decimal(v["score"]), "reason": v["reason"]} for k, v in self.overrides.items()}


def _inputs_path(survey: Survey, indicators: IndicatorFile) -> Path:
    folder = Path(current_app.config.get("CONSOLE_SCORING_DIR") or Path(current_app.instance_path) / "scoring")
    return folder / survey.slug / f"{Path(indicators.name).stem}.json"


def load_scoring_inputs(survey: Survey, indicators: IndicatorFile) -> ScoringInputs:
    """The stored inputs (an empty set when none were saved, or the file is unreadable)."""
    path = _inputs_path(survey, indicators)
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return ScoringInputs()
    except (OSError, ValueError) as exc:
        logger.warning("Scoring inputs %s unreadable: %s", path, exc)
        return ScoringInputs()
    literals = {str(k): str(v) for k, v in (raw.get("literals") or {}).items()}
    overrides = {str(k): {"score": str(v.get("score", "")), "reason": str(v.get("reason", ""))}
                 for k, v in (raw.get("overrides") or {}).items() if isinstance(v, dict)}
    return ScoringInputs(literals, overrides)


def save_scoring_inputs(survey: Survey, indicators: IndicatorFile, inputs: ScoringInputs) -> Path:
    """Write the inputs as JSON under the instance folder (atomically: a temporary file, then rename)."""
    path = _inputs_path(survey, indicators)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(inputs.as_json(), ensure_ascii=False, indent=1), encoding="utf-8")
    tmp.replace(path)
    logger.info("Scoring inputs of %s / %s saved (%d literals, %d overrides)", survey.slug, indicators.name,
                len(inputs.literals), len(inputs.overrides))
    return path


def _number(text: str) -> Decimal | None:
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def parse_scoring_form(system: Any, form: Any) -> tuple[ScoringInputs, dict[str, str]]:
    """Inputs from the posted scoring form and Chinese problems per field name.

    Fields per leaf i (file order): ``literal-i`` (a number, only for rules that use a value),
    ``override-i`` (a score between 0 and the weight) and ``reason-i`` (required with an override).
    """
    inputs = ScoringInputs()
    problems: dict[str, str] = {}
    for i, leaf in enumerate(system.leaves()):
        literal = (form.get(f"literal-{i}") or "").strip().rstrip("%").strip()
        if literal and leaf.rule.needs_value:
            if _number(literal) is None:
                problems[f"literal-{i}"] = f"“{literal}”不是数字。"
            else:
                inputs.literals[leaf.key] = literal
        score = (form.get(f"override-{i}") or "").strip()
        reason = (form.get(f"reason-{i}") or "").strip()
        if not score and not reason:
            continue
        number = _number(score) if score else None
        if number is None:
            problems[f"override-{i}"] = "请填写调整后的得分。" if not score else f"“{score}”不是数字。"
        elif not Decimal(0) <= number <= leaf.weight:
            problems[f"override-{i}"] = f"得分应在 0 到分值 {leaf.weight} 之间。"
        if not reason:
            problems[f"reason-{i}"] = "调整得分必须写明理由。"
        elif len(reason) > 200:
            problems[f"reason-{i}"] = "理由不能超过 200 个字。"
        if f"override-{i}" not in problems and f"reason-{i}" not in problems:
            inputs.overrides[leaf.key] = {"score": score, "reason": reason}
    return inputs, problems


def inputs_by_index(system: Any, inputs: ScoringInputs) -> dict[str, str]:
    """The form's field values (``literal-i``, ``override-i``, ``reason-i``) for stored inputs."""
    values = {}
    for i, leaf in enumerate(system.leaves()):
        if leaf.key in inputs.literals:
            values[f"literal-{i}"] = inputs.literals[leaf.key]
        if leaf.key in inputs.overrides:
            values[f"override-{i}"] = inputs.overrides[leaf.key]["score"]
            values[f"reason-{i}"] = inputs.overrides[leaf.key]["reason"]
    return values


def _all_frames(survey: Survey) -> tuple[dict[str, pd.DataFrame], dict[str, Questionnaire], tuple]:
    frames, questionnaires, fps = {}, {}, []
    for form in survey_forms(survey):
        fp = fingerprint(list(form.form_ids))
        frames[form.id] = form_frame(survey, form, fp)
        questionnaires[form.id] = form.questionnaire
        fps.append((form.id, fp))
    return frames, questionnaires, tuple(fps)


def score_survey(survey: Survey, indicators: IndicatorFile, inputs: ScoringInputs) -> Any:
    """analysis.scoring.score_system on the survey's valid responses with the evaluator's inputs.

    Returns the ScoreResult, or the ScoringError naming every leaf that cannot be scored (not raised, so
    the page can show the problems next to the form).
    """
    from analysis.scoring import ScoringError, load_indicators, score_system

    system = load_indicators(indicators.path)
    frames, questionnaires, fps = _all_frames(survey)
    stamp = indicators.path.stat().st_mtime_ns

    def compute() -> Any:
        try:
            return score_system(system, frames, questionnaires, literals=inputs.engine_literals(),
                                overrides=inputs.engine_overrides())
        except ScoringError as exc:
            return exc

    key = ("score", survey.id, indicators.name, stamp, fps, inputs.digest())
    return caches().results.get_or_compute(key, compute)


def score_file(result: Any, kind: str) -> bytes:
    """The score table as CSV or XLSX bytes (analysis.scoring write_score_csv / write_score_xlsx)."""
    from analysis.scoring import write_score_csv, write_score_xlsx

    writer = {"csv": write_score_csv, "xlsx": write_score_xlsx}[kind]
    with tempfile.TemporaryDirectory(prefix="surveyapp-score-") as folder:
        path = writer(result, Path(folder) / f"scores.{kind}")
        return Path(path).read_bytes()


# -- downloads ----------------------------------------------------------------------------------------------

def statistics_workbook(survey: Survey, form: SurveyForm) -> bytes:
    """statistics.xlsx of one questionnaire (analysis.workbook.write_statistics_workbook, every response:
    the summary counts collected and valid ones, the tables count valid ones)."""
    from analysis.workbook import write_statistics_workbook

    frame = form_frame(survey, form, fingerprint(list(form.form_ids)), include_invalid=True)
    with tempfile.TemporaryDirectory(prefix="surveyapp-stats-") as folder:
        path = write_statistics_workbook(frame, form.questionnaire, Path(folder) / "statistics.xlsx")
        return Path(path).read_bytes()


def pictures_zip(survey: Survey, form: SurveyForm) -> bytes:
    """A zip of every picture of one questionnaire (valid responses): chart_<table>.png per choice table,
    satisfaction_by_unit.png when it has rated questions, wordcloud_<variable>.png per open variable with
    words, and notes.txt naming what had nothing to draw."""
    from analysis import pictures
    from analysis.errors import NothingToDraw

    stats = statistics(survey, form, Filters(), SatisfactionChoice(default_rated(form.questionnaire)))
    notes = []
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as archive:
        for table in stats.tables:
            if table.type not in ("single", "multiple", "scale", "matrix"):
                continue
            if not table.valid:
                notes.append(f"{table.id}: 无人作答，未画图")
                continue
            archive.writestr(f"chart_{table.id}.png", chart_png(survey, form, Filters(), table.id))
        view = stats.satisfaction
        if view is not None and view.error is None and view.rows:
            groups = _satisfaction_groups(survey, form, Filters(), stats.fingerprint, view.choice.questions,
                                          view.choice.method)
            _, _, by_unit, _ = groups[-1]
            if any(g.n for g in by_unit):
                archive.writestr("satisfaction_by_unit.png", _png(lambda path: pictures.satisfaction_chart_png(
                    by_unit, path, target=view.choice.target_fraction, title="满意度（满意及以上占比，按单位）")))
        for variable in open_variables(form.questionnaire):
            try:
                data = wordcloud_png(survey, form, Filters(), variable)
            except NothingToDraw:
                notes.append(f"{variable.variable}: 没有可画入词云的词语")
                continue
            archive.writestr(f"wordcloud_{variable.variable}.png", data)
        if notes:
            archive.writestr("notes.txt", "\r\n".join(notes) + "\r\n")
    return out.getvalue()


REPORT_SECTIONS = {"summary": "问卷回收情况", "scores": "评分结果", "questions": "各题统计", "text": "开放题分析"}


def report_available() -> bool:
    try:
        from analysis.report import build_report  # noqa: F401
    except ImportError:
        return False
    return True


def report_docx(survey: Survey, sections: list[str], indicators: IndicatorFile | None, charts: bool = True,
                ) -> bytes:
    """The Word appendix (analysis.report.build_report) of the survey's responses, the chosen sections,
    the score table when an indicator system is chosen (with the evaluator's stored inputs).

    Raises ConsoleError (Chinese) when there is nothing to report or the scores cannot be computed.
    """
    from analysis.report import build_report
    from analysis.scoring import ScoringError

    if not sections:
        raise ConsoleError("请至少选择一个部分。")
    unknown = [s for s in sections if s not in REPORT_SECTIONS]
    if unknown:
        raise ConsoleError(f"未知的部分：{'、'.join(unknown)}")
    frames, questionnaires = {}, {}
    for form in survey_forms(survey):
        frames[form.id] = form_frame(survey, form, fingerprint(list(form.form_ids)), include_invalid=True)
        questionnaires[form.id] = form.questionnaire
    if not any(len(f) for f in frames.values()):
        raise ConsoleError("还没有答卷，无法生成报告附表。")
    score = None
    if indicators is not None and "scores" in sections:
        score = score_survey(survey, indicators, load_scoring_inputs(survey, indicators))
        if isinstance(score, ScoringError):
            raise ConsoleError("评分无法完成，请先在“评分”页补全指标：" + "；".join(p for _, p in score.problems[:3]))
    with tempfile.TemporaryDirectory(prefix="surveyapp-report-") as folder:
        path = Path(folder) / "report.docx"
        build_report(frames, questionnaires, path, score=score, sections=sections, charts=charts,
                     title=None if score is not None else f"{survey.title}数据分析附表")
        return path.read_bytes()

