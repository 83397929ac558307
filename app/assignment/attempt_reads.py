"""A vendor company's own offers and invitations, as its users may see them."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from app.assignment.models import OPEN_ATTEMPT_STATES, VendorAttempt
from app.auth.models import Role, User
from app.common.errors import Forbidden, NotFound
from app.extensions import db
from app.orders.models import Order, OrderStatus
from app.orders.next_steps import OFFER_DEADLINE


def vendor_attempts(actor: User, open_only: bool = False) -> list[VendorAttempt]:
    if actor.role is not Role.VENDOR or actor.vendor_id is None:
        raise Forbidden(str(_l("Only vendor users have offers.")))
    query = select(VendorAttempt).where(VendorAttempt.vendor_id == actor.vendor_id)
    if open_only:
        query = query.where(VendorAttempt.state.in_(OPEN_ATTEMPT_STATES))
    return list(db.session.execute(
        query.order_by(VendorAttempt.created_at.desc(), VendorAttempt.id.desc())).scalars())


def get_attempt(actor: User, attempt_id: int) -> VendorAttempt:
    """The attempt if it belongs to the actor's company; anything else is 404."""
    if actor.role is not Role.VENDOR or actor.vendor_id is None:
        raise NotFound()
    attempt = db.session.get(VendorAttempt, attempt_id)
    if attempt is None or attempt.vendor_id != actor.vendor_id:
        raise NotFound()
    return attempt


def open_deadline_fact(actor: User, order: Order) -> dict[str, Any]:
    """For the order page's "what happens next": when the order's open offers or invitations
    expire (a vendor's user: only its own company's; nothing once none is open)."""
    if order.status is not OrderStatus.AWAITING_VENDOR:
        return {}
    query = select(func.max(VendorAttempt.expires_at)).where(
        VendorAttempt.order_id == order.id, VendorAttempt.state.in_(OPEN_ATTEMPT_STATES))
    if actor.role is Role.VENDOR:
        query = query.where(VendorAttempt.vendor_id == actor.vendor_id)
    deadline = db.session.execute(query).scalar_one_or_none()
    return {OFFER_DEADLINE: deadline} if deadline is not None else {}
