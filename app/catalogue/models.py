"""Frameworks, lots, vendor memberships and priced items.

Prices are integer cents excluding VAT; a price revision adds a row with a new
``valid_from`` and closes the previous one, so past orders keep resolving their price.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    event,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.common import money
from app.common.db import enum_type
from app.common.text import search_document
from app.common.time import UTCDateTime, utcnow
from app.extensions import Model
from app.vendors.models import Vendor


class FrameworkStatus(enum.StrEnum):
    DRAFT = "draft"
    ACTIVE = "active"
    EXPIRED = "expired"


class AwardMethod(enum.StrEnum):
    CASCADE = "cascade"
    MINI_COMPETITION = "mini_competition"


class MembershipStatus(enum.StrEnum):
    ACTIVE = "active"
    SUSPENDED = "suspended"
    TERMINATED = "terminated"


class Unit(enum.StrEnum):
    DAY = "day"
    HALF_DAY = "half_day"
    WORKSHOP = "workshop"
    ITEM = "item"
    LUMP_SUM = "lump_sum"


class Framework(Model):
    __tablename__ = "framework"
    __table_args__ = (CheckConstraint("max_value_cents >= 0", name="max_value_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(50), unique=True)
    title_fr: Mapped[str] = mapped_column(String(300))
    title_nl: Mapped[str] = mapped_column(String(300))
    title_en: Mapped[str] = mapped_column(String(300))
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    max_value_cents: Mapped[int] = mapped_column(BigInteger)
    status: Mapped[FrameworkStatus] = mapped_column(
        enum_type(FrameworkStatus, "framework_status"), default=FrameworkStatus.DRAFT
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    lots: Mapped[list[Lot]] = relationship(back_populates="framework", order_by="Lot.number")

    def title(self, language: str) -> str:
        return str(getattr(self, f"title_{language}", None) or self.title_fr)


class Lot(Model):
    __tablename__ = "lot"
    __table_args__ = (UniqueConstraint("framework_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    framework_id: Mapped[int] = mapped_column(ForeignKey("framework.id"))
    number: Mapped[int] = mapped_column(Integer)
    title_fr: Mapped[str] = mapped_column(String(300))
    title_nl: Mapped[str] = mapped_column(String(300))
    title_en: Mapped[str] = mapped_column(String(300))
    award_method: Mapped[AwardMethod] = mapped_column(enum_type(AwardMethod, "award_method"))
    ceiling_cents: Mapped[int | None] = mapped_column(BigInteger)
    response_working_days: Mapped[int] = mapped_column(Integer, default=5)
    description_fr: Mapped[str] = mapped_column(Text, default="")
    description_nl: Mapped[str] = mapped_column(Text, default="")
    description_en: Mapped[str] = mapped_column(Text, default="")

    framework: Mapped[Framework] = relationship(back_populates="lots")
    memberships: Mapped[list[LotMembership]] = relationship(back_populates="lot",
                                                            order_by="LotMembership.rank")
    items: Mapped[list[CatalogueItem]] = relationship(back_populates="lot")

    def title(self, language: str) -> str:
        return str(getattr(self, f"title_{language}", None) or self.title_fr)

    def description(self, language: str) -> str:
        return str(getattr(self, f"description_{language}", None) or self.description_fr)


class LotMembership(Model):
    __tablename__ = "lot_membership"
    __table_args__ = (
        UniqueConstraint("lot_id", "vendor_id"),
        # Ranks are unique among a lot's active members only.
        Index("uq_lot_membership_active_rank", "lot_id", "rank", unique=True,
              postgresql_where=text("status = 'active'"), sqlite_where=text("status = 'active'")),
        CheckConstraint("rank >= 1", name="rank_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    lot_id: Mapped[int] = mapped_column(ForeignKey("lot.id"))
    vendor_id: Mapped[int] = mapped_column(ForeignKey("vendor.id"))
    rank: Mapped[int] = mapped_column(Integer)
    status: Mapped[MembershipStatus] = mapped_column(
        enum_type(MembershipStatus, "membership_status"), default=MembershipStatus.ACTIVE
    )
    status_reason: Mapped[str] = mapped_column(Text, default="")

    lot: Mapped[Lot] = relationship(back_populates="memberships")
    vendor: Mapped[Vendor] = relationship()


class CatalogueItem(Model):
    __tablename__ = "catalogue_item"
    __table_args__ = (
        UniqueConstraint("code", "valid_from"),
        CheckConstraint("unit_price_cents >= 0", name="price_positive"),
        CheckConstraint("vat_rate_bp >= 0 AND vat_rate_bp <= 10000", name="vat_rate_range"),
        CheckConstraint("valid_to IS NULL OR valid_to >= valid_from", name="validity_order"),
        # Accent- and case-free words, searched with LIKE '% word%'; trigram-indexed on
        # PostgreSQL so that stays fast (SQLite gets a plain index it will not use).
        Index("ix_catalogue_item_search_text", "search_text", postgresql_using="gin",
              postgresql_ops={"search_text": "gin_trgm_ops"}),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    lot_id: Mapped[int] = mapped_column(ForeignKey("lot.id"), index=True)
    code: Mapped[str] = mapped_column(String(40), index=True)
    title_fr: Mapped[str] = mapped_column(String(300))
    title_nl: Mapped[str] = mapped_column(String(300))
    title_en: Mapped[str] = mapped_column(String(300))
    description_fr: Mapped[str] = mapped_column(Text, default="")
    description_nl: Mapped[str] = mapped_column(Text, default="")
    description_en: Mapped[str] = mapped_column(Text, default="")
    unit: Mapped[Unit] = mapped_column(enum_type(Unit, "item_unit"))
    unit_price_cents: Mapped[int] = mapped_column(BigInteger)
    # VAT in basis points (2100 = 21 %), so it stays an integer like the money.
    vat_rate_bp: Mapped[int] = mapped_column(Integer, default=2100)
    valid_from: Mapped[date] = mapped_column(Date)
    # Last day the price applies (inclusive); NULL while it is the latest price.
    valid_to: Mapped[date | None] = mapped_column(Date)
    search_text: Mapped[str] = mapped_column(Text, default="")

    lot: Mapped[Lot] = relationship(back_populates="items")

    def title(self, language: str) -> str:
        return str(getattr(self, f"title_{language}", None) or self.title_fr)

    def description(self, language: str) -> str:
        return str(getattr(self, f"description_{language}", None) or self.description_fr)

    def valid_on(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)

    @property
    def vat_cents(self) -> int:
        return money.vat_cents(self.unit_price_cents, self.vat_rate_bp)

    @property
    def unit_price_incl_vat_cents(self) -> int:
        return self.unit_price_cents + self.vat_cents

    def refresh_search_text(self) -> None:
        self.search_text = search_document(
            self.code, self.title_fr, self.title_nl, self.title_en,
            self.description_fr, self.description_nl, self.description_en)


@event.listens_for(CatalogueItem, "before_insert")
@event.listens_for(CatalogueItem, "before_update")
def _keep_search_text(_mapper: object, _connection: object, item: CatalogueItem) -> None:
    item.refresh_search_text()
