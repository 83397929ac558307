"""Contracted vendor companies."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.common.time import UTCDateTime, utcnow
from app.extensions import Model


class Vendor(Model):
    __tablename__ = "vendor"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    enterprise_number: Mapped[str | None] = mapped_column(String(20))
    contact_email: Mapped[str | None] = mapped_column(String(254))
    # Languages the vendor works in, e.g. "fr,nl,en".
    service_languages: Mapped[str] = mapped_column(String(20), default="fr,nl")
    presentation_fr: Mapped[str] = mapped_column(Text, default="")
    presentation_nl: Mapped[str] = mapped_column(Text, default="")
    presentation_en: Mapped[str] = mapped_column(Text, default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<Vendor {self.id} {self.name!r}>"
