"""A vendor that may no longer take orders loses its open offers and invitations.

The catalogue (a membership suspended or terminated) and the vendors package (a company
deactivated) cannot import this package (DESIGN §7), so they send a signal; the receivers
here, connected by ``create_app`` (:func:`connect`), withdraw the vendor's open attempts in
the sender's transaction, each order locked, and move each order on.
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy import select

from app.catalogue.signals import membership_withdrawn
from app.extensions import db
from app.orders import assignment
from app.orders.models import OPEN_ATTEMPT_STATES, Order, VendorAttempt
from app.vendors.signals import vendor_deactivated


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
        order = assignment.lock_order(order_id)
        if order is None:
            continue
        for attempt in assignment.order_attempts(order):
            if attempt.vendor_id == vendor_id and attempt.state in OPEN_ATTEMPT_STATES \
                    and assignment.withdraw_attempt(order, attempt, assignment.NOT_ELIGIBLE):
                withdrawn += 1
    return withdrawn


def _on_membership_withdrawn(sender: Any, *, lot_id: int, vendor_id: int,
                             **_extra: Any) -> None:
    withdraw_open_attempts_of(vendor_id, lot_id)


def _on_vendor_deactivated(sender: Any, *, vendor_id: int, **_extra: Any) -> None:
    withdraw_open_attempts_of(vendor_id)


def connect(app: Flask) -> None:
    """Called by ``create_app``: the receivers react to what that app's services send."""
    membership_withdrawn.connect(_on_membership_withdrawn, sender=app)
    vendor_deactivated.connect(_on_vendor_deactivated, sender=app)
