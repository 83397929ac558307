"""Admin audit log: who changed which catalogue or account record, when, before and after."""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, inspect
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.common.time import UTCDateTime, utcnow
from app.extensions import Model, db


class AdminLogEntry(Model):
    __tablename__ = "admin_log_entry"
    __table_args__ = (Index("ix_admin_log_entry_entity", "entity_type", "entity_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    entity_type: Mapped[str] = mapped_column(String(50))
    entity_id: Mapped[int] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(50))
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    actor = relationship("User")


def _plain(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def snapshot(obj: Any) -> dict[str, Any]:
    """The row's column values as JSON-ready data."""
    mapper = inspect(obj).mapper
    return {attr.key: _plain(getattr(obj, attr.key)) for attr in mapper.column_attrs
            if attr.key != "search_text"}


def record(actor: Any, obj: Any, action: str, before: dict[str, Any] | None) -> AdminLogEntry:
    """Log a change to ``obj`` (flushes, so new rows have their id)."""
    db.session.flush()
    after = snapshot(obj) if action != "delete" else None
    entry = AdminLogEntry(actor_id=getattr(actor, "id", None), entity_type=obj.__tablename__,
                          entity_id=obj.id, action=action, before=before, after=after)
    db.session.add(entry)
    return entry
