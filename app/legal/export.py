"""Everything the platform holds about one person, as JSON-ready data (GDPR articles 15 and
20). Only reads; secrets (password, token and session hashes) and file contents never leave.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import LargeBinary, Text, cast, or_, select
from sqlalchemy.orm import selectinload

from app.assignment.models import VendorAttempt
from app.auth.models import ApiToken, LoginSession, OneTimeToken, Organisation, User
from app.common.admin_log import AdminLogEntry
from app.common.outbox import OutboxMessage
from app.common.time import utcnow
from app.execution.models import Delivery
from app.extensions import db
from app.invoicing.models import Invoice
from app.legal.models import ErasureRequest
from app.notifications.models import Notification
from app.orders.models import Order, OrderApproval, OrderEvent

# Columns that are secrets or derived copies: never exported.
_SECRET = {"password_hash", "token_hash", "key_hash", "search_text", "session_key"}
FORMAT_VERSION = 1


def _plain(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value


def row(obj: Any, skip: frozenset[str] = frozenset()) -> dict[str, Any]:
    """The row's columns as JSON-ready values, without secrets or binary contents."""
    mapper = obj.__mapper__
    return {attr.key: _plain(getattr(obj, attr.key)) for attr in mapper.column_attrs
            if attr.key not in _SECRET and attr.key not in skip
            and not isinstance(attr.columns[0].type, LargeBinary)}


def _all(query: Any) -> list[Any]:
    return list(db.session.execute(query).scalars())


def emails_to(user: User) -> list[OutboxMessage]:
    """The outbox's e-mails addressed to ``user`` (the address is inside the JSON payload)."""
    candidates = _all(select(OutboxMessage).where(
        OutboxMessage.kind == "email",
        cast(OutboxMessage.payload, Text).contains(user.email)).order_by(OutboxMessage.id))
    return [m for m in candidates if (m.payload or {}).get("to") == user.email]


def _orders(user: User) -> tuple[list[Order], list[Order]]:
    created = _all(select(Order).where(Order.created_by_id == user.id).order_by(Order.id)
                   .options(selectinload(Order.lines)))
    acted_ids = set(db.session.execute(
        select(OrderEvent.order_id).where(OrderEvent.actor_id == user.id)).scalars())
    acted_ids |= set(db.session.execute(
        select(OrderApproval.order_id).where(OrderApproval.staff_id == user.id)).scalars())
    acted_ids -= {o.id for o in created}
    acted = _all(select(Order).where(Order.id.in_(acted_ids)).order_by(Order.id)
                 .options(selectinload(Order.lines)))
    return created, acted


def _order(order: Order) -> dict[str, Any]:
    return {**row(order), "reference": order.reference,
            "lines": [row(line) for line in order.lines]}


def personal_data(user: User) -> dict[str, Any]:
    """The export: one JSON object, each section a list of rows as stored."""
    created, acted = _orders(user)
    account = row(user)
    account["organisation"] = ({"id": user.organisation.id, "name": user.organisation.name}
                               if user.organisation else None)
    account["vendor"] = ({"id": user.vendor.id, "name": user.vendor.name}
                         if user.vendor is not None else None)
    by_user = {"user_id": user.id}
    return {
        "format_version": FORMAT_VERSION,
        "generated_at": utcnow().isoformat(),
        "account": account,
        "invoicing_contact_of": [
            {"organisation_id": org.id, "name": org.name,
             "invoicing_contact_name": org.invoicing_contact_name,
             "invoicing_contact_email": org.invoicing_contact_email}
            for org in _all(select(Organisation).where(
                Organisation.invoicing_contact_email == user.email))],
        "orders_created": [_order(o) for o in created],
        "orders_acted_on": [{"id": o.id, "reference": o.reference, "title": o.title,
                             "status": o.status.value} for o in acted],
        "approvals": [row(a) for a in _all(select(OrderApproval).where(
            OrderApproval.staff_id == user.id).order_by(OrderApproval.id))],
        "audit_events": [row(e, frozenset({"hash", "prev_hash"})) for e in _all(
            select(OrderEvent).where(OrderEvent.actor_id == user.id).order_by(OrderEvent.id))],
        "offers_answered": [row(a) for a in _all(select(VendorAttempt).where(
            VendorAttempt.responded_by_id == user.id).order_by(VendorAttempt.id))],
        "deliveries": [row(d) for d in _all(select(Delivery).where(or_(
            Delivery.delivered_by_id == user.id, Delivery.answered_by_id == user.id))
            .order_by(Delivery.id))],
        "invoices_registered": [row(i) for i in _all(select(Invoice).where(
            Invoice.registered_by_id == user.id).order_by(Invoice.id))],
        "notifications": [row(n) for n in _all(select(Notification).where(
            Notification.user_id == user.id).order_by(Notification.id))],
        "emails": [{"id": m.id, "created_at": _plain(m.created_at),
                    "sent_at": _plain(m.sent_at), "subject": (m.payload or {}).get("subject"),
                    "body": (m.payload or {}).get("body")} for m in emails_to(user)],
        "api_tokens": [row(t) for t in _all(select(ApiToken).filter_by(**by_user)
                                            .order_by(ApiToken.id))],
        "login_sessions": [row(s) for s in _all(select(LoginSession).filter_by(**by_user)
                                                .order_by(LoginSession.created_at))],
        "one_time_tokens": [row(t) for t in _all(select(OneTimeToken).filter_by(**by_user)
                                                 .order_by(OneTimeToken.id))],
        "account_changes": [row(e) for e in _all(select(AdminLogEntry).where(
            AdminLogEntry.entity_type == "user", AdminLogEntry.entity_id == user.id)
            .order_by(AdminLogEntry.id))],
        "erasure_requests": [row(r) for r in _all(select(ErasureRequest).filter_by(**by_user)
                                                  .order_by(ErasureRequest.id))],
    }
