"""Statistics (统计): every question's table and chart, satisfaction by unit x role, cached by fingerprint."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from questionnaires import ROLE_LABELS, Question, Questionnaire

from ..cached_frames import (
    Filters,
    Fingerprint,
    SurveyForm,
    caches,
    filtered,
    fingerprint,
    form_frame,
)
from ..errors import ConsoleError
from ..files import written_bytes
from ..models import Survey

DEFAULT_TARGET = 90.0
METHOD_LABELS = {"top_box": "满意及以上占比", "score": "平均得分"}


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
    cluster: str = "respondent"
    """What one person's answers are grouped by for the interval: respondents, or units (schools)."""

    @classmethod
    def parse(cls, questionnaire: Questionnaire, questions: list[str], method: str | None,
              target: str | None, cluster: str | None = None) -> tuple[SatisfactionChoice, list[str]]:
        """The choice from query arguments and Chinese problems with them (defaults used instead)."""
        from analysis.satisfaction import CLUSTERS

        problems = []
        method = method if method in METHOD_LABELS else "top_box"
        cluster = cluster if cluster in CLUSTERS else "respondent"
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
        return cls(chosen, method, value, cluster), problems

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
    """Answers counted (several per person when questions or matrix rows are pooled)."""
    respondents: int
    n_effective: float | None
    """The sample size the interval rests on (answers of one person or school are not independent)."""
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
    """Every question's table (analysis.tables), a matrix question's one per row."""
    matrices: dict[str, Any]
    """The combined rows x options table (analysis.matrix_tables) of each matrix question, by question id."""
    satisfaction: SatisfactionView | None

    def blocks(self) -> list[tuple[Any, list[Any]]]:
        """The page's order: (table, []) per question, (combined matrix table, its row tables) per matrix."""
        out: list[tuple[Any, list[Any]]] = []
        for table in self.tables:
            question = table.id.split(".", 1)[0]
            if table.type == "matrix" and question in self.matrices:
                if out and out[-1][0] is self.matrices[question]:
                    out[-1][1].append(table)
                else:
                    out.append((self.matrices[question], [table]))
            else:
                out.append((table, []))
        return out


def _tables(survey: Survey, form: SurveyForm, filters: Filters, fp: Fingerprint,
            ) -> tuple[int, int, tuple, dict[str, Any]]:
    from analysis.matrix_tables import matrix_tables
    from analysis.tables import all_tables

    def compute() -> tuple[int, int, tuple, dict[str, Any]]:
        frame = form_frame(survey, form, fp)
        part = filtered(frame, filters)
        tables = all_tables(part, form.questionnaire)
        matrices = {t.id: t for t in matrix_tables(part, form.questionnaire, {t.id: t for t in tables})}
        return len(frame), len(part), tuple(tables), matrices

    return caches().results.get_or_compute(("tables", survey.id, form.id, filters, fp), compute)


def _cell(result: Any, target: float) -> SatisfactionCell:
    return SatisfactionCell(result.rate, result.n, result.respondents, result.n_effective, result.na, result.ci95,
                            target_marker(result.rate, result.ci95, target))


def satisfaction_groups(survey: Survey, form: SurveyForm, filters: Filters, fp: Fingerprint,
                        questions: tuple[str, ...], method: str, cluster: str = "respondent") -> Any:
    """Per column (role, then all roles): satisfaction_by unit and the pooled rate; or an error text."""
    from analysis.satisfaction import satisfaction, satisfaction_by

    def compute() -> Any:
        frame = filtered(form_frame(survey, form, fp), filters)
        q = form.questionnaire
        roles = [r for r in form.roles if filters.role in (None, r)]
        parts = [(r, ROLE_LABELS.get(r, r), filtered(frame, Filters(role=r))) for r in roles] \
            if len(roles) > 1 else [(roles[0] if roles else "", ROLE_LABELS.get(roles[0], roles[0])
                                     if roles else "全部", frame)]
        if len(roles) > 1:
            parts.append(("", "合计", frame))
        try:
            return [(code, label, satisfaction_by(part, q, list(questions), method, "unit", cluster=cluster),
                     satisfaction(part, q, list(questions), method, cluster=cluster)) for code, label, part in parts]
        except ValueError as exc:
            return str(exc)

    key = ("satisfaction", survey.id, form.id, filters, fp, questions, method, cluster)
    return caches().results.get_or_compute(key, compute)


