"""Vendor assignment: dispatch by cascade or mini-competition, answers, expiry, redispatch.

The database is the truth. Approving an order queues an ``order.dispatch`` outbox message in
the same transaction; a worker performs it (``dispatch``) and the outbox marks it sent in the
same commit, so a step runs again only if it did not commit. Deadlines are ``expires_at``
columns swept by beat (``expire_overdue``). Every function here locks the order row first
(``SELECT … FOR UPDATE`` on PostgreSQL) and changes an attempt only with a conditional
``UPDATE … WHERE state = :expected``, so a duplicate message, two sweepers, or a vendor
answering at the very moment its offer expires all end with exactly one outcome.
"""

from __future__ import annotations

import logging
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update

from app.auth.models import Role, User
from app.auth.services import require_staff, staff_recipients
from app.catalogue.models import AwardMethod, Lot, LotMembership, MembershipStatus
from app.common import money, outbox
from app.common.errors import Conflict, NotFound, ValidationFailed
from app.common.holidays import working_day_deadline
from app.common.i18n import reader_language
from app.common.time import utcnow
from app.extensions import db
from app.orders import quote_documents, workflow
from app.orders.attempt_reads import get_attempt, vendor_attempts
from app.orders.models import (
    OPEN_ATTEMPT_STATES,
    AttemptKind,
    AttemptState,
    Order,
    OrderStatus,
    VendorAttempt,
)
from app.orders.services import notify
from app.vendors.models import Vendor

log = logging.getLogger(__name__)
DISPATCH = "order.dispatch"
DISPATCH_FAILED = "dispatch failed"  # why, in the escalation's audit payload
NOT_ELIGIBLE = "vendor no longer eligible"  # why an attempt was withdrawn (audit payload)


# --- Locks and small helpers -------------------------------------------------------------

def lock_order(order_id: int) -> Order | None:
    order = db.session.execute(
        select(Order).where(Order.id == order_id).with_for_update()).scalar_one_or_none()
    if order is not None:
        db.session.refresh(order)
    return order


def _set_state(attempt_id: int, expected: tuple[AttemptState, ...], new: AttemptState,
               **values: Any) -> bool:
    """Conditional update: True only if the attempt was still in an expected state."""
    result = db.session.execute(
        update(VendorAttempt)
        .where(VendorAttempt.id == attempt_id, VendorAttempt.state.in_(expected))
        .values(state=new, **values)
        .execution_options(synchronize_session=False))
    return bool(result.rowcount == 1)  # type: ignore[attr-defined]


def _attempts(order: Order, round_: int | None = None) -> list[VendorAttempt]:
    query = select(VendorAttempt).where(VendorAttempt.order_id == order.id)
    if round_ is not None:
        query = query.where(VendorAttempt.round == round_)
    return list(db.session.execute(
        query.order_by(VendorAttempt.attempt_no).execution_options(populate_existing=True)
    ).scalars())


def _active_members(lot_id: int) -> list[LotMembership]:
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


def _new_attempt(order: Order, member: LotMembership, kind: AttemptKind) -> VendorAttempt:
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
    workflow.note(order, "vendor_asked", None, payload={
        "attempt_id": attempt.id, "vendor_id": member.vendor_id, "kind": kind.value,
        "rank": member.rank, "expires_at": attempt.expires_at.isoformat()})
    _tell_vendor(order, attempt)
    return attempt


def _vendor_users(vendor_id: int) -> list[User]:
    return list(db.session.execute(select(User).where(
        User.vendor_id == vendor_id, User.role == Role.VENDOR, User.active.is_(True))
        .order_by(User.id)).scalars())


def _tell_vendor(order: Order, attempt: VendorAttempt) -> None:
    kind = "offer_received" if attempt.kind is AttemptKind.OFFER else "invitation_received"
    notify(_vendor_users(attempt.vendor_id), kind, order, attempt=attempt)


# --- Dispatch ------------------------------------------------------------------------------

def queue_dispatch(order: Order) -> None:
    """Called in the approving transaction: the worker takes it from the outbox."""
    outbox.queue(DISPATCH, {"order_id": order.id})


@outbox.handler(DISPATCH)
def _dispatch_message(payload: dict[str, Any]) -> None:
    dispatch(int(payload["order_id"]))


