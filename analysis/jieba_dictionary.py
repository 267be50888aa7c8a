"""jieba's main dictionary as an on-disk index, so that a jieba tokenizer starts without loading it.

A ``jieba.Tokenizer`` starts by loading its prefix dictionary (about 500,000 words and prefixes) into a
dict: about half a second in every new process, spent even when only a few answers need jieba itself
(:class:`analysis.text.Segmenter` sends most of them to rjieba). jieba only ever looks up substrings of the
text it cuts, so a mapping that reads the entries it is asked for from an SQLite file gives the same
tokens at once.

The file is built once per dictionary from jieba's own ``gen_pfdict`` (the same words, prefixes and total
that jieba loads), with each word's part-of-speech tag from the same ``dict.txt``, the per-character
tables of jieba.posseg's hidden Markov model (possible states and emission probabilities, read a character
at a time instead of three megabytes at once) and the IDF table jieba's keyword extraction bundles
(``jieba/analyse/idf.txt``, with its median for unknown words), and kept in the temporary folder, as jieba
keeps its own cache, under a name that hashes the files it was built from. Where no file can be written the
same index is built in memory.

>>> tokenizer = reference_tokenizer()  # doctest: +SKIP
>>> tokenizer.lcut("希望3-4年级作业少一些")  # doctest: +SKIP
['希望', '3', '-', '4', '年级', '作业', '少', '一些']
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import logging
import os
import pickle
import sqlite3
import tempfile
import threading
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

INDEX_FORMAT = 3
"""Raise when the file layout below changes: the file name includes it."""

_MISSING = object()


def main_dictionary_file() -> Path:
    """jieba's ``dict.txt``, found without importing jieba."""
    spec = importlib.util.find_spec("jieba")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("jieba is not installed")
    return Path(list(spec.submodule_search_locations)[0]) / "dict.txt"


def idf_file() -> Path:
    """The IDF table jieba's TF-IDF keyword extraction uses (``jieba/analyse/idf.txt``)."""
    return main_dictionary_file().parent / "analyse" / "idf.txt"


class PrefixDictionary:
    """Read access to jieba's prefix dictionary: word -> frequency, prefix -> 0, anything else absent.

    Entries read once are kept in memory (absent ones too), so a substring looked up again costs a dict
    lookup. Safe to share between threads.
    """

    def __init__(self, connection: sqlite3.Connection):
        self._connection = connection
        self._lock = threading.Lock()
        self._read: dict[str, Any] = {}
        self.total, self.median_idf = connection.execute("SELECT total, median_idf FROM meta").fetchone()
        self._tags: dict[str, str | None] = {}
        self._idf: dict[str, float | None] = {}
        self._posseg: dict[str, tuple[Any, dict[tuple[str, str], float]]] = {}

    def lookup(self, key: str) -> Any:
        """The stored value of `key` (an int), or ``_MISSING``."""
        value = self._read.get(key, None)
        if value is None:
            with self._lock:
                row = self._connection.execute("SELECT f FROM entry WHERE w = ?", (key,)).fetchone()
            value = self._read[key] = _MISSING if row is None else row[0]
        return value

    def frequency(self, word: str) -> int | None:
        """The frequency of `word` in the dictionary, None when it is not a word of it."""
        value = self.lookup(word)
        return value if value is not _MISSING and value else None

    def _cached(self, cache: dict, sql: str, word: str) -> Any:
        if word not in cache:
            with self._lock:
                row = self._connection.execute(sql, (word,)).fetchone()
            cache[word] = None if row is None else row[0]
        return cache[word]

    def tag(self, word: str) -> str | None:
        """The part-of-speech tag ``dict.txt`` gives `word` (jieba.posseg's table), None when it has none."""
        return self._cached(self._tags, "SELECT t FROM tag WHERE w = ?", word)

    def posseg_char(self, char: str) -> tuple[tuple[tuple[str, str], ...] | None, dict[tuple[str, str], float]]:
        """jieba.posseg's HMM tables for one character: its possible states (None: any) and the emission
        log-probability of each state that can emit it."""
        found = self._posseg.get(char)
        if found is None:
            with self._lock:
                states = self._connection.execute("SELECT s FROM pos_state WHERE c = ?", (char,)).fetchone()
                emit = self._connection.execute("SELECT s, p FROM pos_emit WHERE c = ?", (char,)).fetchall()
            found = (None if states is None else tuple(_state(x) for x in states[0].split()),
                     {_state(state): p for state, p in emit})
            self._posseg[char] = found
        return found

    def idf(self, word: str) -> float | None:
        """The IDF of `word` in jieba's bundled table, None when it is not listed (jieba then uses
        :attr:`median_idf`)."""
        return self._cached(self._idf, "SELECT v FROM idf WHERE w = ?", word)


