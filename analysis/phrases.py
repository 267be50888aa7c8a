"""Open answers as phrases: the one normalisation every output uses, and the phrase table (词频表).

:func:`normalise` gives each answer one canonical form, so that the workbook, the CSV files, the Word
appendix and the console count the same phrases: ``很好`` and ``很好👍`` are one phrase, ``无`` and ``无。``
another. An answer that is empty after normalisation is not an answer; ``answered`` counts the others.
Words are never changed: 不满意 stays 不满意.

>>> phrase_table(["无", "无。", "希望多开展活动", "很好", "很好👍"]).values.tolist()
[['无', 2], ['很好', 2], ['希望多开展活动', 1]]
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd

OTHER_TERM = "其他"
"""The term of the row that sums the tail of a table cut at ``top``."""

_SPACE_CHARS = "".join(chr(c) for c in range(0x2000, 0x200B)) + " \t\r\n\f\v\u3000\u00a0"
_EDGE_PUNCT = "。！!？?，,；;、.…~～"
_TRAILING = _EDGE_PUNCT + _SPACE_CHARS
_LEADING = _EDGE_PUNCT + "：:" + _SPACE_CHARS
_QUOTES = "“”‘’\"'「」『』"
_KEEP_FULL_WIDTH = set("，！？：；（）～")  # Chinese punctuation keeps its full-width form
_FULL_TO_HALF = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F) if chr(cp) not in _KEEP_FULL_WIDTH}
_FULL_TO_HALF.update({0x3000: 0x20, 0xFF61: ord("。"), 0xFF64: ord("、")})
_INVISIBLE = dict.fromkeys([0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, 0x00AD])
_SPACES = re.compile(r"\s+")
_HAN = r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]"
_HALF_PUNCT = re.compile(rf"(?<={_HAN})[,!?;:()]|[,!?;:()](?={_HAN})")
_TO_FULL = {",": "，", "!": "！", "?": "？", ";": "；", ":": "：", "(": "（", ")": "）"}
_EMOJI = re.compile("[\U0001F000-\U0001FAFF\u2600-\u27BF\u2B00-\u2BFF\u2300-\u23FF\uFE0E\uFE0F\u20E3"
                    "\U000E0020-\U000E007F\u3030\u303D]+")
"""Emoji and pictographs (with their variation selectors, skin tones, keycaps and tags)."""


def normalise(text: Any) -> str:
    """One canonical form of an open answer; ``""`` means not answered.

    Drops emoji and pictographs (👍, ❤️, ☺), zero-width characters and quotes around the answer; turns
    full-width letters, digits and symbols into half-width (Chinese punctuation ，！？：；（） stays
    full-width, and ASCII ``, ! ? ; : ( )`` next to a Chinese character becomes the full-width form, so
    "没有,谢谢" and "没有，谢谢" are one answer); collapses whitespace to one space; drops punctuation
    (。！!？?，,；;、.…~～) at both ends and ：at the start; lower-cases Latin letters. An answer made only of
    emoji keeps them (it is an answer, just not a word). None, NaN and pd.NA give ``""``; other non-text
    values are written as text.

    >>> normalise("  无。 ")
    '无'
    >>> normalise("ＡＰＰ  经常闪退！！")
    'app 经常闪退'
    >>> normalise("很好👍👍")
    '很好'
    """
    if not isinstance(text, str):
        if text is None or pd.isna(text) is True:  # None, NaN, pd.NA, NaT
            return ""
        text = str(text)
    text = text.translate(_INVISIBLE)
    if _EMOJI.search(text):
        return _clean(_EMOJI.sub("", text)) or _clean(text)   # an answer of emoji only keeps them
    return _clean(text)


def _clean(text: str) -> str:
    text = _SPACES.sub(" ", text.translate(_FULL_TO_HALF))
    text = _HALF_PUNCT.sub(lambda m: _TO_FULL[m.group()], text)
    previous = None
    while previous != text:   # "“无。”" -> "无。" -> "无"
        previous = text
        text = text.strip().strip(_QUOTES).lstrip(_LEADING).rstrip(_TRAILING)
    return text.lower()


def _hashable(value: Any) -> Any:
    try:
        hash(value)
    except TypeError:
        return str(value)
    return value


def distinct_answers(texts: Iterable[Any]) -> dict[str, int]:
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


def count_answered(texts: Iterable[Any]) -> int:
    """The number of answers that are not empty after :func:`normalise`."""
    return sum(distinct_answers(texts).values())


def check_top(top: int | None) -> None:
    if top is not None and (isinstance(top, bool) or not isinstance(top, int) or top < 1):
        raise ValueError(f"top must be a whole number of at least 1, not {top!r}")


def ranked_table(counts: Mapping[str, int], top: int | None) -> pd.DataFrame:
    """Counts descending, ties in insertion (first appearance) order, the tail after `top` summed as 其他."""
    check_top(top)
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
    return ranked_table(distinct_answers(texts), top)
