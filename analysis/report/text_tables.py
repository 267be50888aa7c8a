"""The open-answers section of the report appendix: per open question the answer categories, the phrase
table, the word table and the word cloud."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pandas as pd

from questionnaires import Question, Questionnaire

from ..frames import valid_only
from ..text import category_table, count_answered, phrase_table, word_table
from . import styles
from .sections import _sub, role_name
from .styles import new_table, percent


def text_section(ctx, frames: Mapping[str, pd.DataFrame], questionnaires: Mapping[str, Questionnaire], *,
                 charts: bool = True, top_phrases: int = 20, top_words: int = 30) -> None:
    """Per open question: answer categories, the phrase table, the word table and the word cloud."""
    doc = ctx.document
    found = [(qid, [question for question in questionnaires[qid].questions if question.type == "text"])
             for qid in frames]
    found = [(qid, qs) for qid, qs in found if qs]
    if not found:
        styles.body(doc, "所选问卷没有开放题。")
        return
    styles.body(doc, "开放题的回答经过规范化（去除首尾空格、首尾标点和表情符号，全角转半角）后统计："
                     f"回答汇总按完整回答计数，列出前{top_phrases}条，其余合并为“其他”；高频词为除去“无”“没有”等无意见回答后，分词并只保留名词、"
                     f"动词、形容词和成语（否定词与其后的词合为一词，如“不方便”），每个词在一条回答中只计一次；"
                     f"词云按TF-IDF权重绘制。")
    for index, (qid, questions) in enumerate(found, 1):
        q = questionnaires[qid]
        frame = valid_only(frames[qid])
        styles.heading(doc, f"{_sub(index)}{role_name(q)}问卷", 2)
        for question in questions:
            _open_question(ctx, frame, question, charts, top_phrases, top_words)


def _open_question(ctx, frame: pd.DataFrame, question: Question, charts: bool, top_phrases: int,
                   top_words: int) -> None:
    doc = ctx.document
    texts = frame[question.id].tolist() if question.id in frame else []
    answered = count_answered(texts)
    head = f"第{question.number}题（{question.type_label}）"
    styles.heading(doc, f"{head}：{question.text}", 3)
    if answered == 0:
        styles.body(doc, "本题没有有效回答。")
        return
    categories = category_table(texts)
    counts = dict(zip(categories["category"], categories["count"], strict=True))
    no_opinion = int(counts.get("no_opinion", 0))
    raised = int(counts.get("negative", 0)) + int(counts.get("suggestion", 0))
    styles.body(doc, f"本题有效填写{answered}人次，其中回答“无”“没有”等表示没有意见的{no_opinion}人次，"
                     f"占{percent(no_opinion, answered)}；提出意见或建议的{raised}人次，"
                     f"表达肯定的{int(counts.get('positive', 0))}人次。")

    ctx.table_caption(f"{head}回答分类")
    category_grid(ctx, zip(categories["label"], categories["count"], strict=True), answered)

    ctx.table_caption(f"{head}回答汇总")
    phrases = phrase_table(texts, top=top_phrases)
    grid = new_table(doc, [10.0, 2.5, 2.5], ["评价", "词频", "比例"])
    for term, count in zip(phrases["term"], phrases["count"], strict=True):
        styles.add_row(grid, [str(term), str(int(count)), percent(int(count), answered)],
                       align=["left", "right", "right"])
    styles.add_row(grid, ["本题有效填写人次", str(answered), ""], align=["left", "right", "right"], bold=True)

    words = word_table(texts).head(top_words)
    if len(words):
        ctx.table_caption(f"{head}高频词（前{len(words)}个）")
        _word_grid(ctx, words)
    if charts:
        from ..pictures import wordcloud_png

        ctx.figure(lambda path: wordcloud_png(texts, path, width=1200, height=700),
                   f"第{question.number}题词云图", 13.0)


def category_grid(ctx, counts: Iterable[tuple[str, int]], answered: int) -> None:
    """The 类别 / 人次 / 比例 table of an open question's answer categories, ending with 本题有效填写人次."""
    grid = new_table(ctx.document, [6.0, 2.5, 2.5], ["类别", "人次", "比例"])
    for label, count in counts:
        styles.add_row(grid, [label, str(int(count)), percent(int(count), answered)],
                       align=["left", "right", "right"])
    styles.add_row(grid, ["本题有效填写人次", str(answered), ""], align=["left", "right", "right"], bold=True)


def _word_grid(ctx, words: pd.DataFrame) -> None:
    """Words and counts in two side-by-side column groups (序号 / 词语 / 词频 twice)."""
    items = [(i + 1, str(t), int(c)) for i, (t, c) in enumerate(zip(words["term"], words["count"], strict=True))]
    half = (len(items) + 1) // 2
    grid = new_table(ctx.document, [1.2, 3.8, 2.0, 1.2, 3.8, 2.0], ["序号", "词语", "词频", "序号", "词语", "词频"])
    align = ["center", "left", "right", "center", "left", "right"]
    for left, right in zip(items[:half], items[half:] + [None] * (2 * half - len(items)), strict=True):
        cells = [str(left[0]), left[1], str(left[2])]
        cells += ["", "", ""] if right is None else [str(right[0]), right[1], str(right[2])]
        styles.add_row(grid, cells, align=align)

