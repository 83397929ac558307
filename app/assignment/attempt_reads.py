"""A vendor company's own offers and invitations, as its users may see them."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, func, select
from sqlalchemy.orm import joinedload

from app.assignment.models import OPEN_ATTEMPT_STATES, VendorAttempt
from app.auth.models import Role, User
from app.common.errors import Forbidden, NotFound
from app.common.pagination import Page
from app.extensions import db
from app.orders.models import Order, OrderLine, OrderStatus
from app.orders.next_steps import OFFER_DEADLINE


def _own(actor: User) -> Select[VendorAttempt]:
    if actor.role is not Role.VENDOR or actor.vendor_id is None:
        raise Forbidden(str(_l("Only vendor users have offers.")))
    # Each row shows its order with the order's organisation and lot: loaded with it.
    return select(VendorAttempt).where(VendorAttempt.vendor_id == actor.vendor_id).options(
        joinedload(VendorAttempt.order).joinedload(Order.organisation),
        joinedload(VendorAttempt.order).joinedload(Order.lot))


def vendor_attempts(actor: User, open_only: bool = False) -> list[VendorAttempt]:
    """The company's open offers and invitations (``open_only``), or all of them, newest
    first, in one query."""
    query = _own(actor)
    if open_only:
        query = query.where(VendorAttempt.state.in_(OPEN_ATTEMPT_STATES))
    return list(db.session.execute(
        query.order_by(VendorAttempt.created_at.desc(), VendorAttempt.id.desc())).scalars())


def _newest_first(query: Select[VendorAttempt], page: int,
                  per_page: int) -> Page[VendorAttempt]:
    total = db.session.execute(select(func.count()).select_from(
        query.order_by(None).subquery())).scalar_one()
    rows = db.session.execute(
        query.order_by(VendorAttempt.created_at.desc(), VendorAttempt.id.desc())
        .limit(per_page).offset((page - 1) * per_page)).scalars().all()
    return Page(list(rows), total, page, per_page)


def past_attempts(actor: User, page: int, per_page: int = 25) -> Page[VendorAttempt]:
    """A page of the company's answered, expired and withdrawn attempts, newest first."""
    return _newest_first(_own(actor).where(VendorAttempt.state.not_in(OPEN_ATTEMPT_STATES)),
                         page, per_page)


def attempts_page(actor: User, page: int, per_page: int) -> Page[VendorAttempt]:
    """A page of all the company's attempts, newest first (the offers API)."""
    return _newest_first(_own(actor), page, per_page)


def get_attempt(actor: User, attempt_id: int) -> VendorAttempt:
    """The attempt if it belongs to the actor's company; anything else is 404."""
    if actor.role is not Role.VENDOR or actor.vendor_id is None:
        raise NotFound()
    attempt = db.session.execute(
        select(VendorAttempt).where(VendorAttempt.id == attempt_id).options(
            joinedload(VendorAttempt.order).joinedload(Order.organisation),
            joinedload(VendorAttempt.order).joinedload(Order.lot),
            joinedload(VendorAttempt.order).selectinload(Order.lines)
            .joinedload(OrderLine.item))).unique().scalar_one_or_none()
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
