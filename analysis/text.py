"""Open (text) answers: normalisation, phrase and word tables, jieba tokens, answer categories.

Everything starts from :func:`normalise`: an answer is trimmed, full-width letters and digits become
half-width, trailing punctuation goes, Latin letters become lower-case. An answer that is empty after
normalisation is not an answer; ``answered`` counts the others.

Tokens come from jieba with the shipped, editable files in ``analysis/data/``: ``userdict.txt`` (school
vocabulary such as 不满意, 课后服务, 护眼灯 kept as one word), ``stopwords.txt`` (function words; negations
and evaluative words such as 不, 没有, 非常, 满意 are always kept) and ``lexicon.yaml`` (the words behind
:func:`categorise`).

jieba is the reference. rjieba (jieba-rs) gives identical tokens about twenty times faster on answers
made of common Han characters (U+4E00-U+9FD5), ASCII letters and digits, punctuation and symbols; answers
with ``. - _ + # & %`` or other letters (CJK extension A, kana, accented Latin) tokenise differently there
(jieba-rs joins ``3.5x1``, jieba splits it), so they go to jieba itself.
``tests/analysis/test_text_engine.py`` checks the equality.
Each distinct answer is tokenised once and its tokens counted as often as the answer occurs.

>>> phrase_table(["无", "无。", "希望多开展活动", "没有"])  # doctest: +SKIP
          term  count
0            无      2
1      希望多开展活动      1
2           没有      1
"""

from __future__ import annotations

import math
import re
import threading
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from questionnaires import Question, Questionnaire

from .errors import DataError
from .jieba_dictionary import prefix_dictionary, reference_tokenizer
from .satisfaction import ShareResult

DATA_DIR = Path(__file__).resolve().parent / "data"
STOPWORDS_FILE = DATA_DIR / "stopwords.txt"
USERDICT_FILE = DATA_DIR / "userdict.txt"
LEXICON_FILE = DATA_DIR / "lexicon.yaml"

OTHER_TERM = "其他"
"""The term of the row that sums the tail of a table cut at ``top``."""

CATEGORIES: tuple[str, ...] = ("no_opinion", "positive", "negative", "suggestion", "other")
CATEGORY_LABELS: dict[str, str] = {
    "no_opinion": "无意见", "positive": "正面", "negative": "负面", "suggestion": "建议", "other": "其他",
}

NEVER_STOPWORDS: frozenset[str] = frozenset({
    "不", "没", "没有", "无", "否", "未", "别", "非", "莫", "勿", "不要", "不用", "不能", "不会", "不够",
    "不太", "不是", "很", "非常", "太", "特别", "十分", "挺", "比较", "一般", "满意", "不满意", "好", "差",
})
"""Negations and evaluative words: never removed, whatever stopwords.txt says."""

# -- normalisation ------------------------------------------------------------------------------------------

_SPACE_CHARS = "".join(chr(c) for c in range(0x2000, 0x200B)) + " \t\r\n\f\v\u3000\u00a0"
_TRAILING = "。！!？?，,；;、.…~～" + _SPACE_CHARS
_KEEP_FULL_WIDTH = set("，！？：；（）～")  # Chinese punctuation keeps its full-width form
_FULL_TO_HALF = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F) if chr(cp) not in _KEEP_FULL_WIDTH}
_FULL_TO_HALF.update({0x3000: 0x20, 0xFF61: ord("。"), 0xFF64: ord("、")})
_INVISIBLE = dict.fromkeys([0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, 0x00AD])
_SPACES = re.compile(r"\s+")
_HAN = r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]"
_HALF_PUNCT = re.compile(rf"(?<={_HAN})[,!?;:()]|[,!?;:()](?={_HAN})")
_TO_FULL = {",": "，", "!": "！", "?": "？", ";": "；", ":": "：", "(": "（", ")": "）"}


