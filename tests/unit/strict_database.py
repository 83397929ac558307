"""SQLite made as strict as PostgreSQL, for the tests that send hostile input.

SQLite stores NUL and integers up to 2**63 happily where PostgreSQL fails; with the
``postgres_strictness`` fixture an ``integer`` bind beyond 2**31-1, a ``bigint`` beyond
2**63-1, or text with NUL or a lone surrogate raises, as psycopg would.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import BigInteger, Integer, String, Text, event

from app.extensions import db

INT32_MAX = 2**31 - 1
INT64_MAX = 2**63 - 1
_FORBIDDEN = re.compile("[\x00\ud800-\udfff]")


class PostgresWouldFail(Exception):
    """What psycopg raises for a value PostgreSQL refuses (a 500 if it gets this far)."""


def _check_bind(name: str, value: Any, bind_type: Any) -> None:
    values = value if isinstance(value, list | tuple) else [value]
    for item in values:
        if isinstance(item, bool):
            continue
        if isinstance(item, int):
            limit = INT64_MAX if isinstance(bind_type, BigInteger) else (
                INT32_MAX if isinstance(bind_type, Integer) else INT64_MAX)
            if not -limit - 1 <= item <= limit:
                raise PostgresWouldFail(f"integer out of range: {name}={item}")
        elif isinstance(item, str) and _FORBIDDEN.search(item):
            raise PostgresWouldFail(f"text PostgreSQL cannot store: {name}={item!r}")


@pytest.fixture
def postgres_strictness(app: Flask) -> Iterator[None]:
    def before(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any,
               executemany: bool) -> None:
        compiled = getattr(context, "compiled", None)
        binds = compiled.binds if compiled is not None else {}
        for params in getattr(context, "compiled_parameters", None) or []:
            for name, value in params.items():
                bind = binds.get(name)
                if bind is None:  # an expanded IN list: name_1, name_2, ...
                    bind = binds.get(name.rsplit("_", 1)[0])
                _check_bind(name, value, bind.type if bind is not None else String())
        for value in parameters if isinstance(parameters, list | tuple) else []:
            if isinstance(value, str | int):
                _check_bind("?", value, Text())

    event.listen(db.engine, "before_cursor_execute", before)
    yield
    event.remove(db.engine, "before_cursor_execute", before)


