"""The vendors' answers to the accounts' questions about companies (app.auth.companies)."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import select

from app.auth import companies
from app.extensions import db
from app.vendors.models import Vendor


def vendor_choices() -> list[tuple[int, str]]:
    return [(v.id, v.name)
            for v in db.session.execute(select(Vendor).order_by(Vendor.name)).scalars()]


def vendor_exists(vendor_id: int) -> bool:
    return db.session.get(Vendor, vendor_id) is not None


def register(app: Flask) -> None:
    companies.vendor_choices.answer(vendor_choices)
    companies.vendor_exists.answer(vendor_exists)