def normalise(text: Any) -> str:
    """One canonical form of an open answer; ``""`` means not answered.

    Trims the answer, turns full-width letters, digits and symbols into half-width (Chinese punctuation
    ，！？：；（） stays full-width, and ASCII ``, ! ? ; : ( )`` next to a Chinese character becomes the
    full-width form, so "没有,谢谢" and "没有，谢谢" are one answer), collapses whitespace to one space,
    drops zero-width characters and trailing punctuation (。！!？?，,；;、.…~～), and lower-cases letters.
    None, NaN and pd.NA give ``""``; other non-text values are written as text.

    >>> normalise("  无。 ")
    '无'
    >>> normalise("ＡＰＰ  经常闪退！！")
    'app 经常闪退'
    """
    if not isinstance(text, str):
        if text is None or pd.isna(text) is True:  # None, NaN, pd.NA, NaT
            return ""
        text = str(text)
    text = text.translate(_INVISIBLE).translate(_FULL_TO_HALF)
    text = _SPACES.sub(" ", text)
    text = _HALF_PUNCT.sub(lambda m: _TO_FULL[m.group()], text)
    return text.lower().strip().rstrip(_TRAILING)


def _distinct(texts: Iterable[Any]) -> dict[str, int]:
    """Normalised non-empty answers -> how often they occur, in order of first appearance.

    The raw answers are counted first (hashed in C by pandas), then each distinct one is normalised once.
    """
    values = texts if isinstance(texts, pd.Series) else pd.Series(list(texts), dtype=object)
    try:
        codes, uniques = pd.factorize(values)    # missing values (None, NaN, pd.NA) get code -1
    except TypeError:                            # an unhashable cell, such as a list
        codes, uniques = pd.factorize(values.map(_hashable))
    counts = np.bincount(codes[codes >= 0], minlength=len(uniques)).tolist()
    out: dict[str, int] = {}
    for value, count in zip(uniques, counts, strict=True):
        norm = normalise(value)
        if norm:
            out[norm] = out.get(norm, 0) + count
    return out


def _hashable(value: Any) -> Any:
    try:
        hash(value)
    except TypeError:
        return str(value)
    return value


def count_answered(texts: Iterable[Any]) -> int:
    """The number of answers that are not empty after :func:`normalise`."""
    return sum(_distinct(texts).values())


# -- tables -------------------------------------------------------------------------------------------------

def _check_top(top: int | None) -> None:
    if top is not None and (isinstance(top, bool) or not isinstance(top, int) or top < 1):
        raise ValueError(f"top must be a whole number of at least 1, not {top!r}")


def _ranked_table(counts: Mapping[str, int], top: int | None) -> pd.DataFrame:
    """Counts descending, ties in insertion (first appearance) order, the tail after `top` summed as 其他."""
    _check_top(top)
    ranked = sorted(counts.items(), key=lambda kv: -kv[1])  # stable: ties keep first appearance
    if top is not None and len(ranked) > top:
        # A real answer "其他" joins the tail row rather than appear twice.
        named = [kv for kv in ranked if kv[0] != OTHER_TERM]
        head = named[:top]
        tail = sum(count for _, count in ranked) - sum(count for _, count in head)
        ranked = head + [(OTHER_TERM, tail)]
    return pd.DataFrame({"term": pd.Series([t for t, _ in ranked], dtype=object),
                         "count": pd.Series([c for _, c in ranked], dtype="int64")})


def phrase_table(texts: Iterable[Any], top: int | None = None) -> pd.DataFrame:
    """Whole normalised answers with their counts (the evaluators' 词频表).

    Parameters
    ----------
    texts : iterable of str (None, NaN and blank answers are skipped)
    top : int, optional
        Keep this many rows and sum the rest as a last row ``其他`` (only when there is a rest).

    Returns
    -------
    DataFrame with columns ``term``, ``count``: counts descending, ties in order of first appearance.

    >>> phrase_table(["无", "没有", "无。", "希望多开展活动", "没有"], top=1).values.tolist()
    [['无', 2], ['其他', 3]]
    """
    return _ranked_table(_distinct(texts), top)


# -- user dictionary and stopwords --------------------------------------------------------------------------

def _data_lines(path: Path) -> list[tuple[int, str]]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise DataError(str(path), [("", f"cannot read: {exc.strerror or exc}")]) from exc
    except UnicodeDecodeError as exc:
        raise DataError(str(path), [("", "not UTF-8 text")]) from exc
    out = []
    for number, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if line and not line.startswith("#"):
            out.append((number, line))
    return out


