"""Plain helpers shared by the invoice unit tests: a delivered order and the people around
it, invoice inputs, the Peppol example made to quote an order, rows counted. Not a test
module."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import func, select

from app.extensions import db
from app.invoicing.models import Invoice, InvoiceSource
from app.invoicing.services import InvoiceInput
from app.orders.models import Order, OrderEvent
from app.orders.models import OrderStatus as S
from tests.unit.execution.support import World, assigned_world
from tests.unit.invoicing.ubl_support import example_tree, set_order_reference, to_bytes

# The Peppol example: 1 325,00 excl. VAT + 331,25 VAT = 1 656,25 (the default order of the
# factories is 2 000,00 + 420,00 = 2 420,00).
UBL_EXCL, UBL_VAT = 132_500, 33_125


def delivered_world(state: S = S.DELIVERED) -> World:
    return assigned_world(state)


def typed(order: Order, **changes: Any) -> InvoiceInput:
    values: dict[str, Any] = {
        "number": "F-2026-001", "issue_date": date(2026, 11, 30), "due_date": date(2026, 12, 30),
        "amount_excl_vat_cents": 50_000, "vat_cents": 10_500,
        "order_reference": order.reference, "source": InvoiceSource.JSON}
    return InvoiceInput(**{**values, **changes})


def ubl_for(reference: str) -> bytes:
    """The Peppol BIS Billing 3.0 example invoice quoting ``reference`` as its order."""
    root = example_tree()
    set_order_reference(root, reference)
    return to_bytes(root)


def invoice_rows() -> int:
    return int(db.session.execute(select(func.count(Invoice.id))).scalar_one())


def event_actions(order: Order) -> list[str]:
    return list(db.session.execute(select(OrderEvent.action).where(
        OrderEvent.order_id == order.id).order_by(OrderEvent.seq)).scalars())
