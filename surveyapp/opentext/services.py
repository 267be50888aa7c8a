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


WORD_CHOICES = {
    "word": "实词（名词、动词、形容词、成语）",
    "all": "全部词语",
    "keyword": "关键词（TF-IDF）",
}
"""The word table's modes on the page: analysis.text word mode by part of speech, every word, or keywords."""


@dataclass(frozen=True)
class WordChoice:
    """How the page's word table counts: `mode` one of WORD_CHOICES, `tokens` every occurrence (else each
    word once per answer)."""

    mode: str = "word"
    tokens: bool = False

    @classmethod
    def parse(cls, mode: str | None, count: str | None) -> WordChoice:
        """From query arguments; unknown values give the defaults."""
        return cls(mode if mode in WORD_CHOICES else "word", count == "tokens")

    def table(self, answers: list) -> pd.DataFrame:
        """The word table of `answers` (top TOP_WORDS, the rest as 其他) as this choice asks."""
        from analysis.text import term_table

        return term_table(answers, "keyword" if self.mode == "keyword" else "word", TOP_WORDS,
                          pos="all" if self.mode == "all" else "content",
                          count="tokens" if self.tokens else "answers")


@dataclass(frozen=True)
class TextAnalysis:
    """Phrase, word and category tables of one open variable over the valid, filtered rows."""

    variable: OpenVariable
    answered: int
    valid: int
    phrases: tuple[tuple[str, int], ...]
    words: tuple[tuple[str, int, float | None], ...]
    """Word, count and (keyword mode) TF-IDF weight."""
    categories: tuple[tuple[str, str, int, float | None], ...]
    choice: WordChoice


def _pairs(table: pd.DataFrame) -> tuple[tuple[str, int], ...]:
    return tuple((str(t), int(c)) for t, c in zip(table["term"].tolist(), table["count"].tolist(), strict=True))


def _weighted(table: pd.DataFrame) -> tuple[tuple[str, int, float | None], ...]:
    weights = table["weight"].tolist() if "weight" in table else [None] * len(table)
    return tuple((str(t), int(c), None if w is None else float(w))
                 for t, c, w in zip(table["term"].tolist(), table["count"].tolist(), weights, strict=True))


def text_analysis(survey: Survey, form: SurveyForm, filters: Filters, variable: OpenVariable,
                  choice: WordChoice = WordChoice()) -> TextAnalysis:
    """analysis.text phrase_table (top 20 + 其他), the word or keyword table `choice` asks for (top 30 +
    其他) and category_table, cached."""
    from analysis.text import category_table, count_answered, open_answers, phrase_table

    fp = fingerprint(form.form_ids)

    def compute() -> TextAnalysis:
        frame = filtered(form_frame(survey, form, fp), filters)
        answers = open_answers(frame, form.questionnaire, variable.variable)
        categories = category_table(answers)
        rows = tuple((str(c), str(lbl), int(n), None if r != r else float(r)) for c, lbl, n, r in zip(
            categories["category"].tolist(), categories["label"].tolist(), categories["count"].tolist(),
            categories["ratio"].tolist(), strict=True))
        return TextAnalysis(variable, count_answered(answers), len(frame), _pairs(phrase_table(answers, TOP_PHRASES)),
                            _weighted(choice.table(answers)), rows, choice)

    key = ("text", survey.id, form.id, filters, fp, variable.variable, choice)
    return caches().results.get_or_compute(key, compute)


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
        return (f"{answered} 条回答都是“无”“没有”“暂无”之类的无意见回答，或不含可用的名词、动词、形容词，"
                "没有可画入词云的词语。")
    return None
