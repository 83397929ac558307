"""How much of a lot's and a framework agreement's ceiling the orders have used.

An order counts from its approval until it is cancelled (``COMMITTED_STATUSES``). The
catalogue shows these sums on its lot pages through its own hook (DESIGN §7), answered with
:func:`committed_by_lot`.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from app.catalogue.models import Lot
from app.extensions import db
from app.orders.models import COMMITTED_STATUSES, Order


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