def _state(text: str) -> tuple[str, str]:
    position, _, tag = text.partition("-")
    return position, tag


class FrequencyView:
    """The mapping a ``jieba.Tokenizer`` uses as ``FREQ``: the dictionary, plus what ``add_word`` wrote.

    jieba reads ``FREQ`` with ``in``, ``[]`` and ``get`` and writes it with ``[]=`` only.
    """

    def __init__(self, dictionary: PrefixDictionary):
        self._dictionary = dictionary
        self._added: dict[str, int] = {}

    def _value(self, key: str) -> Any:
        value = self._added.get(key, _MISSING)
        return self._dictionary.lookup(key) if value is _MISSING else value

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self._value(key) is not _MISSING

    def __getitem__(self, key: str) -> int:
        value = self._value(key)
        if value is _MISSING:
            raise KeyError(key)
        return value

    def get(self, key: str, default: Any = None) -> Any:
        value = self._value(key)
        return default if value is _MISSING else value

    def __setitem__(self, key: str, value: int) -> None:
        self._added[key] = value


def posseg_folder() -> Path:
    """The folder of jieba.posseg's model files."""
    return main_dictionary_file().parent / "posseg"


def _index_path(source: Path, cache_dir: Path) -> Path:
    digest = hashlib.sha256(f"{INDEX_FORMAT}:".encode())
    digest.update(source.read_bytes())
    for path in (posseg_folder() / "char_state_tab.p", posseg_folder() / "prob_emit.p"):
        digest.update(path.read_bytes())
    if idf_file().exists():
        digest.update(idf_file().read_bytes())
    return cache_dir / f"surveyapp-jieba-{digest.hexdigest()[:16]}.sqlite"


