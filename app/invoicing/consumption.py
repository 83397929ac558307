"""What the invoices consume of the lots' and framework agreements' ceilings: invoiced (every
invoice but the rejected ones) and paid, excluding VAT like the ceilings and the commitment,
per lot or per framework in one query. The catalogue asks through its hooks (it sits below the
invoicing, DESIGN §7)."""

from __future__ import annotations

from sqlalchemy import case, func, select

from app.catalogue.models import Lot
from app.extensions import db
from app.invoicing.models import COUNTED_STATES, Invoice, InvoiceState
from app.orders.models import Order

# What one invoice counts as paid.
_PAID = case((Invoice.state == InvoiceState.PAID, Invoice.amount_excl_vat_cents), else_=0)


def invoiced_by_lot() -> dict[int, tuple[int, int]]:
    """lot id → (invoiced, paid) in cents excluding VAT."""
    query = (select(Order.lot_id, func.sum(Invoice.amount_excl_vat_cents), func.sum(_PAID))
             .join(Order, Order.id == Invoice.order_id)
             .where(Invoice.state.in_(COUNTED_STATES)).group_by(Order.lot_id))
    rows = db.session.execute(query)
    return {lot_id: (int(invoiced or 0), int(paid_sum or 0))
            for lot_id, invoiced, paid_sum in rows}


def invoiced_by_framework() -> dict[int, tuple[int, int]]:
    """framework id → (invoiced, paid) in cents excluding VAT."""
    rows = db.session.execute(
        select(Lot.framework_id, func.sum(Invoice.amount_excl_vat_cents), func.sum(_PAID))
        .join(Order, Order.id == Invoice.order_id).join(Lot, Lot.id == Order.lot_id)
        .where(Invoice.state.in_(COUNTED_STATES)).group_by(Lot.framework_id))
    return {framework_id: (int(invoiced or 0), int(paid_sum or 0))
            for framework_id, invoiced, paid_sum in rows}
