"""The invoices API (bearer tokens only; DESIGN §6).

``/orders/{id}/invoices`` is on the orders blueprint (the order's resource); the moves of one
invoice are on this package's ``invoices_api`` blueprint under ``/invoices/{id}``. A new or
corrected invoice is a JSON body, or a UBL 2.1 invoice sent as ``application/xml``.
"""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask import request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_smorest import Blueprint
from marshmallow import fields
from marshmallow.validate import Range

from app.common.api import INT32_MAX, PROBLEM_JSON, Int, ProblemSchema
from app.common.downloads import private_attachment
from app.invoicing import closure, reads, services
from app.invoicing.models import Invoice, InvoiceSource, InvoiceState
from app.orders import idempotency
from app.orders import services as orders
from app.orders.api import blp as orders_blp
from app.orders.api.orders import serialised
from app.orders.api.schemas import (
    BEARER,
    ID,
    REQUIRED,
    OrderOutSchema,
    ReasonSchema,
    Strict,
    StrictInt,
    text_field,
)

blp = Blueprint("invoices_api", __name__, url_prefix="/api/v1",
                description="Invoices: registered by the assigned vendor, handled by the "
                            "buyer (or staff for the buyer).")
INVOICE_ID = f"<int(max={INT32_MAX}):invoice_id>"
XML_TYPES = ("application/xml", "text/xml")
_DATE_ERRORS = {**REQUIRED, "invalid": _l("Enter a date as YYYY-MM-DD.")}


class InvoiceInSchema(Strict):
    number = text_field(services.NUMBER_MAX, required=True, metadata={
        "description": "The vendor's invoice number (unique for the vendor)."})
    issue_date = fields.Date(required=True, error_messages=_DATE_ERRORS)
    due_date = fields.Date(load_default=None, allow_none=True, error_messages=_DATE_ERRORS,
                           metadata={"description": "Null or absent: `PAYMENT_TERM_DAYS` "
                                                    "(30) from today."})
    amount_excl_vat_cents = StrictInt(required=True, error_messages=REQUIRED,
                                      validate=Range(0, services.AMOUNT_MAX))
    vat_cents = StrictInt(required=True, error_messages=REQUIRED,
                          validate=Range(0, services.AMOUNT_MAX))
    order_reference = text_field(64, required=True, metadata={
        "description": "The order's `reference` (Peppol BT-13), as on the order form."})


class PaidSchema(Strict):
    paid_on = fields.Date(required=True, error_messages=_DATE_ERRORS,
                          metadata={"description": "The day the payment was made."})


class InvoiceOutSchema(ma.Schema):
    id = fields.Integer(required=True)
    order_id = fields.Integer(required=True)
    order_reference = fields.String(required=True)
    vendor_id = fields.Integer(required=True)
    number = fields.String(required=True)
    issue_date = fields.Date(required=True)
    due_date = fields.Date(required=True)
    amount_excl_vat_cents = fields.Integer(required=True)
    vat_cents = fields.Integer(required=True)
    total_cents = fields.Integer(required=True, metadata={"description": "Including VAT."})
    state = fields.String(required=True, metadata={"enum": [s.value for s in InvoiceState]})
    source = fields.String(required=True, metadata={"enum": [s.value for s in InvoiceSource]})
    reason = fields.String(required=True, metadata={
        "description": "Why it was last disputed or rejected."})
    paid_on = fields.Date(required=True, allow_none=True)
    overdue = fields.Boolean(required=True, metadata={
        "description": "Past its due date and not paid (nor rejected)."})
    ubl_sha256 = fields.String(required=True, allow_none=True)
    ubl_url = fields.String(required=True, allow_none=True)
    moves = fields.List(fields.String(), required=True, metadata={
        "description": "The moves the caller may make now (`accept`, `dispute`, `reject`, "
                       "`mark_paid`, `correct`)."})
    created_at = fields.DateTime(required=True)
    updated_at = fields.DateTime(required=True)


class InvoicePageSchema(ma.Schema):
    invoices = fields.List(fields.Nested(InvoiceOutSchema), required=True)
    page = fields.Integer(required=True)
    per_page = fields.Integer(required=True)
    total = fields.Integer(required=True)
    pages = fields.Integer(required=True)


class InvoiceQuerySchema(ma.Schema):
    overdue = fields.Boolean(load_default=False, metadata={
        "description": "Only the overdue invoices (past due, not paid)."})
    page = Int(load_default=1, validate=Range(
        1, 100_000, error=_l("Enter a page number between 1 and 100 000.")))


