"""Helpers of the assignment integration tests: orders submitted and approved, row locks held
from outside the app (a worker child then waits mid-step), and the invariants every fault
test ends with."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg
from flask import Flask
from psycopg import sql
from sqlalchemy import func, select

from app.assignment.models import OPEN_ATTEMPT_STATES, AttemptState, VendorAttempt
from app.assignment.services import answers
from app.auth.models import Organisation, Role, User
from app.auth.passwords import hash_password
from app.catalogue.models import LotMembership
from app.catalogue.services import browse
from app.catalogue.services import lots as lot_services
from app.common.outbox import OutboxMessage
from app.common.time import utcnow
from app.demo.seed import seed_demo
from app.extensions import db
from app.orders import audit, services
from app.orders.models import Order, OrderStatus
from app.orders.signals import DISPATCH
from tests.integration.conftest import psycopg_url

# Short limits for the worker processes of a fault test, kept in the order the app checks
# (soft < hard < outbox lock): a step held by a dead worker is sent again after 12 s.
SHORT_LOCK = {"CELERY_TASK_SOFT_TIME_LIMIT": "8", "CELERY_TASK_TIME_LIMIT": "10",
              "OUTBOX_LOCK_SECONDS": "12"}


STAFF_EMAIL = "fault-staff@example.org"


def submitted_orders(app: Flask, count: int, item_code: str = "L3-WS-HALF"
                     ) -> tuple[list[int], int]:
    """``count`` submitted orders of one buyer (lot ceiling lifted), and a staff user's id."""
    with app.app_context():
        seed_demo()
        org = db.session.execute(select(Organisation).order_by(Organisation.id)
                                 ).scalars().first()
        buyer = User(email="fault-buyer@example.org", role=Role.BUYER, organisation=org,
                     password_hash=hash_password("irrelevant pass"))
        staff = User(email=STAFF_EMAIL, role=Role.STAFF,
                     password_hash=hash_password("irrelevant pass"))
        db.session.add_all([buyer, staff])
        db.session.commit()
        item = browse.get_current_item(item_code)
        lot_services.get_lot(item.lot_id).ceiling_cents = None
        ids = []
        for number in range(count):
            order = services.create_order(buyer, services.OrderInput(
                lot_id=item.lot_id, title=f"Fault {number}", objectives="Fault test",
                participation_level="consult", commune="ixelles",
                lines=[services.LineInput(item.id, 1)]))
            db.session.flush()
            services.submit(buyer, order.id)
            ids.append(order.id)
        db.session.commit()
        return ids, staff.id


def rank_one_vendor(app: Flask, order_id: int) -> int:
    """The vendor a cascade offers the order to first: the dispatch step inserts an offer
    referencing its row, so holding that row stops the step mid-way (after the order's own
    changes, before the commit) without blocking the approval itself."""
    with app.app_context():
        order = db.session.get(Order, order_id)
        assert order is not None
        vendor_id = db.session.execute(
            select(LotMembership.vendor_id).where(LotMembership.lot_id == order.lot_id)
            .order_by(LotMembership.rank)).scalars().first()
        assert vendor_id is not None
        db.session.remove()
        return int(vendor_id)


def approve_each(app: Flask, order_ids: list[int], staff_id: int) -> None:
    """Approve each order in its own transaction: every commit hands its dispatch step to
    the broker (unless the app records instead)."""
    with app.app_context():
        for order_id in order_ids:
            staff = db.session.get(User, staff_id)
            assert staff is not None
            services.approve(staff, order_id)
            db.session.commit()


def statuses(app: Flask, order_ids: list[int]) -> Counter[OrderStatus]:
    with app.app_context():
        found = Counter(db.session.execute(
            select(Order.status).where(Order.id.in_(order_ids))).scalars())
        db.session.remove()
        return found


def all_in(app: Flask, order_ids: list[int], status: OrderStatus) -> bool:
    return statuses(app, order_ids)[status] == len(order_ids)


def attempts_of(app: Flask, order_id: int) -> list[tuple[int, AttemptState]]:
    with app.app_context():
        rows = db.session.execute(select(VendorAttempt.rank, VendorAttempt.state).where(
            VendorAttempt.order_id == order_id).order_by(VendorAttempt.attempt_no)).all()
        db.session.remove()
        return [(rank, state) for rank, state in rows]


def dispatch_rows(app: Flask) -> dict[int, OutboxMessage]:
    """The ``order.dispatch`` outbox rows by order id (detached)."""
    with app.app_context():
        rows = list(db.session.execute(select(OutboxMessage).where(
            OutboxMessage.kind == DISPATCH)).scalars())
        db.session.expunge_all()
        return {int(row.payload["order_id"]): row for row in rows}


def outbox_settled(app: Flask) -> bool:
    """Every outbox row sent (none failed: a failure is a test failure)."""
    with app.app_context():
        unsent, failed = db.session.execute(select(
            func.count().filter(OutboxMessage.sent_at.is_(None)),
            func.count().filter(OutboxMessage.failed_at.is_not(None)))).one()
        db.session.remove()
    assert failed == 0, "an outbox message failed for good"
    return bool(unsent == 0)


