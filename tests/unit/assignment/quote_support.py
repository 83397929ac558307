"""Plain helpers shared by the quote-document unit tests: a mini-competition on the demo data,
its attempts, documents and events. Not a test module."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import func, select
from werkzeug.http import parse_options_header

from app.assignment.models import AttemptState, QuoteDocument, VendorAttempt
from app.assignment.services import answers, rounds
from app.assignment.services import dispatch as dispatching
from app.auth.models import Role, User
from app.catalogue.services import browse
from app.catalogue.services import lots as lot_services
from app.extensions import db
from app.orders import services
from app.orders.models import Order, OrderEvent

Clients = Callable[[User], FlaskClient]
MB = 1024 * 1024
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Type /Catalog >> endobj\ntrailer\n%%EOF\n"


def competition(demo_world: dict[str, User]) -> tuple[Order, list[VendorAttempt]]:
    """An approved order of the mini-competition lot, every active vendor invited."""
    buyer, staff = demo_world["buyer1"], demo_world["staff1"]
    lot = next(lot for lot in lot_services.list_lots() if lot.number == 5)
    order = services.create_order(buyer, services.OrderInput(
        lot_id=lot.id, title="Permanence de rue", objectives="Rencontrer les habitants",
        participation_level="consult", commune="forest",
        lines=[services.LineInput(browse.get_current_item("L5-STREET").id, 1)]))
    db.session.commit()
    services.submit(buyer, order.id)
    services.approve(staff, order.id)
    db.session.commit()
    assert dispatching.dispatch(order.id) == "invited"
    db.session.commit()
    invitations = attempts_of(order)
    assert len(invitations) >= 3
    return order, invitations


def attempts_of(order: Order) -> list[VendorAttempt]:
    db.session.expire_all()
    return rounds.attempts_of(order)


def user_of(attempt: VendorAttempt) -> User:
    return db.session.execute(select(User).where(
        User.vendor_id == attempt.vendor_id, User.role == Role.VENDOR)
        .order_by(User.id)).scalars().first()  # type: ignore[return-value]


def document_rows() -> int:
    return int(db.session.execute(select(func.count()).select_from(QuoteDocument)).scalar_one())


def quote_events(order: Order) -> list[OrderEvent]:
    return list(db.session.execute(select(OrderEvent).where(
        OrderEvent.order_id == order.id, OrderEvent.action == "vendor_quoted")).scalars())


def attachment_name(response: Any) -> str | None:
    kind, options = parse_options_header(response.headers["Content-Disposition"])
    return options.get("filename") if kind == "attachment" else None


def decide(order: Order, invitations: list[VendorAttempt]) -> None:
    """Every vendor not yet answering declines, which closes the competition."""
    for other in invitations:
        if db.session.get(VendorAttempt, other.id).state is AttemptState.INVITED:  # type: ignore[union-attr]
            answers.decline(user_of(other), other.id, "Complet")
            db.session.commit()

