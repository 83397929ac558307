"""Approvals racing each other on PostgreSQL, in separate processes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from flask import Flask
from sqlalchemy import func, select

from app.auth.models import Organisation, Role, User
from app.auth.passwords import hash_password
from app.catalogue.services import browse
from app.catalogue.services import lots as lot_services
from app.demo.seed import seed_demo
from app.extensions import db
from app.orders import ceilings, services
from app.orders.models import Order, OrderApproval, OrderStatus

REPO_ROOT = Path(__file__).resolve().parents[3]


def _buyer_and_staff() -> tuple[User, list[User]]:
    seed_demo()
    org = db.session.execute(select(Organisation).order_by(Organisation.id)).scalars().first()
    buyer = User(email="race-buyer@example.org", role=Role.BUYER, organisation=org,
                 password_hash=hash_password("irrelevant pass"))
    staff = [User(email=f"race-staff{i}@example.org", role=Role.STAFF,
                  password_hash=hash_password("irrelevant pass")) for i in (1, 2)]
    db.session.add_all([buyer, *staff])
    db.session.commit()
    return buyer, staff


def _submitted(buyer: User, code: str, quantity: int) -> Order:
    item = browse.get_current_item(code)
    order = services.create_order(buyer, services.OrderInput(
        lot_id=item.lot_id, title="Race", objectives="Race", participation_level="inform",
        commune="bruxelles", lines=[services.LineInput(item.id, quantity)]))
    db.session.flush()
    services.submit(buyer, order.id)
    db.session.commit()
    return order


def _race(database_url: str, attempts: list[tuple[str, int]]) -> list[int]:
    """One process per (staff e-mail, order id); released together once all are connected."""
    env = {**os.environ, "DATABASE_URL": database_url, "APP_ENV": "development",
           "LOG_LEVEL": "WARNING"}
    processes = [subprocess.Popen(
        [sys.executable, "-m", "tests.integration.approver", email, str(order_id)],
        cwd=REPO_ROOT, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True) for email, order_id in attempts]
    for process in processes:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert line.strip() == "ready", (line, process.stderr.read() if process.stderr else "")
    for process in processes:  # the start line
        assert process.stdin is not None
        process.stdin.write("go\n")
        process.stdin.flush()
    statuses = []
    for process in processes:
        out, err = process.communicate(timeout=120)
        assert process.returncode == 0, err[-3000:]
        statuses.append(json.loads(out.strip().splitlines()[-1])["status"])
    return statuses


def test_parallel_approvals_never_exceed_the_lot_ceiling(record_app: Flask,
                                                         database_url: str) -> None:
    with record_app.app_context():
        buyer, (staff, _other) = _buyer_and_staff()
        meeting = browse.get_current_item("L3-MEETING")  # one = 10 % of the ceiling
        lot = lot_services.get_lot(meeting.lot_id)
        lot.ceiling_cents = meeting.unit_price_cents * 10
        db.session.commit()
        for _ in range(5):  # 50 % already committed
            services.approve(staff, _submitted(buyer, "L3-MEETING", 1).id)
            db.session.commit()
        racing = [_submitted(buyer, "L3-MEETING", 1).id for _ in range(20)]
        ceiling, lot_id, email = lot.ceiling_cents, lot.id, staff.email

    statuses = _race(database_url, [(email, order_id) for order_id in racing])

    assert sorted(statuses) == [200] * 5 + [409] * 15
    with record_app.app_context():
        assert ceilings.committed_cents(lot_id=lot_id) == ceiling
        approved = db.session.execute(select(func.count(Order.id)).where(
            Order.id.in_(racing), Order.status == OrderStatus.APPROVED)).scalar_one()
        assert approved == 5


def test_two_staff_approving_a_four_eyes_order_at_once_record_two_approvals(
        record_app: Flask, database_url: str) -> None:
    with record_app.app_context():
        buyer, staff = _buyer_and_staff()
        order = _submitted(buyer, "L1-PROC", 2)  # above EUR 30,000: four-eyes
        assert order.approvals_required == 2
        order_id, emails = order.id, [s.email for s in staff]
        staff_ids = sorted(s.id for s in staff)

    statuses = _race(database_url, [(emails[0], order_id), (emails[1], order_id)])

    assert statuses == [200, 200]
    with record_app.app_context():
        approvals = db.session.execute(select(OrderApproval).where(
            OrderApproval.order_id == order_id)).scalars().all()
        assert sorted(a.staff_id for a in approvals) == staff_ids
        reloaded = db.session.get(Order, order_id)
        assert reloaded is not None and reloaded.status is OrderStatus.APPROVED


def test_the_same_staff_member_approving_twice_at_once_counts_once(record_app: Flask,
                                                                   database_url: str) -> None:
    with record_app.app_context():
        buyer, staff = _buyer_and_staff()
        order_id, email = _submitted(buyer, "L1-PROC", 2).id, staff[0].email

    statuses = _race(database_url, [(email, order_id)] * 2)

    assert sorted(statuses) == [200, 409]
    with record_app.app_context():
        reloaded = db.session.get(Order, order_id)
        assert reloaded is not None
        assert reloaded.status is OrderStatus.SUBMITTED and reloaded.approvals_count == 1