def accept_every_offer(app: Flask, order_ids: list[int]) -> None:
    """Each order's open offer accepted by its vendor's first user."""
    with app.app_context():
        for order_id in order_ids:
            attempt = db.session.execute(select(VendorAttempt).where(
                VendorAttempt.order_id == order_id,
                VendorAttempt.state == AttemptState.OFFERED)).scalar_one()
            user = db.session.execute(select(User).where(
                User.vendor_id == attempt.vendor_id).order_by(User.id)).scalars().first()
            assert user is not None
            answers.accept(user, attempt.id, False)
            db.session.commit()


# --- The invariants ------------------------------------------------------------------------

def check_invariants(app: Flask) -> None:
    """What must hold after any fault, checked on the database itself:

    - at most one accepted (or awarded) vendor per order, and an assigned order names it;
    - every open order has a future deadline (an open offer or invitation) or an unsent,
      unfailed outbox row that will move it on;
    - one e-mail row per event and recipient;
    - the audit chain verifies.
    """
    with app.app_context():
        winners = db.session.execute(
            select(VendorAttempt.order_id, func.count(), func.min(VendorAttempt.vendor_id))
            .where(VendorAttempt.state.in_([AttemptState.ACCEPTED, AttemptState.AWARDED]))
            .group_by(VendorAttempt.order_id)).all()
        assert all(count == 1 for _order, count, _vendor in winners), winners
        winner_of = {order_id: vendor_id for order_id, _count, vendor_id in winners}
        now = utcnow()
        pending = {int(m.payload["order_id"]) for m in db.session.execute(
            select(OutboxMessage).where(OutboxMessage.kind == DISPATCH,
                                        OutboxMessage.sent_at.is_(None),
                                        OutboxMessage.failed_at.is_(None))).scalars()}
        for order in db.session.execute(select(Order)).scalars():
            if order.status is OrderStatus.ASSIGNED:
                assert order.vendor_id == winner_of.get(order.id), order.reference
            elif order.status is OrderStatus.AWAITING_VENDOR:
                future = db.session.execute(select(func.count()).select_from(VendorAttempt)
                                            .where(VendorAttempt.order_id == order.id,
                                                   VendorAttempt.state.in_(OPEN_ATTEMPT_STATES),
                                                   VendorAttempt.expires_at > now)
                                            ).scalar_one()
                assert future >= 1, f"{order.reference} awaits a vendor without a deadline"
            elif order.status is OrderStatus.APPROVED:
                assert order.id in pending, f"{order.reference} approved, nothing moves it on"
        emails = Counter(
            (m.payload.get("event"), m.payload["to"], m.payload["template"])
            for m in db.session.execute(select(OutboxMessage).where(
                OutboxMessage.kind == "email")).scalars()
            if m.payload.get("event"))
        doubles = {key: n for key, n in emails.items() if n > 1}
        assert not doubles, f"e-mails queued twice for one event: {doubles}"
        checked, broken = audit.verify()
        assert broken is None, str(broken)
        assert checked > 0
        db.session.remove()


# --- Locks held from outside, and who waits on them ----------------------------------------

@contextmanager
def rows_locked(database_url: str, table: str, ids: list[int]) -> Iterator[None]:
    """``SELECT … FOR UPDATE`` on those rows in an open transaction of another connection:
    whoever needs them waits, mid-step, until the block ends."""
    with psycopg.connect(psycopg_url(database_url)) as conn:
        locked = conn.execute(
            sql.SQL("SELECT id FROM {} WHERE id = ANY(%s) FOR UPDATE").format(
                sql.Identifier(table)), [ids]).fetchall()
        assert len(locked) == len(ids)
        try:
            yield
        finally:
            conn.rollback()


@dataclass
class Waiter:
    backend_pid: int
    client_port: int
    query: str


def lock_waiters(database_url: str) -> list[Waiter]:
    """Sessions of the test database blocked on a row lock."""
    with psycopg.connect(psycopg_url(database_url), autocommit=True) as conn:
        rows = conn.execute(
            "SELECT pid, client_port, query FROM pg_stat_activity "
            "WHERE datname = current_database() AND wait_event_type = 'Lock' "
            "AND pid <> pg_backend_pid()").fetchall()
    return [Waiter(pid, port, query) for pid, port, query in rows]


def process_of_client_port(port: int, candidates: list[int]) -> int:
    """Which of ``candidates`` owns the TCP socket whose local port is ``port`` (the client
    end of a PostgreSQL session), read from /proc."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if int(fields[1].rsplit(":", 1)[1], 16) == port:
                inodes.add(fields[9])
    for pid in candidates:
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            try:
                target = fd.readlink()
            except OSError:
                continue
            if str(target).startswith("socket:[") and str(target)[8:-1] in inodes:
                return pid
    raise AssertionError(f"no process among {candidates} has local port {port}")
