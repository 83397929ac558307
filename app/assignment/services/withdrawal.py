"""Withdrawing open offers and invitations: when staff cancel an order (the orders'
``order_cancelled`` signal), and when a vendor may no longer take orders (a membership
suspended or terminated: the catalogue's ``membership_withdrawn``; a company deactivated:
the vendors' ``vendor_deactivated``).

Those packages cannot import this one (DESIGN §7), so they send a signal; the receivers
here, connected by :func:`connect` (from ``app.assignment.register``), run in the sender's
transaction, each order locked, and move each order on.
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy import select

from app.assignment import workflow
from app.assignment.models import OPEN_ATTEMPT_STATES, VendorAttempt
from app.assignment.services.rounds import after_answer, attempts_of, lock_order, vendor_users
from app.catalogue.signals import membership_withdrawn
from app.common.time import utcnow
from app.extensions import db
from app.notifications.services import notify
from app.orders import workflow as order_workflow
from app.orders.models import Order
from app.orders.signals import order_cancelled
from app.vendors.signals import vendor_deactivated

NOT_ELIGIBLE = "vendor no longer eligible"  # why an attempt was withdrawn (audit payload)


def withdraw_open_attempts(order: Order, why: str) -> None:
    """When staff cancel an order: open offers and invitations are withdrawn."""
    for attempt in attempts_of(order):
        if attempt.state in OPEN_ATTEMPT_STATES and workflow.move(attempt.id, "withdraw",
                responded_at=utcnow(), reason=why[:2000]):
            notify(vendor_users(attempt.vendor_id), "offer_withdrawn", order,
                  reason=why)


def withdraw_attempt(order: Order, attempt: VendorAttempt, why: str) -> bool:
    """One open attempt of a vendor that may no longer take the order (membership suspended
    or terminated, company deactivated) is withdrawn, its users are told, and the order moves
    on: next rank, or the competition closes if every other invitation is answered. The
    order is locked by the caller. False if the attempt was no longer open."""
    if not workflow.move(attempt.id, "withdraw",
                      responded_at=utcnow(), reason=why[:2000]):
        return False
    order_workflow.note(order, "vendor_withdrawn", None, payload={
        "attempt_id": attempt.id, "vendor_id": attempt.vendor_id, "why": why})
    notify(vendor_users(attempt.vendor_id), "attempt_withdrawn", order, attempt=attempt)
    after_answer(order, attempt)
    return True


def withdraw_open_attempts_of(vendor_id: int, lot_id: int | None = None) -> int:
    """Withdraw the vendor's open attempts (of one lot, or all); returns how many."""
    query = (select(VendorAttempt.order_id).join(Order, Order.id == VendorAttempt.order_id)
             .where(VendorAttempt.vendor_id == vendor_id,
                    VendorAttempt.state.in_(OPEN_ATTEMPT_STATES)))
    if lot_id is not None:
        query = query.where(Order.lot_id == lot_id)
    withdrawn = 0
    # Orders locked one at a time, in id order (as every other path locks a single order).
    for order_id in sorted(set(db.session.execute(query).scalars())):
        order = lock_order(order_id)
        if order is None:
            continue
        for attempt in attempts_of(order):
            if attempt.vendor_id == vendor_id and attempt.state in OPEN_ATTEMPT_STATES \
                    and withdraw_attempt(order, attempt, NOT_ELIGIBLE):
                withdrawn += 1
    return withdrawn


def _on_order_cancelled(sender: Any, *, order: Order, reason: str, **_extra: Any) -> None:
    withdraw_open_attempts(order, reason)


def _on_membership_withdrawn(sender: Any, *, lot_id: int, vendor_id: int,
                             **_extra: Any) -> None:
    withdraw_open_attempts_of(vendor_id, lot_id)


def _on_vendor_deactivated(sender: Any, *, vendor_id: int, **_extra: Any) -> None:
    withdraw_open_attempts_of(vendor_id)


def connect(app: Flask) -> None:
    """The receivers react to what that app's services send."""
    order_cancelled.connect(_on_order_cancelled, sender=app)
    membership_withdrawn.connect(_on_membership_withdrawn, sender=app)
    vendor_deactivated.connect(_on_vendor_deactivated, sender=app)