def invoice_raw(invoice: Invoice) -> dict[str, Any]:
    """The invoice for the response schema (a GET's answer, dumped by flask-smorest)."""
    return {
        "id": invoice.id, "order_id": invoice.order_id,
        "order_reference": invoice.order_reference, "vendor_id": invoice.vendor_id,
        "number": invoice.number, "issue_date": invoice.issue_date,
        "due_date": invoice.due_date, "amount_excl_vat_cents": invoice.amount_excl_vat_cents,
        "vat_cents": invoice.vat_cents, "total_cents": invoice.total_cents,
        "state": invoice.state.value, "source": invoice.source.value,
        "reason": invoice.reason, "paid_on": invoice.paid_on,
        "overdue": reads.is_overdue(invoice), "ubl_sha256": invoice.ubl_sha256 or None,
        "ubl_url": (url_for("invoices_api.invoice_ubl", invoice_id=invoice.id)
                    if invoice.ubl_sha256 else None),
        "moves": reads.moves_for(current_user, invoice),
        "created_at": invoice.created_at, "updated_at": invoice.updated_at}


def invoice_data(invoice: Invoice) -> dict[str, Any]:
    """The invoice serialised, as a write answers it (and stores it for a replay)."""
    return dict(InvoiceOutSchema().dump(invoice_raw(invoice)))


def _body() -> services.InvoiceInput:
    """The request's invoice: a UBL file (``application/xml``) or a JSON body."""
    if request.mimetype in XML_TYPES:
        return services.from_ubl(request.get_data(cache=True), "invoice.xml")
    body = orders_blp.ARGUMENTS_PARSER.parse(InvoiceInSchema(), request, location="json")
    return services.InvoiceInput(source=InvoiceSource.JSON, **body)


def _responses(view: Any) -> Any:
    for status in (422, 409, 404, 403, 401):
        view = orders_blp.alt_response(status, schema=ProblemSchema,
                                       content_type=PROBLEM_JSON)(view)
    return view


_BODY_DOC = {"required": True, "content": {
    "application/json": {"schema": InvoiceInSchema},
    "application/xml": {"schema": {"type": "string", "description": (
        "A UBL 2.1 invoice (Peppol BIS Billing 3.0), checked against the UBL 2.1 schema and "
        "the EN 16931 rules; `cac:OrderReference/cbc:ID` must be the order's reference. "
        "Refusals name `file`, `xsd`, the rule id (`BR-CO-10`) or the field.")}}}}


@orders_blp.get(f"/orders/{ID}/invoices")
@orders_blp.response(200, InvoiceOutSchema(many=True))
@_responses
@orders_blp.doc(security=BEARER)
def order_invoices(order_id: int) -> ResponseReturnValue:
    """The order's invoices (its buyer's organisation, its vendor, staff)."""
    order = orders.get_order(current_user, order_id)
    return [invoice_raw(i) for i in reads.of_order(current_user, order)]


@orders_blp.post(f"/orders/{ID}/invoices")
@orders_blp.response(201, InvoiceOutSchema)
@_responses
@orders_blp.doc(security=BEARER, parameters=[idempotency.PARAMETER], requestBody=_BODY_DOC)
def register_invoice(order_id: int) -> ResponseReturnValue:
    """Register an invoice of a delivered order (its assigned vendor). 409 before delivery
    and once closed; 422 with every problem (another order's reference, a number already
    used, more than the order's total including VAT, a due date before the issue date, a UBL
    file refused by the schema or a rule)."""
    data = _body()
    return idempotency.write_once(201, lambda: invoice_data(
        services.register(current_user, order_id, data)))


@blp.get("/invoices")
@blp.arguments(InvoiceQuerySchema, location="query", as_kwargs=True)
@blp.response(200, InvoicePageSchema)
@blp.alt_response(401, schema=ProblemSchema, content_type=PROBLEM_JSON)
@blp.alt_response(422, schema=ProblemSchema, content_type=PROBLEM_JSON)
@blp.doc(security=BEARER)
def invoices_to_handle(overdue: bool, page: int) -> ResponseReturnValue:
    """The invoices waiting for the caller: a buyer's (and staff's) to accept or to pay, a
    vendor's disputed ones to correct; with `overdue=true`, those past their due date and
    not paid. By due date."""
    found = reads.to_handle(current_user, page, overdue_only=overdue)
    data = {"invoices": [invoice_raw(i) for i in found.items], "page": found.page,
            "per_page": found.per_page, "total": found.total, "pages": found.pages}
    return data


