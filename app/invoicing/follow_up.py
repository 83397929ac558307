"""What each role has to follow up after assignment, on one page: the vendor's assigned orders
(to deliver, to invoice, invoices to correct), the buyer's deliveries to confirm and invoices
to handle, the staff's completed orders to close and the overdue invoices. A fixed number of
queries whatever the number of rows."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from app.auth.models import Role, User
from app.extensions import db
from app.invoicing import reads
from app.invoicing.models import COUNTED_STATES, SETTLED_STATES, Invoice
from app.orders import services as orders
from app.orders.models import Order, OrderStatus

LIMIT = 50  # rows per section; the full lists are the orders and invoices pages

# The orders each role follows up, by state.
_FOLLOWED = {
    Role.VENDOR: (OrderStatus.ASSIGNED, OrderStatus.DELIVERED, OrderStatus.COMPLETED),
    Role.BUYER: (OrderStatus.DELIVERED,),
    Role.STAFF: (OrderStatus.COMPLETED,),
    Role.ADMIN: (OrderStatus.COMPLETED,),
}


@dataclass(frozen=True)
class FollowedOrder:
    order: Order
    open_invoices: int  # neither paid nor rejected
    invoiced_incl_vat_cents: int


@dataclass(frozen=True)
class FollowUp:
    orders: list[FollowedOrder]
    more_orders: bool
    invoices: list[Invoice]
    invoices_total: int
    overdue: int


def follow_up(actor: User) -> FollowUp:
    states = _FOLLOWED.get(actor.role, ())
    open_count = (select(func.count(Invoice.id))
                  .where(Invoice.order_id == Order.id, Invoice.state.not_in(SETTLED_STATES))
                  .correlate(Order).scalar_subquery())
    invoiced = (select(func.coalesce(func.sum(Invoice.amount_excl_vat_cents
                                              + Invoice.vat_cents), 0))
                .where(Invoice.order_id == Order.id, Invoice.state.in_(COUNTED_STATES))
                .correlate(Order).scalar_subquery())
    scope = orders.visible_orders(actor).subquery()
    rows = db.session.execute(
        select(Order, open_count, invoiced).join(scope, scope.c.id == Order.id)
        .where(Order.status.in_(states))
        .options(joinedload(Order.organisation), joinedload(Order.vendor))
        .order_by(Order.updated_at, Order.id).limit(LIMIT + 1)).all()
    followed = [FollowedOrder(order, int(waiting), int(amount))
                for order, waiting, amount in rows[:LIMIT]]
    waiting = reads.to_handle(actor, 1)
    return FollowUp(orders=followed, more_orders=len(rows) > LIMIT, invoices=waiting.items,
                    invoices_total=waiting.total, overdue=reads.overdue_count(actor))
