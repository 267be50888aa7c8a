"""Each scored leaf written as evaluators write it: the questions, their tables, the value, rule and score.

A leaf's narrative is a sequence of blocks: sentences (text) and tables (a question's 选项 / 小计 / 比例
table, or an open question's category table). The Word section (:mod:`analysis.report.evidence`) draws
the blocks; :func:`leaf_paragraphs` gives the same sentences as plain text for the console's copy
buttons. Every number comes from the scoring engine's result (``LeafResult.evidence`` and ``.outcome``):
nothing is counted here.

>>> leaf_paragraphs(score_system(system, frames, questionnaires))["效益/满意度/家长满意度"]  # doctest: +SKIP
('问卷题 3（量表题，有效答题 7 人次）：您对本项目的总体情况是否满意？', ..., '……指标分值 20 分，评价得分 …。')
"""

from __future__ import annotations

from dataclasses import dataclass

from questionnaires import ROLE_LABELS
from questionnaires.model import TYPE_LABELS

from ..scoring.engine import LeafResult, ScoreResult
from ..scoring.evidence import (
    CategoryCount,
    Evidence,
    LiteralEvidence,
    MeanEvidence,
    SatisfactionEvidence,
    ShareEvidence,
    SurveyEvidence,
    SurveyOrigin,
    TextShareEvidence,
    survey_parts,
)
from ..tables import QuestionTable
from . import templates as t


@dataclass(frozen=True)
class CategoryTable:
    """The 类别 / 人次 / 比例 table of an open question (counts over `answered` non-empty answers)."""

    counts: tuple[CategoryCount, ...]
    answered: int


Block = str | QuestionTable | CategoryTable


@dataclass(frozen=True)
class LeafNarrative:
    """One leaf's blocks in reading order: question lines and tables, then the closing paragraph."""

    result: LeafResult
    blocks: tuple[Block, ...]

    @property
    def paragraphs(self) -> tuple[str, ...]:
        """The sentences only (question lines and the closing paragraph), tables left out."""
        return tuple(b for b in self.blocks if isinstance(b, str))


def leaf_paragraphs(result: ScoreResult) -> dict[str, tuple[str, ...]]:
    """Each leaf's paragraphs as plain text, by leaf key (``过程/资金管理/预算执行率``) in file order.

    The same sentences as the report's ``evidence`` section, from the same templates: the question lines
    (``问卷题 6（单选题，有效答题 420 人次）：……``) and one paragraph with the value, the rule, any override
    and ``指标分值 W 分，评价得分 S 分，得分率 R%。``. The tables are left out (the statistics page has
    them). For the console's scoring page: one paragraph per indicator, each with a copy button.

    Parameters
    ----------
    result : ScoreResult
        From :func:`analysis.scoring.score_system`.

    Returns
    -------
    dict of str to tuple of str
    """
    return {n.result.leaf.key: n.paragraphs for n in leaf_narratives(result)}


def leaf_narratives(result: ScoreResult) -> list[LeafNarrative]:
    """The narrative of every leaf in file order.

    The questionnaire behind a survey value is named (``以下数据来自家长问卷《……》``) when the system
    reads more than one questionnaire or the value is filtered.
    """
    forms = {part.origin.form for leaf in result.leaves for part in survey_parts(leaf.evidence)}
    return [leaf_narrative(leaf, name_sources=len(forms) > 1) for leaf in result.leaves]


def leaf_narrative(leaf: LeafResult, *, name_sources: bool = False) -> LeafNarrative:
    """The blocks of one leaf: question lines and tables, then the value, rule, override and closing."""
    blocks: list[Block] = []
    shown: set[tuple] = set()
    last_origin: SurveyOrigin | None = None
    for part in survey_parts(leaf.evidence):
        origin = part.origin
        if (name_sources or origin.filter is not None) and origin != last_origin:
            blocks.append(_source(origin))
        last_origin = origin
        for block in _question_blocks(part):
            key = (origin, block.id if isinstance(block, QuestionTable) else block)
            if key not in shown:
                shown.add(key)
                blocks.append(block)
    unit = display_unit(leaf)
    if leaf.evidence is not None:
        sentences = [_value_sentence(leaf, unit)]
    else:
        sentences = [t.target_sentence(leaf.leaf.target)] if leaf.leaf.target else []
    sentences.append(t.rule_sentence(leaf.leaf.rule, leaf.outcome, unit))
    if leaf.override is not None:
        sentences.append(t.override_sentence(leaf.computed, leaf.override.score, leaf.override.reason))
    sentences.append(t.closing_sentence(leaf.weight, leaf.score, leaf.rate))
    blocks.append(t.paragraph(*sentences))
    return LeafNarrative(leaf, tuple(blocks))


