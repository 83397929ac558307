"""Plain helpers shared by the vendor-assignment unit tests: an approved order, its dispatch,
its attempts. Not a test module; the fixtures are in conftest.py."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from sqlalchemy import select, update

from app.assignment.models import AttemptKind, AttemptState, VendorAttempt
from app.auth.models import Organisation, Role, User
from app.catalogue.services import browse
from app.catalogue.services import lots as lot_services
from app.common import outbox
from app.common.outbox import OutboxMessage
from app.common.time import utcnow
from app.demo.seed import seed_demo
from app.extensions import db
from app.orders import services
from app.orders.models import Order
from app.orders.signals import DISPATCH


def make_people(make_user: Callable[..., User]) -> dict[str, User]:
    """The demo data, a buyer of its first organisation and two staff members."""
    seed_demo()
    db.session.commit()
    org = db.session.execute(select(Organisation).order_by(Organisation.id)).scalars().first()
    return {"buyer": make_user(organisation=org), "staff": make_user(Role.STAFF),
            "staff2": make_user(Role.STAFF)}


def vendor_user(vendor_id: int) -> User:
    user = db.session.execute(select(User).where(User.vendor_id == vendor_id)
                              .order_by(User.id)).scalars().first()
    assert user is not None
    return user


def approved(people: dict[str, User], code: str = "L3-WS-HALF", quantity: int = 2) -> Order:
    item = browse.get_current_item(code)
    order = services.create_order(people["buyer"], services.OrderInput(
        lot_id=item.lot_id, title="Atelier", objectives="Avis", participation_level="consult",
        commune="forest", lines=[services.LineInput(item.id, quantity)]))
    db.session.flush()
    services.submit(people["buyer"], order.id)
    services.approve(people["staff"], order.id)
    db.session.commit()
    return order


def dispatch_messages(order: Order) -> list[OutboxMessage]:
    return [m for m in db.session.execute(select(OutboxMessage).where(
        OutboxMessage.kind == DISPATCH)).scalars()
        if m.payload.get("order_id") == order.id]


def run_dispatch(order: Order) -> None:
    (message,) = dispatch_messages(order)
    assert outbox.deliver(message.id) == "sent"
    db.session.refresh(order)


def attempts(order: Order) -> list[VendorAttempt]:
    return list(db.session.execute(select(VendorAttempt).where(
        VendorAttempt.order_id == order.id).order_by(VendorAttempt.attempt_no)
        .execution_options(populate_existing=True)).scalars())


def open_attempt(order: Order) -> VendorAttempt:
    (attempt,) = [a for a in attempts(order) if a.state in (AttemptState.OFFERED,
                                                             AttemptState.INVITED)]
    return attempt


def overdue(attempt: VendorAttempt) -> None:
    db.session.execute(update(VendorAttempt).where(VendorAttempt.id == attempt.id)
                       .values(expires_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()


def competition(people: dict[str, User]) -> tuple[Order, list[VendorAttempt]]:
    lot5 = next(lot for lot in lot_services.list_lots() if lot.number == 5)
    code = next(i.code for i in browse.search_items(browse.ItemFilters(lot_id=lot5.id))
                .items if i.unit_price_cents >= 100000)
    order = approved(people, code, 1)
    run_dispatch(order)
    invitations = attempts(order)
    assert all(a.kind is AttemptKind.INVITATION for a in invitations)
    assert len(invitations) == len(lot_services.active_members(lot5)) >= 3
    return order, invitations

