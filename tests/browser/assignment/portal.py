"""Putting orders in their assignment states in the live app, for the vendor-portal tests.

Orders are made through the services in the live app's context (the worker's dispatch is
called directly: the browser tier records outbox messages instead of sending them).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tests.browser.support import BUYER, STAFF, LiveApp

LANGUAGES = ["fr", "nl"]


@dataclass(frozen=True)
class Attempt:
    id: int
    vendor_email: str
    vendor_name: str


@dataclass(frozen=True)
class Dispatched:
    order_id: int
    reference: str
    attempts: list[Attempt]


def dispatch(live: LiveApp, lot_number: int, code: str, title: str) -> Dispatched:
    """A buyer's order, submitted, approved by staff and dispatched to the vendors."""
    from sqlalchemy import select

    from app.assignment.services import dispatch as dispatching
    from app.assignment.services import rounds
    from app.auth.models import Role, User
    from app.auth.services import user_by_email
    from app.catalogue.services import browse
    from app.extensions import db
    from app.orders import services

    with live.app.app_context():
        buyer, staff = user_by_email(BUYER), user_by_email(STAFF)
        assert buyer is not None and staff is not None
        item = browse.get_current_item(code)
        assert item.lot.number == lot_number
        order = services.create_order(buyer, services.OrderInput(
            lot_id=item.lot_id, title=title, objectives="Rencontrer les habitants du quartier",
            participation_level="consult", commune="forest",
            description="Deux balades et un atelier", target_audiences="Aînés et jeunes",
            inclusion_measures="Parcours sans marches",
            lines=[services.LineInput(item.id, 1)]))
        db.session.commit()
        services.submit(buyer, order.id)
        services.approve(staff, order.id)
        db.session.commit()
        dispatching.dispatch(order.id)
        db.session.commit()
        attempts = []
        for attempt in rounds.attempts_of(order):
            user = db.session.execute(select(User).where(
                User.vendor_id == attempt.vendor_id, User.role == Role.VENDOR)
                .order_by(User.id)).scalars().first()
            assert user is not None
            attempts.append(Attempt(attempt.id, user.email, attempt.vendor.name))
        return Dispatched(order.id, order.reference, attempts)


def answer(live: LiveApp, attempt: Attempt, action: str, **kw: Any) -> list[Attempt]:
    """Answer as the attempt's vendor through the service; returns the order's attempts."""
    from app.assignment.services import answers
    from app.auth.services import user_by_email
    from app.extensions import db

    with live.app.app_context():
        user = user_by_email(attempt.vendor_email)
        assert user is not None
        order = getattr(answers, action)(user, attempt.id, **kw)
        db.session.commit()
        order_id = order.id
    return attempts_of(live, order_id)


def deadline(live: LiveApp, attempt_id: int, lang: str, fmt: str) -> str:
    from flask_babel import format_datetime

    from app.assignment.models import VendorAttempt
    from app.common.i18n import in_language
    from app.extensions import db

    with live.app.app_context(), in_language(lang):
        row = db.session.get(VendorAttempt, attempt_id)
        assert row is not None
        return str(format_datetime(row.expires_at, fmt))


def order_status(live: LiveApp, order_id: int) -> str:
    from app.extensions import db
    from app.orders.models import Order

    with live.app.app_context():
        order = db.session.get(Order, order_id)
        assert order is not None
        return order.status.value


def attempts_of(live: LiveApp, order_id: int) -> list[Attempt]:
    from sqlalchemy import select

    from app.assignment.models import VendorAttempt
    from app.auth.models import Role, User
    from app.extensions import db

    with live.app.app_context():
        result = []
        for row in db.session.execute(select(VendorAttempt).where(
                VendorAttempt.order_id == order_id).order_by(VendorAttempt.attempt_no)).scalars():
            owner = db.session.execute(select(User).where(
                User.vendor_id == row.vendor_id, User.role == Role.VENDOR)
                .order_by(User.id)).scalars().first()
            assert owner is not None
            result.append(Attempt(row.id, owner.email, row.vendor.name))
        return result



PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
