"""Open (text) answers of a questionnaire: the one place the text tools meet.

The work is done in feature modules, all importable from here:

* :mod:`analysis.phrases`: :func:`normalise` (the one normalisation every output uses: ``很好`` and
  ``很好👍`` are one phrase, ``无`` and ``无。`` another) and the phrase table (词频表);
* :mod:`analysis.segmenter`: jieba segmentation with the shipped user dictionary and stopwords, on rjieba
  where it is proven to give jieba's tokens;
* :mod:`analysis.words`: the word table (nouns, verbs, adjectives and idioms, once per answer, no-opinion
  answers left out) and the keyword table (TF-IDF);
* :mod:`analysis.categories`: answer categories (无意见 / 正面 / 负面 / 建议 / 其他) from the lexicon.

This module adds the questionnaire side: which variables are open and the share of answers in a category.

>>> phrase_table(["无", "无。", "希望多开展活动", "没有"])  # doctest: +SKIP
          term  count
0            无      2
1      希望多开展活动      1
2           没有      1
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pandas as pd

from questionnaires import Question, Questionnaire

from .categories import (
    CATEGORIES,
    CATEGORY_LABELS,
    LEXICON_FILE,
    Lexicon,
    categorise,
    category_table,
    default_lexicon,
    is_no_opinion,
    load_lexicon,
)
from .errors import DataError
from .phrases import OTHER_TERM, count_answered, distinct_answers, normalise, phrase_table, ranked_table
from .satisfaction import ShareResult
from .segmenter import (
    _REFERENCE_ONLY,
    DATA_DIR,
    NEVER_STOPWORDS,
    STOPWORDS_FILE,
    USERDICT_FILE,
    Segmenter,
    default_segmenter,
    is_word,
    load_stopwords,
    load_userdict,
)
from .words import (
    COUNT_CHOICES,
    MODES,
    POS_CHOICES,
    answer_words,
    keyword_table,
    keyword_weights,
    tokenize,
    word_counts,
    word_table,
)

__all__ = [
    "CATEGORIES", "CATEGORY_LABELS", "COUNT_CHOICES", "DATA_DIR", "LEXICON_FILE", "MODES", "NEVER_STOPWORDS",
    "OTHER_TERM", "POS_CHOICES", "STOPWORDS_FILE", "USERDICT_FILE", "_REFERENCE_ONLY", "Lexicon", "Segmenter",
    "answer_words", "categorise", "category_table", "count_answered", "default_lexicon", "default_segmenter",
    "distinct_answers", "is_no_opinion", "is_word", "keyword_table", "keyword_weights", "load_lexicon",
    "load_stopwords", "load_userdict", "normalise", "open_answers", "open_question", "phrase_table",
    "ranked_table", "term_table", "text_share", "tokenize", "word_counts", "word_table",
]


def term_table(texts: Iterable[Any], mode: str = "phrase", top: int | None = None, **options: Any,
               ) -> pd.DataFrame:
    """The table of one ``wordfreq`` mode: ``phrase`` (:func:`phrase_table`), ``word`` (:func:`word_table`)
    or ``keyword`` (:func:`keyword_table`); `options` (pos, count ...) go to the word and keyword tables."""
    if mode == "phrase":
        if options:
            raise ValueError(f"the phrase table takes no {', '.join(sorted(options))}")
        return phrase_table(texts, top)
    if mode == "word":
        return word_table(texts, top, **options)
    if mode == "keyword":
        return keyword_table(texts, top, **options)
    raise ValueError(f"unknown mode {mode!r}; use one of {', '.join(MODES)}")


# -- questions and frames -----------------------------------------------------------------------------------

def open_question(questionnaire: Questionnaire, variable: str) -> Question:
    """The question behind an open-text variable: a ``text`` question ``q8`` or the 其他 text ``q2.other``.

    Raises DataError (source: the questionnaire file) for an unknown variable or a closed question.
    """
    source = questionnaire.source or questionnaire.id
    try:
        question = questionnaire.question(variable)
    except KeyError:
        raise DataError(source, [(variable, f"no question '{variable}' in questionnaire "
                                            f"'{questionnaire.id}'")]) from None
    if variable == question.id and question.type == "text":
        return question
    if variable == f"{question.id}.other" and question.other:
        return question
    if variable == question.id:
        problem = (f"question {variable} is a {question.type} question ({question.type_label}), not an open "
                   f"(text) question")
    else:
        problem = f"'{variable}' is not an open (text) variable of question {question.id}"
    raise DataError(source, [(variable, problem)])


def open_answers(frame: pd.DataFrame, questionnaire: Questionnaire, variable: str) -> list[Any]:
    """The raw answers of an open-text variable, one per row of `frame`.

    The variable is checked with :func:`open_question`; a frame without its column is a DataError.
    """
    open_question(questionnaire, variable)
    if variable not in frame.columns:
        raise DataError(questionnaire.source or questionnaire.id,
                        [(variable, f"the responses have no column '{variable}'")])
    return frame[variable].tolist()


def text_share(frame: pd.DataFrame, questionnaire: Questionnaire, variable: str,
               category: str | Iterable[str], lexicon: Lexicon | None = None) -> ShareResult:
    """The share of the answered (non-empty) open answers that fall in `category` (one or several).

    For example the share of parents raising no complaint::

        text_share(valid_only(frame), q, "q8", ["no_opinion", "positive"])

    Counts only the rows it is given (pass valid rows); raises ValueError for an unknown category.
    Returns :class:`analysis.satisfaction.ShareResult` (rate = count / n; None when n is 0).
    """
    wanted = {category} if isinstance(category, str) else set(category)
    unknown = sorted(wanted - set(CATEGORIES))
    if unknown or not wanted:
        raise ValueError(f"unknown category {', '.join(unknown) or '(none given)'}; "
                         f"expected some of {', '.join(CATEGORIES)}")
    table = category_table(open_answers(frame, questionnaire, variable), lexicon)
    n = int(table["count"].sum())
    count = int(table.loc[table["category"].isin(wanted), "count"].sum())
    return ShareResult(rate=count / n if n else None, count=count, n=n)
