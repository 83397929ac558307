"""Column helpers shared by the domain models."""

from __future__ import annotations

import enum
import sqlite3
from typing import Any

from sqlalchemy import Enum, event
from sqlalchemy.engine import Engine


def enum_type(enum_cls: type[enum.Enum], name: str) -> Enum:
    """Store an enum by value as VARCHAR with a CHECK constraint (portable, readable in SQL)."""
    return Enum(
        enum_cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=32,
        values_callable=lambda cls: [member.value for member in cls],
        validate_strings=True,
    )


def configure_sqlite(dbapi_connection: Any, _record: Any) -> None:
    """SQLite as the embedded default is shared by web, worker and beat processes: WAL lets
    readers and one writer work at once, the busy timeout waits instead of failing."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()


event.listen(Engine, "connect", configure_sqlite)
