"""Vendor assignment end to end: approval commit → outbox → a real worker process → offers."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from typing import Any

from flask import Flask
from sqlalchemy import select, update

from app.assignment.models import AttemptState, VendorAttempt
from app.assignment.services import answers
from app.auth import services as auth_services
from app.auth.models import Role, User
from app.auth.passwords import hash_password
from app.common.time import utcnow
from app.extensions import db
from app.orders import audit
from app.orders.models import Order, OrderStatus
from tests.integration.conftest import SmtpSink, outbox_rows
from tests.integration.faults import (
    STAFF_EMAIL,
    approve_each,
    check_invariants,
    outbox_settled,
    submitted_orders,
)
from tests.processes import Process, wait_until


def _approve(app: Flask, item_code: str = "L3-WS-HALF") -> int:
    """A buyer's order approved by staff: the commit hands the dispatch to the broker."""
    (order_id,), staff_id = submitted_orders(app, 1, item_code)
    approve_each(app, [order_id], staff_id)
    return order_id


def _state(app: Flask, order_id: int) -> tuple[OrderStatus, list[tuple[int, AttemptState]]]:
    with app.app_context():
        order = db.session.get(Order, order_id)
        assert order is not None
        rows = db.session.execute(select(VendorAttempt).where(
            VendorAttempt.order_id == order_id).order_by(VendorAttempt.attempt_no)).scalars()
        result = order.status, [(a.rank, a.state) for a in rows]
        db.session.remove()
        return result


def _vendor_user(vendor_id: int) -> User:
    """The vendor's first user (one is made if the demo data gave it none), detached."""
    user = db.session.execute(select(User).where(User.vendor_id == vendor_id)
                              .order_by(User.id)).scalars().first()
    if user is None:
        user = User(email=f"flow-vendor{vendor_id}@example.org", role=Role.VENDOR,
                    vendor_id=vendor_id, password_hash=hash_password("irrelevant pass"))
        db.session.add(user)
        db.session.commit()
    db.session.expunge(user)
    return user


def _open(app: Flask, order_id: int,
          state: AttemptState = AttemptState.OFFERED) -> tuple[int, User]:
    with app.app_context():
        attempt = db.session.execute(select(VendorAttempt).where(
            VendorAttempt.order_id == order_id,
            VendorAttempt.state == state).order_by(VendorAttempt.id)).scalars().first()
        assert attempt is not None, f"no {state.value} attempt"
        return attempt.id, _vendor_user(attempt.vendor_id)


def _as(app: Flask, call: Any) -> None:
    with app.app_context():
        call()
        db.session.commit()


def _answer(app: Flask, service: Any, vendor: User, *args: Any, **kwargs: Any) -> None:
    """``service(vendor, *args)`` in its own transaction, as the portal's view would."""
    with app.app_context():
        service(db.session.merge(vendor), *args, **kwargs)
        db.session.commit()


def test_decline_expire_accept_through_the_worker(app: Flask, worker: Process) -> None:
    order_id = _approve(app)
    wait_until(lambda: _state(app, order_id)[0] is OrderStatus.AWAITING_VENDOR, 30,
               "the worker dispatched the approved order")
    assert _state(app, order_id)[1] == [(1, AttemptState.OFFERED)]

    first, vendor = _open(app, order_id)
    _as(app, lambda: answers.decline(db.session.merge(vendor), first, "Fully booked"))
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
    _as(app, lambda: answers.accept(db.session.merge(vendor), third, False))

    status, attempts = _state(app, order_id)
    assert status is OrderStatus.ASSIGNED
    assert attempts == [(1, AttemptState.DECLINED), (2, AttemptState.EXPIRED),
                        (3, AttemptState.ACCEPTED)]
    with app.app_context():
        assert audit.verify()[1] is None
    wait_until(lambda: outbox_settled(app), 30, "every e-mail sent by the worker")
    check_invariants(app)


def test_a_mini_competition_with_three_quotes_awards_the_lowest(
        app: Flask, worker: Process, smtp_sink: SmtpSink) -> None:
    order_id = _approve(app, "L5-YOUTH")
    wait_until(lambda: _state(app, order_id)[0] is OrderStatus.AWAITING_VENDOR, 30,
               "the worker sent the invitations")
    assert _state(app, order_id)[1] == [(1, AttemptState.INVITED), (2, AttemptState.INVITED),
                       (3, AttemptState.INVITED)]
    with app.app_context():
        total = db.session.get(Order, order_id).total_excl_vat_cents  # type: ignore[union-attr]
    # Rank 1 asks 90 %, rank 2 70 %, rank 3 80 % of the catalogue total.
    for share in (90, 70, 80):
        attempt_id, vendor = _open(app, order_id, AttemptState.INVITED)
        _answer(app, answers.quote, vendor, attempt_id, total * share // 100, "Ours",
                conflict_of_interest=False)

    status, attempts = _state(app, order_id)
    assert status is OrderStatus.ASSIGNED
    assert attempts == [(1, AttemptState.NOT_AWARDED), (2, AttemptState.AWARDED),
                        (3, AttemptState.NOT_AWARDED)]
    wait_until(lambda: outbox_settled(app), 30, "every e-mail sent by the worker")
    emails = [row for row in outbox_rows(app) if row.kind == "email"]
    templates = Counter(row.payload["template"] for row in emails)
    assert templates["invitation_received"] == 3
    assert templates["quote_not_awarded"] == 2
    assert templates["order_assigned_vendor"] == 1 and templates["order_assigned"] == 1
    smtp_sink.wait_for(len(emails))
    check_invariants(app)


def test_an_exhausted_cascade_escalates_and_a_redispatch_works(
        app: Flask, worker: Process) -> None:
    order_id = _approve(app)
    wait_until(lambda: _state(app, order_id)[0] is OrderStatus.AWAITING_VENDOR, 30,
               "the worker dispatched the approved order")
    for _rank in range(4):  # lot 3 has four vendors: each declines
        attempt_id, vendor = _open(app, order_id)
        _answer(app, answers.decline, vendor, attempt_id, "Booked")
    status, attempts = _state(app, order_id)
    assert status is OrderStatus.ESCALATED
    assert [state for _rank, state in attempts] == [AttemptState.DECLINED] * 4
    wait_until(lambda: outbox_settled(app), 30, "staff told by e-mail")
    check_invariants(app)

    with app.app_context():
        staff = db.session.execute(select(User).where(
            User.email == STAFF_EMAIL)).scalar_one()
        _row, token = auth_services.create_api_token(staff)
        db.session.commit()
    response = app.test_client().post(f"/api/v1/orders/{order_id}/redispatch",
                                      headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json()["status"] == "awaiting_vendor"
    attempt_id, vendor = _open(app, order_id)
    _as(app, lambda: answers.accept(db.session.merge(vendor), attempt_id, False))
    status, attempts = _state(app, order_id)
    assert status is OrderStatus.ASSIGNED
    assert attempts[-1] == (1, AttemptState.ACCEPTED) and len(attempts) == 5
    wait_until(lambda: outbox_settled(app), 30, "every e-mail sent by the worker")
    check_invariants(app)