def dispatch(order_id: int) -> str:
    """approved → awaiting_vendor, and the first offer or the invitations. Idempotent."""
    order = lock_order(order_id)
    if order is None or order.status is not OrderStatus.APPROVED:
        log.info("dispatch of order %s: nothing to do (%s)", order_id,
                 order.status if order else "no such order")
        return "skipped"
    workflow.transition(order, "dispatch", None)
    return _start_round(order)


def _start_round(order: Order) -> str:
    order.dispatch_round += 1
    lot = db.session.get(Lot, order.lot_id)
    assert lot is not None
    if lot.award_method is AwardMethod.MINI_COMPETITION:
        members = _active_members(order.lot_id)
        for member in members:
            _new_attempt(order, member, AttemptKind.INVITATION)
        if not members:
            _escalate(order, "no active vendor in the lot")
            return "escalated"
        return "invited"
    return _offer_next(order)


def _offer_next(order: Order) -> str:
    tried = {a.vendor_id for a in _attempts(order, order.dispatch_round)}
    for member in _active_members(order.lot_id):
        if member.vendor_id not in tried:
            _new_attempt(order, member, AttemptKind.OFFER)
            return "offered"
    _escalate(order, "cascade exhausted")
    return "escalated"


def _escalate(order: Order, why: str, kind: str = "order_escalated") -> None:
    """Staff take the order over; ``kind`` is what they are told (notification, e-mail)."""
    workflow.transition(order, "escalate", None, payload={"why": why})
    notify(staff_recipients(), kind, order, why=why)


def redispatch(actor: User, order_id: int) -> Order:
    """Staff start a new round for an escalated order (ranks may have changed meanwhile)."""
    require_staff(actor)
    order = lock_order(order_id)
    if order is None:
        raise NotFound()
    workflow.transition(order, "redispatch", actor)
    _start_round(order)
    return order


def withdraw_open_attempts(order: Order, why: str) -> None:
    """When staff cancel an order: open offers and invitations are withdrawn."""
    for attempt in _attempts(order):
        if attempt.state in OPEN_ATTEMPT_STATES and _set_state(
                attempt.id, OPEN_ATTEMPT_STATES, AttemptState.WITHDRAWN,
                responded_at=utcnow(), reason=why[:2000]):
            notify(_vendor_users(attempt.vendor_id), "offer_withdrawn", order,
                  reason=why)


def withdraw_attempt(order: Order, attempt: VendorAttempt, why: str) -> bool:
    """One open attempt of a vendor that may no longer take the order (membership suspended
    or terminated, company deactivated) is withdrawn, its users are told, and the order moves
    on: next rank, or the competition closes if every other invitation is answered. The
    order is locked by the caller. False if the attempt was no longer open."""
    if not _set_state(attempt.id, OPEN_ATTEMPT_STATES, AttemptState.WITHDRAWN,
                      responded_at=utcnow(), reason=why[:2000]):
        return False
    workflow.note(order, "vendor_withdrawn", None, payload={
        "attempt_id": attempt.id, "vendor_id": attempt.vendor_id, "why": why})
    notify(_vendor_users(attempt.vendor_id), "attempt_withdrawn", order, attempt=attempt)
    _after_answer(order, attempt)
    return True


def _require_eligible(order: Order, attempt: VendorAttempt) -> None:
    """Under the order's lock: a vendor out of the lot (or deactivated) takes nothing; its
    still-open attempt is withdrawn on the way, and that change is kept with the 409."""
    if may_take(order, attempt.vendor_id):
        return
    withdrawn = withdraw_attempt(order, attempt, NOT_ELIGIBLE)
    raise Conflict(str(_l("Your company can no longer take orders in this lot: its "
                          "membership is suspended or terminated, or the company is "
                          "deactivated.")), commit=withdrawn)


# --- Vendor answers ------------------------------------------------------------------------

def _for_vendor(actor: User, attempt_id: int) -> tuple[Order, VendorAttempt]:
    """The attempt if it belongs to the actor's company (else 404), with its order locked."""
    attempt = get_attempt(actor, attempt_id)
    order = lock_order(attempt.order_id)
    assert order is not None
    db.session.refresh(attempt)
    return order, attempt