def load_stopwords(path: str | Path | None = None) -> frozenset[str]:
    """Stopwords from a file (default: the shipped ``analysis/data/stopwords.txt``), one a line.

    Lines starting with ``#`` are comments. Words are normalised; :data:`NEVER_STOPWORDS` are dropped
    from the result, so 不, 没有, 非常, 满意 ... always survive.
    """
    path = Path(path) if path is not None else STOPWORDS_FILE
    words = {normalise(line) for _, line in _data_lines(path)}
    return frozenset(words - NEVER_STOPWORDS - {""})


_USERDICT_LINE = re.compile(r"^(.+?)(?:\s+(\d+))?(?:\s+([a-z]+))?$")


def load_userdict(path: str | Path | None = None) -> list[tuple[str, int | None, str | None]]:
    """Entries ``(word, frequency or None, tag or None)`` of a jieba user dictionary file.

    The format is jieba's ("word [frequency] [tag]" one a line) plus ``#`` comment lines; words are
    normalised like answers. Frequency 0 (jieba's "force split") is refused: use stopwords instead.
    """
    path = Path(path) if path is not None else USERDICT_FILE
    entries: list[tuple[str, int | None, str | None]] = []
    problems: list[tuple[str, str]] = []
    for number, line in _data_lines(path):
        word, freq, tag = _USERDICT_LINE.match(line).groups()
        word = normalise(word)
        if not word or " " in word:
            problems.append((f"line {number}", f"{line!r} is not 'word [frequency] [tag]'"))
        elif freq is not None and int(freq) == 0:
            problems.append((f"line {number}", f"frequency 0 for {word!r}: remove the line or use stopwords"))
        else:
            entries.append((word, int(freq) if freq is not None else None, tag))
    if problems:
        raise DataError(str(path), problems)
    return entries


# -- segmentation -------------------------------------------------------------------------------------------

_REFERENCE_ONLY = re.compile(r"[.\-_+#&%]|[^\W\u4e00-\u9fd5a-zA-Z0-9_]|(\w)\1\1")
"""Answers holding any of these go to jieba itself: jieba-rs splits runs around ``. - _ + # & %``
differently, and takes letters beyond jieba's Han range (U+4E00-U+9FD5) and ASCII - CJK extension A,
kana, accented Latin ... - into its word runs where jieba does not. A character written three times or
more in a row ("苦苦苦") gives segmentations of exactly equal probability, which the two engines break
differently (found by the property test)."""
_PADDING_WORD = "\ue000\ue001"
"""A private-use 'word' no answer can match (jieba only looks words up in runs of Han, letters, digits):
it carries the frequency jieba counts twice for a user word that is also in its main dictionary, so both
engines divide by the same total."""


class Segmenter:
    """jieba segmentation with a user dictionary, on rjieba where rjieba is proven to give jieba's tokens.

    Parameters
    ----------
    userdict : path, optional
        A jieba user dictionary (default: the shipped ``analysis/data/userdict.txt``).
    engine : {"auto", "jieba"}
        ``"auto"`` uses rjieba where it is proven to match jieba (see :data:`_REFERENCE_ONLY`) and jieba
        for the rest; ``"jieba"`` uses jieba for everything (the reference).

    Both engines are built on first use; jieba's own global dictionary is never changed.
    """

    def __init__(self, userdict: str | Path | None = None, engine: str = "auto"):
        if engine not in ("auto", "jieba"):
            raise ValueError(f"engine must be 'auto' or 'jieba', not {engine!r}")
        self.entries = load_userdict(userdict)
        self.engine = engine
        self._lock = threading.Lock()
        self._fast: Any = None
        self._reference: Any = None

    def cut(self, text: str) -> list[str]:
        """jieba's tokens (HMM on) of one already normalised answer, punctuation and spaces included."""
        if self.engine == "jieba" or _REFERENCE_ONLY.search(text):
            return self.reference().lcut(text)
        return self.fast().cut(text)

    def reference(self) -> Any:
        """A private ``jieba.Tokenizer`` with the user dictionary loaded (its main dictionary read from the
        index of :mod:`analysis.jieba_dictionary`, not loaded: the same tokens without half a second of
        start-up)."""
        if self._reference is None:
            with self._lock:
                if self._reference is None:
                    tokenizer = reference_tokenizer()
                    for word, freq, tag in self.entries:
                        tokenizer.add_word(word, freq, tag)
                    self._reference = tokenizer
        return self._reference

    def fast(self) -> Any:
        """An ``rjieba.Jieba`` with the user dictionary loaded so that its word totals equal jieba's."""
        if self._fast is None:
            with self._lock:
                if self._fast is None:
                    import rjieba

                    engine = rjieba.Jieba()
                    main = prefix_dictionary()
                    current = {w: main.frequency(w) or 0 for w, _, _ in self.entries if engine.has_word(w)}
                    padding = 0
                    for word, freq, tag in self.entries:
                        # jieba adds a repeated word's frequency to its total again; jieba-rs first takes
                        # the old frequency off. The padding word puts it back.
                        padding += current.get(word, 0)
                        current[word] = engine.add_word(word, freq, tag)
                    if padding:
                        engine.add_word(_PADDING_WORD, padding, None)
                    self._fast = engine
        return self._fast


