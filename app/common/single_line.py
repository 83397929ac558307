"""One rule for text fields: single-line fields hold no control characters, multi-line ones
only line breaks and tabs.

A line break in a name or title ends up in e-mail subjects (Flask-Mail refuses the header and
the message fails for good) and in log lines (a forged entry); invisible bidirectional
overrides make a name read differently from what it is. The same rule serves the forms
(WTForms), the API (marshmallow) and the services, so every way in refuses the same text
with the same translated message naming the problem.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

import marshmallow
from flask_babel import lazy_gettext as _l
from marshmallow import fields
from marshmallow.validate import Length
from wtforms import Field
from wtforms.validators import ValidationError

# Embedding, override (U+202A–U+202E) and isolate (U+2066–U+2069) controls.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
LINE_BREAKS = frozenset("\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")
_WHITESPACE_RUN = re.compile(r"\s+")


def _is_control(char: str) -> bool:
    return unicodedata.category(char) == "Cc" or char in LINE_BREAKS


def single_line_problem(value: Any) -> str | None:
    """Why ``value`` cannot be a name or title, in the reader's language; ``None`` if it can."""
    if not isinstance(value, str) or not value:
        return None
    if any(char in BIDI_CONTROLS for char in value):
        return str(_l("Remove the invisible characters that change the direction of the "
                      "text."))
    if any(char in LINE_BREAKS for char in value):
        return str(_l("Write this on one line, without line breaks."))
    if any(_is_control(char) for char in value):
        return str(_l("Remove the control characters (such as tabs) from this text."))
    return None


def multi_line_problem(value: Any) -> str | None:
    """Line breaks and tabs are fine in a description; other control characters are not."""
    if not isinstance(value, str) or not value:
        return None
    if any(_is_control(char) and char not in "\n\r\t" for char in value):
        return str(_l("Remove the control characters from this text."))
    return None


def one_line(value: str) -> str:
    """``value`` with every run of whitespace or control characters made one space, so that
    even text stored before the rule (or built from several fields) is safe in a header."""
    cleaned = "".join(" " if _is_control(char) or char in BIDI_CONTROLS else char
                      for char in value)
    return _WHITESPACE_RUN.sub(" ", cleaned).strip()


# --- WTForms ---------------------------------------------------------------------------------

class SingleLine:
    """WTForms validator for names, titles, codes and subjects."""

    field_flags = {"single_line": True}

    def __call__(self, form: Any, field: Field) -> None:
        problem = single_line_problem(field.data)
        if problem:
            raise ValidationError(problem)


class MultiLine:
    """WTForms validator for descriptions, reasons and messages."""

    def __call__(self, form: Any, field: Field) -> None:
        problem = multi_line_problem(field.data)
        if problem:
            raise ValidationError(problem)


# --- marshmallow -----------------------------------------------------------------------------

class SingleLineValidator(marshmallow.validate.Validator):
    def __call__(self, value: Any) -> Any:
        problem = single_line_problem(value)
        if problem:
            raise marshmallow.ValidationError(problem)
        return value


class SingleLineString(fields.String):
    """A name or title in an API body: at most ``max_length`` characters, on one line."""

    def __init__(self, max_length: int, **kwargs: Any) -> None:
        kwargs.setdefault("error_messages", {
            "required": _l("This field is required."), "null": _l("This field is required."),
            "invalid": _l("Enter text.")})
        super().__init__(validate=[
            Length(max=max_length, error=_l("Use at most %(n)s characters.", n=max_length)),
            SingleLineValidator()], **kwargs)


def text_problems(*, single: dict[str, Any] | None = None,
                  multi: dict[str, Any] | None = None) -> dict[str, list[str]]:
    """Per-field errors for the service layer: ``single`` maps field names to single-line
    values, ``multi`` to multi-line ones."""
    errors: dict[str, list[str]] = {}
    for values, check in ((single or {}, single_line_problem), (multi or {}, multi_line_problem)):
        for name, value in values.items():
            problem = check(value)
            if problem:
                errors[name] = [problem]
    return errors
