"""Part-of-speech tags of jieba tokens, as jieba.posseg names them, without jieba.posseg's cost.

``jieba.posseg`` re-segments every answer with its own model (four to five times slower than ``jieba.lcut``
here, and loading its tag table costs seconds in every process). The word tables keep jieba's own tokens
(the project's reference, see :mod:`analysis.segmenter`) and tag each distinct token once:

1. a word of the user dictionary with a tag: that tag;
2. a word of jieba's main dictionary: its tag in ``dict.txt`` (the table jieba.posseg uses for dictionary
   words), read from the index of :mod:`analysis.jieba_dictionary`;
3. any other token (a word jieba's HMM found, such as 闪退): letters and digits are ``eng``, digits ``m``;
   Chinese is tagged by jieba.posseg's own HMM (its Viterbi over the token, the tag of the last word it
   finds), its tables read from jieba's package and, a character at a time, from the dictionary index.

jieba.posseg can tag a single character differently inside an unknown run (很 is ``zg`` in the dictionary,
``d`` where posseg's HMM meets it): here a token always has its dictionary tag.

>>> tag_of("满意"), tag_of("很"), tag_of("app")   # doctest: +SKIP
('v', 'zg', 'eng')
"""

from __future__ import annotations

import functools
import importlib.util
import pickle
import re
import threading
from collections.abc import Callable, Iterable
from typing import Any

from .jieba_dictionary import posseg_folder, prefix_dictionary

CONTENT_PREFIXES = ("n", "v", "a")
"""Tags kept by the default word tables: nouns (n, nr, ns, nz, vn ...), verbs (v, vd ...), adjectives (a,
ad, an ...)."""
CONTENT_TAGS = frozenset({"i", "l", "j", "eng"})
"""Also kept: idioms (i 成语, l 习用语), abbreviations (j, such as 双减) and Latin words (eng: app, wifi)."""

_HAN = re.compile("[\u4E00-\u9FD5]+")
_NUMBER = re.compile(r"[.0-9]+")
_LATIN = re.compile("[a-zA-Z0-9]+")


def is_content_tag(tag: str) -> bool:
    """Whether a word with this tag is kept by the default (``content``) word tables."""
    return tag.startswith(CONTENT_PREFIXES) or tag in CONTENT_TAGS


@functools.cache
def _posseg_model() -> tuple[Callable[..., Any], Any, Any]:
    """jieba.posseg's Viterbi function and its start and transition tables (small), read from its package
    files; importing ``jieba.posseg`` would also load its whole tag table and emission table, which the
    dictionary index holds a character at a time."""
    folder = posseg_folder()
    spec = importlib.util.spec_from_file_location("_surveyapp_posseg_viterbi", folder / "viterbi.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    tables = []
    for name in ("prob_start", "prob_trans"):
        with open(folder / f"{name}.p", "rb") as handle:
            tables.append(pickle.load(handle))
    return module.viterbi, tables[0], tables[1]


def hmm_tag(token: str) -> str:
    """The tag jieba.posseg's HMM gives an unknown Chinese token (the tag of the last word it cuts)."""
    viterbi, start, trans = _posseg_model()
    dictionary = prefix_dictionary()
    states: dict[str, Any] = {}
    emit: dict[tuple[str, str], dict[str, float]] = {state: {} for state in trans}
    for char in set(token):
        possible, probabilities = dictionary.posseg_char(char)
        if possible is not None:
            states[char] = possible
        for state, p in probabilities.items():
            emit.setdefault(state, {})[char] = p
    _, path = viterbi(token, states, start, trans, emit)
    return path[-1][1]


def _unknown_tag(token: str) -> str:
    if _HAN.fullmatch(token):
        return hmm_tag(token)
    if _NUMBER.fullmatch(token):
        return "m"
    if _LATIN.fullmatch(token):
        return "eng"
    han = _HAN.findall(token)
    return hmm_tag(han[-1]) if han else "x"


class Tagger:
    """Tags tokens (see the module docstring); the user dictionary's tags come first. Thread-safe."""

    def __init__(self, entries: Iterable[tuple[str, int | None, str | None]] = ()):
        self.user_tags = {word: tag for word, _, tag in entries if tag}
        self._cache: dict[str, str] = {}
        self._lock = threading.Lock()

    def tag(self, token: str) -> str:
        found = self._cache.get(token)
        if found is None:
            found = self.user_tags.get(token) or prefix_dictionary().tag(token) or _unknown_tag(token)
            with self._lock:
                self._cache[token] = found
        return found


def tag_of(token: str) -> str:
    """The tag of one token with the shipped user dictionary (see :class:`Tagger`)."""
    from .segmenter import default_segmenter

    return default_segmenter().tagger.tag(token)