_default_segmenter: Segmenter | None = None
_default_lock = threading.Lock()


def default_segmenter() -> Segmenter:
    """The shared :class:`Segmenter` with the shipped user dictionary (built once per process)."""
    global _default_segmenter
    if _default_segmenter is None:
        with _default_lock:
            if _default_segmenter is None:
                _default_segmenter = Segmenter()
    return _default_segmenter


def is_word(token: str) -> bool:
    """Whether a token counts as a word: it holds a letter or a Chinese character (not only digits,
    punctuation, symbols or spaces)."""
    return any(ch.isalpha() for ch in token)


def _words(text: str, stop: Collection[str], segmenter: Segmenter) -> list[str]:
    return [tok for tok in segmenter.cut(text) if tok not in stop and is_word(tok)]


def _stopwords(stopwords: Collection[str] | None) -> Collection[str]:
    return _shipped_stopwords() if stopwords is None else frozenset(stopwords)


_shipped: frozenset[str] | None = None


def _shipped_stopwords() -> frozenset[str]:
    global _shipped
    if _shipped is None:
        _shipped = load_stopwords()
    return _shipped


def tokenize(texts: Iterable[Any], *, stopwords: Collection[str] | None = None,
             segmenter: Segmenter | None = None) -> list[list[str]]:
    """The words of each answer: jieba tokens of the normalised answer without stopwords, punctuation,
    spaces and digits-only tokens.

    Parameters
    ----------
    texts : iterable of str
    stopwords : collection of str, optional
        Default: the shipped list (:func:`load_stopwords`). Pass ``()`` to keep every word.
    segmenter : Segmenter, optional
        Default: :func:`default_segmenter`.

    Returns
    -------
    One list of words per input answer (an empty list for an empty answer).

    >>> tokenize(["非常不满意，作业太多了！"])  # doctest: +SKIP
    [['非常', '不满意', '作业', '太多']]
    """
    stop = _stopwords(stopwords)
    seg = segmenter or default_segmenter()
    cache: dict[str, list[str]] = {}
    out = []
    for text in texts:
        norm = normalise(text)
        if norm not in cache:
            cache[norm] = _words(norm, stop, seg) if norm else []
        out.append(list(cache[norm]))
    return out


def _word_counts(distinct: Mapping[str, int], stop: Collection[str], segmenter: Segmenter) -> dict[str, int]:
    counts: dict[str, int] = {}
    for answer, times in distinct.items():
        for word in _words(answer, stop, segmenter):
            counts[word] = counts.get(word, 0) + times
    return counts


def word_table(texts: Iterable[Any], top: int | None = None, *, stopwords: Collection[str] | None = None,
               segmenter: Segmenter | None = None, skip_no_opinion: bool = False,
               lexicon: Lexicon | None = None) -> pd.DataFrame:
    """Word counts over all answers (the word cloud's input): see :func:`tokenize` for what a word is.

    Each distinct normalised answer is tokenised once; its words count as often as the answer occurs.

    Parameters
    ----------
    texts : iterable of str
    top : int, optional
        Keep this many rows and sum the rest as a last row ``其他`` (only when there is a rest).
    stopwords, segmenter : see :func:`tokenize`
    skip_no_opinion : bool
        Leave out answers that :func:`categorise` calls no_opinion (无, 没有, 暂无 ...), as the word
        cloud does.
    lexicon : Lexicon, optional
        For `skip_no_opinion`; default: the shipped lexicon.

    Returns
    -------
    DataFrame with columns ``term``, ``count``: counts descending, ties in order of first appearance.
    """
    distinct = _distinct(texts)
    if skip_no_opinion:
        lex = lexicon or default_lexicon()
        distinct = {a: c for a, c in distinct.items() if not _is_no_opinion(a, lex)}
    counts = _word_counts(distinct, _stopwords(stopwords), segmenter or default_segmenter())
    return _ranked_table(counts, top)


