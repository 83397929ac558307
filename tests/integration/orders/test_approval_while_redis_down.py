"""Approving while Redis is down: the order is saved with its dispatch in the outbox (never a
500), and a worker dispatches it once Redis is back."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import select

from app.assignment.models import AttemptState, VendorAttempt
from app.auth import services as auth
from app.auth.models import User
from app.common import outbox
from app.common.outbox import OutboxMessage
from app.extensions import db
from app.orders.models import Order, OrderStatus
from app.orders.signals import DISPATCH
from tests.integration.conftest import AppFactory, ProcessFactory
from tests.integration.faults import check_invariants, outbox_settled, submitted_orders
from tests.processes import wait_until
from tests.services import free_port, port_open


def test_an_approval_during_a_redis_outage_is_dispatched_once_redis_is_back(
        app: Flask, make_app: AppFactory, processes: ProcessFactory) -> None:
    port = free_port()
    redis_server = processes.redis_server(port)
    broker = f"redis://127.0.0.1:{port}/0"
    processes.worker("worker-outage", CELERY_BROKER_URL=broker)
    web = make_app(CELERY_BROKER_URL=broker)
    (order_id,), staff_id = submitted_orders(web, 1)
    with web.app_context():
        staff = db.session.get(User, staff_id)
        assert staff is not None
        _row, token = auth.create_api_token(staff)
        db.session.commit()

    redis_server.stop()
    wait_until(lambda: not port_open("127.0.0.1", port, timeout=0.2), 10, "redis-server down")

    response = web.test_client().post(f"/api/v1/orders/{order_id}/approve",
                                      headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json()["status"] == "approved"
    with web.app_context():
        dispatch = db.session.execute(select(OutboxMessage).where(
            OutboxMessage.kind == DISPATCH)).scalar_one()
        assert dispatch.sent_at is None, "the step waits in the outbox"

    processes.redis_server(port, name="redis-server-back")
    with web.app_context():
        counts = outbox.sweep()
    assert counts["not_enqueued"] == 0 and counts["enqueued"] >= 1

    def dispatched() -> bool:
        with web.app_context():
            status = db.session.get(Order, order_id).status  # type: ignore[union-attr]
            db.session.remove()
            return status is OrderStatus.AWAITING_VENDOR

    wait_until(dispatched, 45, "the worker dispatched the order once Redis was back")
    with web.app_context():
        offers = db.session.execute(select(VendorAttempt.state).where(
            VendorAttempt.order_id == order_id)).scalars().all()
        assert offers == [AttemptState.OFFERED]
    wait_until(lambda: outbox_settled(web), 30, "every e-mail sent once Redis is back")
    check_invariants(web)
