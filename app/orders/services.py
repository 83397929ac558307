"""Order use cases: drafting, submitting, staff decisions, scoped reading.

Services take the acting user, check what that user may see (anything else is ``NotFound``),
flush and never commit. Every state change goes through ``workflow.transition`` with the
order row locked (``SELECT … FOR UPDATE`` on PostgreSQL).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from app.auth.models import AdhesionStatus, Role, User
from app.auth.services import require_staff, staff_recipients
from app.catalogue.models import CatalogueItem, Framework, Lot
from app.catalogue.services import frameworks as framework_services
from app.common import outbox
from app.common.communes import resolve_commune
from app.common.errors import Conflict, Forbidden, NotFound, ValidationFailed
from app.common.money import vat_cents
from app.common.pagination import Page
from app.common.time import today, utcnow
from app.extensions import db
from app.notifications.services import notify
from app.orders import ceilings, signals, validation, workflow
from app.orders.models import (
    Order,
    OrderApproval,
    OrderLine,
    OrderStatus,
    ParticipationLevel,
)

PAGE_SIZE = 25


@dataclass
class LineInput:
    item_id: Any
    quantity: Any


@dataclass
class OrderInput:
    lot_id: Any
    title: str
    objectives: str
    participation_level: str
    commune: str
    description: str = ""
    target_audiences: str = ""
    planned_start: date | None = None
    planned_end: date | None = None
    inclusion_measures: str = ""
    public_consent: bool = False
    lines: list[LineInput] = field(default_factory=list)


# --- Reading ------------------------------------------------------------------------------

def visible_orders(actor: User) -> Select[Any]:
    """The orders ``actor`` may see: the scope every list, lookup and export starts from."""
    query = select(Order)
    if actor.is_staff:
        return query
    if actor.role is Role.BUYER and actor.organisation_id is not None:
        return query.where(Order.organisation_id == actor.organisation_id)
    if actor.role is Role.VENDOR and actor.vendor_id is not None:
        return query.where(Order.vendor_id == actor.vendor_id)
    return query.where(Order.id.is_(None))


def get_order(actor: User, order_id: int) -> Order:
    order = db.session.execute(
        visible_orders(actor).where(Order.id == order_id)
        .options(selectinload(Order.lines).selectinload(OrderLine.item),
                 selectinload(Order.approvals), selectinload(Order.lot),
                 selectinload(Order.organisation))
    ).scalar_one_or_none()
    if order is None:
        raise NotFound()
    return order


def lock_order(actor: User, order_id: int) -> Order:
    """The order ``actor`` may see, its row locked until the transaction ends (404 if not
    theirs): every move starts here."""
    order = db.session.execute(
        visible_orders(actor).where(Order.id == order_id).with_for_update()
    ).scalar_one_or_none()
    if order is None:
        raise NotFound()
    db.session.refresh(order)
    return order


@dataclass
class OrderFilters:
    status: str | None = None
    lot_id: int | None = None
    organisation_id: int | None = None
    min_total_cents: int | None = None
    max_total_cents: int | None = None
    older_than_days: int | None = None
    sort: str = "oldest"


SORTS: dict[str, tuple[Any, ...]] = {
    "oldest": (Order.submitted_at.asc(), Order.id.asc()),
    "newest": (Order.created_at.desc(), Order.id.desc()),
    "amount_desc": (Order.total_excl_vat_cents.desc(), Order.id.asc()),
    "amount_asc": (Order.total_excl_vat_cents.asc(), Order.id.asc()),
}


def list_orders(actor: User, filters: OrderFilters, page: int = 1,
                per_page: int = PAGE_SIZE) -> Page[Order]:
    """A page of visible orders; a fixed number of queries whatever the number of rows."""
    from datetime import timedelta

    query = visible_orders(actor)
    if filters.status:
        if filters.status not in {s.value for s in OrderStatus}:
            raise ValidationFailed({"status": [str(_l("Choose a status from the list."))]})
        query = query.where(Order.status == OrderStatus(filters.status))
    if filters.lot_id is not None:
        query = query.where(Order.lot_id == filters.lot_id)
    if filters.organisation_id is not None:
        query = query.where(Order.organisation_id == filters.organisation_id)
    if filters.min_total_cents is not None:
        query = query.where(Order.total_excl_vat_cents >= filters.min_total_cents)
    if filters.max_total_cents is not None:
        query = query.where(Order.total_excl_vat_cents <= filters.max_total_cents)
    if filters.older_than_days is not None:
        cutoff = utcnow() - timedelta(days=filters.older_than_days)
        query = query.where(func.coalesce(Order.submitted_at, Order.created_at) <= cutoff)
    total = db.session.execute(
        select(func.count()).select_from(query.order_by(None).subquery())).scalar_one()
    page = max(page, 1)
    per_page = min(max(per_page, 1), 100)
    rows = db.session.execute(
        query.options(selectinload(Order.organisation), selectinload(Order.lot),
                      selectinload(Order.approvals), selectinload(Order.lines))
        .order_by(*SORTS.get(filters.sort, SORTS["oldest"]))
        .limit(per_page).offset((page - 1) * per_page)
    ).scalars().all()
    return Page(list(rows), total, page, per_page)


# --- Drafting -------------------------------------------------------------------------------

def _apply(order: Order, data: OrderInput, lines: list[tuple[CatalogueItem, int]]) -> None:
    order.lot_id = data.lot_id
    for name in validation.TEXT_LIMITS:
        setattr(order, name, getattr(data, name).strip())
    order.participation_level = ParticipationLevel(data.participation_level)
    order.commune = resolve_commune(data.commune) or ""  # the code, however it was named
    order.planned_start, order.planned_end = data.planned_start, data.planned_end
    order.public_consent = bool(data.public_consent)
    order.lines.clear()
    db.session.flush()
    total = vat = 0
    for item, quantity in lines:
        line_total = item.unit_price_cents * quantity
        line_vat = vat_cents(line_total, item.vat_rate_bp)
        order.lines.append(OrderLine(item_id=item.id, quantity=quantity,
                                     unit_price_cents=item.unit_price_cents,
                                     vat_rate_bp=item.vat_rate_bp,
                                     line_excl_vat_cents=line_total, line_vat_cents=line_vat))
        total += line_total
        vat += line_vat
    order.total_excl_vat_cents = total
    order.total_vat_cents = vat
    order.total_incl_vat_cents = total + vat


def _require_buyer(actor: User) -> None:
    if actor.role is not Role.BUYER or actor.organisation_id is None:
        raise Forbidden(str(_l("Only buyers of a public body can order.")))


def create_order(actor: User, data: OrderInput) -> Order:
    """A draft: any buyer may prepare one; submitting needs an approved organisation."""
    _require_buyer(actor)
    errors, _lot, lines = validation.validate(data, today())
    if errors:
        raise ValidationFailed(errors)
    order = Order(organisation_id=actor.organisation_id, created_by_id=actor.id,
                  status=OrderStatus.DRAFT, lines=[])
    _apply(order, data, lines)
    db.session.add(order)
    db.session.flush()
    workflow.note(order, "create", actor, payload={"total_excl_vat_cents":
                                                    order.total_excl_vat_cents})
    return order


def update_order(actor: User, order_id: int, data: OrderInput) -> Order:
    _require_buyer(actor)
    order = lock_order(actor, order_id)
    if order.status not in (OrderStatus.DRAFT, OrderStatus.CHANGES_REQUESTED):
        raise Conflict(str(_l("This order can no longer be edited.")))
    errors, _lot, lines = validation.validate(data, today())
    if errors:
        raise ValidationFailed(errors)
    _apply(order, data, lines)
    workflow.note(order, "update", actor, payload={"total_excl_vat_cents":
                                                    order.total_excl_vat_cents})
    return order


# --- Buyer moves ------------------------------------------------------------------------------

def submit(actor: User, order_id: int) -> Order:
    _require_buyer(actor)
    order = lock_order(actor, order_id)
    if order.organisation.status is not AdhesionStatus.APPROVED:
        raise Conflict(str(_l("Your organisation's adhesion is not approved yet: you cannot "
                              "submit orders.")))
    if order.status in workflow.MOVES["submit"].sources:
        # Prices are checked again: a draft kept too long may hold an expired price.
        errors, _lot, _lines = validation.validate(_input_of(order), today())
        if errors:
            raise ValidationFailed(errors)
    threshold = current_app.config["FOUR_EYES_THRESHOLD_CENTS"]
    workflow.transition(order, "submit", actor)
    order.submission_round += 1
    order.approvals_required = 2 if order.total_excl_vat_cents > threshold else 1
    _notify_staff(order, "order_submitted")
    return order


def withdraw(actor: User, order_id: int) -> Order:
    _require_buyer(actor)
    order = lock_order(actor, order_id)
    workflow.transition(order, "withdraw", actor)
    return order


def _input_of(order: Order) -> OrderInput:
    return OrderInput(
        lot_id=order.lot_id, title=order.title, objectives=order.objectives,
        participation_level=order.participation_level.value, commune=order.commune,
        description=order.description, target_audiences=order.target_audiences,
        planned_start=order.planned_start, planned_end=order.planned_end,
        inclusion_measures=order.inclusion_measures, public_consent=order.public_consent,
        lines=[LineInput(line.item_id, line.quantity) for line in order.lines])


# --- Staff decisions -------------------------------------------------------------------------

def approve(actor: User, order_id: int) -> Order:
    """Record the approval; the order becomes ``approved`` once enough staff agree.

    Everything is checked with the order, lot and framework rows locked (in that order, so
    concurrent approvals cannot deadlock): adhesion, framework and lot active, ceilings,
    approver not the requester, four-eyes.
    """
    require_staff(actor)
    order = lock_order(actor, order_id)
    if order.status not in workflow.MOVES["approve"].sources:
        raise Conflict(str(_l("This order is %(status)s: this action is not possible now.",
                              status=order.status.value)))
    if order.created_by_id == actor.id:
        raise Forbidden(str(_l("You cannot approve an order you made.")))
    if any(a.staff_id == actor.id and a.round == order.submission_round
           for a in order.approvals):
        raise Conflict(str(_l("You already approved this order: another staff member must "
                              "give the second approval.")))
    if order.organisation.status is not AdhesionStatus.APPROVED:
        raise Conflict(str(_l("The organisation's adhesion is not approved.")))
    db.session.add(OrderApproval(order_id=order.id, round=order.submission_round,
                                 staff_id=actor.id))
    try:
        db.session.flush()
    except IntegrityError as exc:  # only possible where the row lock is not enforced
        raise Conflict(str(_l("You already approved this order."))) from exc
    db.session.refresh(order)
    if order.approvals_count < order.approvals_required:
        workflow.note(order, "approval_recorded", actor,
                      payload={"approvals": order.approvals_count,
                               "approvals_required": order.approvals_required})
        return order

    lot = db.session.execute(
        select(Lot).where(Lot.id == order.lot_id).with_for_update()).scalar_one()
    framework = db.session.execute(
        select(Framework).where(Framework.id == lot.framework_id).with_for_update()
    ).scalar_one()
    on = today()
    if not framework_services.framework_is_active(framework, on):
        raise Conflict(str(_l("The framework agreement is not active.")))
    for day in (order.planned_start, order.planned_end):
        if day is not None and not framework.start_date <= day <= framework.end_date:
            raise Conflict(str(_l("The planned dates fall outside the framework agreement "
                                  "(%(start)s – %(end)s).", start=framework.start_date,
                                  end=framework.end_date)))
    room = ceilings.headroom(lot)
    if room.lot_left_cents is not None and order.total_excl_vat_cents > room.lot_left_cents:
        raise Conflict(str(_l("The order exceeds what remains of the lot's ceiling.")))
    if order.total_excl_vat_cents > room.framework_left_cents:
        raise Conflict(str(_l("The order exceeds what remains of the framework's ceiling.")))
    workflow.transition(order, "approve", actor,
                        payload={"approvals": order.approvals_count})
    # Same transaction: the worker takes it from the outbox (the assignment package
    # handles it). Queued before the buyer's e-mail so that the step is not handed to the
    # broker behind it.
    outbox.queue(signals.DISPATCH, {"order_id": order.id})
    _notify_buyer(order, "order_approved")
    _notify_ceilings(order, ceilings.notice_thresholds(order, lot, framework))
    return order


def reject(actor: User, order_id: int, reason: str) -> Order:
    require_staff(actor)
    order = lock_order(actor, order_id)
    workflow.transition(order, "reject", actor, reason=reason)
    _notify_buyer(order, "order_rejected")
    return order


def request_changes(actor: User, order_id: int, reason: str) -> Order:
    require_staff(actor)
    order = lock_order(actor, order_id)
    workflow.transition(order, "request_changes", actor, reason=reason)
    _notify_buyer(order, "order_changes_requested")
    return order


def cancel(actor: User, order_id: int, reason: str) -> Order:
    """Staff cancel an approved or later order: its value no longer counts as committed."""
    require_staff(actor)
    order = lock_order(actor, order_id)
    workflow.transition(order, "cancel", actor, reason=reason)
    # The assignment withdraws the open offers and invitations, in this transaction.
    signals.order_cancelled.send(current_app._get_current_object(),  # type: ignore[attr-defined]
                                 order=order, reason=reason)
    _notify_buyer(order, "order_cancelled")
    return order


# --- Notifications ----------------------------------------------------------------------------

_KINDS_WITH_REASON = {"order_rejected", "order_changes_requested", "order_cancelled"}


def _notify_staff(order: Order, kind: str) -> None:
    notify(staff_recipients(), kind, order)


def _notify_ceilings(order: Order, crossings: list[ceilings.Crossing]) -> None:
    for crossing in crossings:  # the highest threshold passed is enough
        if any(c.lot is crossing.lot and c.threshold > crossing.threshold for c in crossings):
            continue
        kind = "lot_ceiling_threshold" if crossing.lot else "framework_ceiling_threshold"
        notify(staff_recipients(), kind, order, threshold=crossing.threshold,
               lot_number=crossing.lot.number if crossing.lot else None,
               framework_reference=crossing.framework.reference,
               committed_cents=crossing.committed_cents, ceiling_cents=crossing.ceiling_cents)


def _notify_buyer(order: Order, kind: str) -> None:
    requester = db.session.get(User, order.created_by_id)
    if requester is not None and requester.active:
        # Only decisions that carry a reason: ``last_reason`` may be an earlier one.
        notify([requester], kind, order,
               reason=order.last_reason if kind in _KINDS_WITH_REASON else "")
