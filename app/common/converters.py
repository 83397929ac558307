"""The app's ``int`` URL converter: ASCII digits, at most 2³¹−1.

Registered as ``int`` before any blueprint, so every ``<int:...>`` rule answers 404 for an
id PostgreSQL's ``integer`` cannot hold (which would otherwise reach the database and fail
with a 500) and for non-ASCII digits (werkzeug's ``\\d+`` also matches ``٣٣``).
"""

from __future__ import annotations

from flask import Flask
from werkzeug.routing import IntegerConverter, Map

from app.common.numbers import INT32_MAX


class BoundedIntConverter(IntegerConverter):
    regex = r"[0-9]{1,10}"

    def __init__(self, map: Map, fixed_digits: int = 0, min: int | None = None,
                 max: int | None = None, signed: bool = False) -> None:
        upper = INT32_MAX if max is None or max > INT32_MAX else max
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=upper, signed=signed)


def register_converters(app: Flask) -> None:
    """Before any rule is added: rules bind their converter when they are registered."""
    app.url_map.converters["int"] = BoundedIntConverter
