"""Scale data: one order's story (its clock, its trail, the rows it leaves) and the rows'
batched multi-row INSERTs (SQLAlchemy Core, no ORM object per row)."""

from __future__ import annotations

import enum
import json
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from random import Random
from typing import Any, cast

from sqlalchemy import Table, insert

from app.assignment.models import VendorAttempt
from app.execution.models import Delivery
from app.extensions import db
from app.invoicing.models import Invoice
from app.orders import audit
from app.orders.models import Order, OrderApproval, OrderEvent, OrderLine, OrderStatus

S = OrderStatus


@dataclass
class Ids:
    order: int
    attempt: int
    invoice: int


@dataclass
class Rows:
    orders: list[dict[str, Any]] = field(default_factory=list)
    lines: list[dict[str, Any]] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)
    approvals: list[dict[str, Any]] = field(default_factory=list)
    attempts: list[dict[str, Any]] = field(default_factory=list)
    deliveries: list[dict[str, Any]] = field(default_factory=list)
    invoices: list[dict[str, Any]] = field(default_factory=list)

    def tables(self) -> list[list[dict[str, Any]]]:
        """In the order they are inserted (parents first)."""
        return [self.orders, self.lines, self.approvals, self.attempts, self.deliveries,
                self.invoices, self.events]

    def extend(self, other: Rows) -> None:
        for mine, theirs in zip(self.tables(), other.tables(), strict=True):
            mine.extend(theirs)

    def write(self) -> None:
        """Insert and forget the rows: COPY on PostgreSQL (psycopg would otherwise send one
        INSERT per row), executemany elsewhere; in the session's transaction."""
        models = [Order, OrderLine, OrderApproval, VendorAttempt, Delivery, Invoice, OrderEvent]
        copy = db.engine.dialect.name == "postgresql"
        for model, rows in zip(models, self.tables(), strict=True):
            if rows:
                table = cast(Table, model.__table__)
                if copy:
                    _copy(table, rows)
                else:
                    db.session.execute(insert(table), rows)
                rows.clear()


def _copy(table: Table, rows: list[dict[str, Any]]) -> None:
    columns = list(rows[0])
    names = ", ".join(f'"{name}"' for name in columns)
    raw = db.session.connection().connection.dbapi_connection
    assert raw is not None
    with raw.cursor() as cursor, cursor.copy(  # type: ignore[attr-defined]
            f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
        for row in rows:
            copy.write_row([_plain(row[name]) for name in columns])


def _plain(value: Any) -> Any:
    """What COPY takes: enums by value (as the models store them), JSON as text."""
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return value


class _Event:
    """What ``audit.compute_hash`` reads, without an ORM object per event."""

    def __init__(self, **values: Any) -> None:
        for key, value in values.items():
            setattr(self, key, value)


class Story:
    """One order's life: its clock, its trail and the rows it leaves (kept apart until the
    story ends, so a story that would end after now can be moved back as a whole)."""

    def __init__(self, rng: Random, ids: Ids, order_id: int, start: datetime) -> None:
        self.rng, self.ids, self.order_id = rng, ids, order_id
        self.rows = Rows()
        self.at = start
        self.state = S.DRAFT

    def later(self, low_hours: float = 1, high_hours: float = 96) -> datetime:
        self.at += timedelta(seconds=self.rng.uniform(low_hours * 3600, high_hours * 3600))
        return self.at

    def event(self, action: str, actor: int | None, to: OrderStatus | None = None,
              reason: str = "", payload: dict[str, Any] | None = None) -> None:
        target = to or self.state
        self.rows.events.append(dict(
            order_id=self.order_id, seq=len(self.rows.events) + 1, at=self.at,
            actor_id=actor, action=action, from_state=self.state.value,
            to_state=target.value, reason=reason, payload=payload or {}))
        self.state = target

    def shift(self, by: timedelta) -> None:
        """Every time and date of the story ``by`` earlier."""
        for table in self.rows.tables():
            for row in table:
                for key, value in row.items():
                    if isinstance(value, datetime):
                        row[key] = value - by
                    elif isinstance(value, date):
                        row[key] = value - timedelta(days=by.days + 1)

    def chain(self) -> tuple[str, int]:
        """Hash the trail (after any shift: the hashes cover the times)."""
        head = audit.GENESIS
        for event in self.rows.events:
            event["prev_hash"] = head
            event["hash"] = head = audit.compute_hash(head, _Event(**event))
        return head, len(self.rows.events)
