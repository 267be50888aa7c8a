"""A columnar copy of a response's answers: fixed-width codes, decoded a column at a time.

The JSON document in ``Response.answers`` stays the canonical record. Beside it, ``Response.codes`` holds
the same closed answers as one fixed-width binary record whose layout is a pure function of the
questionnaire, and ``Response.texts`` holds only the text answers (``text`` questions and ``qN.other``)
that were given. Reading 350,000 responses then needs no JSON parse of the closed answers and no Python
object per answer cell: :func:`decode` turns a column of records into frame columns with numpy.

Record layout (after one leading format byte, :data:`FORMAT`), in ``Questionnaire.variables`` order:

* a choice variable (``single``, ``scale``, a matrix row): option index + 1 in one byte (two bytes,
  little-endian, for 255 options or more); 0 is no answer;
* a ``multiple`` question with ``k`` options: a bitmask of ``ceil(k / 8)`` bytes, bit ``i`` for option ``i``;
* a ``number`` question: 8 bytes little-endian float64, NaN for no answer.

Answers the record cannot hold exactly (a code of another type than the option's, a number that is not
an int or a non-whole float, ...) make :func:`encode` raise :class:`NotEncodable`; such a response keeps
``codes`` NULL and is read through its JSON document, as responses stored before the column existed are.
"""

from __future__ import annotations

import json
import math
import struct
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from questionnaires import Questionnaire

FORMAT = 1
"""The first byte of every record: the layout rules above. A record with another first byte is not decoded."""

_MAX_EXACT_INT = 2 ** 53


class NotEncodable(ValueError):
    """The answers hold a value the record cannot reproduce exactly; store codes NULL."""


class NotDecodable(ValueError):
    """A record given to :func:`decode` is not of the questionnaire's layout and format."""


@dataclass(frozen=True)
class Field:
    """One coded variable: its kind (``choice``, ``multiple``, ``number``), place and options."""

    variable: str
    kind: str
    offset: int
    width: int
    codes: tuple[Any, ...] = ()
    integer: bool = False


@dataclass(frozen=True)
class Layout:
    """Where each variable of a questionnaire lives: coded fields in the record, and text variables."""

    fields: tuple[Field, ...]
    texts: tuple[str, ...]
    width: int
    """Bytes per record, the format byte included."""


_layouts: dict[str, Layout] = {}


def layout(questionnaire: Questionnaire) -> Layout:
    """The record layout of `questionnaire` (a pure function of its questions; cached by content hash)."""
    key = questionnaire.content_hash
    found = _layouts.get(key) if key else None
    if found is not None:
        return found
    fields: list[Field] = []
    texts: list[str] = []
    offset = 1
    for q in questionnaire.questions:
        codes = tuple(o.code for o in q.options)
        for var in q.variables:
            if var.endswith(".other") or q.type == "text":
                texts.append(var)
            elif q.type in ("single", "scale", "matrix"):
                width = 1 if len(codes) < 255 else 2
                fields.append(Field(var, "choice", offset, width, codes))
                offset += width
            elif q.type == "multiple":
                width = max(1, math.ceil(len(codes) / 8))
                fields.append(Field(var, "multiple", offset, width, codes))
                offset += width
            elif q.type == "number":
                fields.append(Field(var, "number", offset, 8, integer=q.integer))
                offset += 8
            else:
                raise ValueError(f"questionnaire {questionnaire.id}: no record layout for question type "
                                 f"{q.type!r} ({var})")
    found = Layout(tuple(fields), tuple(texts), offset)
    if key:
        _layouts[key] = found
    return found


def _index(codes: Sequence[Any], value: Any, variable: str) -> int:
    for i, code in enumerate(codes):
        if type(code) is type(value) and code == value:
            return i
    raise NotEncodable(f"{variable}: {value!r} is not one of the option codes {list(codes)}")


def encode(questionnaire: Questionnaire, answers: Mapping[str, Any]) -> tuple[bytes, dict[str, str] | None]:
    """The record and the text answers (None when there are none) of one response's canonical answers.

    Raises :class:`NotEncodable` when a value could not be decoded back exactly as given. Variables that
    are not the questionnaire's are left out, as the responses frame leaves them out.

    >>> record, texts = encode(q, {"q1": "初中", "q11": "无"})  # doctest: +SKIP
    """
    shape = layout(questionnaire)
    record = bytearray(shape.width)
    record[0] = FORMAT
    for f in shape.fields:
        value = answers.get(f.variable)
        if f.kind == "number":
            if value is None:
                number = math.nan
            elif type(value) is int and -_MAX_EXACT_INT <= value <= _MAX_EXACT_INT:
                number = float(value)
            elif type(value) is float and math.isfinite(value) and not value.is_integer() and not f.integer:
                number = value
            else:
                raise NotEncodable(f"{f.variable}: number {value!r} is not stored as clean_answers stores it")
            struct.pack_into("<d", record, f.offset, number)
        elif value is None:
            continue
        elif f.kind == "choice":
            i = _index(f.codes, value, f.variable) + 1
            if f.width == 1:
                record[f.offset] = i
            else:
                struct.pack_into("<H", record, f.offset, i)
        else:
            if type(value) is not list or not value:
                raise NotEncodable(f"{f.variable}: {value!r} is not a non-empty list of codes")
            chosen = sorted(_index(f.codes, v, f.variable) for v in value)
            if len(set(chosen)) != len(chosen) or [f.codes[i] for i in chosen] != value:
                raise NotEncodable(f"{f.variable}: {value!r} is not a list of distinct codes in option order")
            mask = sum(1 << i for i in chosen)
            record[f.offset:f.offset + f.width] = mask.to_bytes(f.width, "little")
    texts = {}
    for var in shape.texts:
        value = answers.get(var)
        if value is None:
            continue
        if type(value) is not str:
            raise NotEncodable(f"{var}: {value!r} is not text")
        texts[var] = value
    return bytes(record), texts or None