# -- categories ---------------------------------------------------------------------------------------------

_WORD_KINDS = ("positive", "negative", "suggestion", "negators", "neutral")
_REQUEST = "suggestion+negators"
_LEXICON_KEYS = {"no_opinion", "fillers", "max_gap", *_WORD_KINDS}
_CLAUSE_BREAKS = "，,。.！!？?；;、 ~～…：:"
_CLAUSE_SPLIT = re.compile("[" + re.escape(_CLAUSE_BREAKS) + "]+")


@dataclass(frozen=True)
class Lexicon:
    """The words behind :func:`categorise` (see ``analysis/data/lexicon.yaml`` for the rules)."""

    no_opinion: frozenset[str]
    fillers: frozenset[str]
    words: Mapping[str, str]  # word -> positive / negative / suggestion / negators / neutral / both of
    # suggestion and negators (a request such as 不要 that also negates what follows)
    max_gap: int = 2

    @cached_property
    def longest(self) -> int:
        return max((len(w) for w in self.words), default=0)

    @cached_property
    def _no_opinion_roots(self) -> dict[str, frozenset[int]]:
        """For each no-opinion phrase ``root * n`` (``root`` not itself a repetition): root -> the n's."""
        roots: dict[str, set[int]] = {}
        for phrase in self.no_opinion:
            if phrase:
                root, times = _root(phrase)
                roots.setdefault(root, set()).add(times)
        return {root: frozenset(times) for root, times in roots.items()}

    def says_nothing(self, clause: str) -> bool:
        """Whether `clause` is a no-opinion phrase, or one written several times over (无无无, 没有没有)."""
        if clause in self.no_opinion:
            return True
        if not clause:
            return False
        root, times = _root(clause)
        return any(times % n == 0 for n in self._no_opinion_roots.get(root, ()))


def _root(text: str) -> tuple[str, int]:
    """The shortest string that non-empty `text` repeats, and how often: ("无", 3) for "无无无"."""
    period = (text + text).find(text, 1)   # the smallest rotation that gives `text` back divides its length
    return text[:period], len(text) // period


def load_lexicon(path: str | Path | None = None) -> Lexicon:
    """Read a lexicon file (default: the shipped ``analysis/data/lexicon.yaml``).

    Raises DataError naming the file and key for unknown keys, non-text entries or a word listed under
    two of positive / negative / suggestion / negators / neutral.
    """
    path = Path(path) if path is not None else LEXICON_FILE
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8-sig")) or {}
    except OSError as exc:
        raise DataError(str(path), [("", f"cannot read: {exc.strerror or exc}")]) from exc
    except yaml.YAMLError as exc:
        raise DataError(str(path), [("", f"not valid YAML: {exc}")]) from exc
    if not isinstance(raw, dict):
        raise DataError(str(path), [("", "expected a mapping of lists")])
    problems: list[tuple[str, str]] = []
    for key in raw:
        if key not in _LEXICON_KEYS:
            problems.append((str(key), f"unknown key (expected one of {', '.join(sorted(_LEXICON_KEYS))})"))
    lists: dict[str, list[str]] = {}
    for key in _LEXICON_KEYS - {"max_gap"}:
        value = raw.get(key) or []
        if not isinstance(value, list):
            problems.append((key, "expected a list"))
            value = []
        items = []
        for index, item in enumerate(value):
            if isinstance(item, bool) or not isinstance(item, str | int | float):
                problems.append((f"{key}[{index}]", f"expected text, not {item!r}"))
            elif normalise(item):
                items.append(normalise(item))
        lists[key] = items
    max_gap = raw.get("max_gap", 2)
    if isinstance(max_gap, bool) or not isinstance(max_gap, int) or max_gap < 0:
        problems.append(("max_gap", f"expected a whole number of at least 0, not {max_gap!r}"))
        max_gap = 2
    words: dict[str, str] = {}
    for kind in _WORD_KINDS:
        for word in lists[kind]:
            before = words.get(word, kind)
            if {before, kind} == {"suggestion", "negators"}:
                kind_here = _REQUEST  # 不要: a request that also negates what follows
            elif before != kind:
                problems.append((kind, f"{word!r} is also listed under {before}"))
                continue
            else:
                kind_here = kind
            words[word] = kind_here
    if problems:
        raise DataError(str(path), problems)
    return Lexicon(frozenset(lists["no_opinion"]), frozenset(lists["fillers"]), words, max_gap)


