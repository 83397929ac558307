"""CSV cells a spreadsheet will not run as formulas (CSV/formula injection).

A text cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read by
spreadsheets as a formula. Every export writes such a cell with a single quote before it
(``'=1+2``), which spreadsheets show as text; the importer takes that quote off again, so
an export imports back unchanged. Plain numbers (``-12.50``, ``21``) are left alone so numeric
columns stay numeric. A text that itself starts with quotes and then a trigger (``'=x``)
gets one more quote, so reading it back gives the original.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d+)?")


def _needs_quote(text: str) -> bool:
    bare = text.lstrip("'")
    return bare.startswith(TRIGGERS) and not _PLAIN_NUMBER.fullmatch(bare)


def safe_cell(value: Any) -> Any:
    """The value to write: text a spreadsheet would run gets a leading ``'``."""
    if isinstance(value, str) and _needs_quote(value):
        return "'" + value
    return value


def safe_row(values: Iterable[Any]) -> list[Any]:
    return [safe_cell(value) for value in values]


def read_cell(text: str) -> str:
    """What :func:`safe_cell` was given: one protective quote is removed."""
    if text.startswith("'") and _needs_quote(text):
        return text[1:]
    return text
