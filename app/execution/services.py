"""Delivery and receipt (DESIGN §3, §9): the assigned vendor marks the order delivered, the
buyer confirms receipt or contests it.

Each move locks the order through :func:`app.orders.services.lock_order`, which answers 404
for an order the actor may not see (a vendor sees only the orders assigned to its company, a
buyer its organisation's), makes the move in the order's table
(:mod:`app.orders.workflow`: a move not allowed now is a 409), and tells the other party.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload, undefer

from app.assignment.services.rounds import vendor_users
from app.auth.models import User
from app.common.errors import NotFound, ValidationFailed
from app.common.single_line import multi_line_problem
from app.common.time import utcnow
from app.execution import documents
from app.execution.models import Delivery, DeliveryDocument, DeliveryOutcome
from app.extensions import db
from app.notifications.services import notify
from app.orders import services as orders
from app.orders import workflow
from app.orders.models import Order, OrderStatus

NOTE_MAX = 5000


def _buyer_recipients(order: Order) -> list[User]:
    requester = db.session.get(User, order.created_by_id)
    return [requester] if requester is not None and requester.active else []


def _pending_delivery(order: Order) -> Delivery:
    delivery = db.session.execute(
        select(Delivery).where(Delivery.order_id == order.id,
                               Delivery.outcome == DeliveryOutcome.PENDING)
        .order_by(Delivery.number.desc()).limit(1)).scalar_one_or_none()
    assert delivery is not None, "a delivered order has a pending delivery"
    return delivery


def deliver(actor: User, order_id: int, note: str,
            uploads: list[documents.Upload] | None = None) -> Delivery:
    """The assigned vendor marks the order delivered, with a note and optional documents.
    A refused file refuses the whole delivery (nothing is stored)."""
    order = orders.lock_order(actor, order_id)
    workflow.check(order, "deliver", actor)
    note = (note or "").strip()
    errors: dict[str, list[str]] = {}
    if found := _text_problems(note):
        errors["note"] = found
    found = documents.problems(uploads or [])
    if found:
        errors["documents"] = found
    if errors:
        raise ValidationFailed(errors)
    number = int(db.session.execute(select(func.count(Delivery.id)).where(
        Delivery.order_id == order.id)).scalar_one()) + 1
    delivery = Delivery(order_id=order.id, number=number, note=note, delivered_by_id=actor.id)
    db.session.add(delivery)
    db.session.flush()
    files = [documents.checked(upload) for upload in uploads or []]
    for file in files:
        db.session.add(DeliveryDocument(
            delivery_id=delivery.id, filename=file.filename, content_type=file.content_type,
            size_bytes=len(file.content), sha256=file.sha256, content=file.content))
    workflow.transition(order, "deliver", actor, payload={
        "delivery": number, "documents": [{"name": f.filename, "sha256": f.sha256}
                                          for f in files]})
    db.session.flush()
    notify(_buyer_recipients(order), "order_delivered", order)
    return delivery


def _text_problems(value: str) -> list[str]:
    """The note's and the reason's rules (multi-line text, like an order's description)."""
    if len(value) > NOTE_MAX:
        return [str(_l("Use at most %(n)s characters.", n=NOTE_MAX))]
    problem = multi_line_problem(value)
    return [problem] if problem else []


def confirm_receipt(actor: User, order_id: int) -> Order:
    """The buyer confirms the delivery: the order is completed."""
    order = orders.lock_order(actor, order_id)
    workflow.transition(order, "confirm_receipt", actor)
    delivery = _pending_delivery(order)
    delivery.outcome = DeliveryOutcome.CONFIRMED
    delivery.answered_at = utcnow()
    delivery.answered_by_id = actor.id
    notify(vendor_users(order.vendor_id or 0), "delivery_confirmed", order)
    return order


def contest_delivery(actor: User, order_id: int, reason: str) -> Order:
    """The buyer contests the delivery with a reason: the order is back to ``assigned`` and
    the vendor is told why."""
    order = orders.lock_order(actor, order_id)
    workflow.check(order, "contest_delivery", actor)
    reason = (reason or "").strip()
    if found := _text_problems(reason):
        raise ValidationFailed({"reason": found})
    workflow.transition(order, "contest_delivery", actor, reason=reason)
    delivery = _pending_delivery(order)
    delivery.outcome = DeliveryOutcome.CONTESTED
    delivery.answered_at = utcnow()
    delivery.answered_by_id = actor.id
    delivery.reason = reason
    notify(vendor_users(order.vendor_id or 0), "delivery_contested", order, reason=reason)
    return order


# --- Reading -------------------------------------------------------------------------------

def deliveries(actor: User, order: Order) -> list[Delivery]:
    """The order's deliveries, newest first, with their documents' names (not their bytes).
    The caller has already checked the order is visible to ``actor``."""
    if order.status in (OrderStatus.DRAFT, OrderStatus.SUBMITTED):
        return []
    return list(db.session.execute(
        select(Delivery).where(Delivery.order_id == order.id)
        .options(selectinload(Delivery.documents), joinedload(Delivery.delivered_by),
                 joinedload(Delivery.answered_by))
        .order_by(Delivery.number.desc())).scalars())


def document(actor: User, order_id: int, document_id: int) -> DeliveryDocument:
    """A delivery document, with its content, for whoever may see the order: its buyer's
    organisation, the assigned vendor company and staff (404 for anyone else)."""
    order = orders.get_order(actor, order_id)
    found = db.session.execute(
        select(DeliveryDocument).join(Delivery)
        .where(DeliveryDocument.id == document_id, Delivery.order_id == order.id)
        .options(undefer(DeliveryDocument.content))).scalar_one_or_none()
    if found is None:
        raise NotFound()
    return found


@dataclass(frozen=True)
class Contacts:
    """Who to reach on each side once the order is assigned."""

    buyer_organisation: str
    buyer_name: str
    buyer_email: str
    vendor_name: str
    vendor_email: str
    vendor_people: list[tuple[str, str]]


_CONTACT_STATES = (OrderStatus.ASSIGNED, OrderStatus.DELIVERED, OrderStatus.COMPLETED,
                   OrderStatus.CLOSED)


def contacts(actor: User, order: Order) -> Contacts | None:
    """Both parties' contact details, shown to the buyer, the vendor and staff once the order
    is assigned (and before: None)."""
    if order.status not in _CONTACT_STATES or order.vendor is None:
        return None
    requester = db.session.get(User, order.created_by_id)
    people = [(user.display_name, user.email) for user in vendor_users(order.vendor.id)]
    return Contacts(
        buyer_organisation=order.organisation.name,
        buyer_name=requester.display_name if requester else "",
        buyer_email=requester.email if requester else "",
        vendor_name=order.vendor.name, vendor_email=order.vendor.contact_email or "",
        vendor_people=people)
