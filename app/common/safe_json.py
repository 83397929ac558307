"""JSON bodies parsed with limits: nesting depth, digits of a number, no NaN or Infinity.

The standard parser raises ``RecursionError`` (not ``ValueError``: a 500) on a body nested
thousands of levels deep and ``ValueError`` on an integer of more than 4,300 digits (which
webargs, catching only ``JSONDecodeError``, lets through as a 500). Here a number that no
field could hold parses to :data:`UNREADABLE_NUMBER`, so the request guard can name the
field; the app's JSON provider uses the same parser.
"""

from __future__ import annotations

import json
import math
from typing import Any

from flask.json.provider import DefaultJSONProvider

MAX_DEPTH = 64
MAX_NUMBER_CHARS = 40  # far beyond any id, count or amount in cents


class _Unreadable:
    """A number too long or not finite; it is never handed to a view."""

    def __repr__(self) -> str:
        return "UNREADABLE_NUMBER"


UNREADABLE_NUMBER = _Unreadable()


class JsonTooDeep(ValueError):
    pass


def _parse_int(text: str) -> Any:
    return int(text) if len(text) <= MAX_NUMBER_CHARS else UNREADABLE_NUMBER


def _parse_float(text: str) -> Any:
    if len(text) > MAX_NUMBER_CHARS:
        return UNREADABLE_NUMBER
    value = float(text)
    return value if math.isfinite(value) else UNREADABLE_NUMBER


def _parse_constant(text: str) -> Any:
    return UNREADABLE_NUMBER  # NaN, Infinity, -Infinity are not JSON


def loads(data: str | bytes, **kwargs: Any) -> Any:
    """Like ``json.loads``; raises ``ValueError`` (``JsonTooDeep``) for a too-deep body."""
    try:
        value = json.loads(data, parse_int=_parse_int, parse_float=_parse_float,
                           parse_constant=_parse_constant, **kwargs)
    except RecursionError as exc:
        raise JsonTooDeep("nested too deeply") from exc
    if depth(value) > MAX_DEPTH:
        raise JsonTooDeep("nested too deeply")
    return value


def depth(value: Any) -> int:
    """How many arrays and objects deep ``value`` goes (iteratively: no recursion limit)."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        node, level = stack.pop()
        if isinstance(node, dict | list):
            level += 1
            deepest = max(deepest, level)
            if level > MAX_DEPTH:
                return level
            stack.extend((child, level) for child in
                         (node.values() if isinstance(node, dict) else node))
    return deepest


class SafeJSONProvider(DefaultJSONProvider):
    """``request.get_json()`` and ``flask.json.loads`` with the limits above."""

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        return loads(s, **kwargs)