def _require_open(attempt: VendorAttempt, state: AttemptState) -> None:
    if attempt.state is not state:
        raise Conflict(str(_l("This request was already answered, withdrawn or has expired.")))
    if attempt.expires_at <= utcnow():
        raise Conflict(str(_l("The deadline to answer has passed.")))


def accept(actor: User, attempt_id: int, conflict_of_interest: bool) -> Order:
    """Accept an offer. Declaring a conflict of interest counts as declining it."""
    order, attempt = _for_vendor(actor, attempt_id)
    if attempt.kind is not AttemptKind.OFFER:
        raise Conflict(str(_l("An invitation is answered with a quote.")))
    _require_open(attempt, AttemptState.OFFERED)
    if conflict_of_interest:
        return _decline(actor, order, attempt, str(_l("Conflict of interest declared.")),
                        conflict=True)
    _require_eligible(order, attempt)
    if not _set_state(attempt.id, (AttemptState.OFFERED,), AttemptState.ACCEPTED,
                      responded_at=utcnow(), responded_by_id=actor.id,
                      conflict_of_interest=False):
        raise Conflict(str(_l("This request was already answered, withdrawn or has expired.")))
    order.vendor = db.session.get(Vendor, attempt.vendor_id)
    workflow.transition(order, "assign", actor, payload={"attempt_id": attempt.id,
                                                         "vendor_id": attempt.vendor_id})
    _tell_assignment(order)
    return order


def decline(actor: User, attempt_id: int, reason: str) -> Order:
    order, attempt = _for_vendor(actor, attempt_id)
    reason = reason.strip()
    if not reason:
        raise ValidationFailed({"reason": [str(_l("Give a reason."))]})
    expected = AttemptState.OFFERED if attempt.kind is AttemptKind.OFFER else \
        AttemptState.INVITED
    _require_open(attempt, expected)
    return _decline(actor, order, attempt, reason)


def _decline(actor: User, order: Order, attempt: VendorAttempt, reason: str,
             conflict: bool = False) -> Order:
    if not _set_state(attempt.id, OPEN_ATTEMPT_STATES, AttemptState.DECLINED,
                      responded_at=utcnow(), responded_by_id=actor.id, reason=reason[:2000],
                      conflict_of_interest=conflict):
        raise Conflict(str(_l("This request was already answered, withdrawn or has expired.")))
    workflow.note(order, "vendor_declined", actor, reason=reason[:2000],
                  payload={"attempt_id": attempt.id, "vendor_id": attempt.vendor_id})
    _after_answer(order, attempt)
    return order


def quote(actor: User, attempt_id: int, price_cents: int, note: str,
          document: quote_documents.QuoteUpload | None = None, *,
          conflict_of_interest: bool) -> Order:
    """Answer an invitation with a price (integer cents excl. VAT, at most the order's total
    excl. VAT), a note, optionally the written quote as a PDF, and the conflict-of-interest
    declaration: declaring a conflict counts as declining. A refused file refuses the whole
    quote."""
    order, attempt = _for_vendor(actor, attempt_id)
    if attempt.kind is not AttemptKind.INVITATION:
        raise Conflict(str(_l("An offer is accepted or declined, not quoted.")))
    if conflict_of_interest:
        _require_open(attempt, AttemptState.INVITED)
        return _decline(actor, order, attempt, str(_l("Conflict of interest declared.")),
                        conflict=True)
    errors: dict[str, list[str]] = {}
    if isinstance(price_cents, bool) or not isinstance(price_cents, int) \
            or not 1 <= price_cents <= 10**11:
        errors["price_cents"] = [str(_l("Enter a price between 0.01 and 1 000 000 000."))]
    elif price_cents > order.total_excl_vat_cents:
        errors["price_cents"] = [str(_l(
            "A quote may not exceed the order's total excl. VAT: at most %(maximum)s.",
            maximum=money.format_eur(order.total_excl_vat_cents, reader_language())))]
    if len(note) > 5000:
        errors["note"] = [str(_l("Use at most %(n)s characters.", n=5000))]
    if document is not None and (refused := quote_documents.problems(document)):
        errors[quote_documents.FIELD] = refused
    if errors:
        raise ValidationFailed(errors)
    _require_open(attempt, AttemptState.INVITED)
    _require_eligible(order, attempt)
    if not _set_state(attempt.id, (AttemptState.INVITED,), AttemptState.QUOTED,
                      responded_at=utcnow(), responded_by_id=actor.id,
                      price_cents=price_cents, note=note.strip(), conflict_of_interest=False):
        raise Conflict(str(_l("This request was already answered, withdrawn or has expired.")))
    payload: dict[str, Any] = {"attempt_id": attempt.id, "price_cents": price_cents}
    if document is not None:
        # The checksum in the hash-chained trail: a changed file later would show.
        stored = quote_documents.store(attempt, document)
        payload["document"] = {"filename": stored.filename, "size_bytes": stored.size_bytes,
                               "sha256": stored.sha256}
    workflow.note(order, "vendor_quoted", actor, payload=payload)
    _after_answer(order, attempt)
    return order


