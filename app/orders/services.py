"""Order use cases: drafting, submitting, staff decisions, scoped reading, notifications.

Services take the acting user, check what that user may see (anything else is ``NotFound``),
flush and never commit. Every state change goes through ``workflow.transition`` with the
order row locked (``SELECT … FOR UPDATE`` on PostgreSQL).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, and_, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from app.auth.models import AdhesionStatus, Role, User
from app.auth.services import require_staff, staff_recipients
from app.catalogue.models import CatalogueItem, Framework, Lot
from app.catalogue.services import frameworks as framework_services
from app.common.communes import resolve_commune
from app.common.errors import Conflict, Forbidden, NotFound, ValidationFailed
from app.common.mail import queue_email
from app.common.money import vat_cents
from app.common.numbers import parse_id
from app.common.pagination import Page
from app.common.single_line import multi_line_problem, single_line_problem
from app.common.time import today, utcnow
from app.extensions import db
from app.orders import lots, workflow
from app.orders.models import (
    COMMITTED_STATUSES,
    Notification,
    Order,
    OrderApproval,
    OrderLine,
    OrderStatus,
    ParticipationLevel,
)

if TYPE_CHECKING:
    from app.orders.history import HistoryEntry

MAX_LINES = 50
MAX_QUANTITY = 10_000
PAGE_SIZE = 25
TEXT_LIMITS = {"title": 200, "description": 5000, "objectives": 5000,
               "target_audiences": 2000, "inclusion_measures": 5000}


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


def _lock(actor: User, order_id: int) -> Order:
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


def order_events(actor: User, order_id: int) -> list[HistoryEntry]:
    """The order's history as ``actor`` may see it: bids are sealed (``app.orders.history``)."""
    from app.orders import history

    return history.order_history(actor, order_id)


# --- Ceilings --------------------------------------------------------------------------------

def committed_cents(*, lot_id: int | None = None, framework_id: int | None = None) -> int:
    """Sum of the orders approved or later and not cancelled."""
    query = select(func.coalesce(func.sum(Order.total_excl_vat_cents), 0)).where(
        Order.status.in_(COMMITTED_STATUSES))
    if lot_id is not None:
        query = query.where(Order.lot_id == lot_id)
    if framework_id is not None:
        query = query.join(Lot, Lot.id == Order.lot_id).where(Lot.framework_id == framework_id)
    return int(db.session.execute(query).scalar_one())


def committed_by_lot() -> dict[int, int]:
    rows = db.session.execute(
        select(Order.lot_id, func.sum(Order.total_excl_vat_cents))
        .where(Order.status.in_(COMMITTED_STATUSES)).group_by(Order.lot_id))
    return {lot_id: int(total) for lot_id, total in rows}


@dataclass
class Headroom:
    lot_ceiling_cents: int | None
    lot_committed_cents: int
    framework_ceiling_cents: int
    framework_committed_cents: int

    @property
    def lot_left_cents(self) -> int | None:
        if self.lot_ceiling_cents is None:
            return None
        return self.lot_ceiling_cents - self.lot_committed_cents

    @property
    def framework_left_cents(self) -> int:
        return self.framework_ceiling_cents - self.framework_committed_cents


def headroom(lot: Lot) -> Headroom:
    return Headroom(lot.ceiling_cents, committed_cents(lot_id=lot.id),
                    lot.framework.max_value_cents,
                    committed_cents(framework_id=lot.framework_id))


# --- Drafting -------------------------------------------------------------------------------

