"""The ``evidence`` section: each indicator's evidence and score, as published evaluation reports write it.

The indicator tree becomes numbered headings under the section's own (一、): level 1 ``（一）决策``, level 2
``1. 资金投入``, leaf ``（1）预算编制合理性``. Under each leaf come the questions its value read
(``问卷题 6（单选题，有效答题 420 人次）：……``), each with its table drawn by the appendix's own table code,
then one paragraph: how the value was obtained, the rule in words, any override, and
``指标分值 W 分，评价得分 S 分，得分率 R%。`` The blocks come from :mod:`analysis.report.narrative`.
"""

from __future__ import annotations

from docx.shared import Pt

from ..scoring.engine import ScoreResult
from ..tables import QuestionTable
from . import styles
from . import templates as t
from .narrative import CategoryTable, LeafNarrative, leaf_narratives
from .sections import choice_table
from .text_tables import category_grid


def evidence_section(ctx, score: ScoreResult) -> None:
    """Write the indicator tree with every leaf's questions, tables and sentences into the report."""
    doc = ctx.document
    styles.body(doc, t.EVIDENCE_INTRO)
    narratives = {n.result.leaf.key: n for n in leaf_narratives(score)}
    level1 = {s.path: s for s in score.level1}
    for i, group in enumerate(score.system.indicators, 1):
        styles.heading(doc, t.level1_heading(i, group.name), 2)
        subtotal = level1[(group.name,)]
        leaves = [leaf for sub in group.children for leaf in sub.children]
        styles.body(doc, t.group_sentence(group.name, len(leaves), subtotal.weight, subtotal.score,
                                          subtotal.rate))
        for j, sub in enumerate(group.children, 1):
            styles.heading(doc, t.level2_heading(j, sub.name), 3)
            for k, leaf in enumerate(sub.children, 1):
                _leaf(ctx, t.leaf_heading(k, leaf.name), narratives[leaf.key])


def _leaf(ctx, heading: str, narrative: LeafNarrative) -> None:
    doc = ctx.document
    title = doc.add_paragraph()
    title.paragraph_format.first_line_indent = Pt(24)
    title.paragraph_format.space_before = Pt(6)
    title.paragraph_format.keep_with_next = True
    styles.add_run(title, heading, bold=True, size=styles.BODY_SIZE)
    after_table = False
    for block in narrative.blocks:
        if isinstance(block, QuestionTable):
            choice_table(ctx, block)
            after_table = True
        elif isinstance(block, CategoryTable):
            category_grid(ctx, [(c.label, c.count) for c in block.counts], block.answered)
            after_table = True
        else:
            paragraph = styles.body(doc, block)
            if after_table:
                paragraph.paragraph_format.space_before = Pt(6)
            if block is not narrative.blocks[-1]:  # a question line stays with its table
                paragraph.paragraph_format.keep_with_next = True
            after_table = False
