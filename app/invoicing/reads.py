"""Reading invoices as the reader may see them: the order's invoices (its buyer's
organisation, its vendor, staff), the invoices waiting for someone, the overdue ones. Each is
a fixed number of queries whatever the number of rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, func, select
from sqlalchemy.orm import contains_eager, joinedload, undefer

from app.auth.models import Role, User
from app.common.errors import NotFound
from app.common.pagination import Page
from app.common.time import today
from app.extensions import db
from app.invoicing import workflow
from app.invoicing.models import COUNTED_STATES, UNPAID_STATES, Invoice, InvoiceState
from app.orders import services as orders
from app.orders.models import Order


def visible_invoices(actor: User) -> Select[Invoice]:
    """The invoices ``actor`` may see: those of the orders it may see (a vendor: its own)."""
    scope = orders.visible_orders(actor).subquery()
    query = (select(Invoice).join(scope, scope.c.id == Invoice.order_id)
             .join(Order, Order.id == Invoice.order_id)
             .options(contains_eager(Invoice.order), joinedload(Invoice.vendor)))
    if actor.role is Role.VENDOR:
        query = query.where(Invoice.vendor_id == actor.vendor_id)
    return query


def of_order(actor: User, order: Order) -> list[Invoice]:
    """The order's invoices, oldest first (the caller checked the order is visible)."""
    return list(db.session.execute(
        visible_invoices(actor).where(Invoice.order_id == order.id)
        .order_by(Invoice.id)).scalars())


def get_invoice(actor: User, invoice_id: int) -> Invoice:
    found = db.session.execute(visible_invoices(actor).where(Invoice.id == invoice_id)
                               ).scalar_one_or_none()
    if found is None:
        raise NotFound()
    return found


def ubl_file(actor: User, invoice_id: int) -> Invoice:
    """An invoice with its UBL file loaded (404 if it has none)."""
    found = db.session.execute(
        visible_invoices(actor).where(Invoice.id == invoice_id, Invoice.ubl.is_not(None))
        .options(undefer(Invoice.ubl))).scalar_one_or_none()
    if found is None:
        raise NotFound()
    return found


def is_overdue(invoice: Invoice, on: date | None = None) -> bool:
    return invoice.state in UNPAID_STATES and invoice.due_date < (on or today())


def moves_for(actor: User, invoice: Invoice) -> list[str]:
    return workflow.allowed_moves(invoice, actor.role)


@dataclass(frozen=True)
class OrderMoney:
    """An order's invoiced and paid amounts (excl. VAT, like its commitment), and incl. VAT."""

    invoiced_excl_vat_cents: int
    invoiced_incl_vat_cents: int
    paid_excl_vat_cents: int
    left_to_invoice_incl_vat_cents: int


def order_money(order: Order, invoices: list[Invoice]) -> OrderMoney:
    counted = [i for i in invoices if i.state in COUNTED_STATES]
    paid = [i for i in invoices if i.state is InvoiceState.PAID]
    incl = sum(i.total_cents for i in counted)
    return OrderMoney(invoiced_excl_vat_cents=sum(i.amount_excl_vat_cents for i in counted),
                      invoiced_incl_vat_cents=incl,
                      paid_excl_vat_cents=sum(i.amount_excl_vat_cents for i in paid),
                      left_to_invoice_incl_vat_cents=max(order.total_incl_vat_cents - incl, 0))


PAGE_SIZE = 25
WAITING_FOR_BUYER = (InvoiceState.REGISTERED, InvoiceState.ACCEPTED)
WAITING_FOR_VENDOR = (InvoiceState.DISPUTED,)


def to_handle(actor: User, page: int = 1, *, overdue_only: bool = False) -> Page[Invoice]:
    """The invoices waiting for ``actor``: the buyer's and staff's to accept or pay (staff see
    every organisation's), a vendor's disputed ones to correct; overdue first, then by due
    date. ``overdue_only``: only those past their due date and not paid."""
    states = WAITING_FOR_VENDOR if actor.role is Role.VENDOR else WAITING_FOR_BUYER
    query = visible_invoices(actor).where(Invoice.state.in_(states))
    if overdue_only:
        query = visible_invoices(actor).where(Invoice.state.in_(UNPAID_STATES),
                                              Invoice.due_date < today())
    total = int(db.session.execute(
        select(func.count()).select_from(query.subquery())).scalar_one())
    rows = db.session.execute(query.order_by(Invoice.due_date, Invoice.id)
                              .limit(PAGE_SIZE).offset((max(page, 1) - 1) * PAGE_SIZE)).scalars()
    return Page(list(rows), total, max(page, 1), PAGE_SIZE)


def overdue_count(actor: User) -> int:
    scope = visible_invoices(actor).where(Invoice.state.in_(UNPAID_STATES),
                                          Invoice.due_date < today()).subquery()
    return int(db.session.execute(select(func.count()).select_from(scope)).scalar_one())