def _validate(data: OrderInput, on: date) -> tuple[dict[str, list[str]], Lot | None,
                                                    list[tuple[CatalogueItem, int]]]:
    errors: dict[str, list[str]] = {}
    # parse_id: an id no column can hold (or a bool) is unknown, never a query that fails
    lot = db.session.get(Lot, data.lot_id) if parse_id(data.lot_id) else None
    if lot is None:
        errors["lot_id"] = [str(_l("Choose a lot of the framework."))]
    elif lots.orderable_lot(lot.id, on) is None:
        errors["lot_id"] = [str(_l("This lot cannot be ordered from: its framework agreement "
                                   "is not active."))]
    for name, limit in TEXT_LIMITS.items():
        value = getattr(data, name)
        if not isinstance(value, str):
            errors[name] = [str(_l("Enter text."))]
        elif len(value) > limit:
            errors[name] = [str(_l("Use at most %(n)s characters.", n=limit))]
        elif problem := (single_line_problem if name == "title" else multi_line_problem)(value):
            errors[name] = [problem]
    for name in ("title", "objectives"):
        if name not in errors and not getattr(data, name).strip():
            errors[name] = [str(_l("This field is required."))]
    if data.participation_level not in {p.value for p in ParticipationLevel}:
        errors["participation_level"] = [str(_l("Choose a level of citizen involvement."))]
    if resolve_commune(data.commune) is None:
        errors["commune"] = [str(_l("Choose a commune of the Brussels-Capital Region."))]
    if data.planned_start and data.planned_end and data.planned_end < data.planned_start:
        errors["planned_end"] = [str(_l("The end date is before the start date."))]

    lines: list[tuple[CatalogueItem, int]] = []
    if not data.lines:
        errors["lines"] = [str(_l("Add at least one service."))]
    elif len(data.lines) > MAX_LINES:
        errors["lines"] = [str(_l("Use at most %(n)s lines.", n=MAX_LINES))]
    else:
        ids = [line.item_id for line in data.lines if parse_id(line.item_id)]
        items = {i.id: i for i in db.session.execute(
            select(CatalogueItem).where(CatalogueItem.id.in_(ids))).scalars()}
        seen: set[int] = set()
        for index, line in enumerate(data.lines):
            item = items.get(line.item_id) if parse_id(line.item_id) else None
            prefix = f"lines.{index}"
            if item is None:
                errors[f"{prefix}.item_id"] = [str(_l("This service is not in the catalogue."))]
            elif lot is not None and item.lot_id != lot.id:
                errors[f"{prefix}.item_id"] = [str(_l("This service belongs to another lot."))]
            elif not item.valid_on(on):
                errors[f"{prefix}.item_id"] = [str(_l(
                    "This price is no longer valid: choose the service again."))]
            elif item.id in seen:
                errors[f"{prefix}.item_id"] = [str(_l("This service is already in the order."))]
            quantity = line.quantity
            if (not isinstance(quantity, int) or isinstance(quantity, bool)
                    or not 1 <= quantity <= MAX_QUANTITY):
                errors[f"{prefix}.quantity"] = [str(_l(
                    "Enter a whole number from 1 to %(n)s.", n=MAX_QUANTITY))]
            if item is not None and f"{prefix}.item_id" not in errors \
                    and f"{prefix}.quantity" not in errors:
                seen.add(item.id)
                lines.append((item, quantity))
    return errors, lot, lines


def _apply(order: Order, data: OrderInput, lines: list[tuple[CatalogueItem, int]]) -> None:
    order.lot_id = data.lot_id
    for name in TEXT_LIMITS:
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
    errors, _lot, lines = _validate(data, today())
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
    order = _lock(actor, order_id)
    if order.status not in (OrderStatus.DRAFT, OrderStatus.CHANGES_REQUESTED):
        raise Conflict(str(_l("This order can no longer be edited.")))
    errors, _lot, lines = _validate(data, today())
    if errors:
        raise ValidationFailed(errors)
    _apply(order, data, lines)
    workflow.note(order, "update", actor, payload={"total_excl_vat_cents":
                                                    order.total_excl_vat_cents})
    return order


# --- Buyer moves ------------------------------------------------------------------------------

def submit(actor: User, order_id: int) -> Order:
    _require_buyer(actor)
    order = _lock(actor, order_id)
    if order.organisation.status is not AdhesionStatus.APPROVED:
        raise Conflict(str(_l("Your organisation's adhesion is not approved yet: you cannot "
                              "submit orders.")))
    if order.status in workflow.MOVES["submit"].sources:
        # Prices are checked again: a draft kept too long may hold an expired price.
        errors, _lot, _lines = _validate(_input_of(order), today())
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
    order = _lock(actor, order_id)
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
    order = _lock(actor, order_id)
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
    room = headroom(lot)
    if room.lot_left_cents is not None and order.total_excl_vat_cents > room.lot_left_cents:
        raise Conflict(str(_l("The order exceeds what remains of the lot's ceiling.")))
    if order.total_excl_vat_cents > room.framework_left_cents:
        raise Conflict(str(_l("The order exceeds what remains of the framework's ceiling.")))
    workflow.transition(order, "approve", actor,
                        payload={"approvals": order.approvals_count})
    from app.orders import assignment

    # Same transaction: the worker takes it from the outbox. Queued before the buyer's
    # e-mail so that the step is not handed to the broker behind it.
    assignment.queue_dispatch(order)
    _notify_buyer(order, "order_approved")
    return order