_default_lexicon: Lexicon | None = None


def default_lexicon() -> Lexicon:
    """The shipped lexicon (read once per process)."""
    global _default_lexicon
    if _default_lexicon is None:
        _default_lexicon = load_lexicon()
    return _default_lexicon


def _is_no_opinion(text: str, lex: Lexicon) -> bool:
    if lex.says_nothing(text):
        return True
    clauses = [c for c in _CLAUSE_SPLIT.split(text) if c]
    seen = False
    for clause in clauses:
        if lex.says_nothing(clause):
            seen = True
        elif clause not in lex.fillers:
            return False
    return seen


def _scan(text: str, lex: Lexicon) -> set[str]:
    """Categories signalled by lexicon words, longest word first, negations applied."""
    found: set[str] = set()
    longest = lex.longest
    negation_end: int | None = None
    i, n = 0, len(text)
    while i < n:
        if text[i] in _CLAUSE_BREAKS:
            negation_end = None
            i += 1
            continue
        kind = None
        for size in range(min(longest, n - i), 0, -1):
            kind = lex.words.get(text[i:i + size])
            if kind is not None:
                break
        if kind is None:
            i += 1
            continue
        if kind == _REQUEST:
            found.add("suggestion")
            negation_end = i + size
        elif kind == "negators":
            negation_end = i + size
        else:
            negated = negation_end is not None and i - negation_end <= lex.max_gap
            negation_end = None
            if kind == "positive":
                found.add("negative" if negated else "positive")
            elif kind == "negative":
                found.add("positive" if negated else "negative")
            elif kind == "suggestion":
                found.add("suggestion")
        i += size
    return found


def _category(norm: str, lex: Lexicon) -> str:
    if _is_no_opinion(norm, lex):
        return "no_opinion"
    found = _scan(norm, lex)
    for category in ("negative", "suggestion", "positive"):
        if category in found:
            return category
    return "other"


def categorise(text: Any, lexicon: Lexicon | None = None) -> str:
    """The category of one answer: ``no_opinion``, ``positive``, ``negative``, ``suggestion`` or ``other``.

    Rules (and the words) are in ``analysis/data/lexicon.yaml``: a whole answer such as 无, 没有, 暂无,
    "没有，谢谢" is no_opinion; otherwise a negative word wins over a suggestion marker, which wins over
    a positive word. The longest listed word wins (不满意 is negative, never 满意) and a negator right
    before a word turns it round (不太满意 is negative).

    Raises ValueError for an answer that is empty after :func:`normalise` (it is not an answer).

    >>> categorise("不满意"), categorise("暂无。"), categorise("希望多开展活动")
    ('negative', 'no_opinion', 'suggestion')
    """
    norm = normalise(text)
    if not norm:
        raise ValueError(f"an empty answer has no category: {text!r}")
    return _category(norm, lexicon or default_lexicon())


def category_table(texts: Iterable[Any], lexicon: Lexicon | None = None) -> pd.DataFrame:
    """How many answers fall in each category, over the non-empty answers.

    Returns
    -------
    DataFrame with columns ``category``, ``label`` (无意见 / 正面 / 负面 / 建议 / 其他), ``count`` and
    ``ratio`` (count / answered, a fraction; NaN when nothing was answered); one row per category in
    :data:`CATEGORIES` order, zeros included.
    """
    lex = lexicon or default_lexicon()
    counts = dict.fromkeys(CATEGORIES, 0)
    for answer, times in _distinct(texts).items():
        counts[_category(answer, lex)] += times
    answered = sum(counts.values())
    return pd.DataFrame({
        "category": pd.Series(list(CATEGORIES), dtype=object),
        "label": pd.Series([CATEGORY_LABELS[c] for c in CATEGORIES], dtype=object),
        "count": pd.Series([counts[c] for c in CATEGORIES], dtype="int64"),
        "ratio": pd.Series([counts[c] / answered if answered else math.nan for c in CATEGORIES],
                           dtype="float64"),
    })


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