def _satisfaction_view(survey: Survey, form: SurveyForm, filters: Filters, fp: Fingerprint,
                       choice: SatisfactionChoice) -> SatisfactionView | None:
    if not choice.questions:
        return None
    found = satisfaction_groups(survey, form, filters, fp, choice.questions, choice.method, choice.cluster)
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
    fp = fingerprint(form.form_ids)
    valid_all, valid, tables, matrices = _tables(survey, form, filters, fp)
    view = _satisfaction_view(survey, form, filters, fp, choice) if choice is not None else None
    return Statistics(form, filters, fp, fp.responses, valid_all, valid, tables, matrices, view)


def find_table(stats: Statistics, table_id: str) -> Any:
    for table in stats.tables:
        if table.id == table_id:
            return table
    raise ConsoleError(f"没有题目 {table_id}。")


def chart_png(survey: Survey, form: SurveyForm, filters: Filters, table_id: str) -> bytes:
    """The bar chart (analysis.pictures.bar_chart_png) of one table of the statistics page, cached.

    Raises ConsoleError for an unknown table and NothingToDraw for a table without options.
    """
    from analysis.pictures import bar_chart_png

    stats = statistics(survey, form, filters, None)
    table = find_table(stats, table_id)
    key = ("chart", survey.id, form.id, filters, stats.fingerprint, table_id)
    return caches().pictures.get_or_compute(
        key, lambda: written_bytes(lambda path: bar_chart_png(table, path), "chart.png"))


def statistics_json(survey: Survey, form: SurveyForm) -> dict[str, Any]:
    """The ``surveyapp stats --json`` document (analysis.tables.stats_json) of the questionnaire's valid
    responses, cached by fingerprint."""
    from analysis.tables import stats_json

    fp = fingerprint(form.form_ids)
    return caches().results.get_or_compute(("stats_json", survey.id, form.id, fp),
                                           lambda: stats_json(form_frame(survey, form, fp), form.questionnaire))


SATISFACTION_GROUPS = ("unit", "role")


def satisfaction_json_document(survey: Survey, form: SurveyForm, questions: tuple[str, ...], method: str,
                               by: str | None, cluster: str = "respondent") -> dict[str, Any]:
    """The ``surveyapp satisfaction --json`` document (analysis.satisfaction satisfaction, satisfaction_by,
    satisfaction_json) of the questionnaire's valid responses, cached by fingerprint.

    Raises ConsoleError for unknown or unrated questions, an unknown method, grouping or cluster.
    """
    from analysis.satisfaction import CLUSTERS, satisfaction, satisfaction_by, satisfaction_json

    if method not in METHOD_LABELS:
        raise ConsoleError(f"未知的满意度计算方法：{method}", code="unknown_method", place="method",
                           english=f"Unknown method {method!r}: use top_box or score.")
    if by not in (None, *SATISFACTION_GROUPS):
        raise ConsoleError(f"未知的分组方式：{by}", code="unknown_grouping", place="by",
                           english=f"Cannot group by {by!r}: use unit or role.")
    if cluster not in CLUSTERS:
        raise ConsoleError(f"未知的置信区间聚类方式：{cluster}", code="unknown_cluster", place="cluster",
                           english=f"Cannot cluster by {cluster!r}: use respondent or unit.")
    if not questions:
        raise ConsoleError("请选择题目。", code="no_questions", place="questions",
                           english="Name the questions to pool, e.g. questions=q3,q4.")
    fp = fingerprint(form.form_ids)

    def compute() -> dict[str, Any] | str:
        frame = form_frame(survey, form, fp)
        try:
            result = satisfaction(frame, form.questionnaire, list(questions), method, cluster=cluster)
            parts = (satisfaction_by(frame, form.questionnaire, list(questions), method, by, cluster=cluster)
                     if by else [])
        except ValueError as exc:
            return str(exc)
        return satisfaction_json(result, parts)

    key = ("satisfaction_json", survey.id, form.id, fp, questions, method, by, cluster)
    found = caches().results.get_or_compute(key, compute)
    if isinstance(found, str):
        raise ConsoleError(f"无法计算满意度：{found}", code="invalid_questions", place="questions", english=found)
    return found
