"""A lot membership ended while its vendor answers, on PostgreSQL: whichever takes the order's
lock first wins, and the outcome is one of two consistent ones — the accept first (the order
stays assigned to the vendor, the termination leaves it) or the termination first (the offer
withdrawn, the next rank asked, the accept refused with 409). Never an order assigned to a
vendor whose offer was withdrawn, nor an order waiting with no open offer."""

from __future__ import annotations

import random
import threading
import time

from flask import Flask
from sqlalchemy import select

from app.assignment.models import AttemptState, VendorAttempt
from app.assignment.services import answers
from app.auth.models import Role, User
from app.auth.passwords import hash_password
from app.catalogue.services import lots as lot_services
from app.catalogue.services import memberships as membership_services
from app.common import outbox
from app.common.errors import Conflict
from app.common.outbox import OutboxMessage
from app.extensions import db
from app.orders import audit
from app.orders.models import Order, OrderStatus
from app.orders.signals import DISPATCH
from app.vendors.models import Vendor
from tests.integration.faults import (
    approve_each,
    attempts_of,
    check_invariants,
    lock_waiters,
    rows_locked,
    submitted_orders,
)
from tests.processes import wait_until


def _admin(app: Flask) -> int:
    with app.app_context():
        admin = User(email="race-admin@example.org", role=Role.ADMIN,
                     password_hash=hash_password("irrelevant pass"))
        db.session.add(admin)
        db.session.commit()
        return admin.id


def _new_rank_one(app: Flask, admin_id: int, lot_id: int, number: int) -> tuple[int, int]:
    """A new vendor (with one user) put first in the lot's cascade: (membership, user)."""
    with app.app_context():
        admin = db.session.get(User, admin_id)
        assert admin is not None
        vendor = Vendor(name=f"Race vendor {number}")
        db.session.add(vendor)
        db.session.flush()
        user = User(email=f"race-vendor{number}@example.org", role=Role.VENDOR, vendor=vendor,
                    password_hash=hash_password("irrelevant pass"))
        db.session.add(user)
        membership = membership_services.add_member(admin, lot_id, vendor.id)
        db.session.flush()
        others = [m.id for m in lot_services.active_members(lot_services.get_lot(lot_id))
                  if m.id != membership.id]
        membership_services.set_ranking(admin, lot_id, [membership.id, *others])
        db.session.commit()
        return membership.id, user.id


def _dispatch(app: Flask, order_id: int, staff_id: int) -> int:
    """Approve and dispatch one order; the id of its open offer."""
    approve_each(app, [order_id], staff_id)
    with app.app_context():
        for message_id in db.session.execute(select(OutboxMessage.id).where(
                OutboxMessage.kind == DISPATCH,
                OutboxMessage.sent_at.is_(None))).scalars().all():
            assert outbox.deliver(message_id) == "sent"
        return db.session.execute(select(VendorAttempt.id).where(
            VendorAttempt.order_id == order_id,
            VendorAttempt.state == AttemptState.OFFERED)).scalar_one()


def test_a_membership_terminated_while_its_vendor_accepts_has_one_outcome(
        record_app: Flask, database_url: str) -> None:
    rounds = 12
    order_ids, staff_id = submitted_orders(record_app, rounds)
    admin_id = _admin(record_app)
    with record_app.app_context():
        lot_id = db.session.get(Order, order_ids[0]).lot_id  # type: ignore[union-attr]
    jitter = random.Random(11)
    outcomes = {"accepted first": 0, "terminated first": 0}
    for number, order_id in enumerate(order_ids):
        membership_id, user_id = _new_rank_one(record_app, admin_id, lot_id, number)
        offer_id = _dispatch(record_app, order_id, staff_id)
        result: dict[str, object] = {}

        def accept(delay: float, offer_id: int = offer_id, user_id: int = user_id,
                   result: dict[str, object] = result) -> None:
            time.sleep(delay)
            with record_app.app_context():
                user = db.session.get(User, user_id)
                try:
                    answers.accept(user, offer_id, False)  # type: ignore[arg-type]
                    db.session.commit()
                    result["accept"] = "ok"
                except Conflict as refused:
                    # As the web layer does: keep what the refusal changed, if anything.
                    db.session.commit() if refused.commit else db.session.rollback()
                    result["accept"] = 409

        def terminate(delay: float, membership_id: int = membership_id,
                      result: dict[str, object] = result) -> None:
            time.sleep(delay)
            with record_app.app_context():
                admin = db.session.get(User, admin_id)
                membership_services.terminate_member(admin, membership_id,  # type: ignore[arg-type]
                                           "Contract ended")
                db.session.commit()
                result["terminate"] = "ok"

        # Both wait on the order's row, held from outside, then race for it.
        with rows_locked(database_url, "order", [order_id]):
            threads = [threading.Thread(target=accept, args=(jitter.uniform(0, 0.02),)),
                       threading.Thread(target=terminate, args=(jitter.uniform(0, 0.02),))]
            for thread in threads:
                thread.start()
            wait_until(lambda: len(lock_waiters(database_url)) >= 2, 30,
                       "the accept and the termination waiting on the order")
        for thread in threads:
            thread.join(timeout=60)
        assert result.get("terminate") == "ok", result
        states = attempts_of(record_app, order_id)
        with record_app.app_context():
            order = db.session.get(Order, order_id)
            assert order is not None
            status, vendor_id = order.status, order.vendor_id
            offered_vendor = db.session.get(VendorAttempt, offer_id).vendor_id  # type: ignore[union-attr]
            db.session.remove()
        if result["accept"] == "ok":
            outcomes["accepted first"] += 1
            assert states == [(1, AttemptState.ACCEPTED)]
            assert status is OrderStatus.ASSIGNED and vendor_id == offered_vendor
        else:
            outcomes["terminated first"] += 1
            assert result["accept"] == 409
            assert [state for _rank, state in states] == [AttemptState.WITHDRAWN,
                                                           AttemptState.OFFERED]
            assert status is OrderStatus.AWAITING_VENDOR and vendor_id is None
    with record_app.app_context():
        assert audit.verify()[1] is None
    check_invariants(record_app)
    print(f"accept vs terminate over {rounds} rounds: {outcomes}")
    assert sum(outcomes.values()) == rounds
