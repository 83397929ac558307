"""Rounds of vendor attempts: who is asked next, how a competition closes, escalation.

The database is the truth. Every function here runs with the order row locked by its caller
(:func:`lock_order`, ``SELECT … FOR UPDATE`` on PostgreSQL) and changes an attempt only
through ``app.assignment.workflow.move`` (``UPDATE … WHERE state IN …``), so a duplicate
message, two sweepers, or a vendor answering at the very moment its offer expires all end with
exactly one outcome.
"""

from __future__ import annotations

from sqlalchemy import func, select

from app.assignment import workflow
from app.assignment.models import AttemptKind, AttemptState, VendorAttempt
from app.auth.models import Role, User
from app.auth.services import staff_recipients
from app.catalogue.models import AwardMethod, Lot, LotMembership, MembershipStatus
from app.common.holidays import working_day_deadline
from app.common.time import utcnow
from app.extensions import db
from app.notifications.services import notify
from app.orders import hooks as order_hooks
from app.orders import workflow as order_workflow
from app.orders.models import Order, OrderStatus
from app.vendors.models import Vendor


def lock_order(order_id: int) -> Order | None:
    order = db.session.execute(
        select(Order).where(Order.id == order_id).with_for_update()).scalar_one_or_none()
    if order is not None:
        db.session.refresh(order)
    return order


def attempts_of(order: Order, round_: int | None = None) -> list[VendorAttempt]:
    query = select(VendorAttempt).where(VendorAttempt.order_id == order.id)
    if round_ is not None:
        query = query.where(VendorAttempt.round == round_)
    return list(db.session.execute(
        query.order_by(VendorAttempt.attempt_no).execution_options(populate_existing=True)
    ).scalars())


def active_members(lot_id: int) -> list[LotMembership]:
    return list(db.session.execute(
        select(LotMembership).join(Vendor)
        .where(LotMembership.lot_id == lot_id,
               LotMembership.status == MembershipStatus.ACTIVE, Vendor.active.is_(True))
        .order_by(LotMembership.rank)).scalars())


def may_take(order: Order, vendor_id: int) -> bool:
    """The vendor is active and an active member of the order's lot, as committed now (read
    under the order's lock: a membership ended meanwhile is seen)."""
    return db.session.execute(
        select(LotMembership.id).join(Vendor, Vendor.id == LotMembership.vendor_id)
        .where(LotMembership.lot_id == order.lot_id, LotMembership.vendor_id == vendor_id,
               LotMembership.status == MembershipStatus.ACTIVE, Vendor.active.is_(True))
    ).first() is not None


def new_attempt(order: Order, member: LotMembership, kind: AttemptKind) -> VendorAttempt:
    lot = db.session.get(Lot, order.lot_id)
    assert lot is not None
    number = db.session.execute(select(func.coalesce(func.max(VendorAttempt.attempt_no), 0))
                                .where(VendorAttempt.order_id == order.id)).scalar_one()
    now = utcnow()
    attempt = VendorAttempt(
        order_id=order.id, vendor_id=member.vendor_id, kind=kind, round=order.dispatch_round,
        attempt_no=int(number) + 1, rank=member.rank,
        state=AttemptState.OFFERED if kind is AttemptKind.OFFER else AttemptState.INVITED,
        created_at=now, expires_at=working_day_deadline(now, lot.response_working_days))
    db.session.add(attempt)
    db.session.flush()
    order_workflow.note(order, "vendor_asked", None, payload={
        "attempt_id": attempt.id, "vendor_id": member.vendor_id, "kind": kind.value,
        "rank": member.rank, "expires_at": attempt.expires_at.isoformat()})
    tell_vendor(order, attempt)
    return attempt


def vendor_users(vendor_id: int) -> list[User]:
    return list(db.session.execute(select(User).where(
        User.vendor_id == vendor_id, User.role == Role.VENDOR, User.active.is_(True))
        .order_by(User.id)).scalars())


def tell_vendor(order: Order, attempt: VendorAttempt) -> None:
    kind = "offer_received" if attempt.kind is AttemptKind.OFFER else "invitation_received"
    notify(vendor_users(attempt.vendor_id), kind, order, attempt=attempt)


def start_round(order: Order) -> str:
    order.dispatch_round += 1
    lot = db.session.get(Lot, order.lot_id)
    assert lot is not None
    if lot.award_method is AwardMethod.MINI_COMPETITION:
        members = active_members(order.lot_id)
        for member in members:
            new_attempt(order, member, AttemptKind.INVITATION)
        if not members:
            escalate(order, "no active vendor in the lot")
            return "escalated"
        return "invited"
    return offer_next(order)


def offer_next(order: Order) -> str:
    tried = {a.vendor_id for a in attempts_of(order, order.dispatch_round)}
    for member in active_members(order.lot_id):
        if member.vendor_id not in tried:
            new_attempt(order, member, AttemptKind.OFFER)
            return "offered"
    escalate(order, "cascade exhausted")
    return "escalated"


def escalate(order: Order, why: str, kind: str = "order_escalated") -> None:
    """Staff take the order over; ``kind`` is what they are told (notification, e-mail)."""
    order_workflow.transition(order, "escalate", None, payload={"why": why})
    notify(staff_recipients(), kind, order, why=why)


def after_answer(order: Order, attempt: VendorAttempt) -> None:
    """Next step once an attempt is closed (declined or expired, or a quote came in)."""
    if order.status is not OrderStatus.AWAITING_VENDOR or attempt.round != order.dispatch_round:
        return
    if attempt.kind is AttemptKind.OFFER:
        offer_next(order)
    elif not any(a.state is AttemptState.INVITED
                 for a in attempts_of(order, order.dispatch_round)):
        close_competition(order)


def close_competition(order: Order) -> None:
    """Lowest compliant quote wins (ties: lower rank); no quote escalates."""
    attempts = attempts_of(order, order.dispatch_round)
    quotes = [a for a in attempts if a.state is AttemptState.QUOTED]
    # A quote of a vendor that left the lot meanwhile cannot win (nor can one above the
    # total, refused at entry since, but possibly sent before).
    eligible = {m.vendor_id for m in active_members(order.lot_id)}
    compliant = [a for a in quotes if a.price_cents is not None and a.vendor_id in eligible
                 and 0 < a.price_cents <= order.total_excl_vat_cents]
    if not compliant:
        for loser in quotes:
            workflow.move(loser.id, "not_award")
        escalate(order, "no compliant quote")
        return
    winner = min(compliant, key=lambda a: (a.price_cents, a.rank))
    workflow.move(winner.id, "award")
    for loser in quotes:
        if loser.id != winner.id and workflow.move(loser.id, "not_award"):
            notify(vendor_users(loser.vendor_id), "quote_not_awarded", order)
    order.vendor = db.session.get(Vendor, winner.vendor_id)
    order_workflow.transition(order, "assign", None, payload={
        "attempt_id": winner.id, "vendor_id": winner.vendor_id,
        "price_cents": winner.price_cents})
    tell_assignment(order)


def tell_assignment(order: Order) -> None:
    db.session.flush()  # the vendor relationship sets vendor_id at flush
    assert order.vendor_id is not None
    # The order form (made by the execution, through the orders' hook) goes with both.
    attachments = [ref for refs in order_hooks.order_assigned(order) for ref in refs]
    notify(vendor_users(order.vendor_id), "order_assigned_vendor", order,
           attachments=attachments)
    requester = db.session.get(User, order.created_by_id)
    if requester is not None and requester.active:
        notify([requester], "order_assigned", order, attachments=attachments)
