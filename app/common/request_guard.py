"""Refuse, before any view runs, text that no column can store.

PostgreSQL refuses a NUL character in text and cannot encode a lone UTF-16 surrogate
(``"\\ud800"`` in JSON): either would reach a query and fail with a 500. So the path, the
query string, the form (names, values, file names) and a JSON body are checked once here;
a JSON body is also parsed with the limits of :mod:`app.common.safe_json` (depth, digits).

A refusal is ``ValidationFailed`` naming the field: problem+json with ``errors`` under
``/api/``, the error page (in the reader's language) elsewhere. Nothing has been read or
written yet, so nothing changes.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from flask import Flask, request
from flask_babel import gettext as _
from werkzeug.exceptions import BadRequest

from app.common import safe_json
from app.common.errors import ValidationFailed

_FORBIDDEN = re.compile("[\x00\ud800-\udfff]")


def _shown(name: str) -> str:
    """A field name fit to print back: the forbidden characters themselves are escaped."""
    return _FORBIDDEN.sub(lambda m: f"\\u{ord(m.group()):04x}", name)[:200]


def _leaves(value: Any, path: str) -> Iterator[tuple[str, Any]]:
    """Every key and leaf of a parsed JSON value with its dotted path, iteratively."""
    stack: list[tuple[str, Any]] = [(path, value)]
    while stack:
        where, node = stack.pop()
        if isinstance(node, dict):
            for key, child in node.items():
                child_path = f"{where}.{key}" if where else str(key)
                yield child_path, key
                stack.append((child_path, child))
        elif isinstance(node, list):
            stack.extend((f"{where}.{index}" if where else str(index), child)
                         for index, child in enumerate(node))
        else:
            yield where or "_schema", node


def _refuse(errors: dict[str, list[str]]) -> None:
    name = next(iter(errors))
    raise ValidationFailed(errors, message=" ".join(
        (_("The field “%(name)s” is not valid.", name=name), errors[name][0])))


def _bad_character() -> str:
    return _("It contains a character that is not allowed (a NUL character or half of a "
             "Unicode character pair).")


def _check_text(pairs: Iterator[tuple[str, str]]) -> None:
    errors: dict[str, list[str]] = {}
    for name, text in pairs:
        if _FORBIDDEN.search(name) or _FORBIDDEN.search(text):
            errors.setdefault(_shown(name), [_bad_character()])
    if errors:
        _refuse(errors)


def _check_json() -> None:
    if not request.is_json:
        return
    data = request.get_data(cache=True)
    if not data.strip():
        return
    try:
        body = safe_json.loads(data)
    except safe_json.JsonTooDeep as exc:
        raise BadRequest(_("The JSON body is nested too deeply (at most %(n)s levels).",
                           n=safe_json.MAX_DEPTH)) from exc
    except ValueError as exc:  # malformed, or not UTF-8: webargs would say the same
        raise BadRequest(_("The body is not valid JSON.")) from exc
    errors: dict[str, list[str]] = {}
    for path, leaf in _leaves(body, ""):
        if leaf is safe_json.UNREADABLE_NUMBER:
            errors.setdefault(_shown(path), [_("Enter a number of at most %(n)s digits.",
                                               n=safe_json.MAX_NUMBER_CHARS)])
        elif isinstance(leaf, str) and _FORBIDDEN.search(leaf):
            errors.setdefault(_shown(path), [_bad_character()])
    if errors:
        _refuse(errors)


def check_request() -> None:
    """The ``before_request`` hook (first of all, before the rate limiter and CSRF)."""
    if _FORBIDDEN.search(request.path):
        message = _("The address contains a character that is not allowed.")
        raise ValidationFailed({"path": [message]}, message=message)
    _check_text(iter(request.args.items(multi=True)))
    if request.method in ("POST", "PUT", "PATCH", "DELETE"):
        _check_text(iter(request.form.items(multi=True)))
        _check_text((name, upload.filename or "")
                    for name, upload in request.files.items(multi=True))
        _check_json()


def register_request_guard(app: Flask) -> None:
    app.json = safe_json.SafeJSONProvider(app)
    app.before_request_funcs.setdefault(None, []).insert(0, check_request)
