"""Invoices (DESIGN §9): the assigned vendor registers them (typed, as JSON or as a UBL 2.1
invoice), the buyer — or staff for the buyer — accepts, disputes, rejects and marks them paid,
the vendor corrects a disputed one.

Every change locks the order row first (:func:`app.orders.services.lock_order`, 404 for an
order the actor may not see), so two invoices of one order are checked against its total one
after the other. A refused invoice raises ``ValidationFailed`` with every problem found, per
field (or per EN 16931 rule), and leaves nothing behind (the caller rolls back).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from datetime import date, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app.assignment.services.rounds import vendor_users
from app.auth.models import Role, User
from app.common.errors import Conflict, NotFound, ValidationFailed
from app.common.i18n import reader_language
from app.common.money import format_eur
from app.common.single_line import multi_line_problem, single_line_problem
from app.common.time import today
from app.extensions import db
from app.invoicing import workflow
from app.invoicing.models import COUNTED_STATES, Invoice, InvoiceSource
from app.invoicing.ubl import MAX_BYTES, UblRefused, read_invoice
from app.notifications.services import notify
from app.orders import services as orders
from app.orders.models import Order, OrderStatus

NUMBER_MAX = 64
AMOUNT_MAX = 10**13  # cents: far above any order, far below the column's limit
REASON_MAX = 5000
# An invoice is registered from delivery on (DESIGN §9), never on a closed order.
INVOICEABLE = (OrderStatus.DELIVERED, OrderStatus.COMPLETED)


@dataclass(frozen=True)
class InvoiceInput:
    """An invoice as the vendor gives it. ``due_date`` None: the payment term from today.
    ``ubl``: the uploaded UBL file, whose content then fills every other field."""

    number: str = ""
    issue_date: date | None = None
    due_date: date | None = None
    amount_excl_vat_cents: int | None = None
    vat_cents: int | None = None
    order_reference: str = ""
    source: InvoiceSource = InvoiceSource.FORM
    ubl: bytes | None = None
    ubl_filename: str = ""


def payment_term_days() -> int:
    return int(current_app.config["PAYMENT_TERM_DAYS"])


def ubl_max_bytes() -> int:
    return int(current_app.config.get("INVOICE_UBL_MAX_BYTES", MAX_BYTES))


def from_ubl(data: bytes, filename: str = "invoice.xml") -> InvoiceInput:
    """The fields of an uploaded UBL invoice, or ``ValidationFailed`` naming the file's
    problems: ``file``, ``xsd``, an EN 16931 rule id (``BR-CO-10``), or a field."""
    try:
        ubl = read_invoice(data, max_bytes=ubl_max_bytes())
    except UblRefused as refused:
        errors: dict[str, list[str]] = {}
        for problem in refused.problems:
            errors.setdefault(problem.field, []).append(str(problem.message))
        raise ValidationFailed(errors) from refused
    errors = {}
    if ubl.payable_cents != ubl.amount_excl_vat_cents + ubl.vat_cents:
        errors["payable_cents"] = [str(_l(
            "The amount due must be the total excluding VAT plus the VAT (no prepaid "
            "amount or rounding)."))]
    if errors:
        raise ValidationFailed(errors)
    return InvoiceInput(number=ubl.number, issue_date=ubl.issue_date, due_date=ubl.due_date,
                        amount_excl_vat_cents=ubl.amount_excl_vat_cents,
                        vat_cents=ubl.vat_cents, order_reference=ubl.order_reference or "",
                        source=InvoiceSource.UBL, ubl=data, ubl_filename=filename)


def _amount_problem(value: int | None, *, positive: bool) -> str | None:
    if value is None:
        return str(_l("Enter an amount."))
    if value < 0 or (positive and value == 0):
        return str(_l("Enter an amount greater than zero.") if positive
                   else _l("Enter an amount of zero or more."))
    if value > AMOUNT_MAX:
        return str(_l("This amount is too large."))
    return None


def _field_errors(order: Order, data: InvoiceInput, *,
                  replacing: Invoice | None) -> dict[str, list[str]]:
    """Every rule of DESIGN §9 a new (or corrected) invoice of ``order`` must meet."""
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str | None) -> None:
        if message:
            errors.setdefault(field, []).append(message)

    number = data.number.strip()
    if not number:
        add("number", str(_l("Enter the invoice number.")))
    elif len(number) > NUMBER_MAX:
        add("number", str(_l("Use at most %(n)s characters.", n=NUMBER_MAX)))
    else:
        add("number", single_line_problem(number))
        taken = select(Invoice.id).where(Invoice.vendor_id == order.vendor_id,
                                         Invoice.number == number)
        if replacing is not None:
            taken = taken.where(Invoice.id != replacing.id)
        if db.session.execute(taken.limit(1)).first() is not None:
            add("number", str(_l("Your company already registered an invoice with this "
                                 "number.")))
    if data.issue_date is None:
        add("issue_date", str(_l("Enter the issue date.")))
    elif data.issue_date > today():
        add("issue_date", str(_l("The issue date cannot be in the future.")))
    if (data.due_date is not None and data.issue_date is not None
            and data.due_date < data.issue_date):
        add("due_date", str(_l("The due date cannot be before the issue date.")))
    reference = data.order_reference.strip()
    if not reference:
        add("order_reference", str(_l("Quote the order reference, %(reference)s.",
                                      reference=order.reference)))
    elif reference != order.reference:
        add("order_reference", str(_l("This is not the reference of this order (%(reference)s)"
                                      ": an invoice quotes the reference of its own order.",
                                      reference=order.reference)))
    add("amount_excl_vat_cents", _amount_problem(data.amount_excl_vat_cents, positive=True))
    add("vat_cents", _amount_problem(data.vat_cents, positive=False))
    if "amount_excl_vat_cents" not in errors and "vat_cents" not in errors:
        assert data.amount_excl_vat_cents is not None and data.vat_cents is not None
        already = invoiced_incl_vat(order, excluding=replacing)
        total = data.amount_excl_vat_cents + data.vat_cents
        if already + total > order.total_incl_vat_cents:
            add("amount_excl_vat_cents", str(_l(
                "With this invoice the order would be invoiced above its total including VAT: "
                "%(left)s remain to invoice.",
                left=format_eur(max(order.total_incl_vat_cents - already, 0),
                                reader_language()))))
    return errors


def invoiced_incl_vat(order: Order, *, excluding: Invoice | None = None) -> int:
    query = select(func.coalesce(
        func.sum(Invoice.amount_excl_vat_cents + Invoice.vat_cents), 0)).where(
        Invoice.order_id == order.id, Invoice.state.in_(COUNTED_STATES))
    if excluding is not None:
        query = query.where(Invoice.id != excluding.id)
    return int(db.session.execute(query).scalar_one())


def _vendor_order(actor: User, order_id: int) -> Order:
    """The order locked, for a user of its assigned vendor (404 for anyone else)."""
    if actor.role is not Role.VENDOR:
        raise NotFound()
    order = orders.lock_order(actor, order_id)
    if order.vendor_id is None or order.vendor_id != actor.vendor_id:
        raise NotFound()
    return order


def _checked(order: Order, data: InvoiceInput, replacing: Invoice | None) -> InvoiceInput:
    if order.status not in INVOICEABLE:
        raise Conflict(str(_l("Invoices are registered once the order is delivered, and "
                              "until it is closed.")))
    if data.ubl is not None and data.source is not InvoiceSource.UBL:
        data = replace(data, ubl=None)
    errors = _field_errors(order, data, replacing=replacing)
    if errors:
        raise ValidationFailed(errors)
    if data.due_date is None:
        data = replace(data, due_date=today() + timedelta(days=payment_term_days()))
    return data


def _fill(invoice: Invoice, data: InvoiceInput) -> None:
    assert data.issue_date is not None and data.due_date is not None
    assert data.amount_excl_vat_cents is not None and data.vat_cents is not None
    invoice.number = data.number.strip()
    invoice.issue_date = data.issue_date
    invoice.due_date = data.due_date
    invoice.amount_excl_vat_cents = data.amount_excl_vat_cents
    invoice.vat_cents = data.vat_cents
    invoice.order_reference = data.order_reference.strip()
    invoice.source = data.source
    invoice.ubl = data.ubl
    invoice.ubl_filename = data.ubl_filename[:200] if data.ubl is not None else ""
    invoice.ubl_sha256 = hashlib.sha256(data.ubl).hexdigest() if data.ubl is not None else ""


def _flush_number(number: str) -> None:
    """Flush; a concurrent invoice that took the same number first is the usual refusal."""
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError as exc:
        raise ValidationFailed({"number": [str(_l(
            "Your company already registered an invoice with this number."))]}) from exc


def _buyers(order: Order) -> list[User]:
    requester = db.session.get(User, order.created_by_id)
    return [requester] if requester is not None and requester.active else []


def register(actor: User, order_id: int, data: InvoiceInput) -> Invoice:
    """The assigned vendor registers an invoice of a delivered (or completed) order."""
    order = _vendor_order(actor, order_id)
    data = _checked(order, data, None)
    invoice = Invoice(order_id=order.id, vendor_id=order.vendor_id, registered_by_id=actor.id)
    _fill(invoice, data)
    db.session.add(invoice)
    _flush_number(invoice.number)
    workflow.record_registered(order, invoice, actor)
    notify(_buyers(order), "invoice_registered", order, number=invoice.number)
    return invoice


def _locked_invoice(actor: User, invoice_id: int) -> tuple[Order, Invoice]:
    """The invoice and its order (locked) for someone who may handle it: the buyer's
    organisation, staff, or its vendor; 404 for anyone else."""
    found = db.session.execute(select(Invoice.order_id).where(Invoice.id == invoice_id)
                               ).scalar_one_or_none()
    if found is None:
        raise NotFound()
    order = orders.lock_order(actor, found)
    invoice = db.session.execute(select(Invoice).where(Invoice.id == invoice_id)
                                 .with_for_update()).scalar_one()
    db.session.refresh(invoice)
    if actor.role is Role.VENDOR and invoice.vendor_id != actor.vendor_id:
        raise NotFound()
    return order, invoice


def correct(actor: User, invoice_id: int, data: InvoiceInput) -> Invoice:
    """The vendor corrects a disputed invoice: it is registered again, for the buyer."""
    if actor.role is not Role.VENDOR:
        raise NotFound()
    order, invoice = _locked_invoice(actor, invoice_id)
    workflow.check(invoice, "correct", actor)
    data = _checked(order, data, invoice)
    _fill(invoice, data)
    _flush_number(invoice.number)
    workflow.transition(order, invoice, "correct", actor,
                        payload={"source": invoice.source.value,
                                 "ubl_sha256": invoice.ubl_sha256 or None})
    notify(_buyers(order), "invoice_corrected", order, number=invoice.number)
    return invoice


def _buyer_side(actor: User, invoice_id: int) -> tuple[Order, Invoice]:
    if actor.role not in workflow.BUYER_SIDE:
        raise NotFound()
    return _locked_invoice(actor, invoice_id)


def _reason_problem(reason: str) -> None:
    reason = reason.strip()
    if len(reason) > REASON_MAX:
        raise ValidationFailed({"reason": [str(_l("Use at most %(n)s characters.",
                                                  n=REASON_MAX))]})
    if problem := multi_line_problem(reason):
        raise ValidationFailed({"reason": [problem]})


def _decide(actor: User, invoice_id: int, action: str, kind: str, *, reason: str = "",
            paid_on: date | None = None) -> Invoice:
    order, invoice = _buyer_side(actor, invoice_id)
    workflow.check(invoice, action, actor)
    _reason_problem(reason)
    payload = {}
    if action == "mark_paid":
        if paid_on is None:
            raise ValidationFailed({"paid_on": [str(_l("Enter the payment date."))]})
        if paid_on > today():
            raise ValidationFailed({"paid_on": [str(_l(
                "The payment date cannot be in the future."))]})
        if paid_on < invoice.issue_date:
            raise ValidationFailed({"paid_on": [str(_l(
                "The payment date cannot be before the invoice's issue date."))]})
        invoice.paid_on = paid_on
        payload["paid_on"] = paid_on.isoformat()
    workflow.transition(order, invoice, action, actor, reason=reason, payload=payload)
    notify(vendor_users(invoice.vendor_id), kind, order, number=invoice.number,
           reason=reason.strip())
    return invoice


def accept(actor: User, invoice_id: int) -> Invoice:
    return _decide(actor, invoice_id, "accept", "invoice_accepted")


def dispute(actor: User, invoice_id: int, reason: str) -> Invoice:
    return _decide(actor, invoice_id, "dispute", "invoice_disputed", reason=reason)


def reject(actor: User, invoice_id: int, reason: str) -> Invoice:
    return _decide(actor, invoice_id, "reject", "invoice_rejected", reason=reason)


def mark_paid(actor: User, invoice_id: int, paid_on: date | None) -> Invoice:
    return _decide(actor, invoice_id, "mark_paid", "invoice_paid", paid_on=paid_on)
