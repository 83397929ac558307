"""Pagination: the one ``Page`` every list returns, and the ``page`` argument, read once
and clamped.

A page beyond the last one is redirected to the last by the views; this only keeps the
number sane (ASCII digits, 1 to ``MAX_PAGE``) so ``(page - 1) * per_page`` never reaches the
database as an offset it cannot hold.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from math import ceil
from typing import Any, Generic, TypeVar

from flask import request

MAX_PAGE = 100_000

T = TypeVar("T")


@dataclass
class Page(Generic[T]):
    """One page of a list: its rows, how many rows in all, which page of how many rows."""

    items: list[T]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(ceil(self.total / self.per_page), 1)

_DIGITS = re.compile(r"\s*([0-9]+)\s*", re.ASCII)


def page_arg(source: Mapping[str, Any] | None = None) -> int:
    """``?page=`` (or ``source["page"]``, e.g. a posted form) as 1..MAX_PAGE; 1 if unreadable."""
    match = _DIGITS.fullmatch(str((request.args if source is None else source).get("page", "1")))
    if match is None:
        return 1
    digits = match.group(1).lstrip("0") or "0"
    if len(digits) > len(str(MAX_PAGE)):  # no int() of thousands of digits
        return MAX_PAGE
    return min(max(int(digits), 1), MAX_PAGE)
