"""The Word report appendix: responses frames, questionnaires and an optional score result in, .docx out.

>>> info = build_report(frames, questionnaires, "report.docx", score=result)   # doctest: +SKIP
>>> info.tables[0]                                                             # doctest: +SKIP
'表1 问卷回收情况'

The document is A4 with 2.5 cm margins and holds, in this order, the sections asked for:

1. ``summary``: collected, valid and invalid responses per questionnaire, invalid ones by reason, and
   valid/collected responses per unit and role;
2. ``scores``: the indicator score table (一级指标 / 二级指标 / 三级指标 / 分值 / 指标值 / 实际完成值 / 得分 /
   得分率) with merged level cells, subtotals, total and grade (only with a score result);
3. ``evidence``: the indicator tree as numbered headings and, per leaf, the questions its value read with
   their tables, how the value was obtained, the rule in words, any override and the closing sentence
   ``指标分值 W 分，评价得分 S 分，得分率 R%。`` (only with a score result; :mod:`.evidence`);
4. ``satisfaction-text``: satisfaction in sentences: each group's rate with n and interval, the units below
   the target, the lowest-rated questions (:mod:`.satisfaction_text`);
5. ``text-summary``: per open question the answers received, the no-opinion share and the main themes with
   representative answers (:mod:`.open_answers`);
6. ``questions``: satisfaction per role and per unit (n and 95% interval) with charts, then per
   questionnaire every closed question's table (选项 / 小计 / 比例 / 本题有效填写人次, one per matrix row)
   and a bar chart per single, multiple and scale question;
7. ``text``: for every open question the phrase table, the word table, the answer categories and the
   word cloud.

Tables and figures are numbered in order (表1, 表2 …, 图1, 图2 …) with Word SEQ fields.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from docx import Document

from questionnaires import Questionnaire

from . import styles

SECTIONS: tuple[str, ...] = ("summary", "scores", "evidence", "satisfaction-text", "text-summary", "questions",
                              "text")
SECTION_TITLES = {"summary": "问卷回收情况", "scores": "绩效评价指标得分", "evidence": "绩效评价指标分析",
                  "satisfaction-text": "满意度调查分析", "text-summary": "意见和建议汇总",
                  "questions": "问卷统计结果", "text": "开放题文本分析"}
SCORED_SECTIONS = ("scores", "evidence")
"""Sections that need a score result; left out without one."""
CHINESE_NUMERALS = "一二三四五六七八九十"


@dataclass(frozen=True)
class ReportInfo:
    """What went into a report: the file, the sections written, the table and figure captions in order, and
    the number of tables in all (the evidence section's question tables carry no caption, as in reports)."""

    path: Path
    sections: tuple[str, ...]
    tables: tuple[str, ...]
    figures: tuple[str, ...]
    table_count: int = 0


@dataclass
class ReportContext:
    """The document being written, the caption counters and a scratch folder for pictures."""

    document: object
    workdir: Path
    tables: list[str] = field(default_factory=list)
    figures: list[str] = field(default_factory=list)
    section_count: int = 0

    def section(self, name: str) -> None:
        """A level-1 heading ``一、问卷回收情况`` for the next section."""
        self.section_count += 1
        styles.heading(self.document, f"{CHINESE_NUMERALS[self.section_count - 1]}、{SECTION_TITLES[name]}", 1)

    def table_caption(self, text: str) -> None:
        number = len(self.tables) + 1
        styles.caption(self.document, "表", number, text)
        self.tables.append(f"表{number} {text}")

    def figure(self, draw: Callable[[Path], object], text: str, width_cm: float) -> bool:
        """Draw a picture with `draw(path)` and add it with the caption ``图N text`` under it.

        Returns False (and adds nothing) when the drawing function raises NothingToDraw.
        """
        from ..errors import NothingToDraw

        number = len(self.figures) + 1
        path = self.workdir / f"figure{number}.png"
        try:
            draw(path)
        except NothingToDraw:
            return False
        styles.picture(self.document, str(path), width_cm)
        styles.caption(self.document, "图", number, text)
        self.figures.append(f"图{number} {text}")
        return True


def parse_sections(value: str | Iterable[str] | None) -> tuple[str, ...]:
    """Sections from ``"summary,scores"`` or a list, in report order; None or empty means all.

    Raises ValueError naming an unknown section.
    """
    if value is None:
        return SECTIONS
    names = [v.strip() for v in (value.split(",") if isinstance(value, str) else value)]
    names = [n for n in names if n]
    if not names:
        return SECTIONS
    unknown = [n for n in names if n not in SECTIONS]
    if unknown:
        raise ValueError(f"unknown report section {', '.join(repr(u) for u in unknown)}; "
                         f"choose from {', '.join(SECTIONS)}")
    return tuple(s for s in SECTIONS if s in names)


def build_report(frames: Mapping[str, pd.DataFrame], questionnaires: Mapping[str, Questionnaire],
                 path: str | Path, *, score=None, sections: str | Iterable[str] | None = None,
                 title: str | None = None, charts: bool = True, top_phrases: int = 20, top_words: int = 30,
                 targets: Iterable[tuple[str, str, str, int]] = ()) -> ReportInfo:
    """Write the report appendix as a .docx file.

    Parameters
    ----------
    frames : mapping of questionnaire id to DataFrame
        Responses frames with every response, invalid ones included (status ``invalid:<reason>``): the
        collection summary counts them, every other table counts valid rows only.
    questionnaires : mapping of questionnaire id to Questionnaire
        Must hold every id in `frames`.
    path : path
        The .docx file to write (its folder must exist).
    score : analysis.scoring.ScoreResult, optional
        The scored indicator system; without it the ``scores`` and ``evidence`` sections are left out.
    sections : str or list of str, optional
        Any of summary, scores, evidence, satisfaction-text, text-summary, questions, text (default all),
        e.g. ``"summary,questions"``.
    title : str, optional
        The document title (default: from the score result or the questionnaires).
    charts : bool
        Draw bar charts, satisfaction charts and word clouds (False: tables only).
    top_phrases, top_words : int
        Rows of the phrase and word tables before the rest is summed as 其他.
    targets : iterable of (unit code, unit name, role, target)
        Targets of valid responses per unit and role; the collection summary then shows each with its
        valid responses and completion (valid / target).

    Returns
    -------
    ReportInfo
        The sections written and the captions of every table and figure, in order.

    Raises
    ------
    ValueError
        For an unknown section, a frame without its questionnaire or no responses at all.
    """
    from . import sections as parts
    from .evidence import evidence_section
    from .open_answers import text_summary_section
    from .satisfaction_text import satisfaction_text_section
    from .text_tables import text_section

    chosen = parse_sections(sections)
    missing = [qid for qid in frames if qid not in questionnaires]
    if missing:
        raise ValueError(f"no questionnaire for the responses of {', '.join(missing)}")
    if not frames:
        raise ValueError("there are no responses to report on")
    if score is None:
        chosen = tuple(s for s in chosen if s not in SCORED_SECTIONS)
    order = [qid for qid in sorted(frames, key=lambda q: _role_order(questionnaires[q]))]
    ordered = {qid: frames[qid] for qid in order}
    path = Path(path)
    document = Document()
    styles.setup_document(document)
    styles.page_number_footer(document)
    styles.title(document, _title(title, score, ordered, questionnaires))
    with tempfile.TemporaryDirectory(prefix="surveyapp-report-") as tmp:
        ctx = ReportContext(document, Path(tmp))
        for name in chosen:
            ctx.section(name)
            if name == "summary":
                parts.summary_section(ctx, ordered, questionnaires, tuple(targets))
            elif name == "scores":
                parts.scores_section(ctx, score)
            elif name == "evidence":
                evidence_section(ctx, score)
            elif name == "satisfaction-text":
                satisfaction_text_section(ctx, ordered, questionnaires, score)
            elif name == "text-summary":
                text_summary_section(ctx, ordered, questionnaires)
            elif name == "questions":
                parts.questions_section(ctx, ordered, questionnaires, charts=charts)
            else:
                text_section(ctx, ordered, questionnaires, charts=charts, top_phrases=top_phrases,
                                   top_words=top_words)
        styles.keep_tables_together(document)
        document.save(str(path))
    return ReportInfo(path, chosen, tuple(ctx.tables), tuple(ctx.figures), len(document.tables))


def _role_order(questionnaire: Questionnaire) -> tuple[int, str]:
    from questionnaires.model import ROLES

    role = questionnaire.role
    return (ROLES.index(role) if role in ROLES else len(ROLES), questionnaire.id)


def _title(title: str | None, score, frames: Mapping[str, pd.DataFrame],
           questionnaires: Mapping[str, Questionnaire]) -> str:
    if title:
        return title
    if score is not None and score.title:
        return f"{score.title}附表"
    if len(frames) == 1:
        return f"{questionnaires[next(iter(frames))].title}数据分析附表"
    return "满意度调查数据分析附表"