def display_unit(leaf: LeafResult) -> str:
    """The unit the sentences give the leaf's value: the score table's, else % for shares and rates and
    分 for mean option scores."""
    if leaf.unit:
        return leaf.unit
    return _evidence_unit(leaf.evidence) if leaf.evidence is not None else ""


def _evidence_unit(evidence: Evidence) -> str:
    if isinstance(evidence, LiteralEvidence):
        return ""
    if isinstance(evidence, SatisfactionEvidence) and evidence.method == "score":
        return "分"
    if isinstance(evidence, MeanEvidence):
        units = {_evidence_unit(part) for part in evidence.parts}
        return units.pop() if len(units) == 1 else ""
    return "%"


# -- question lines and tables -----------------------------------------------------------------------------

def _source(origin: SurveyOrigin) -> str:
    roles = origin.filter.role if origin.filter is not None and origin.filter.role else ()
    return t.source_sentence(ROLE_LABELS.get(origin.role, origin.role), origin.title, origin.units,
                             [ROLE_LABELS.get(r, r) for r in roles], origin.responses)


def _question_blocks(part: SurveyEvidence) -> list[Block]:
    if isinstance(part, TextShareEvidence):
        q = part.question
        return [t.question_line(q.number, TYPE_LABELS[q.type], part.n, q.text),
                CategoryTable(part.categories, part.n)]
    tables = [part.table] if isinstance(part, ShareEvidence) else list(part.tables)
    blocks: list[Block] = []
    for table in tables:
        blocks.extend([t.question_line(table.number, table.type_label, table.valid, table.text), table])
    return blocks


# -- value sentences ---------------------------------------------------------------------------------------

def _value_sentence(leaf: LeafResult, unit: str) -> str:
    evidence = leaf.evidence
    if isinstance(evidence, LiteralEvidence):
        return t.literal_sentence(evidence.value, unit, leaf.leaf.target, leaf.deviation)
    return _sentence(evidence, unit, prefix="", brief=False)


def _sentence(evidence: Evidence, unit: str, *, prefix: str, brief: bool) -> str:
    if isinstance(evidence, LiteralEvidence):
        return t.literal_sentence(evidence.value, unit, None, None)
    if isinstance(evidence, ShareEvidence):
        return t.share_sentence(evidence.options, evidence.value, evidence.count, prefix=prefix)
    if isinstance(evidence, SatisfactionEvidence):
        common = {"questions": len(evidence.tables), "n": evidence.n, "na": evidence.na,
                  "na_labels": evidence.na_labels, "prefix": prefix, "brief": brief}
        if evidence.method == "top_box":
            return t.top_box_sentence(evidence.satisfied_labels, evidence.value,
                                      satisfied=evidence.satisfied or 0, **common)
        return t.score_method_sentence(evidence.scores, evidence.value, **common)
    if isinstance(evidence, TextShareEvidence):
        return t.text_share_sentence(evidence.category, evidence.value, matched=evidence.count, n=evidence.n,
                                     prefix=prefix, brief=brief)
    parts = [_sentence(part, _part_unit(part, unit), prefix=_prefix(part), brief=True)
             for part in evidence.parts]
    single = all(_questions(part) == 1 for part in evidence.parts)
    return "，".join([*parts, t.mean_sentence(len(parts), "题" if single else "项", evidence.value, unit)])


def _part_unit(part: Evidence, leaf_unit: str) -> str:
    return leaf_unit if isinstance(part, LiteralEvidence | MeanEvidence) else _evidence_unit(part)


def _questions(part: Evidence) -> int:
    """How many questions (or matrix rows) a part of a mean read; 0 for literals and means."""
    if isinstance(part, ShareEvidence | TextShareEvidence):
        return 1
    if isinstance(part, SatisfactionEvidence):
        return len(part.tables)
    return 0


def _prefix(part: Evidence) -> str:
    """``问卷题 6 `` before a part of a mean, naming the question(s) it read."""
    if isinstance(part, ShareEvidence):
        numbers = [part.table.number]
    elif isinstance(part, TextShareEvidence):
        numbers = [part.question.number]
    elif isinstance(part, SatisfactionEvidence):
        numbers = list(dict.fromkeys(table.number for table in part.tables))
    else:
        return ""
    return f"问卷题 {'、'.join(str(n) for n in numbers)} "

