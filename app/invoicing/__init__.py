"""Invoicing (DESIGN §9): the invoices of an order, their moves, closing the order, and what
the invoices consume of the lots' and frameworks' ceilings.

It sits above the execution (DESIGN §7): nothing below imports it. :func:`register`, called
by ``create_app``, adds its section to the order page (the invoices, the money, the moves the
reader may make) and answers the catalogue's question about the invoiced and paid amounts.
The UBL reader (:mod:`app.invoicing.ubl`) is pure: no database, no request.
"""

from __future__ import annotations

from typing import Any

from flask import Flask

from app.auth.models import Role, User
from app.orders import ceilings, hooks
from app.orders.models import Order, OrderStatus

# From here on the order page shows the invoices' section.
_SHOWN_FROM = (OrderStatus.ASSIGNED, OrderStatus.DELIVERED, OrderStatus.COMPLETED,
               OrderStatus.CLOSED)


def _page_sections(actor: User, order: Order) -> hooks.PageSections:
    from app.invoicing import reads, services
    from app.invoicing.labels import INVOICE_STATES, MOVE_URLS, MOVE_WORDS

    if order.status not in _SHOWN_FROM:
        return hooks.PageSections(templates=[], context={}, position=60)
    invoices = reads.of_order(actor, order)
    money = reads.order_money(order, invoices)
    lot_figures = None
    if actor.is_staff:  # how much of the lot's ceiling the orders use, for the service
        from app.catalogue.services import consumption

        lot_figures = consumption.by_lot().get(order.lot_id, consumption.Used())
    context: dict[str, Any] = {
        "lot_figures": lot_figures, "lot_ceiling_cents": order.lot.ceiling_cents,
        "invoice_section": True, "invoices": invoices, "money": money,
        "committed": ceilings.order_committed_cents(order),
        "can_register": (actor.role is Role.VENDOR and order.vendor_id == actor.vendor_id
                         and order.status in services.INVOICEABLE),
        "can_close": actor.is_staff and order.status is OrderStatus.COMPLETED,
        "moves_of": lambda invoice: reads.moves_for(actor, invoice),
        "move_button": MOVE_WORDS.button, "move_urls": MOVE_URLS,
        "invoice_state": INVOICE_STATES.word, "is_overdue": reads.is_overdue}
    return hooks.PageSections(templates=["invoicing/order_sections.html"], position=60,
                              context=context, facts={"open_invoices": sum(
                                  1 for i in invoices if i.state in reads.UNPAID_STATES)})


def register(app: Flask) -> None:
    """Called by ``create_app`` (idempotent: tests build many apps in one process)."""
    from app.catalogue.services import consumption as catalogue_consumption
    from app.invoicing import consumption

    hooks.order_page_sections.contribute(_page_sections)
    catalogue_consumption.invoiced_cents_by_lot.answer(consumption.invoiced_by_lot)
    catalogue_consumption.invoiced_cents_by_framework.answer(consumption.invoiced_by_framework)
