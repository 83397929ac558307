"""Organisations (public bodies), users, login sessions, API tokens and one-time tokens."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.common.db import enum_type
from app.common.time import UTCDateTime, utcnow
from app.extensions import Model


class OrganisationType(enum.StrEnum):
    COMMUNE = "commune"
    CPAS = "cpas"
    REGIONAL_ADMINISTRATION = "regional_administration"
    REGIONAL_AGENCY = "regional_agency"
    PUBLIC_INTEREST_BODY = "public_interest_body"
    CITIZEN_COLLECTIVE = "citizen_collective"


class AdhesionStatus(enum.StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    SUSPENDED = "suspended"


class Role(enum.StrEnum):
    BUYER = "buyer"
    VENDOR = "vendor"
    STAFF = "staff"
    ADMIN = "admin"


class Language(enum.StrEnum):
    FR = "fr"
    NL = "nl"
    EN = "en"


class Organisation(Model):
    __tablename__ = "organisation"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    type: Mapped[OrganisationType] = mapped_column(enum_type(OrganisationType, "org_type"))
    enterprise_number: Mapped[str | None] = mapped_column(String(20))
    address: Mapped[str] = mapped_column(String(300), default="")
    # Where invoices go when it is not the address above, and who handles them (DESIGN §9:
    # copied onto each order form when the order is assigned).
    invoicing_address: Mapped[str | None] = mapped_column(Text)
    invoicing_contact_name: Mapped[str | None] = mapped_column(String(200))
    invoicing_contact_email: Mapped[str | None] = mapped_column(String(254))
    status: Mapped[AdhesionStatus] = mapped_column(
        enum_type(AdhesionStatus, "adhesion_status"), default=AdhesionStatus.PENDING
    )
    status_reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", use_alter=True, name="fk_organisation_decided_by_id_user")
    )

    members: Mapped[list[User]] = relationship(
        back_populates="organisation", foreign_keys="User.organisation_id"
    )

    @property
    def may_order(self) -> bool:
        return self.status is AdhesionStatus.APPROVED


class User(Model):
    __tablename__ = "user"
    __table_args__ = (
        CheckConstraint(
            "(role = 'buyer' AND organisation_id IS NOT NULL AND vendor_id IS NULL)"
            " OR (role = 'vendor' AND vendor_id IS NOT NULL AND organisation_id IS NULL)"
            " OR (role IN ('staff', 'admin') AND organisation_id IS NULL AND vendor_id IS NULL)",
            name="role_affiliation",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stored lower-cased; uq_user_email_lower makes uniqueness case-insensitive anyway.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    full_name: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str | None] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(enum_type(Role, "user_role"))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    vendor_id: Mapped[int | None] = mapped_column(ForeignKey("vendor.id"), index=True)
    language: Mapped[Language] = mapped_column(enum_type(Language, "user_language"),
                                               default=Language.FR)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Set when the person's data was erased at their request (app.legal.erasure): the row stays
    # (orders and the audit trail point at it), its name is then shown as a pseudonym.
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    organisation: Mapped[Organisation | None] = relationship(
        back_populates="members", foreign_keys=[organisation_id]
    )
    # app.vendors.models.Vendor, named by string: vendors sit above auth (DESIGN §7).
    vendor: Mapped[Any] = relationship("Vendor")

    @property
    def session_key(self) -> str | None:
        """Which server-side login session this request belongs to (set by the loader)."""
        return self.__dict__.get("_login_session_key")

    @session_key.setter
    def session_key(self, value: str | None) -> None:
        self.__dict__["_login_session_key"] = value

    # Flask-Login's user protocol.
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    @property
    def is_active(self) -> bool:
        return self.active

    def get_id(self) -> str | None:
        return self.session_key

    @property
    def is_staff(self) -> bool:
        return self.role in (Role.STAFF, Role.ADMIN)

    @property
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN

    @property
    def display_name(self) -> str:
        if self.erased_at is not None:
            return str(_l("Erased user #%(number)s", number=self.id))
        return self.full_name or self.email

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email} {self.role}>"


# One account per address and one organisation per name, whatever the case: the database
# decides, so two registrations at the same moment cannot both pass the service's check.
Index("uq_user_email_lower", func.lower(User.email), unique=True)
Index("uq_organisation_name_lower", func.lower(Organisation.name), unique=True)


class LoginSession(Model):
    """A server-side login: logout deletes the row, so a copied session cookie stops working."""

    __tablename__ = "login_session"

    # sha256 of the random key kept in the signed session cookie.
    key_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    user_agent: Mapped[str] = mapped_column(String(300), default="")

    user: Mapped[User] = relationship()


class ApiToken(Model):
    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100), default="")
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The first characters, shown in the UI so a person can tell tokens apart.
    prefix: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()


class OneTimeTokenPurpose(enum.StrEnum):
    PASSWORD_RESET = "password_reset"  # noqa: S105 - a purpose name, not a secret
    INVITATION = "invitation"


class OneTimeToken(Model):
    """Single-use, expiring token sent by e-mail (password reset, account invitation)."""

    __tablename__ = "one_time_token"
    __table_args__ = (Index("ix_one_time_token_user_purpose", "user_id", "purpose"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    purpose: Mapped[OneTimeTokenPurpose] = mapped_column(
        enum_type(OneTimeTokenPurpose, "one_time_token_purpose")
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()
