"""Orders, their lines, staff approvals, the hash-chained audit trail and idempotency keys."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.auth.models import Organisation, User
from app.catalogue.models import CatalogueItem, Lot
from app.common.db import enum_type
from app.common.time import UTCDateTime, to_brussels, utcnow
from app.extensions import Model
from app.vendors.models import Vendor


class OrderStatus(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    CHANGES_REQUESTED = "changes_requested"
    APPROVED = "approved"
    AWAITING_VENDOR = "awaiting_vendor"
    ASSIGNED = "assigned"
    ESCALATED = "escalated"
    DELIVERED = "delivered"
    COMPLETED = "completed"
    CLOSED = "closed"
    REJECTED = "rejected"
    CANCELLED = "cancelled"


# Orders whose value counts against the lot and framework ceilings.
COMMITTED_STATUSES = (
    OrderStatus.APPROVED, OrderStatus.AWAITING_VENDOR, OrderStatus.ASSIGNED,
    OrderStatus.ESCALATED, OrderStatus.DELIVERED, OrderStatus.COMPLETED, OrderStatus.CLOSED,
)


class ParticipationLevel(enum.StrEnum):
    INFORM = "inform"
    CONSULT = "consult"
    INVOLVE = "involve"
    COLLABORATE = "collaborate"
    EMPOWER = "empower"


class Order(Model):
    __tablename__ = "order"
    __table_args__ = (
        CheckConstraint("total_excl_vat_cents >= 0", name="total_positive"),
        Index("ix_order_status_lot", "status", "lot_id"),
        # The lists' filters and sorts, so a page of 25 is read from an index, not sorted
        # from every order (EXPLAIN at 100,000 orders: bench/explain.py).
        Index("ix_order_status_submitted_at", "status", "submitted_at", "id"),
        Index("ix_order_status_created_at", "status", "created_at", "id"),
        Index("ix_order_status_amount", "status", "total_excl_vat_cents", "id"),
        Index("ix_order_organisation_created_at", "organisation_id", "created_at", "id"),
        Index("ix_order_vendor_created_at", "vendor_id", "created_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    lot_id: Mapped[int] = mapped_column(ForeignKey("lot.id"))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    status: Mapped[OrderStatus] = mapped_column(enum_type(OrderStatus, "order_status"),
                                                default=OrderStatus.DRAFT)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    objectives: Mapped[str] = mapped_column(Text, default="")
    participation_level: Mapped[ParticipationLevel] = mapped_column(
        enum_type(ParticipationLevel, "participation_level"))
    target_audiences: Mapped[str] = mapped_column(Text, default="")
    commune: Mapped[str] = mapped_column(String(40))
    planned_start: Mapped[date | None] = mapped_column(Date)
    planned_end: Mapped[date | None] = mapped_column(Date)
    inclusion_measures: Mapped[str] = mapped_column(Text, default="")
    public_consent: Mapped[bool] = mapped_column(Boolean, default=False)

    total_excl_vat_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    total_vat_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    total_incl_vat_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    # What a closed order still commits: what was invoiced (set by the closing).
    closed_committed_cents: Mapped[int | None] = mapped_column(BigInteger)
    # Staff approvals needed (two above the four-eyes threshold), fixed at submission.
    approvals_required: Mapped[int] = mapped_column(Integer, default=1)
    # Each submission starts a new round: approvals of an earlier round no longer count.
    submission_round: Mapped[int] = mapped_column(Integer, default=0)
    vendor_id: Mapped[int | None] = mapped_column(ForeignKey("vendor.id"))
    last_reason: Mapped[str] = mapped_column(Text, default="")
    # Each dispatch (and each staff redispatch) is a round of vendor attempts.
    dispatch_round: Mapped[int] = mapped_column(Integer, default=0)

    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Hash of the latest OrderEvent and how many there are: deleting the last event of the
    # chain is detected too.
    audit_head: Mapped[str] = mapped_column(String(64), default="")
    audit_count: Mapped[int] = mapped_column(Integer, default=0)

    organisation: Mapped[Organisation] = relationship()
    lot: Mapped[Lot] = relationship()
    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])
    vendor: Mapped[Vendor | None] = relationship()
    lines: Mapped[list[OrderLine]] = relationship(
        back_populates="order", cascade="all, delete-orphan", order_by="OrderLine.id")
    approvals: Mapped[list[OrderApproval]] = relationship(
        back_populates="order", order_by="OrderApproval.id")

    @property
    def reference(self) -> str:
        # The year in Brussels: an order made at 00:30 on 1 January belongs to the new year.
        return f"PP-{to_brussels(self.created_at).year}-{self.id:05d}"

    @property
    def approvals_count(self) -> int:
        return sum(1 for a in self.approvals if a.round == self.submission_round)


class OrderLine(Model):
    __tablename__ = "order_line"
    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity_positive"),
        UniqueConstraint("order_id", "item_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("order.id", ondelete="CASCADE"),
                                          index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("catalogue_item.id"))
    quantity: Mapped[int] = mapped_column(Integer)
    # The price the order was made at: later revisions of the item do not change it.
    unit_price_cents: Mapped[int] = mapped_column(BigInteger)
    vat_rate_bp: Mapped[int] = mapped_column(Integer)
    line_excl_vat_cents: Mapped[int] = mapped_column(BigInteger)
    line_vat_cents: Mapped[int] = mapped_column(BigInteger)

    order: Mapped[Order] = relationship(back_populates="lines")
    item: Mapped[CatalogueItem] = relationship()


class OrderApproval(Model):
    __tablename__ = "order_approval"
    __table_args__ = (UniqueConstraint("order_id", "round", "staff_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("order.id", ondelete="CASCADE"))
    round: Mapped[int] = mapped_column(Integer)
    staff_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    order: Mapped[Order] = relationship(back_populates="approvals")
    staff: Mapped[User] = relationship()


class CeilingNotice(Model):
    """Staff were told that a lot's or a framework's commitment passed ``threshold`` % of its
    ceiling (DESIGN §9: once per threshold): ``scope`` is ``lot:<id>`` or ``framework:<id>``."""

    __tablename__ = "ceiling_notice"
    __table_args__ = (UniqueConstraint("scope", "threshold"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    scope: Mapped[str] = mapped_column(String(40))
    threshold: Mapped[int] = mapped_column(Integer)
    order_id: Mapped[int] = mapped_column(ForeignKey("order.id", ondelete="CASCADE"))
    committed_cents: Mapped[int] = mapped_column(BigInteger)
    ceiling_cents: Mapped[int] = mapped_column(BigInteger)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class OrderEvent(Model):
    """Append-only audit trail; ``hash = sha256(prev_hash + canonical JSON of the row)``."""

    __tablename__ = "order_event"
    __table_args__ = (UniqueConstraint("order_id", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("order.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    action: Mapped[str] = mapped_column(String(40))
    from_state: Mapped[str | None] = mapped_column(String(32))
    to_state: Mapped[str | None] = mapped_column(String(32))
    reason: Mapped[str] = mapped_column(Text, default="")
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))

    actor: Mapped[User | None] = relationship()


class IdempotencyKey(Model):
    """A write's key, the fingerprint of its body and the response it got (per user)."""

    __tablename__ = "idempotency_key"
    __table_args__ = (UniqueConstraint("user_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(200))
    request_hash: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int] = mapped_column(Integer)
    response: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
