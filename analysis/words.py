"""Word tables of open answers: ``word`` mode (word counts) and ``keyword`` mode (TF-IDF), the word cloud's input.

By default a word table says something in a report:

* answers that say nothing (无, 没有, 暂无 ... - the lexicon's ``no_opinion`` list) are left out;
* only nouns, verbs, adjectives and idioms are kept, by jieba's part-of-speech tags
  (:mod:`analysis.word_tags`), so adverbs and particles (很, 多, 都, 也) no longer top the table; a negation
  right before a kept word stays with it (不 + 方便 -> 不方便, 不太 + 满意 -> 不太满意), so a negated word is
  never counted as its opposite; ``pos="all"`` keeps every word but stopwords (the old table);
* each word counts once per answer (``count="answers"``), so one long answer repeating a word 500 times
  counts it once; ``count="tokens"`` counts every occurrence.

``keyword`` mode ranks the same words by TF-IDF as jieba's keyword extraction does: tf = the word's count /
all counted words, idf from jieba's bundled IDF table (its median for words it does not list), words of one
character left out.

>>> word_table(["作业太多了", "作业太多，作业太多", "无"]).values.tolist()      # doctest: +SKIP
[['作业', 2], ['太多', 2]]
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable, Mapping
from typing import Any

import pandas as pd

from .categories import Lexicon, default_lexicon, is_no_opinion
from .jieba_dictionary import prefix_dictionary
from .phrases import OTHER_TERM, check_top, distinct_answers, normalise, ranked_table
from .segmenter import Segmenter, default_segmenter, is_word, stopword_set
from .word_tags import is_content_tag

MODES = ("phrase", "word", "keyword")
POS_CHOICES = ("content", "all")
COUNT_CHOICES = ("answers", "tokens")
NEGATORS: frozenset[str] = frozenset({
    "不", "没", "没有", "未", "别", "不太", "不是", "不够", "不大", "不怎么", "并不", "从不", "毫不", "无法",
    "不能", "不会", "不要", "不用", "不再",
})
"""Negations joined with the kept word right after them in ``content`` mode."""


def _check(pos: str, count: str) -> None:
    if pos not in POS_CHOICES:
        raise ValueError(f"pos must be one of {', '.join(POS_CHOICES)}, not {pos!r}")
    if count not in COUNT_CHOICES:
        raise ValueError(f"count must be one of {', '.join(COUNT_CHOICES)}, not {count!r}")


def answer_words(text: str, *, pos: str = "content", stopwords: Collection[str] | None = None,
                 segmenter: Segmenter | None = None) -> list[str]:
    """The words of one normalised answer, in order, repeats included (see the module docstring).

    >>> answer_words("老师很负责，就是不太方便")  # doctest: +SKIP
    ['老师', '负责', '不太方便']
    """
    _check(pos, "answers")
    stop = stopword_set(stopwords)
    seg = segmenter or default_segmenter()
    tokens = seg.cut(text)
    if pos == "all":
        return [tok for tok in tokens if tok not in stop and is_word(tok)]

    def kept(token: str) -> bool:
        return is_word(token) and token not in stop and is_content_tag(seg.tag(token))

    out = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        following = tokens[i + 1] if i + 1 < len(tokens) else None
        if token in NEGATORS and following is not None and following not in NEGATORS and kept(following):
            out.append(token + following)
            i += 2
            continue
        if kept(token):
            out.append(token)
        i += 1
    return out


def tokenize(texts: Iterable[Any], *, stopwords: Collection[str] | None = None,
             segmenter: Segmenter | None = None, pos: str = "all") -> list[list[str]]:
    """The words of each answer: jieba tokens of the normalised answer without stopwords, punctuation,
    spaces and digits-only tokens (``pos="content"``: only the words the default word table keeps).

    Parameters
    ----------
    texts : iterable of str
    stopwords : collection of str, optional
        Default: the shipped list (:func:`analysis.segmenter.load_stopwords`). Pass ``()`` to keep every word.
    segmenter : Segmenter, optional
        Default: :func:`analysis.segmenter.default_segmenter`.
    pos : {"all", "content"}

    Returns
    -------
    One list of words per input answer (an empty list for an empty answer).

    >>> tokenize(["非常不满意，作业太多了！"])  # doctest: +SKIP
    [['非常', '不满意', '作业', '太多']]
    """
    stop = stopword_set(stopwords)
    cache: dict[str, list[str]] = {}
    out = []
    for text in texts:
        norm = normalise(text)
        if norm not in cache:
            cache[norm] = answer_words(norm, pos=pos, stopwords=stop, segmenter=segmenter) if norm else []
        out.append(list(cache[norm]))
    return out


def word_counts(texts: Iterable[Any], *, pos: str = "content", count: str = "answers",
                skip_no_opinion: bool = True, stopwords: Collection[str] | None = None,
                segmenter: Segmenter | None = None, lexicon: Lexicon | None = None) -> dict[str, int]:
    """Word -> count over the answers, in order of first appearance (see the module docstring).

    Each distinct normalised answer is tokenised once; its words count as often as the answer occurs.
    """
    _check(pos, count)
    distinct = distinct_answers(texts)
    if skip_no_opinion:
        lex = lexicon or default_lexicon()
        distinct = {a: c for a, c in distinct.items() if not is_no_opinion(a, lex)}
    stop = stopword_set(stopwords)
    seg = segmenter or default_segmenter()
    counts: dict[str, int] = {}
    for answer, times in distinct.items():
        words = answer_words(answer, pos=pos, stopwords=stop, segmenter=seg)
        for word in (dict.fromkeys(words) if count == "answers" else words):
            counts[word] = counts.get(word, 0) + times
    return counts


def word_table(texts: Iterable[Any], top: int | None = None, *, pos: str = "content", count: str = "answers",
               skip_no_opinion: bool = True, stopwords: Collection[str] | None = None,
               segmenter: Segmenter | None = None, lexicon: Lexicon | None = None) -> pd.DataFrame:
    """Word counts over the answers (``wordfreq --mode word``).

    Parameters
    ----------
    texts : iterable of str
    top : int, optional
        Keep this many rows and sum the rest as a last row ``其他`` (only when there is a rest).
    pos : {"content", "all"}
        Keep nouns, verbs, adjectives and idioms (negations joined to them), or every word but stopwords.
    count : {"answers", "tokens"}
        Count a word once per answer, or every time it occurs.
    skip_no_opinion : bool
        Leave out answers that say nothing (无, 没有, 暂无 ...: the lexicon's no_opinion list).
    stopwords, segmenter : see :func:`tokenize`
    lexicon : Lexicon, optional
        For `skip_no_opinion`; default: the shipped lexicon.

    Returns
    -------
    DataFrame with columns ``term``, ``count``: counts descending, ties in order of first appearance.
    """
    return ranked_table(word_counts(texts, pos=pos, count=count, skip_no_opinion=skip_no_opinion,
                                    stopwords=stopwords, segmenter=segmenter, lexicon=lexicon), top)


def keyword_weights(counts: Mapping[str, int]) -> dict[str, float]:
    """TF-IDF of each word of two or more characters: count / total × idf (jieba's table and median)."""
    kept = {w: c for w, c in counts.items() if len(w.strip()) >= 2}
    total = sum(kept.values())
    dictionary = prefix_dictionary()
    out = {}
    for word, c in kept.items():
        idf = dictionary.idf(word)
        out[word] = c / total * (dictionary.median_idf if idf is None else idf)
    return out


def keyword_table(texts: Iterable[Any], top: int | None = None, *, pos: str = "content",
                  count: str = "answers", skip_no_opinion: bool = True, stopwords: Collection[str] | None = None,
                  segmenter: Segmenter | None = None, lexicon: Lexicon | None = None) -> pd.DataFrame:
    """Words ranked by TF-IDF against jieba's bundled IDF table (``wordfreq --mode keyword``).

    Parameters as :func:`word_table`. Returns a DataFrame with columns ``term``, ``count`` and ``weight``
    (tf × idf), weights descending, ties in order of first appearance; with `top`, the rest is summed in a
    last row ``其他`` (counts and weights).
    """
    check_top(top)
    counts = word_counts(texts, pos=pos, count=count, skip_no_opinion=skip_no_opinion, stopwords=stopwords,
                         segmenter=segmenter, lexicon=lexicon)
    weights = keyword_weights(counts)
    ranked = sorted(weights, key=lambda w: -weights[w])
    rows = [(w, counts[w], weights[w]) for w in ranked]
    if top is not None and len(rows) > top:
        head, tail = rows[:top], rows[top:]
        rows = head + [(OTHER_TERM, sum(r[1] for r in tail), math.fsum(r[2] for r in tail))]
    return pd.DataFrame({"term": pd.Series([r[0] for r in rows], dtype=object),
                         "count": pd.Series([r[1] for r in rows], dtype="int64"),
                         "weight": pd.Series([r[2] for r in rows], dtype="float64")})
