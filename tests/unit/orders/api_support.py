"""Helpers for the orders API tests: a valid body, and creating an order through the API."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import func, select

from app.catalogue.services import browse
from app.extensions import db
from app.orders.models import Order
from tests.unit.helpers import bearer


def body(**changes: Any) -> dict[str, Any]:
    item = browse.get_current_item("L3-WS-HALF")
    data: dict[str, Any] = {
        "lot_id": item.lot_id, "title": "Atelier", "objectives": "Recueillir des avis",
        "participation_level": "consult", "commune": "forest",
        "lines": [{"item_id": item.id, "quantity": 2}]}
    data.update(changes)
    return data


def order_count() -> int:
    return db.session.execute(select(func.count(Order.id))).scalar_one()


def create(client: FlaskClient, token: str, **changes: Any) -> dict[str, Any]:
    response = client.post("/api/v1/orders", json=body(**changes), headers=bearer(token))
    assert response.status_code == 201, response.get_json()
    return dict(response.get_json())


