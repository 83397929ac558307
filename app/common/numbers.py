"""Whole numbers read from text people or clients send: ASCII digits only, within range.

Python's ``int()`` and ``str.isdigit()`` also read ``"٣٣"`` (Arabic-Indic digits), ``"²"``
or ``"1_000"``; and PostgreSQL refuses (500) an id beyond its ``integer`` column. Every
reader of an id or a count in a form, a query argument or a path goes through here.
"""

from __future__ import annotations

import re
from typing import Any

INT32_MAX = 2**31 - 1  # PostgreSQL's integer, the type of every id column

_WHOLE = re.compile(r"[+-]?[0-9]{1,18}", re.ASCII)


def parse_whole(value: Any, minimum: int = 0, maximum: int = INT32_MAX) -> int | None:
    """``value`` as an int in ``minimum..maximum``, or None (not ASCII digits, out of range).

    An ``int`` (not a bool) is taken as is; text may have a sign and surrounding spaces.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and _WHOLE.fullmatch(value.strip()):
        number = int(value.strip())
    else:
        return None
    return number if minimum <= number <= maximum else None


def parse_id(value: Any) -> int | None:
    """A database id (1 to 2³¹−1) or None."""
    return parse_whole(value, 1, INT32_MAX)


def coerce_choice_id(value: Any) -> int:
    """``coerce`` for a WTForms ``SelectField`` of ids, where 0 means "none chosen".

    Raises ``ValueError`` (WTForms then shows its "not a valid choice" message) for anything
    that is not an id, instead of handing ``int("٣٣")`` or 10¹¹ to a query.
    """
    number = parse_whole(value, 0, INT32_MAX)
    if number is None:
        raise ValueError(value)
    return number
