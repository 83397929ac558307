"""Closing an order (DESIGN §9): staff close a completed order once every invoice of it is
paid or rejected. From then on the order commits only what was invoiced (excluding VAT, as
the ceilings are), which releases the uninvoiced rest of the lot's and framework's ceiling."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from app.auth.models import User
from app.auth.services import require_staff
from app.common.errors import Conflict
from app.extensions import db
from app.invoicing.models import COUNTED_STATES, SETTLED_STATES, Invoice
from app.orders import services as orders
from app.orders import workflow
from app.orders.models import Order


def open_invoices(order: Order) -> int:
    return int(db.session.execute(select(func.count(Invoice.id)).where(
        Invoice.order_id == order.id, Invoice.state.not_in(SETTLED_STATES))).scalar_one())


def invoiced_excl_vat(order: Order) -> int:
    return int(db.session.execute(
        select(func.coalesce(func.sum(Invoice.amount_excl_vat_cents), 0))
        .where(Invoice.order_id == order.id, Invoice.state.in_(COUNTED_STATES))).scalar_one())


def close_order(actor: User, order_id: int) -> Order:
    require_staff(actor)
    order = orders.lock_order(actor, order_id)
    workflow.check(order, "close", actor)
    waiting = open_invoices(order)
    if waiting:
        raise Conflict(str(_l("Not every invoice of this order is paid or rejected (%(n)s "
                              "waiting): the order can be closed once they are.", n=waiting)))
    invoiced = invoiced_excl_vat(order)
    order.closed_committed_cents = invoiced
    workflow.transition(order, "close", actor, payload={
        "invoiced_excl_vat_cents": invoiced,
        "released_cents": max(order.total_excl_vat_cents - invoiced, 0)})
    return order
