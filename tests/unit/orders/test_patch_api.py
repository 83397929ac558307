"""PATCH /api/v1/orders/{id}: a buyer edits a draft or a changes-requested order."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from app.catalogue.services import browse
from app.extensions import db
from app.orders.models import IdempotencyKey, Order, OrderEvent, OrderStatus
from tests.unit.helpers import bearer
from tests.unit.orders.api_support import body, create


def patch(client: FlaskClient, token: str, order_id: int, data: Any,
          **headers: str) -> Any:
    return client.patch(f"/api/v1/orders/{order_id}", json=data,
                        headers=bearer(token, **headers))


def _status(order_id: int, status: OrderStatus) -> None:
    order = db.session.get(Order, order_id)
    assert order is not None
    order.status = status
    db.session.commit()


def test_fields_not_sent_keep_their_value(client: FlaskClient,
                                          tokens: dict[str, str]) -> None:
    order = create(client, tokens["buyer_a"], description="Deux ateliers",
                   planned_start="2026-03-01")
    response = patch(client, tokens["buyer_a"], order["id"], {"title": "Atelier revu"})
    assert response.status_code == 200, response.get_json()
    edited = response.get_json()
    assert edited["title"] == "Atelier revu"
    for name in ("description", "objectives", "commune", "planned_start", "lines",
                 "total_excl_vat_cents", "participation_level", "lot_id"):
        if name == "lines":
            assert [(x["item_id"], x["quantity"]) for x in edited["lines"]] == [
                (x["item_id"], x["quantity"]) for x in order["lines"]]
        else:
            assert edited[name] == order[name], name
    assert edited["reference"] == order["reference"]
    actions = db.session.execute(select(OrderEvent.action).where(
        OrderEvent.order_id == order["id"]).order_by(OrderEvent.seq)).scalars().all()
    assert actions == ["create", "update"]


def test_lines_sent_replace_the_lines_and_the_totals_follow(
        client: FlaskClient, tokens: dict[str, str]) -> None:
    order = create(client, tokens["buyer_a"])
    item = browse.get_current_item("L3-WS-HALF")
    response = patch(client, tokens["buyer_a"], order["id"], {
        "lines": [{"item_id": item.id, "quantity": 5}], "commune": "Elsene"})
    assert response.status_code == 200, response.get_json()
    edited = response.get_json()
    assert [(x["item_id"], x["quantity"]) for x in edited["lines"]] == [(item.id, 5)]
    assert edited["total_excl_vat_cents"] == 5 * item.unit_price_cents
    assert edited["commune"] == "ixelles"
    assert edited["commune_names"] == {"fr": "Ixelles", "nl": "Elsene"}


def test_a_changes_requested_order_can_be_edited(client: FlaskClient,
                                                 tokens: dict[str, str]) -> None:
    order = create(client, tokens["buyer_a"])
    _status(order["id"], OrderStatus.CHANGES_REQUESTED)
    response = patch(client, tokens["buyer_a"], order["id"], {"objectives": "Mieux"})
    assert response.status_code == 200 and response.get_json()["objectives"] == "Mieux"
    assert response.get_json()["status"] == "changes_requested"


@pytest.mark.parametrize("status", [OrderStatus.SUBMITTED, OrderStatus.APPROVED,
                                    OrderStatus.CANCELLED])
def test_an_order_no_longer_editable_is_a_409_and_unchanged(
        client: FlaskClient, tokens: dict[str, str], status: OrderStatus) -> None:
    order = create(client, tokens["buyer_a"])
    _status(order["id"], status)
    response = patch(client, tokens["buyer_a"], order["id"], {"title": "Trop tard"})
    assert response.status_code == 409
    assert response.mimetype == "application/problem+json"
    db.session.expire_all()
    assert db.session.get(Order, order["id"]).title == "Atelier"  # type: ignore[union-attr]


def test_another_organisations_order_is_a_404_that_tells_nothing(
        client: FlaskClient, tokens: dict[str, str]) -> None:
    order = create(client, tokens["buyer_a"], title="Secret de A")
    response = patch(client, tokens["buyer_b"], order["id"], {"title": "Pris"})
    assert response.status_code == 404
    assert "Secret de A" not in response.get_data(as_text=True)
    assert patch(client, tokens["buyer_a"], 999999, {"title": "x"}).status_code == 404
    db.session.expire_all()
    assert db.session.get(Order, order["id"]).title == "Secret de A"  # type: ignore[union-attr]


def test_staff_and_vendors_cannot_edit(client: FlaskClient,
                                       tokens: dict[str, str]) -> None:
    order = create(client, tokens["buyer_a"])
    assert patch(client, tokens["staff"], order["id"], {"title": "x"}).status_code == 403
    assert patch(client, tokens["vendor"], order["id"], {"title": "x"}).status_code == 404


@pytest.mark.parametrize(("change", "field"), [
    ({"title": ""}, "title"), ({"title": None}, "title"), ({"title": "x" * 201}, "title"),
    ({"lines": []}, "lines"), ({"lines": [{"item_id": 1, "quantity": 0}]}, "lines.0.quantity"),
    ({"commune": "Lille"}, "commune"), ({"lot_id": 999999}, "lot_id"),
    ({"status": "approved"}, "status"), ({"planned_end": "2020-01-01",
                                          "planned_start": "2020-02-01"}, "planned_end"),
    ({"lot_id": None}, "lot_id"),
])
def test_refused_fields_are_named_and_nothing_changes(
        client: FlaskClient, tokens: dict[str, str], change: dict[str, Any],
        field: str) -> None:
    order = create(client, tokens["buyer_a"])
    response = patch(client, tokens["buyer_a"], order["id"], change)
    assert response.status_code == 422, response.get_json()
    assert field in response.get_json()["errors"]
    after = client.get(f"/api/v1/orders/{order['id']}",
                       headers=bearer(tokens["buyer_a"])).get_json()
    assert {k: v for k, v in after.items() if k != "updated_at"} == {
        k: v for k, v in order.items() if k != "updated_at"}


def test_a_body_that_is_not_an_object_is_refused(client: FlaskClient,
                                                 tokens: dict[str, str]) -> None:
    order = create(client, tokens["buyer_a"])
    assert patch(client, tokens["buyer_a"], order["id"], [1, 2]).status_code == 422


def test_the_same_idempotency_key_and_body_answer_the_first_edit_again(
        client: FlaskClient, tokens: dict[str, str]) -> None:
    order = create(client, tokens["buyer_a"])
    first = patch(client, tokens["buyer_a"], order["id"], {"title": "Une fois"},
                  **{"Idempotency-Key": "edit-1"})
    assert first.status_code == 200
    _status(order["id"], OrderStatus.SUBMITTED)  # a second edit would now be refused
    again = patch(client, tokens["buyer_a"], order["id"], {"title": "Une fois"},
                  **{"Idempotency-Key": "edit-1"})
    assert again.status_code == 200 and again.get_json() == first.get_json()
    other = patch(client, tokens["buyer_a"], order["id"], {"title": "Autre"},
                  **{"Idempotency-Key": "edit-1"})
    assert other.status_code == 422 and "Idempotency-Key" in other.get_json()["errors"]
    assert db.session.execute(select(func.count(IdempotencyKey.id))).scalar_one() == 1


def test_a_key_used_for_a_creation_cannot_replay_it_as_an_edit(
        client: FlaskClient, tokens: dict[str, str]) -> None:
    created = client.post("/api/v1/orders", json=body(),
                          headers=bearer(tokens["buyer_a"], **{"Idempotency-Key": "k"}))
    order_id = created.get_json()["id"]
    response = patch(client, tokens["buyer_a"], order_id, body(),
                     **{"Idempotency-Key": "k"})
    assert response.status_code == 422 and "Idempotency-Key" in response.get_json()["errors"]


def test_patch_is_in_the_openapi_document(client: FlaskClient) -> None:
    spec = client.get("/api/v1/openapi.json").get_json()
    operation = spec["paths"]["/api/v1/orders/{order_id}"]["patch"]
    assert operation["security"] == [{"bearerAuth": []}]
    assert {"200", "401", "404", "409", "422"} <= set(operation["responses"])
    assert any(p["name"] == "Idempotency-Key" for p in operation["parameters"])
