"""Assignment under races on PostgreSQL: duplicate messages, parallel sweepers, and a vendor
answering at the very moment its offer expires."""

from __future__ import annotations

import os
import random
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

from flask import Flask
from sqlalchemy import func, select, update

from app.assignment import cli as sweeper
from app.assignment.models import AttemptState, VendorAttempt
from app.assignment.services import answers
from app.assignment.services import dispatch as dispatching
from app.auth.models import User
from app.common import outbox
from app.common.errors import Conflict
from app.common.outbox import OutboxMessage
from app.common.time import utcnow
from app.extensions import db
from app.orders import audit
from app.orders.models import Order, OrderStatus
from app.orders.signals import DISPATCH
from tests.integration.faults import approve_each, check_invariants, submitted_orders

REPO_ROOT = Path(__file__).resolve().parents[3]


def _dispatched_orders(app: Flask, count: int) -> list[int]:
    """``count`` approved orders, dispatched in-process: each has one open offer."""
    ids, staff_id = submitted_orders(app, count)
    approve_each(app, ids, staff_id)
    with app.app_context():
        for message_id in db.session.execute(select(OutboxMessage.id).where(
                OutboxMessage.kind == DISPATCH)).scalars().all():
            assert outbox.deliver(message_id) == "sent"
    return ids


def _offers(app: Flask, order_id: int) -> list[tuple[int, AttemptState]]:
    with app.app_context():
        rows = db.session.execute(select(VendorAttempt.rank, VendorAttempt.state).where(
            VendorAttempt.order_id == order_id).order_by(VendorAttempt.attempt_no)).all()
        db.session.remove()
        return [(rank, state) for rank, state in rows]


def test_a_dispatch_message_delivered_twice_makes_one_offer(record_app: Flask) -> None:
    (order_id,) = _dispatched_orders(record_app, 1)
    with record_app.app_context():
        message_id = db.session.execute(select(OutboxMessage.id).where(
            OutboxMessage.kind == DISPATCH)).scalar_one()
        assert outbox.deliver(message_id) == "skipped"
        assert dispatching.dispatch(order_id) == "skipped"
        db.session.commit()
    assert _offers(record_app, order_id) == [(1, AttemptState.OFFERED)]
    check_invariants(record_app)


def test_two_sweepers_at_once_expire_each_offer_once(record_app: Flask,
                                                     database_url: str) -> None:
    order_ids = _dispatched_orders(record_app, 20)
    with record_app.app_context():
        db.session.execute(update(VendorAttempt).values(
            expires_at=utcnow() - timedelta(seconds=1)))
        db.session.commit()
    env = {**os.environ, "DATABASE_URL": database_url, "APP_ENV": "development",
           "FLASK_APP": "wsgi", "LOG_LEVEL": "WARNING", "CELERY_BROKER_URL": "memory://"}
    sweepers = [subprocess.Popen([str(Path(sys.executable).parent / "flask"), "sweep"],
                                 cwd=REPO_ROOT, env=env, stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outputs = [p.communicate(timeout=120) for p in sweepers]
    assert all(p.returncode == 0 for p in sweepers), outputs
    expired = [int(out.split("offers and invitations: ")[1].split()[0]) for out, _ in outputs]
    assert sum(expired) == 20, outputs
    for order_id in order_ids:
        assert _offers(record_app, order_id) == [(1, AttemptState.EXPIRED),
                                                  (2, AttemptState.OFFERED)]
    check_invariants(record_app)


def test_accepting_at_the_moment_of_expiry_has_exactly_one_outcome(record_app: Flask) -> None:
    rounds = 200
    order_ids = _dispatched_orders(record_app, rounds)
    outcomes = {"accepted": 0, "expired": 0}
    with record_app.app_context():
        offers = {row.order_id: (row.id, row.vendor_id) for row in db.session.execute(
            select(VendorAttempt)).scalars()}
        vendor_users = {vendor_id: db.session.execute(select(User.id).where(
            User.vendor_id == vendor_id).order_by(User.id)).scalars().first()
            for _id, vendor_id in offers.values()}

    def accept(attempt_id: int, user_id: int, at: float, result: dict[str, object]) -> None:
        with record_app.app_context():
            user = db.session.get(User, user_id)
            time.sleep(max(at - time.time(), 0))
            try:
                answers.accept(user, attempt_id, False)  # type: ignore[arg-type]
                db.session.commit()
                result["accept"] = "ok"
            except Conflict:
                db.session.rollback()
                result["accept"] = 409

    def sweep(at: float, result: dict[str, object]) -> None:
        with record_app.app_context():
            time.sleep(max(at - time.time(), 0))
            result["expired"] = sweeper.expire_overdue_now()

    jitter = random.Random(7)
    for order_id in order_ids:
        attempt_id, vendor_id = offers[order_id]
        moment = time.time() + 0.05
        # The vendor clicks within a few milliseconds of the deadline, either side of it.
        click = moment + jitter.uniform(-0.03, 0.01)
        with record_app.app_context():
            db.session.execute(update(VendorAttempt).where(VendorAttempt.id == attempt_id)
                               .values(expires_at=utcnow() + timedelta(seconds=0.05)))
            db.session.commit()
        result: dict[str, object] = {}
        threads = [threading.Thread(target=accept, args=(attempt_id, vendor_users[vendor_id],
                                                         click, result)),
                   threading.Thread(target=sweep, args=(moment, result))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        if result["accept"] == "ok":
            outcomes["accepted"] += 1
            assert _offers(record_app, order_id) == [(1, AttemptState.ACCEPTED)]
        else:
            outcomes["expired"] += 1
            # The loser got 409: the offer expired and the next rank was asked.
            if _offers(record_app, order_id)[0][1] is AttemptState.OFFERED:
                with record_app.app_context():  # the sweeper ran just before the deadline
                    time.sleep(0.06)
                    sweeper.expire_overdue_now()
            assert _offers(record_app, order_id) == [(1, AttemptState.EXPIRED),
                                                      (2, AttemptState.OFFERED)]
    with record_app.app_context():
        winners = db.session.execute(select(func.count()).select_from(Order).where(
            Order.status == OrderStatus.ASSIGNED)).scalar_one()
        assert winners == outcomes["accepted"]
        assert audit.verify()[1] is None
    check_invariants(record_app)
    print(f"accept vs expiry over {rounds} rounds: {outcomes}")
    assert outcomes["accepted"] and outcomes["expired"], "the race never went both ways"