def _after_answer(order: Order, attempt: VendorAttempt) -> None:
    """Next step once an attempt is closed (declined or expired, or a quote came in)."""
    if order.status is not OrderStatus.AWAITING_VENDOR or attempt.round != order.dispatch_round:
        return
    if attempt.kind is AttemptKind.OFFER:
        _offer_next(order)
    elif not any(a.state is AttemptState.INVITED
                 for a in _attempts(order, order.dispatch_round)):
        _close_competition(order)


def _close_competition(order: Order) -> None:
    """Lowest compliant quote wins (ties: lower rank); no quote escalates."""
    attempts = _attempts(order, order.dispatch_round)
    quotes = [a for a in attempts if a.state is AttemptState.QUOTED]
    # A quote of a vendor that left the lot meanwhile cannot win (nor can one above the
    # total, refused at entry since, but possibly sent before).
    eligible = {m.vendor_id for m in _active_members(order.lot_id)}
    compliant = [a for a in quotes if a.price_cents is not None and a.vendor_id in eligible
                 and 0 < a.price_cents <= order.total_excl_vat_cents]
    if not compliant:
        for loser in quotes:
            _set_state(loser.id, (AttemptState.QUOTED,), AttemptState.NOT_AWARDED)
        _escalate(order, "no compliant quote")
        return
    winner = min(compliant, key=lambda a: (a.price_cents, a.rank))
    _set_state(winner.id, (AttemptState.QUOTED,), AttemptState.AWARDED)
    for loser in quotes:
        if loser.id != winner.id and _set_state(loser.id, (AttemptState.QUOTED,),
                                                AttemptState.NOT_AWARDED):
            notify(_vendor_users(loser.vendor_id), "quote_not_awarded", order)
    order.vendor = db.session.get(Vendor, winner.vendor_id)
    workflow.transition(order, "assign", None, payload={
        "attempt_id": winner.id, "vendor_id": winner.vendor_id,
        "price_cents": winner.price_cents})
    _tell_assignment(order)


def _tell_assignment(order: Order) -> None:
    db.session.flush()  # the vendor relationship sets vendor_id at flush
    assert order.vendor_id is not None
    notify(_vendor_users(order.vendor_id), "order_assigned_vendor", order)
    requester = db.session.get(User, order.created_by_id)
    if requester is not None and requester.active:
        notify([requester], "order_assigned", order)


# --- Deadlines: app.orders.deadlines (the sweeper) ------------------------------------------

def _dispatch_failed(payload: dict[str, Any]) -> None:
    """The dispatch step failed for good (``OUTBOX_MAX_ATTEMPTS``): the order is escalated,
    so staff are told and may redispatch or cancel it, instead of it waiting as approved
    with nothing left to move it on."""
    order = lock_order(int(payload["order_id"]))
    if order is not None and order.status is OrderStatus.APPROVED:
        _escalate(order, DISPATCH_FAILED, "order_dispatch_failed")


outbox.FAILURE_HANDLERS[DISPATCH] = _dispatch_failed


# --- Reading (vendor portal and API; the vendor's own: app.orders.attempt_reads) ---------

def order_attempts(order: Order) -> list[VendorAttempt]:
    """The assignment timeline of an order the caller may already see."""
    return _attempts(order)


__all__ = ["DISPATCH", "Vendor", "accept", "decline", "dispatch", "get_attempt", "quote",
           "redispatch", "vendor_attempts"]
