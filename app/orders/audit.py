"""The orders' hash-chained audit trail.

Each ``OrderEvent`` stores ``hash = sha256(prev_hash + canonical JSON of the row)``, chained
per order (the order row is locked whenever an event is written, so the chain needs no global
lock). The order keeps the head hash and the number of events, so deleting the last event is
detected as well as changing or deleting any other.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from app.common.time import utcnow
from app.extensions import db
from app.orders.models import Order, OrderEvent

GENESIS = "0" * 64


def canonical(fields: dict[str, Any]) -> str:
    def default(value: Any) -> str:
        if isinstance(value, datetime):
            return value.isoformat()
        raise TypeError(f"not JSON: {type(value).__name__}")

    return json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      default=default)


def event_fields(event: Any) -> dict[str, Any]:
    """What the hash covers: every column but the id and the hashes themselves."""
    at = event.at
    return {
        "order_id": event.order_id, "seq": event.seq,
        "at": at.isoformat(timespec="microseconds") if at else None,
        "actor_id": event.actor_id, "action": event.action, "from_state": event.from_state,
        "to_state": event.to_state, "reason": event.reason or "", "payload": event.payload or {},
    }


def compute_hash(prev_hash: str, event: Any) -> str:
    return hashlib.sha256((prev_hash + canonical(event_fields(event))).encode()).hexdigest()


def append(order: Any, *, actor: Any, action: str, from_state: str | None,
           to_state: str | None, reason: str = "", payload: dict[str, Any] | None = None) -> Any:
    """Write the next event of ``order`` (whose row the caller holds locked)."""
    event = OrderEvent(
        order_id=order.id, seq=order.audit_count + 1,
        at=utcnow(), actor_id=getattr(actor, "id", None),
        action=action, from_state=from_state, to_state=to_state, reason=reason or "",
        payload=payload or {}, prev_hash=order.audit_head or GENESIS,
    )
    event.hash = compute_hash(event.prev_hash, event)
    db.session.add(event)
    order.audit_head = event.hash
    order.audit_count = event.seq
    return event


@dataclass
class Break:
    order_id: int
    event_id: int | None
    seq: int | None
    problem: str

    def __str__(self) -> str:
        where = f"order {self.order_id}"
        if self.event_id is not None:
            where += f", event {self.event_id} (#{self.seq})"
        return f"{where}: {self.problem}"


def verify(batch: int = 1000) -> tuple[int, Break | None]:
    """Check every order's chain; returns (events checked, first break or None)."""
    checked = 0
    heads = {row.id: (row.audit_head, row.audit_count) for row in db.session.execute(
        select(Order.id, Order.audit_head, Order.audit_count).order_by(Order.id))}
    state: dict[int, tuple[str, int]] = {}
    last_id = 0
    while True:
        events = db.session.execute(
            select(OrderEvent).where(OrderEvent.id > last_id).order_by(OrderEvent.id)
            .limit(batch)).scalars().all()
        if not events:
            break
        for event in events:
            last_id = event.id
            checked += 1
            prev_hash, seq = state.get(event.order_id, (GENESIS, 0))
            if event.seq != seq + 1:
                return checked, Break(event.order_id, event.id, event.seq,
                                      f"event #{seq + 1} is missing")
            if event.prev_hash != prev_hash:
                return checked, Break(event.order_id, event.id, event.seq,
                                      "does not follow the previous event")
            if compute_hash(prev_hash, event) != event.hash:
                return checked, Break(event.order_id, event.id, event.seq,
                                      "its content was changed")
            state[event.order_id] = (event.hash, event.seq)
            db.session.expunge(event)  # keep memory flat on long trails
    for order_id, (head, count) in heads.items():
        seen_hash, seen_count = state.get(order_id, (GENESIS, 0))
        if seen_count != count or (count and seen_hash != head):
            return checked, Break(order_id, None, None,
                                  f"the order has {count} events, the trail {seen_count}: "
                                  "events were deleted")
    return checked, None
