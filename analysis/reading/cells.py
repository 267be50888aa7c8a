"""A column of cells held as its distinct values and one code per row (a categorical).

Every check and conversion of the file reader runs once per distinct value and is spread back to the rows
with one ``take``: a column of 350,000 answers to a five-option question costs five checks, not 350,000.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class Cells:
    """Cells of one column: ``uniques[codes[i]]`` is the text of row i (every code is valid)."""

    codes: np.ndarray
    uniques: np.ndarray  # object array of str

    @classmethod
    def of(cls, values: Any) -> Cells:
        """Cells of a sequence of texts (None and NaN become '')."""
        codes, uniques = pd.factorize(np.asarray(values, dtype=object), use_na_sentinel=True)
        return cls.from_codes(codes, np.asarray(uniques, dtype=object))

    @classmethod
    def from_codes(cls, codes: np.ndarray, uniques: np.ndarray) -> Cells:
        """Cells of codes into uniques; code -1 (missing) becomes ''."""
        codes = np.asarray(codes)
        if len(codes) and codes.min() < 0:
            uniques = np.append(uniques.astype(object), "")
            codes = np.where(codes < 0, len(uniques) - 1, codes)
        return cls(codes.astype(np.intp, copy=False), np.asarray(uniques, dtype=object))

    @classmethod
    def empty(cls, rows: int) -> Cells:
        return cls(np.zeros(rows, dtype=np.intp), np.array([""], dtype=object))

    def __len__(self) -> int:
        return len(self.codes)

    def per_unique(self, fn: Callable[[str], Any]) -> np.ndarray:
        """fn of every distinct value, as an object array indexed like `uniques`."""
        out = np.empty(len(self.uniques), dtype=object)
        out[:] = [fn(u) for u in self.uniques.tolist()]
        return out

    def map(self, fn: Callable[[str], Any]) -> np.ndarray:
        """fn of every row's text (computed once per distinct value), as an object array."""
        return self.per_unique(fn).take(self.codes)

    def test(self, fn: Callable[[str], bool]) -> np.ndarray:
        """Boolean row mask of fn (computed once per distinct value)."""
        flags = np.fromiter((bool(fn(u)) for u in self.uniques.tolist()), dtype=bool, count=len(self.uniques))
        return flags.take(self.codes)

    def transform(self, fn: Callable[[str], str]) -> Cells:
        """The same rows with every distinct value replaced by fn(value)."""
        return Cells(self.codes, self.per_unique(fn))

    def rows(self, positions: np.ndarray | slice) -> Cells:
        """The cells of some rows (positions or a slice), in that order."""
        return Cells(self.codes[positions], self.uniques)

    def compact(self) -> Cells:
        """The same rows with only the distinct values some row uses (a header's text dropped, say)."""
        used = np.bincount(self.codes, minlength=len(self.uniques)) > 0
        if used.all():
            return self
        new_codes = np.cumsum(used) - 1
        return Cells(new_codes.take(self.codes), self.uniques[used])

    def joined(self) -> str:
        """Every distinct value between NUL characters (``\\0a\\0b\\0``): one C-speed search of this tells
        whether any value starts, ends or consists of something, before a pass value by value."""
        return "\0" + "\0".join(self.uniques.tolist()) + "\0"

    def texts(self) -> np.ndarray:
        """Every row's text as an object array."""
        return self.uniques.take(self.codes)
