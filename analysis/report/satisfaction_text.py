"""The ``satisfaction-text`` section: satisfaction in sentences.

For each questionnaire with rated questions (the ones the appendix pools, see
:func:`analysis.report.sections.satisfaction_variables`): the rate of each group of respondents with n and
its 95% interval (``家长满意度为 81.2%（n = 3,150 人次，95% 置信区间 79.8%～82.5%）``), the units below the
target, and the questions with the lowest rates. The target is the numeric target of the indicator that
reads the questionnaire's satisfaction (``≥90%``), else 90% (90 points for mean scores).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

import pandas as pd

from questionnaires import Questionnaire

from ..frames import valid_only
from ..satisfaction import SatisfactionGroup, satisfaction, satisfaction_by
from ..scoring.engine import ScoreResult
from ..scoring.evidence import SatisfactionEvidence, survey_parts
from ..tables import _present
from . import styles
from . import templates as t
from .sections import _sub, role_name, satisfaction_variables

DEFAULT_TARGET = Decimal(90)
LOWEST = 3
"""How many of the lowest-rated questions the section names (fewer when there are not more than this)."""


def people(group: SatisfactionGroup) -> tuple[int, str]:
    """The count a satisfaction sentence gives after ``n =``, and its word: the respondents (people with at
    least one counted answer), never the pooled answer count, beside the interval ``group.ci95`` computed on
    their effective sample size."""
    return group.respondents, "人"


def group_sentence(subject: str, group: SatisfactionGroup) -> str:
    """``家长满意度为 81.2%（n = 3,150 人次，95% 置信区间 79.8%～82.5%）``."""
    count, word = people(group)
    return t.satisfaction_sentence(subject, t.rate_text(group.rate, group.method), count, word,
                                   t.interval_text(group.ci95, group.method))


def satisfaction_targets(score: ScoreResult | None) -> dict[str, Decimal]:
    """Per questionnaire id, the target number of the first indicator reading its satisfaction."""
    targets: dict[str, Decimal] = {}
    for leaf in score.leaves if score is not None else ():
        target = leaf.target
        if target is None or target.op not in (None, ">=", ">", "="):
            continue
        for part in survey_parts(leaf.evidence):
            if isinstance(part, SatisfactionEvidence):
                targets.setdefault(part.origin.form, target.number)
    return targets


def satisfaction_text_section(ctx, frames: Mapping[str, pd.DataFrame],
                              questionnaires: Mapping[str, Questionnaire], score: ScoreResult | None = None,
                              ) -> None:
    """Write the rates per group, the units below target and the lowest-rated questions."""
    doc = ctx.document
    targets = satisfaction_targets(score)
    rated = []
    for qid, frame in frames.items():
        q = questionnaires[qid]
        variables, method = satisfaction_variables(q)
        valid = valid_only(frame)
        if variables and len(valid):
            target = targets.get(qid, DEFAULT_TARGET)
            rated.append((q, valid, variables, method, target))
    if not rated:
        styles.body(doc, t.NO_RATED_QUESTIONS)
        return

    styles.heading(doc, f"{_sub(1)}各类调查对象满意度", 2)
    by_role = [(q, g, method, target) for q, valid, variables, method, target in rated
               for g in satisfaction_by(valid, q, variables, method, by="role")]
    names = [g.name for _, g, _, _ in by_role]
    sentences = []
    for q, g, method, target in by_role:
        if g.rate is None:
            continue
        subject = f"{g.name}（{q.title}）" if names.count(g.name) > 1 else g.name
        met = _meets(g, target)
        sentences.append(f"{group_sentence(subject, g)}，{t.target_clause(_target_text(target, method), met)}")
    styles.body(doc, "；".join(sentences) + "。")
    styles.note(doc, t.SATISFACTION_NOTE)

    index = 1
    with_units = [r for r in rated if r[1]["unit"].map(_present).any()]
    if with_units:
        index += 1
        styles.heading(doc, f"{_sub(index)}各单位满意度", 2)
        for q, valid, variables, method, target in with_units:
            styles.body(doc, _units_paragraph(role_name(q), valid, q, variables, method, target))

    lowest = [(q, items) for q, valid, variables, method, _ in rated
              if len(items := _rates_by_question(valid, q, variables, method)) > 1]
    if lowest:
        index += 1
        styles.heading(doc, f"{_sub(index)}满意度较低的方面", 2)
        for q, items in lowest:
            # never every question: with three rated, the lowest two
            shown = [(number, text, t.rate_text(rate, items_method))
                     for number, text, rate, items_method in items[:min(LOWEST, len(items) - 1)]]
            styles.body(doc, t.lowest_questions_sentence(role_name(q), shown))


def _meets(group: SatisfactionGroup, target: Decimal) -> bool:
    rate = Decimal(str(group.rate))
    return rate * 100 >= target if group.method == "top_box" else rate >= target


def _below_for_sure(group: SatisfactionGroup, target: Decimal) -> bool:
    if group.ci95 is None:
        return False
    upper = Decimal(str(group.ci95[1]))
    return upper * 100 < target if group.method == "top_box" else upper < target


def _target_text(target: Decimal, method: str) -> str:
    return t.value_text(target, "%" if method == "top_box" else "分")


def _units_paragraph(subject: str, valid: pd.DataFrame, q: Questionnaire, variables: list[str], method: str,
                     target: Decimal) -> str:
    units = [g for g in satisfaction_by(valid, q, variables, method, by="unit") if g.rate is not None]
    below = [g for g in units if not _meets(g, target)]
    surely = [g.name for g in below if _below_for_sure(g, target)]
    unsure = [g.name for g in below if not _below_for_sure(g, target)]
    listed = [_unit_rate(g) for g in below]
    return t.units_below_sentence(subject, _target_text(target, method), listed, surely, unsure)


def _unit_rate(group: SatisfactionGroup) -> str:
    """``第一小学 85.2%（n = 54 人次，95% 置信区间 …）``"""
    count, word = people(group)
    return t.unit_rate(group.name, t.rate_text(group.rate, group.method), count, word,
                       t.interval_text(group.ci95, group.method))


def _rates_by_question(valid: pd.DataFrame, q: Questionnaire, variables: list[str], method: str,
                       ) -> list[tuple[int, str, float, str]]:
    """(number, text, rate, method) of every rated question or matrix row, lowest rate first (ties in
    questionnaire order)."""
    found = []
    for qid in variables:
        question = q.question(qid)
        for variable in question.variables if question.type == "matrix" else [qid]:
            result = satisfaction(valid, q, [variable], method)
            if result.rate is None:
                continue
            text = question.text
            if question.type == "matrix":
                row = next(r for r in question.rows if f"{question.id}.{r.id}" == variable)
                text = f"{question.text}—{row.text}"
            found.append((question.number, text, result.rate, method))
    return sorted(found, key=lambda item: item[2])

