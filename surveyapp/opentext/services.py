"""Open questions (开放题): phrase, word and category tables and the word cloud of one open variable."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from questionnaires import Question, Questionnaire

from ..cached_frames import (
    Filters,
    SurveyForm,
    caches,
    filtered,
    fingerprint,
    form_frame,
)
from ..files import written_bytes
from ..models import Survey

TOP_PHRASES = 20
TOP_WORDS = 30


@dataclass(frozen=True)
class OpenVariable:
    variable: str
    question: Question
    label: str


def open_variables(questionnaire: Questionnaire) -> list[OpenVariable]:
    """Open-text variables, the main open question first: text questions from the last one (the closing
    "意见或建议" question of a questionnaire) back, then the 其他（请注明） texts of choice questions."""
    texts, others = [], []
    for q in questionnaire.questions:
        if q.type == "text":
            texts.append(OpenVariable(q.id, q, f"第{q.number}题：{q.text}"))
        elif q.other:
            others.append(OpenVariable(f"{q.id}.other", q, f"第{q.number}题“其他”填写内容：{q.text}"))
    return texts[::-1] + others


def pick_open_variable(questionnaire: Questionnaire, variable: str | None) -> OpenVariable | None:
    """The open variable asked for, else the main open question (the last text question), else the first
    其他 text; None when the questionnaire has no open variable."""
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

    fp = fingerprint(form.form_ids)

    def compute() -> TextAnalysis:
        frame = filtered(form_frame(survey, form, fp), filters)
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

    fp = fingerprint(form.form_ids)

    def draw() -> bytes:
        frame = filtered(form_frame(survey, form, fp), filters)
        answers = open_answers(frame, form.questionnaire, variable.variable)
        return written_bytes(lambda path: pictures.wordcloud_png(answers, path, source=variable.variable),
                             "wordcloud.png")

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
