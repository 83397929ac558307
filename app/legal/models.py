"""A person's request to have their personal data erased, and how staff decided it."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.auth.models import User
from app.common.db import enum_type
from app.common.time import UTCDateTime, utcnow
from app.extensions import Model


class ErasureState(enum.StrEnum):
    PENDING = "pending"
    APPROVED = "approved"  # and carried out: the person is pseudonymised
    REFUSED = "refused"


class ErasureRequest(Model):
    __tablename__ = "erasure_request"
    __table_args__ = (Index("ix_erasure_request_state", "state", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    state: Mapped[ErasureState] = mapped_column(enum_type(ErasureState, "erasure_state"),
                                                default=ErasureState.PENDING)
    # Why staff refused (told to the requester); empty otherwise.
    reason: Mapped[str] = mapped_column(Text, default="")
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