def _write_index(connection: sqlite3.Connection, source: Path) -> None:
    """Fill an empty database with jieba's prefix dictionary of `source`, made by jieba itself, the tags of
    its words (read as jieba.posseg reads them) and jieba's IDF table (read as jieba.analyse reads it)."""
    import jieba

    with open(source, "rb") as handle:
        frequencies, total = jieba.Tokenizer.gen_pfdict(handle)
    tags = {}
    for line in source.read_text(encoding="utf-8").splitlines():
        parts = line.strip().split(" ")
        if len(parts) == 3:
            tags[parts[0]] = parts[2]
    idf: dict[str, float] = {}
    if idf_file().exists():
        for line in idf_file().read_text(encoding="utf-8").splitlines():
            word, value = line.strip().split(" ")
            idf[word] = float(value)
    median = sorted(idf.values())[len(idf) // 2] if idf else 0.0
    with open(posseg_folder() / "char_state_tab.p", "rb") as handle:
        char_states = pickle.load(handle)
    with open(posseg_folder() / "prob_emit.p", "rb") as handle:
        emit = pickle.load(handle)
    connection.execute("CREATE TABLE entry (w TEXT PRIMARY KEY, f INTEGER NOT NULL) WITHOUT ROWID")
    connection.execute("CREATE TABLE tag (w TEXT PRIMARY KEY, t TEXT NOT NULL) WITHOUT ROWID")
    connection.execute("CREATE TABLE idf (w TEXT PRIMARY KEY, v REAL NOT NULL) WITHOUT ROWID")
    connection.execute("CREATE TABLE pos_state (c TEXT PRIMARY KEY, s TEXT NOT NULL) WITHOUT ROWID")
    connection.execute("CREATE TABLE pos_emit (c TEXT, s TEXT, p REAL NOT NULL, PRIMARY KEY (c, s)) WITHOUT ROWID")
    connection.execute("CREATE TABLE meta (total INTEGER NOT NULL, median_idf REAL NOT NULL)")
    connection.executemany("INSERT INTO entry VALUES (?, ?)", frequencies.items())
    connection.executemany("INSERT INTO tag VALUES (?, ?)", tags.items())
    connection.executemany("INSERT INTO idf VALUES (?, ?)", idf.items())
    connection.executemany("INSERT INTO pos_state VALUES (?, ?)",
                           ((c, " ".join(f"{a}-{b}" for a, b in states)) for c, states in char_states.items()))
    connection.executemany("INSERT INTO pos_emit VALUES (?, ?, ?)",
                           ((c, f"{a}-{b}", p) for (a, b), probs in emit.items() for c, p in probs.items()))
    connection.execute("INSERT INTO meta VALUES (?, ?)", (total, median))
    connection.commit()


def _open_file(path: Path) -> sqlite3.Connection:
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
    try:
        connection.execute("SELECT total, median_idf FROM meta").fetchone()
    except sqlite3.Error:
        connection.close()
        raise
    return connection


def _build_file(source: Path, path: Path) -> None:
    """Write the index next to `path` and move it into place (several processes may race: one wins)."""
    fd, partial = tempfile.mkstemp(prefix=path.stem, suffix=".partial", dir=path.parent)
    os.close(fd)
    try:
        connection = sqlite3.connect(partial)
        try:
            connection.execute("PRAGMA journal_mode = OFF")
            _write_index(connection, source)
        finally:
            connection.close()
        os.replace(partial, path)
    finally:
        if os.path.exists(partial):
            os.unlink(partial)


def open_prefix_dictionary(cache_dir: str | Path | None = None) -> PrefixDictionary:
    """jieba's prefix dictionary from its index file, built first if there is none.

    Parameters
    ----------
    cache_dir : folder of the index file (default: the temporary folder, as jieba's own cache).
    """
    source = main_dictionary_file()
    path = _index_path(source, Path(cache_dir or tempfile.gettempdir()))
    try:
        try:
            return PrefixDictionary(_open_file(path))
        except sqlite3.Error:
            logger.info("Building the jieba dictionary index %s", path)
            _build_file(source, path)
            return PrefixDictionary(_open_file(path))
    except (OSError, sqlite3.Error) as exc:
        logger.warning("No jieba dictionary index file at %s (%s): building it in memory", path, exc)
        connection = sqlite3.connect(":memory:", check_same_thread=False)
        _write_index(connection, source)
        return PrefixDictionary(connection)


@functools.cache
def prefix_dictionary() -> PrefixDictionary:
    """The process's :class:`PrefixDictionary` of jieba's main dictionary (opened once)."""
    return open_prefix_dictionary()


def reference_tokenizer(dictionary: PrefixDictionary | None = None) -> Any:
    """A new ``jieba.Tokenizer`` on the main dictionary, ready to cut, its prefix dictionary read from
    `dictionary` (default: :func:`prefix_dictionary`) instead of loaded. ``add_word`` works as usual and
    stays with this tokenizer."""
    import jieba

    dictionary = dictionary or prefix_dictionary()
    tokenizer = jieba.Tokenizer()
    tokenizer.FREQ = FrequencyView(dictionary)
    tokenizer.total = dictionary.total
    tokenizer.initialized = True
    return tokenizer
