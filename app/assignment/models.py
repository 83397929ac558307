"""Vendor attempts (an offer in a cascade, an invitation in a mini-competition) and the
documents sent with quotes."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.common.db import enum_type
from app.common.time import UTCDateTime, utcnow
from app.extensions import Model
from app.orders.models import Order
from app.vendors.models import Vendor


class AttemptKind(enum.StrEnum):
    OFFER = "offer"            # cascade: one vendor at a time, in rank order
    INVITATION = "invitation"  # mini-competition: every active vendor of the lot at once


class AttemptState(enum.StrEnum):
    OFFERED = "offered"
    ACCEPTED = "accepted"
    INVITED = "invited"
    QUOTED = "quoted"
    AWARDED = "awarded"
    NOT_AWARDED = "not_awarded"
    DECLINED = "declined"
    EXPIRED = "expired"
    WITHDRAWN = "withdrawn"


OPEN_ATTEMPT_STATES = (AttemptState.OFFERED, AttemptState.INVITED)


class VendorAttempt(Model):
    """One vendor asked to take one order: an offer (cascade) or an invitation (quote)."""

    __tablename__ = "vendor_attempt"
    __table_args__ = (
        UniqueConstraint("order_id", "round", "vendor_id"),
        UniqueConstraint("order_id", "attempt_no"),
        # At most one vendor ever wins an order.
        Index("uq_vendor_attempt_one_winner", "order_id", unique=True,
              postgresql_where=text("state IN ('accepted', 'awarded')"),
              sqlite_where=text("state IN ('accepted', 'awarded')")),
        Index("ix_vendor_attempt_open_deadline", "state", "expires_at"),
        # A vendor's offers, newest first (the inbox and GET /api/v1/offers).
        Index("ix_vendor_attempt_vendor_created_at", "vendor_id", "created_at", "id"),
        CheckConstraint("price_cents IS NULL OR price_cents >= 0", name="price_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("order.id"), index=True)
    vendor_id: Mapped[int] = mapped_column(ForeignKey("vendor.id"), index=True)
    kind: Mapped[AttemptKind] = mapped_column(enum_type(AttemptKind, "attempt_kind"))
    round: Mapped[int] = mapped_column(Integer)
    attempt_no: Mapped[int] = mapped_column(Integer)
    rank: Mapped[int] = mapped_column(Integer)
    state: Mapped[AttemptState] = mapped_column(enum_type(AttemptState, "attempt_state"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    responded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    reason: Mapped[str] = mapped_column(Text, default="")
    conflict_of_interest: Mapped[bool | None] = mapped_column(Boolean)
    price_cents: Mapped[int | None] = mapped_column(BigInteger)
    note: Mapped[str] = mapped_column(Text, default="")
    # Times the deadline sweeper failed on this attempt (bounded: then staff take over).
    sweep_failures: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))

    order: Mapped[Order] = relationship()
    vendor: Mapped[Vendor] = relationship()


class QuoteDocument(Model):
    """The PDF a vendor sent with its quote. A table of its own, so listing attempts never
    loads the bytes; ``content`` is deferred, so loading the row for its name and size
    does not either."""

    __tablename__ = "quote_document"
    __table_args__ = (CheckConstraint("size_bytes > 0", name="size_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("vendor_attempt.id"), unique=True)
    filename: Mapped[str] = mapped_column(String(200))
    size_bytes: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
