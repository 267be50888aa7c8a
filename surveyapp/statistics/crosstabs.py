"""Cross tables (交叉分析) on the statistics page: which pairs can be asked for, and the cached table."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from questionnaires import Questionnaire

from ..cached_frames import Filters, SurveyForm, caches, filtered, fingerprint, form_frame
from ..models import Survey

META_LABELS = {"unit": "单位（学校）", "role": "调查对象"}


def _short(text: str, limit: int = 24) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


def crosstab_candidates(questionnaire: Questionnaire) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """The (variable, label) choices for the rows (single, scale, multiple questions and matrix rows) and the
    columns (single and scale questions, matrix rows, unit, role) of a cross table."""
    rows: list[tuple[str, str]] = []
    cols: list[tuple[str, str]] = []
    for q in questionnaire.questions:
        if q.type == "matrix":
            for row in q.rows:
                item = (f"{q.id}.{row.id}", f"第{q.number}题 {_short(row.text)}")
                rows.append(item)
                cols.append(item)
        elif q.type in ("single", "scale", "multiple"):
            item = (q.id, f"第{q.number}题 {_short(q.text)}")
            rows.append(item)
            if q.type != "multiple":
                cols.append(item)
    cols.extend(META_LABELS.items())
    return rows, cols


@dataclass(frozen=True)
class CrosstabChoice:
    rows: str
    cols: str

    @classmethod
    def parse(cls, questionnaire: Questionnaire, rows: str | None, cols: str | None) -> CrosstabChoice | None:
        """The pair asked for, or None when either side is missing or not a choice of the page."""
        row_choices, col_choices = crosstab_candidates(questionnaire)
        if rows in dict(row_choices) and cols in dict(col_choices) and rows != cols:
            return cls(rows, cols)
        return None


def crosstab_view(survey: Survey, form: SurveyForm, filters: Filters, choice: CrosstabChoice) -> Any:
    """analysis.crosstab.crosstab of the valid, filtered rows (cached), or a Chinese message saying why not."""
    from analysis.crosstab import crosstab

    fp = fingerprint(form.form_ids)

    def compute() -> Any:
        frame = filtered(form_frame(survey, form, fp), filters)
        try:
            return crosstab(frame, form.questionnaire, choice.rows, choice.cols)
        except ValueError as exc:
            return f"无法交叉分析：{exc}"

    return caches().results.get_or_compute(("crosstab", survey.id, form.id, filters, fp, choice), compute)
