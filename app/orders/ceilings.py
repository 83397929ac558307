"""How much of a lot's and a framework agreement's ceiling the orders have used.

An order counts from its approval until it is cancelled (``COMMITTED_STATUSES``), for its
total excluding VAT; once closed, for what was invoiced (``closed_committed_cents``): closing
releases the rest (DESIGN §9). The catalogue shows these sums on its lot pages through its own
hook (DESIGN §7), answered with :func:`committed_by_lot`. Staff are told once when a lot or a
framework passes 80 % and 100 % of its ceiling (:func:`notice_thresholds`).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import case, func, select

from app.catalogue.models import Framework, Lot
from app.extensions import db
from app.orders.models import COMMITTED_STATUSES, CeilingNotice, Order, OrderStatus

THRESHOLDS = (80, 100)

# What one order commits: its total, or once closed what was invoiced.
_COMMITTED = case(
    ((Order.status == OrderStatus.CLOSED) & Order.closed_committed_cents.is_not(None),
     Order.closed_committed_cents),
    else_=Order.total_excl_vat_cents)


def order_committed_cents(order: Order) -> int:
    """What one order commits (the same rule as ``_COMMITTED``, for a loaded order)."""
    if order.status is OrderStatus.CLOSED and order.closed_committed_cents is not None:
        return order.closed_committed_cents
    return order.total_excl_vat_cents


def committed_cents(*, lot_id: int | None = None, framework_id: int | None = None) -> int:
    """Sum of the orders approved or later and not cancelled."""
    query = select(func.coalesce(func.sum(_COMMITTED), 0)).where(
        Order.status.in_(COMMITTED_STATUSES))
    if lot_id is not None:
        query = query.where(Order.lot_id == lot_id)
    if framework_id is not None:
        query = query.join(Lot, Lot.id == Order.lot_id).where(Lot.framework_id == framework_id)
    return int(db.session.execute(query).scalar_one())


def committed_by_lot() -> dict[int, int]:
    rows = db.session.execute(
        select(Order.lot_id, func.sum(_COMMITTED))
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


def committed_by_framework() -> dict[int, int]:
    rows = db.session.execute(
        select(Lot.framework_id, func.sum(_COMMITTED)).join(Lot, Lot.id == Order.lot_id)
        .where(Order.status.in_(COMMITTED_STATUSES)).group_by(Lot.framework_id))
    return {framework_id: int(total) for framework_id, total in rows}


@dataclass(frozen=True)
class Crossing:
    """A ceiling just passed: ``lot`` is None when it is the framework's."""
    threshold: int
    lot: Lot | None
    framework: Framework
    committed_cents: int
    ceiling_cents: int


def notice_thresholds(order: Order, lot: Lot, framework: Framework) -> list[Crossing]:
    """The thresholds the commitment now passes and nobody was told of yet, each recorded so
    that it is told once (the caller holds the lot and the framework locked)."""
    told = set(db.session.execute(
        select(CeilingNotice.scope, CeilingNotice.threshold).where(
            CeilingNotice.scope.in_((f"lot:{lot.id}", f"framework:{framework.id}")))).all())
    crossings: list[Crossing] = []
    for scope, scoped_lot, ceiling, committed in (
            (f"lot:{lot.id}", lot, lot.ceiling_cents, committed_cents(lot_id=lot.id)),
            (f"framework:{framework.id}", None, framework.max_value_cents,
             committed_cents(framework_id=framework.id))):
        if not ceiling:
            continue
        for threshold in THRESHOLDS:
            if (scope, threshold) in told or committed * 100 < ceiling * threshold:
                continue
            db.session.add(CeilingNotice(scope=scope, threshold=threshold, order_id=order.id,
                                         committed_cents=committed, ceiling_cents=ceiling))
            crossings.append(Crossing(threshold, scoped_lot, framework, committed, ceiling))
    db.session.flush()
    return crossings
