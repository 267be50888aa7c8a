"""Neutralise spreadsheet formulas in cells written to CSV or XLSX files (CSV injection)."""

from __future__ import annotations

from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """Prefix text that a spreadsheet would read as a formula with a single quote.

    Text starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading ``'``;
    every other value (numbers included) is returned unchanged.

    >>> neutralise("=1+1")
    "'=1+1"
    >>> neutralise(-3)
    -3
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
