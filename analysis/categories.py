"""Categories of open answers (无意见 / 正面 / 负面 / 建议 / 其他) from the editable lexicon.

The words and the rules are in ``analysis/data/lexicon.yaml``: a whole answer such as 无, 没有, 暂无,
"没有，谢谢" is no_opinion; otherwise a negative word wins over a suggestion marker, which wins over a
positive word; the longest listed word wins (不满意 is negative, never 满意) and a negator right before a
word turns it round (不太满意 is negative). The no_opinion list is also what the word tables leave out.

>>> categorise("不满意"), categorise("暂无。"), categorise("希望多开展活动")
('negative', 'no_opinion', 'suggestion')
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from .errors import DataError
from .phrases import distinct_answers, normalise

LEXICON_FILE = Path(__file__).resolve().parent / "data" / "lexicon.yaml"

CATEGORIES: tuple[str, ...] = ("no_opinion", "positive", "negative", "suggestion", "other")
CATEGORY_LABELS: dict[str, str] = {
    "no_opinion": "无意见", "positive": "正面", "negative": "负面", "suggestion": "建议", "other": "其他",
}

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


def is_no_opinion(text: str, lex: Lexicon) -> bool:
    """Whether a normalised answer says nothing (see the module docstring), with lexicon `lex`."""
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
    if is_no_opinion(norm, lex):
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
    for answer, times in distinct_answers(texts).items():
        counts[_category(answer, lex)] += times
    answered = sum(counts.values())
    return pd.DataFrame({
        "category": pd.Series(list(CATEGORIES), dtype=object),
        "label": pd.Series([CATEGORY_LABELS[c] for c in CATEGORIES], dtype=object),
        "count": pd.Series([counts[c] for c in CATEGORIES], dtype="int64"),
        "ratio": pd.Series([counts[c] / answered if answered else math.nan for c in CATEGORIES],
                           dtype="float64"),
    })