def encode_or_none(questionnaire: Questionnaire, answers: Mapping[str, Any] | None,
                   ) -> tuple[bytes | None, dict[str, str] | None]:
    """:func:`encode`, or (None, None) when the answers cannot be coded (they are then read from JSON)."""
    if answers is None:
        return None, None
    try:
        return encode(questionnaire, answers)
    except NotEncodable:
        return None, None


def readable(questionnaire: Questionnaire, record: bytes | memoryview | None) -> bool:
    """Whether `record` is a record of this questionnaire's layout and format."""
    return record is not None and len(record) == layout(questionnaire).width and record[0] == FORMAT


def decode(questionnaire: Questionnaire, blobs: Sequence[bytes | memoryview],
           texts: Sequence[str | None] | None = None) -> dict[str, np.ndarray]:
    """Columns of canonical answers (object arrays, ``Questionnaire.variables`` order) from records.

    Every record must be :func:`readable` (else :class:`NotDecodable` is raised). `texts` are the
    ``Response.texts`` documents as stored JSON text, one per record (None where a response has no text
    answer); without them the text columns are all None. Option codes keep their native type; a
    `multiple` cell is a list of codes in option order (one list object per distinct choice, shared by the
    rows that made it - the frame is never mutated); numbers are int when the question is integer or the
    value whole, else float; None where empty.
    """
    shape = layout(questionnaire)
    n = len(blobs)
    data = b"".join(blobs)
    if len(data) != n * shape.width:
        raise NotDecodable(f"records of {questionnaire.id} must be {shape.width} bytes long")
    matrix = np.frombuffer(data, dtype=np.uint8).reshape(n, shape.width)
    if n and not (matrix[:, 0] == FORMAT).all():
        raise NotDecodable(f"records of {questionnaire.id} must start with format byte {FORMAT}")
    columns: dict[str, np.ndarray] = {}
    for f in shape.fields:
        if f.kind == "choice":
            lookup = np.empty(len(f.codes) + 1, dtype=object)
            lookup[1:] = f.codes
            index = matrix[:, f.offset] if f.width == 1 else \
                np.ascontiguousarray(matrix[:, f.offset:f.offset + 2]).view("<u2").ravel()
            columns[f.variable] = lookup[index]
        elif f.kind == "multiple":
            columns[f.variable] = _decode_masks(matrix[:, f.offset:f.offset + f.width], f.codes)
        else:
            numbers = np.ascontiguousarray(matrix[:, f.offset:f.offset + 8]).view("<f8").ravel()
            columns[f.variable] = _number_objects(numbers)
    if texts is None:
        for var in shape.texts:
            columns[var] = np.empty(n, dtype=object)
    else:
        columns.update(_decode_texts(shape.texts, texts))
    return {var: columns[var] for var in questionnaire.variables}


def _decode_texts(variables: Sequence[str], texts: Sequence[str | None]) -> dict[str, np.ndarray]:
    """Text columns from ``Response.texts`` JSON documents: each distinct document parsed once.

    Open answers repeat a lot (无, 没有 ...): the documents are hashed in C (pandas.factorize), the
    distinct ones parsed in one go, and each column indexed out of a small lookup (None for NULL).
    """
    values = np.empty(len(texts), dtype=object)
    values[:] = texts
    index, distinct = pd.factorize(values)
    docs = json.loads("[" + ",".join(distinct) + "]") if len(distinct) else []
    columns = {}
    for var in variables:
        lookup = np.empty(len(docs) + 1, dtype=object)     # the last one (index -1) is None: no texts
        lookup[:-1] = [doc.get(var) if doc else None for doc in docs]
        columns[var] = lookup[index]
    return columns


def object_array(values: Sequence[Any]) -> np.ndarray:
    """A 1-D object array of scalar `values` (numbers, text, None)."""
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


def _decode_masks(masks: np.ndarray, codes: tuple[Any, ...]) -> np.ndarray:
    """One list per distinct bitmask, then fancy indexing: no Python work per row."""
    n, width = masks.shape
    if width <= 8:
        key = np.zeros(n, dtype=np.uint64)
        for b in range(width):
            key |= masks[:, b].astype(np.uint64) << np.uint64(8 * b)
        distinct, inverse = np.unique(key, return_inverse=True)
        values = [int(k) for k in distinct.tolist()]
    else:
        distinct_rows, inverse = np.unique(masks, axis=0, return_inverse=True)
        values = [int.from_bytes(bytes(row), "little") for row in distinct_rows]
    lists = np.empty(len(values), dtype=object)
    for j, mask in enumerate(values):
        lists[j] = [code for i, code in enumerate(codes) if mask >> i & 1] or None
    return lists[np.asarray(inverse).ravel()]


def _number_objects(numbers: np.ndarray) -> np.ndarray:
    """float64 values as Python numbers the way clean_answers stores them (int when whole), None for NaN."""
    out = np.empty(len(numbers), dtype=object)
    given = ~np.isnan(numbers)
    whole = given & (numbers == np.floor(np.where(given, numbers, 0)))
    fraction = given & ~whole
    if whole.any():
        out[whole] = object_array(numbers[whole].astype(np.int64).tolist())
    if fraction.any():
        out[fraction] = object_array(numbers[fraction].tolist())
    return out
