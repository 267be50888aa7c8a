"""The ``text-summary`` section: what respondents wrote in open questions, summed up in sentences.

For each open question: the answers received, the share saying nothing (无, 没有 …), then the main themes.
A theme is a category of :func:`analysis.text.categorise` (不满和问题反映, 意见和建议, 肯定和表扬, 其他内容)
with its answer count, its keywords (the words most answers of the theme contain, from the same jieba
tokens as the word table, leaving out the lexicon's marker words such as 希望, 满意, 不 and single
characters) and one or two representative answers chosen by a fixed rule: the answers holding the most of
the theme's keywords, ties going to the answer given more often, then to the one given first. Answers are
quoted as the phrase table shows them (normalised: trimmed, trailing punctuation removed); nothing is
written that no respondent wrote.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from questionnaires import Questionnaire

from ..frames import valid_only
from . import styles
from . import templates as t
from .sections import role_name

THEME_ORDER = ("negative", "suggestion", "positive", "other")
"""Categories that make themes; with equal counts a theme comes earlier in this order."""


@dataclass(frozen=True)
class Theme:
    """One theme: a category's answers, keywords and representative answers."""

    category: str
    label: str
    answers: int
    keywords: tuple[str, ...]
    examples: tuple[str, ...]


@dataclass(frozen=True)
class OpenAnswersSummary:
    """Non-empty answers, those saying nothing, and the themes of the rest (largest first)."""

    answered: int
    no_opinion: int
    themes: tuple[Theme, ...]


def summarise_open_answers(texts: Iterable[Any], *, keywords: int = 3, examples: int = 2,
                           max_length: int = 60, lexicon=None) -> OpenAnswersSummary:
    """Sum up the answers of one open question (see the module docstring for the rules).

    Parameters
    ----------
    texts : iterable of str
        The answers (empty ones are not counted).
    keywords, examples : int
        At most this many keywords and representative answers per theme.
    max_length : int
        Representative answers are chosen among those of at most this many characters when there are any;
        otherwise the chosen answer is cut there and ends with ``……``.
    lexicon : analysis.text.Lexicon, optional
        Default: the shipped lexicon.

    Examples
    --------
    >>> s = summarise_open_answers(["无", "没有", "希望多开展活动", "希望多开展体育活动"])  # doctest: +SKIP
    >>> s.no_opinion, s.themes[0].label, s.themes[0].examples                              # doctest: +SKIP
    (2, '意见和建议', ('希望多开展活动', '希望多开展体育活动'))
    """
    from ..text import NEVER_STOPWORDS, categorise, default_lexicon, phrase_table, tokenize

    lex = lexicon or default_lexicon()
    phrases = phrase_table(texts)              # distinct answers: count descending, then first given
    answers = [(str(a), int(c)) for a, c in zip(phrases["term"], phrases["count"], strict=True)]
    by_category: dict[str, list[tuple[str, int]]] = {}
    for answer, times in answers:
        by_category.setdefault(categorise(answer, lex), []).append((answer, times))
    answered = sum(times for _, times in answers)
    no_opinion = sum(times for _, times in by_category.get("no_opinion", []))
    skip = set(lex.words) | set(NEVER_STOPWORDS)
    themes = []
    for category in THEME_ORDER:
        found = by_category.get(category)
        if not found:
            continue
        words = [set(tokens) - skip for tokens in tokenize([a for a, _ in found])]
        top = _keywords(found, words, keywords)
        chosen = _examples(found, words, top, examples, max_length)
        themes.append(Theme(category, t.THEME_LABELS[category], sum(times for _, times in found), top, chosen))
    themes.sort(key=lambda theme: -theme.answers)          # stable: ties keep THEME_ORDER
    return OpenAnswersSummary(answered, no_opinion, tuple(themes))


def _keywords(found: list[tuple[str, int]], words: list[set[str]], limit: int) -> tuple[str, ...]:
    """Words of two or more characters by the number of answers holding them, ties in the order first
    written; a word must be in two answers unless the theme has only one."""
    mentions: dict[str, int] = {}
    for (answer, times), answer_words in zip(found, words, strict=True):
        for word in sorted(answer_words, key=answer.find):
            if len(word) > 1:
                mentions[word] = mentions.get(word, 0) + times
    least = min(2, sum(times for _, times in found))
    ranked = sorted((w for w, n in mentions.items() if n >= least), key=lambda w: -mentions[w])
    return tuple(ranked[:limit])


def _examples(found: list[tuple[str, int]], words: list[set[str]], keywords: tuple[str, ...], limit: int,
              max_length: int) -> tuple[str, ...]:
    ranked = sorted(range(len(found)), key=lambda i: -len(words[i] & set(keywords)))  # stable: phrase order
    short = [i for i in ranked if len(found[i][0]) <= max_length]
    if short:
        return tuple(found[i][0] for i in short[:limit])
    return tuple(found[i][0][:max_length] + "……" for i in ranked[:limit])


# -- the section ---------------------------------------------------------------------------------------------

def text_summary_section(ctx, frames: Mapping[str, pd.DataFrame],
                         questionnaires: Mapping[str, Questionnaire]) -> None:
    """One paragraph per open question: answers, the no-opinion share and the main themes."""
    doc = ctx.document
    written = 0
    for qid, frame in frames.items():
        q = questionnaires[qid]
        valid = valid_only(frame)
        for question in q.questions:
            if question.type != "text" or question.id not in valid:
                continue
            styles.body(doc, summary_paragraph(role_name(q), question.number, question.text,
                                               summarise_open_answers(valid[question.id].tolist())))
            written += 1
    if not written:
        styles.body(doc, t.NO_OPEN_QUESTIONS)


def summary_paragraph(subject: str, number: int, text: str, summary: OpenAnswersSummary) -> str:
    """The paragraph of one open question from its summary."""
    if not summary.answered:
        return t.no_answers_sentence(subject, number, text)
    share = summary.no_opinion / summary.answered
    clauses = [t.theme_clause(i, theme.label, theme.answers, theme.answers / summary.answered, theme.keywords,
                              theme.examples) for i, theme in enumerate(summary.themes, 1)]
    return (t.open_question_sentence(subject, number, text, summary.answered, summary.no_opinion, share)
            + t.themes_sentence(clauses))
