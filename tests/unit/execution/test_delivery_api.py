"""The delivery API (DESIGN §6): deliver as JSON or multipart, confirm receipt, contest,
the deliveries and their documents; problem+json refusals that name the field, 404 for an
order the token's user may not see, 409 for a move not possible now."""

from __future__ import annotations

import io
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app.auth import services as auth
from app.auth.models import User
from app.extensions import db
from app.orders.models import OrderStatus as S
from tests.unit.execution.support import PDF, PNG, World, assigned_world, fresh, rows
from tests.unit.helpers import bearer


def token(user: User) -> dict[str, str]:
    _row, value = auth.create_api_token(user)
    db.session.commit()
    return bearer(value)


def post(client: FlaskClient, user: User, path: str, **kwargs: Any) -> Any:
    return client.post(f"/api/v1{path}", headers=token(user), **kwargs)


def test_deliver_as_json_then_confirm(app: Flask, client: FlaskClient) -> None:
    world = assigned_world()
    response = post(client, world.vendor, f"/orders/{world.order.id}/deliver",
                    json={"note": "Ateliers tenus."})
    assert response.status_code == 200, response.json
    assert response.json["status"] == "delivered"

    listed = client.get(f"/api/v1/orders/{world.order.id}/deliveries", headers=token(world.buyer))
    assert listed.status_code == 200
    (delivery,) = listed.json
    assert (delivery["number"], delivery["note"], delivery["outcome"], delivery["documents"]) == (
        1, "Ateliers tenus.", "pending", [])

    done = post(client, world.buyer, f"/orders/{world.order.id}/confirm-receipt")
    assert done.status_code == 200 and done.json["status"] == "completed"


def test_deliver_as_multipart_with_documents_and_download_them(
        app: Flask, client: FlaskClient) -> None:
    world = assigned_world()
    response = post(client, world.vendor, f"/orders/{world.order.id}/deliver", data={
        "note": "Rapport joint", "documents": [(io.BytesIO(PDF), "rapport.pdf"),
                                              (io.BytesIO(PNG), "photo.png")]},
        content_type="multipart/form-data")
    assert response.status_code == 200, response.json
    (delivery,) = client.get(f"/api/v1/orders/{world.order.id}/deliveries",
                             headers=token(world.vendor)).json
    names = [(d["filename"], d["content_type"], d["size_bytes"]) for d in delivery["documents"]]
    assert names == [("rapport.pdf", "application/pdf", len(PDF)),
                     ("photo.png", "image/png", len(PNG))]
    url = delivery["documents"][0]["url"]
    assert client.get(url, headers=token(world.staff)).data == PDF
    assert client.get(url, headers=token(world.competitor)).status_code == 404
    assert client.get(url).status_code == 401


def test_a_refused_file_is_a_problem_naming_documents_and_leaves_nothing(
        app: Flask, client: FlaskClient) -> None:
    world = assigned_world()
    response = post(client, world.vendor, f"/orders/{world.order.id}/deliver", data={
        "note": "x", "documents": [(io.BytesIO(PDF), "rapport.pdf"),
                                   (io.BytesIO(b"<svg/>"), "plan.svg")]},
        content_type="multipart/form-data")
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert list(response.json["errors"]) == ["documents"]
    assert "plan.svg" in response.json["errors"]["documents"][0]
    assert fresh(world.order).status is S.ASSIGNED and rows() == (0, 0)


@pytest.mark.parametrize(("body", "field"), [
    ({"note": 12}, "note"), ({"note": "x", "extra": 1}, "extra"), ({"note": "x" * 5001}, "note")])
def test_a_bad_json_body_names_the_field(app: Flask, client: FlaskClient,
                                         body: dict[str, Any], field: str) -> None:
    world = assigned_world()
    response = post(client, world.vendor, f"/orders/{world.order.id}/deliver", json=body)
    assert response.status_code == 422
    assert field in response.json["errors"]
    assert rows() == (0, 0)


def test_who_may_not_is_404_and_what_is_not_possible_now_409(
        app: Flask, client: FlaskClient) -> None:
    world = assigned_world()
    order = world.order.id
    for who in ("competitor", "outsider"):
        response = post(client, getattr(world, who), f"/orders/{order}/deliver", json={})
        assert response.status_code == 404
        assert client.get(f"/api/v1/orders/{order}/deliveries",
                          headers=token(getattr(world, who))).status_code == 404
    assert post(client, world.buyer, f"/orders/{order}/deliver", json={}).status_code == 409
    assert post(client, world.buyer, f"/orders/{order}/confirm-receipt").status_code == 409
    assert post(client, world.vendor, f"/orders/{order}/deliver", json={}).status_code == 200
    assert post(client, world.vendor, f"/orders/{order}/deliver", json={}).status_code == 409
    assert post(client, world.vendor, f"/orders/{order}/confirm-receipt").status_code == 409
    assert rows() == (1, 0)


def test_a_contest_needs_a_reason_and_tells_it(app: Flask, client: FlaskClient) -> None:
    world: World = assigned_world(S.DELIVERED)
    path = f"/orders/{world.order.id}/contest-delivery"
    refused = post(client, world.buyer, path, json={"reason": " "})
    assert refused.status_code == 422 and "reason" in refused.json["errors"]
    assert fresh(world.order).status is S.DELIVERED
    done = post(client, world.buyer, path, json={"reason": "Incomplet"})
    assert done.status_code == 200 and done.json["status"] == "assigned"
    (delivery,) = client.get(f"/api/v1/orders/{world.order.id}/deliveries",
                             headers=token(world.vendor)).json
    assert (delivery["outcome"], delivery["reason"]) == ("contested", "Incomplet")


def test_the_openapi_document_describes_the_delivery_routes(client: FlaskClient) -> None:
    paths = client.get("/api/v1/openapi.json").json["paths"]
    deliver = paths["/api/v1/orders/{order_id}/deliver"]["post"]
    assert set(deliver["requestBody"]["content"]) == {"application/json",
                                                      "multipart/form-data"}
    assert {"404", "409", "422"} <= set(deliver["responses"])
    for path in ("confirm-receipt", "contest-delivery"):
        assert "post" in paths[f"/api/v1/orders/{{order_id}}/{path}"]
    assert "get" in paths["/api/v1/orders/{order_id}/deliveries"]
    assert "get" in paths["/api/v1/orders/{order_id}/deliveries/documents/{document_id}"]
