"""Vendor assignment end to end: approval commit → outbox → a real worker process → offers."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import Flask
from sqlalchemy import select, update

from app.auth.models import Organisation, Role, User
from app.auth.services import hash_password
from app.catalogue import services as catalogue
from app.common import audit
from app.common.time import utcnow
from app.demo import seed_demo
from app.extensions import db
from app.orders import assignment, services
from app.orders.models import AttemptState, Order, OrderStatus, VendorAttempt
from tests.integration.conftest import Process, wait_until


def _approve(app: Flask) -> int:
    """Seed, then a buyer's order approved by staff: the commit queues the dispatch."""
    with app.app_context():
        seed_demo()
        org = db.session.execute(select(Organisation).order_by(Organisation.id)
                                 ).scalars().first()
        buyer = User(email="flow-buyer@example.org", role=Role.BUYER, organisation=org,
                     password_hash=hash_password("irrelevant pass"))
        staff = User(email="flow-staff@example.org", role=Role.STAFF,
                     password_hash=hash_password("irrelevant pass"))
        db.session.add_all([buyer, staff])
        db.session.commit()
        item = catalogue.get_current_item("L3-WS-HALF")
        order = services.create_order(buyer, services.OrderInput(
            lot_id=item.lot_id, title="Flow", objectives="Flow", participation_level="consult",
            commune="jette", lines=[services.LineInput(item.id, 1)]))
        db.session.flush()
        services.submit(buyer, order.id)
        services.approve(staff, order.id)
        db.session.commit()  # after commit: the dispatch message goes to the broker
        return order.id


def _state(app: Flask, order_id: int) -> tuple[OrderStatus, list[tuple[int, AttemptState]]]:
    with app.app_context():
        order = db.session.get(Order, order_id)
        assert order is not None
        rows = db.session.execute(select(VendorAttempt).where(
            VendorAttempt.order_id == order_id).order_by(VendorAttempt.attempt_no)).scalars()
        result = order.status, [(a.rank, a.state) for a in rows]
        db.session.remove()
        return result


def _open(app: Flask, order_id: int) -> tuple[int, User]:
    with app.app_context():
        attempt = db.session.execute(select(VendorAttempt).where(
            VendorAttempt.order_id == order_id,
            VendorAttempt.state == AttemptState.OFFERED)).scalar_one()
        user = db.session.execute(select(User).where(User.vendor_id == attempt.vendor_id)
                                  .order_by(User.id)).scalars().first()
        assert user is not None
        db.session.expunge(user)
        return attempt.id, user


def _as(app: Flask, call: Any) -> None:
    with app.app_context():
        call()
        db.session.commit()


def test_decline_expire_accept_through_the_worker(app: Flask, worker: Process) -> None:
    order_id = _approve(app)
    wait_until(lambda: _state(app, order_id)[0] is OrderStatus.AWAITING_VENDOR, 30,
               "the worker dispatched the approved order")
    assert _state(app, order_id)[1] == [(1, AttemptState.OFFERED)]

    first, vendor = _open(app, order_id)
    _as(app, lambda: assignment.decline(db.session.merge(vendor), first, "Fully booked"))
    assert _state(app, order_id)[1][-1] == (2, AttemptState.OFFERED)

    second, _vendor = _open(app, order_id)
    with app.app_context():  # the clock moves past the deadline
        db.session.execute(update(VendorAttempt).where(VendorAttempt.id == second)
                           .values(expires_at=utcnow() - timedelta(seconds=1)))
        db.session.commit()
    with app.app_context():  # as `flask sweep` (or beat) would
        swept = app.test_cli_runner().invoke(args=["sweep"])
    assert "1 expired" in swept.output, swept.output
    third, vendor = _open(app, order_id)
    _as(app, lambda: assignment.accept(db.session.merge(vendor), third, False))

    status, attempts = _state(app, order_id)
    assert status is OrderStatus.ASSIGNED
    assert attempts == [(1, AttemptState.DECLINED), (2, AttemptState.EXPIRED),
                        (3, AttemptState.ACCEPTED)]
    with app.app_context():
        assert audit.verify()[1] is None
