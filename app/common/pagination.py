"""The ``page`` argument of every paginated page, read once and clamped.

A page beyond the last one is redirected to the last by the views; this only keeps the
number sane (ASCII digits, 1 to ``MAX_PAGE``) so ``(page - 1) * per_page`` never reaches the
database as an offset it cannot hold.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from flask import request

MAX_PAGE = 100_000

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
