"""jieba segmentation of open answers: the shipped dictionaries and the engine.

Tokens come from jieba with the shipped, editable files in ``analysis/data/``: ``userdict.txt`` (school
vocabulary such as 不满意, 课后服务, 护眼灯 kept as one word, with its part-of-speech tag) and
``stopwords.txt`` (function words; negations and evaluative words such as 不, 没有, 非常, 满意 are always
kept).

jieba is the reference. rjieba (jieba-rs) gives identical tokens about twenty times faster on answers
made of common Han characters (U+4E00-U+9FD5), ASCII letters and digits, punctuation and symbols; answers
with ``. - _ + # & %`` or other letters (CJK extension A, kana, accented Latin) tokenise differently there
(jieba-rs joins ``3.5x1``, jieba splits it), so they go to jieba itself.
``tests/analysis/test_text_engine.py`` checks the equality. rjieba's part-of-speech tags are not jieba's
(很 is ``zg`` in jieba's dictionary and differs in jieba-rs'), so tags come from :mod:`analysis.word_tags`.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Collection
from pathlib import Path
from typing import Any

from .errors import DataError
from .jieba_dictionary import prefix_dictionary, reference_tokenizer
from .phrases import normalise
from .word_tags import Tagger

DATA_DIR = Path(__file__).resolve().parent / "data"
STOPWORDS_FILE = DATA_DIR / "stopwords.txt"
USERDICT_FILE = DATA_DIR / "userdict.txt"

NEVER_STOPWORDS: frozenset[str] = frozenset({
    "不", "没", "没有", "无", "否", "未", "别", "非", "莫", "勿", "不要", "不用", "不能", "不会", "不够",
    "不太", "不是", "很", "非常", "太", "特别", "十分", "挺", "比较", "一般", "满意", "不满意", "好", "差",
})
"""Negations and evaluative words: never removed, whatever stopwords.txt says."""


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
        self.tagger = Tagger(self.entries)

    def cut(self, text: str) -> list[str]:
        """jieba's tokens (HMM on) of one already normalised answer, punctuation and spaces included."""
        if self.engine == "jieba" or _REFERENCE_ONLY.search(text):
            return self.reference().lcut(text)
        return self.fast().cut(text)

    def tag(self, token: str) -> str:
        """jieba's part-of-speech tag of one token (see :mod:`analysis.word_tags`)."""
        return self.tagger.tag(token)

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


def stopword_set(stopwords: Collection[str] | None) -> Collection[str]:
    """The given stopwords as a set, or the shipped list when None."""
    return _shipped_stopwords() if stopwords is None else frozenset(stopwords)


_shipped: frozenset[str] | None = None


def _shipped_stopwords() -> frozenset[str]:
    global _shipped
    if _shipped is None:
        _shipped = load_stopwords()
    return _shipped