@blp.get(f"/invoices/{INVOICE_ID}")
@blp.response(200, InvoiceOutSchema)
@blp.alt_response(404, schema=ProblemSchema, content_type=PROBLEM_JSON)
@blp.alt_response(401, schema=ProblemSchema, content_type=PROBLEM_JSON)
@blp.doc(security=BEARER)
def get_invoice(invoice_id: int) -> ResponseReturnValue:
    """One invoice."""
    data = invoice_raw(reads.get_invoice(current_user, invoice_id))
    return data


@blp.get(f"/invoices/{INVOICE_ID}/ubl")
@blp.alt_response(404, schema=ProblemSchema, content_type=PROBLEM_JSON)
@blp.alt_response(401, schema=ProblemSchema, content_type=PROBLEM_JSON)
@blp.doc(security=BEARER, responses={"200": {
    "description": "The UBL file as the vendor sent it.",
    "content": {"application/xml": {"schema": {"type": "string", "format": "binary"}}}}})
def invoice_ubl(invoice_id: int) -> ResponseReturnValue:
    """The UBL invoice file (404 for a typed invoice)."""
    invoice = reads.ubl_file(current_user, invoice_id)
    response = private_attachment(invoice.ubl or b"", f"{invoice.number}.xml",
                                  "application/xml")
    return response


def _move(invoice_id: int, perform: Any) -> ResponseReturnValue:
    return idempotency.write_once(200, lambda: invoice_data(perform()))


def _move_responses(view: Any) -> Any:
    for status in (422, 409, 404, 401):
        view = blp.alt_response(status, schema=ProblemSchema, content_type=PROBLEM_JSON)(view)
    return blp.doc(security=BEARER, parameters=[idempotency.PARAMETER])(view)


@blp.post(f"/invoices/{INVOICE_ID}/accept")
@blp.response(200, InvoiceOutSchema)
@_move_responses
def accept_invoice(invoice_id: int) -> ResponseReturnValue:
    """Accept a registered invoice (the buyer, or staff for the buyer)."""
    return _move(invoice_id, lambda: services.accept(current_user, invoice_id))


@blp.post(f"/invoices/{INVOICE_ID}/dispute")
@blp.arguments(ReasonSchema)
@blp.response(200, InvoiceOutSchema)
@_move_responses
def dispute_invoice(body: dict[str, Any], invoice_id: int) -> ResponseReturnValue:
    """Dispute a registered invoice with a reason: the vendor corrects it."""
    return _move(invoice_id, lambda: services.dispute(current_user, invoice_id,
                                                      body["reason"]))


@blp.post(f"/invoices/{INVOICE_ID}/reject")
@blp.arguments(ReasonSchema)
@blp.response(200, InvoiceOutSchema)
@_move_responses
def reject_invoice(body: dict[str, Any], invoice_id: int) -> ResponseReturnValue:
    """Reject a registered or disputed invoice for good, with a reason (it no longer
    counts as invoiced)."""
    return _move(invoice_id, lambda: services.reject(current_user, invoice_id,
                                                     body["reason"]))


@blp.post(f"/invoices/{INVOICE_ID}/mark-paid")
@blp.arguments(PaidSchema)
@blp.response(200, InvoiceOutSchema)
@_move_responses
def mark_invoice_paid(body: dict[str, Any], invoice_id: int) -> ResponseReturnValue:
    """Record the payment of an accepted invoice, with the payment date."""
    return _move(invoice_id, lambda: services.mark_paid(current_user, invoice_id,
                                                        body["paid_on"]))


@blp.post(f"/invoices/{INVOICE_ID}/correct")
@blp.response(200, InvoiceOutSchema)
@_move_responses
@blp.doc(requestBody=_BODY_DOC)
def correct_invoice(invoice_id: int) -> ResponseReturnValue:
    """Correct a disputed invoice (its vendor), with the same body as a new invoice: it is
    registered again for the buyer."""
    data = _body()
    return _move(invoice_id, lambda: services.correct(current_user, invoice_id, data))



@orders_blp.post(f"/orders/{ID}/close")
@orders_blp.response(200, OrderOutSchema)
@_responses
@orders_blp.doc(security=BEARER, parameters=[idempotency.PARAMETER])
def close_order(order_id: int) -> ResponseReturnValue:
    """Close a completed order (staff) once every invoice of it is paid or rejected (409
    while one is not): it then commits only what was invoiced, releasing the rest of the
    lot's and framework's ceiling."""
    return idempotency.write_once(200, lambda: serialised(
        closure.close_order(current_user, order_id)))