def reject(actor: User, order_id: int, reason: str) -> Order:
    require_staff(actor)
    order = _lock(actor, order_id)
    workflow.transition(order, "reject", actor, reason=reason)
    _notify_buyer(order, "order_rejected")
    return order


def request_changes(actor: User, order_id: int, reason: str) -> Order:
    require_staff(actor)
    order = _lock(actor, order_id)
    workflow.transition(order, "request_changes", actor, reason=reason)
    _notify_buyer(order, "order_changes_requested")
    return order


def cancel(actor: User, order_id: int, reason: str) -> Order:
    """Staff cancel an approved or later order: its value no longer counts as committed."""
    require_staff(actor)
    order = _lock(actor, order_id)
    workflow.transition(order, "cancel", actor, reason=reason)
    from app.orders import assignment

    assignment.withdraw_open_attempts(order, reason)
    _notify_buyer(order, "order_cancelled")
    return order


# --- Notifications ----------------------------------------------------------------------------

_KINDS_WITH_REASON = {"order_rejected", "order_changes_requested", "order_cancelled"}


def notify(users: list[User], kind: str, order: Order, **context: Any) -> None:
    """An in-app notification and an e-mail (template ``kind``) to each user, in their
    language. ``context`` goes to the e-mail; ``reason`` and an ``attempt`` are also kept on
    the notification (the attempt's id lets it link to the offer)."""
    params: dict[str, Any] = {"reference": order.reference, "title": order.title,
                              "reason": context.get("reason", "")}
    if "attempt" in context:
        params["attempt_id"] = context["attempt"].id
    context["reason"] = params["reason"]
    event = f"{order.id}:{order.audit_count}"  # the audit event just written
    for user in users:
        db.session.add(Notification(user_id=user.id, kind=kind, order_id=order.id,
                                    params=params))
        queue_email(to=user.email, language=user.language.value, template=kind,
                    event=event, order=order, user=user, **context)


def _notify_staff(order: Order, kind: str) -> None:
    notify(staff_recipients(), kind, order)


def _notify_buyer(order: Order, kind: str) -> None:
    requester = db.session.get(User, order.created_by_id)
    if requester is not None and requester.active:
        # Only decisions that carry a reason: ``last_reason`` may be an earlier one.
        notify([requester], kind, order,
               reason=order.last_reason if kind in _KINDS_WITH_REASON else "")


def unread_count(actor: User) -> int:
    return int(db.session.execute(
        select(func.count(Notification.id)).where(
            and_(Notification.user_id == actor.id, Notification.read_at.is_(None)))
    ).scalar_one())


def list_notifications(actor: User, page: int = 1) -> Page[Notification]:
    query = select(Notification).where(Notification.user_id == actor.id)
    total = db.session.execute(
        select(func.count()).select_from(query.subquery())).scalar_one()
    rows = db.session.execute(
        query.order_by(Notification.created_at.desc(), Notification.id.desc())
        .limit(PAGE_SIZE).offset((max(page, 1) - 1) * PAGE_SIZE)).scalars().all()
    return Page(list(rows), total, max(page, 1), PAGE_SIZE)


def mark_read(actor: User, notification_id: int | None = None) -> int:
    """Mark one notification (or all of them) read; returns how many changed."""
    from sqlalchemy import update

    query = update(Notification).where(Notification.user_id == actor.id,
                                       Notification.read_at.is_(None))
    if notification_id is not None:
        if db.session.get(Notification, notification_id) is None:
            raise NotFound()
        query = query.where(Notification.id == notification_id)
    result = db.session.execute(query.values(read_at=utcnow())
                                .execution_options(synchronize_session=False))
    if notification_id is not None and result.rowcount == 0:  # type: ignore[attr-defined]
        owned = db.session.execute(select(Notification.id).where(
            Notification.id == notification_id, Notification.user_id == actor.id)).first()
        if owned is None:
            raise NotFound()
    return int(result.rowcount)  # type: ignore[attr-defined]
