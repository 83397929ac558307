"""Deliveries: each time the assigned vendor marks an order delivered, with its note and its
documents, and the buyer's answer (receipt confirmed, or contested with a reason)."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.auth.models import User
from app.common.db import enum_type
from app.common.time import UTCDateTime, utcnow
from app.extensions import Model
from app.orders.models import Order


class DeliveryOutcome(enum.StrEnum):
    PENDING = "pending"        # the buyer has not answered yet
    CONFIRMED = "confirmed"    # receipt confirmed: the order is completed
    CONTESTED = "contested"    # contested with a reason: the order is back to assigned


class Delivery(Model):
    """One "delivered" by the vendor; after a contest, the next one has the next number."""

    __tablename__ = "delivery"
    __table_args__ = (UniqueConstraint("order_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("order.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(Text, default="")
    delivered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    delivered_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    outcome: Mapped[DeliveryOutcome] = mapped_column(
        enum_type(DeliveryOutcome, "delivery_outcome"), default=DeliveryOutcome.PENDING)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    reason: Mapped[str] = mapped_column(Text, default="")

    order: Mapped[Order] = relationship()
    delivered_by: Mapped[User] = relationship(foreign_keys=[delivered_by_id])
    answered_by: Mapped[User | None] = relationship(foreign_keys=[answered_by_id])
    documents: Mapped[list[DeliveryDocument]] = relationship(
        back_populates="delivery", order_by="DeliveryDocument.id")


class DeliveryDocument(Model):
    """A file sent with a delivery (report, photos, attendance lists). ``content`` is
    deferred: listing the documents never loads the bytes."""

    __tablename__ = "delivery_document"
    __table_args__ = (CheckConstraint("size_bytes > 0", name="size_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    delivery_id: Mapped[int] = mapped_column(ForeignKey("delivery.id"), index=True)
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(100))
    size_bytes: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    delivery: Mapped[Delivery] = relationship(back_populates="documents")


class OrderForm(Model):
    """The order form's data, frozen when the order became ``assigned`` (DESIGN §9): the JSON
    of :class:`app.execution.order_form.OrderFormData`. The PDFs are rendered from it by the
    worker (``issued_at`` once all languages are stored, their sha256 in the audit trail)."""

    __tablename__ = "order_form"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("order.id"), unique=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    issued_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    files: Mapped[list[OrderFormFile]] = relationship(back_populates="form",
                                                       order_by="OrderFormFile.language")


class OrderFormFile(Model):
    """One language's PDF of an order form, as rendered once (``pdf`` deferred)."""

    __tablename__ = "order_form_file"
    __table_args__ = (UniqueConstraint("order_form_id", "language"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    order_form_id: Mapped[int] = mapped_column(ForeignKey("order_form.id"))
    language: Mapped[str] = mapped_column(String(2))
    sha256: Mapped[str] = mapped_column(String(64))
    pdf: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    form: Mapped[OrderForm] = relationship(back_populates="files")
