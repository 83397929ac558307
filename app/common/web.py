"""What every blueprint's views share: the type a view returns, putting a service's field
errors onto the form the reader filled in, and where a ``next`` parameter may send them."""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlsplit

from flask import Response, flash, url_for
from werkzeug.wrappers import Response as WerkzeugResponse
from wtforms import Form

ViewResult = str | Response | WerkzeugResponse | tuple[str, int]


def add_error(form: Form, name: str, message: str) -> None:
    """One more message under the field ``name``."""
    field = getattr(form, name)
    field.errors = [*field.errors, message]


def apply_errors(form: Form, errors: Mapping[str, list[str]], *,
                 names: Mapping[str, str] | None = None, fallback: str | None = None) -> None:
    """A service's ``ValidationFailed.errors`` shown next to the form's fields.

    ``names`` maps a service's field name to the form's where they differ (``price_cents`` →
    ``price``). A message for no field of the form goes under ``fallback`` when given,
    otherwise into a flashed message, so nothing the service said is lost.
    """
    for name, messages in errors.items():
        field = getattr(form, (names or {}).get(name, name), None)
        if field is None and fallback is not None:
            field = getattr(form, fallback)
        if field is not None:
            field.errors = [*field.errors, *messages]
        else:
            for message in messages:
                flash(message, "error")


def safe_next(target: str | None, default: str = "main.home") -> str:
    """Only local paths: never another host, scheme or protocol-relative URL."""
    if target:
        parts = urlsplit(target)
        if (not parts.scheme and not parts.netloc and target.startswith("/")
                and not target.startswith("//") and "\\" not in target):
            return target
    return url_for(default)
