"""Invoices (DESIGN §9): registered by the assigned vendor against an order, handled by the
buyer (accept, dispute, reject, mark paid), corrected by the vendor after a dispute."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.common.db import enum_type
from app.common.time import UTCDateTime, utcnow
from app.extensions import Model
from app.orders.models import Order
from app.vendors.models import Vendor


class InvoiceState(enum.StrEnum):
    REGISTERED = "registered"  # waits for the buyer
    ACCEPTED = "accepted"      # the buyer agrees: to be paid
    DISPUTED = "disputed"      # the buyer asked for a correction (reason)
    PAID = "paid"
    REJECTED = "rejected"      # the buyer refused it for good (reason): it does not count


class InvoiceSource(enum.StrEnum):
    FORM = "form"  # typed on the invoice page
    JSON = "json"  # POSTed as JSON to the API
    UBL = "ubl"    # a UBL 2.1 invoice (Peppol BIS Billing 3.0), page or API


# Invoices that count as invoiced (all but the rejected ones), and those an order may be
# closed with.
COUNTED_STATES = (InvoiceState.REGISTERED, InvoiceState.ACCEPTED, InvoiceState.DISPUTED,
                  InvoiceState.PAID)
SETTLED_STATES = (InvoiceState.PAID, InvoiceState.REJECTED)
# Waiting for payment: overdue once the due date has passed.
UNPAID_STATES = (InvoiceState.REGISTERED, InvoiceState.ACCEPTED, InvoiceState.DISPUTED)


class Invoice(Model):
    __tablename__ = "invoice"
    __table_args__ = (
        UniqueConstraint("vendor_id", "number", name="uq_invoice_vendor_number"),
        CheckConstraint("amount_excl_vat_cents >= 0", name="invoice_amount_positive"),
        CheckConstraint("vat_cents >= 0", name="invoice_vat_positive"),
        CheckConstraint("due_date >= issue_date", name="invoice_due_after_issue"),
        Index("ix_invoice_state_due", "state", "due_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("order.id"), index=True)
    vendor_id: Mapped[int] = mapped_column(ForeignKey("vendor.id"))
    number: Mapped[str] = mapped_column(String(64))
    issue_date: Mapped[date] = mapped_column(Date)
    due_date: Mapped[date] = mapped_column(Date)
    amount_excl_vat_cents: Mapped[int] = mapped_column(BigInteger)
    vat_cents: Mapped[int] = mapped_column(BigInteger)
    order_reference: Mapped[str] = mapped_column(String(64))
    state: Mapped[InvoiceState] = mapped_column(enum_type(InvoiceState, "invoice_state"),
                                                default=InvoiceState.REGISTERED)
    source: Mapped[InvoiceSource] = mapped_column(enum_type(InvoiceSource, "invoice_source"))
    reason: Mapped[str] = mapped_column(Text, default="")  # of the last dispute or rejection
    paid_on: Mapped[date | None] = mapped_column(Date)
    ubl_filename: Mapped[str] = mapped_column(String(200), default="")
    ubl_sha256: Mapped[str] = mapped_column(String(64), default="")
    ubl: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    registered_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    order: Mapped[Order] = relationship()
    vendor: Mapped[Vendor] = relationship()

    @property
    def total_cents(self) -> int:
        return self.amount_excl_vat_cents + self.vat_cents
