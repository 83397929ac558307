"""Time is timezone-aware UTC in the database and Europe/Brussels on screen."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import DateTime
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

BRUSSELS = ZoneInfo("Europe/Brussels")


def utcnow() -> datetime:
    return datetime.now(UTC)


def today() -> date:
    """The date in Brussels: prices change, deadlines fall and frameworks end at local
    midnight, not at UTC's."""
    return utcnow().astimezone(BRUSSELS).date()


def to_brussels(value: datetime) -> datetime:
    return value.astimezone(BRUSSELS)


class UTCDateTime(TypeDecorator[datetime]):
    """A ``timestamptz`` that also comes back aware from SQLite, which forgets the zone."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if not isinstance(value, datetime) or value.tzinfo is None:
            raise ValueError("naive datetimes are refused: use an aware UTC datetime")
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)
