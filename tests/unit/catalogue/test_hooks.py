"""The catalogue's hooks: questions it asks that a higher package answers (app.common.hooks).

The catalogue may not import the orders, yet its lots show how much of their ceiling the
approved orders use: ``lot_services.committed_cents_by_lot`` is answered by the orders at
start-up.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask
from flask.testing import FlaskClient

from app.auth.models import Role, User
from app.catalogue.services import lots as lot_services
from app.common.hooks import Hook
from app.extensions import db
from app.orders import ceilings
from app.orders import services as order_services
from app.orders.models import OrderStatus
from tests import factories


def test_an_unanswered_committed_hook_answers_nothing_committed() -> None:
    hook: Hook[[], dict[int, int]] = Hook("test.committed", lambda: {})
    assert hook() == {}


def test_create_app_answers_the_hook_with_the_orders_consumption(app: Flask) -> None:
    assert lot_services.committed_cents_by_lot._answer is ceilings.committed_by_lot


def test_the_lots_show_the_consumption_of_the_approved_orders(
        app: Flask, client: FlaskClient, make_user: Callable[..., User]) -> None:
    lot = factories.lot(ceiling_cents=200_000_000)
    item = factories.item(lot, unit_price_cents=65_000)
    order = factories.order(OrderStatus.SUBMITTED, lines=[(item, 2)])
    staff = make_user(Role.STAFF)
    before = {row["id"]: row["committed_cents"] for row in client.get("/api/v1/lots").get_json()}
    assert before[lot.id] == 0
    order_services.approve(staff, order.id)
    db.session.commit()
    expected = ceilings.committed_by_lot()
    assert expected[lot.id] == 2 * item.unit_price_cents > 0
    assert lot_services.committed_cents_by_lot() == expected
    rows = {row["id"]: row for row in client.get("/api/v1/lots").get_json()}
    assert rows[lot.id]["committed_cents"] == expected[lot.id]
    assert rows[lot.id]["remaining_cents"] == lot.ceiling_cents - expected[lot.id]
