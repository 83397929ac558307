"""What the invoices consume of the lots' and framework agreements' ceilings: invoiced (every
invoice but the rejected ones) and paid, excluding VAT like the ceilings and the commitment,
per lot or per framework in one query. The catalogue asks through its hooks (it sits below the
invoicing, DESIGN §7)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import case, func, select

from app.catalogue.models import Lot
from app.extensions import db
from app.invoicing.models import COUNTED_STATES, Invoice, InvoiceState
from app.orders import ceilings
from app.orders.models import Order


def invoiced_by_lot(lot_id: int | None = None) -> dict[int, tuple[int, int]]:
    """lot id → (invoiced, paid) in cents excluding VAT (every lot, or ``lot_id``'s)."""
    paid = case((Invoice.state == InvoiceState.PAID, Invoice.amount_excl_vat_cents), else_=0)
    query = (select(Order.lot_id, func.sum(Invoice.amount_excl_vat_cents), func.sum(paid))
             .join(Order, Order.id == Invoice.order_id)
             .where(Invoice.state.in_(COUNTED_STATES)).group_by(Order.lot_id))
    if lot_id is not None:
        query = query.where(Order.lot_id == lot_id)
    rows = db.session.execute(query)
    return {lot_id: (int(invoiced or 0), int(paid_sum or 0))
            for lot_id, invoiced, paid_sum in rows}


def invoiced_by_framework() -> dict[int, tuple[int, int]]:
    """framework id → (invoiced, paid) in cents excluding VAT."""
    paid = case((Invoice.state == InvoiceState.PAID, Invoice.amount_excl_vat_cents), else_=0)
    rows = db.session.execute(
        select(Lot.framework_id, func.sum(Invoice.amount_excl_vat_cents), func.sum(paid))
        .join(Order, Order.id == Invoice.order_id).join(Lot, Lot.id == Order.lot_id)
        .where(Invoice.state.in_(COUNTED_STATES)).group_by(Lot.framework_id))
    return {framework_id: (int(invoiced or 0), int(paid_sum or 0))
            for framework_id, invoiced, paid_sum in rows}


@dataclass(frozen=True)
class LotConsumption:
    ceiling_cents: int | None
    committed_cents: int
    invoiced_cents: int
    paid_cents: int


def lot_consumption(lot: Lot) -> LotConsumption:
    """One lot's figures (two queries)."""
    invoiced, paid = invoiced_by_lot(lot.id).get(lot.id, (0, 0))
    return LotConsumption(lot.ceiling_cents, ceilings.committed_cents(lot_id=lot.id),
                          invoiced, paid)
