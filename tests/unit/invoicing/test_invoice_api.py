"""The invoices API (DESIGN §6): JSON and UBL bodies, the moves, closing, the lists; every
refusal problem+json naming its field or rule, with no row left behind; 404 for whoever may
not handle the invoice, 409 for a move not possible now."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app.auth import services as auth
from app.auth.models import User
from app.extensions import db
from app.orders.models import OrderStatus as S
from tests.unit.execution.support import fresh
from tests.unit.helpers import bearer
from tests.unit.invoicing.invoice_support import delivered_world, invoice_rows, ubl_for
from tests.unit.invoicing.ubl_support import element, example_tree, to_bytes


def token(user: User) -> dict[str, str]:
    _row, value = auth.create_api_token(user)
    db.session.commit()
    return bearer(value)


def body(reference: str, **changes: Any) -> dict[str, Any]:
    return {"number": "F-1", "issue_date": "2026-11-30", "due_date": "2026-12-30",
            "amount_excl_vat_cents": 50_000, "vat_cents": 10_500,
            "order_reference": reference, **changes}


def test_json_and_ubl_invoices_are_registered_listed_and_handled(
        app: Flask, client: FlaskClient) -> None:
    world = delivered_world()
    order = world.order
    vendor, buyer = token(world.vendor), token(world.buyer)
    made = client.post(f"/api/v1/orders/{order.id}/invoices", headers=vendor,
                       json=body(order.reference))
    assert made.status_code == 201, made.json
    assert (made.json["state"], made.json["source"], made.json["total_cents"]) == (
        "registered", "json", 60_500)
    assert made.json["moves"] == []
    ubl = client.post(f"/api/v1/orders/{order.id}/invoices", headers=vendor,
                      data=ubl_for(order.reference), content_type="application/xml")
    assert ubl.status_code == 201, ubl.json
    assert (ubl.json["source"], ubl.json["amount_excl_vat_cents"]) == ("ubl", 132_500)
    file = client.get(ubl.json["ubl_url"], headers=buyer)
    assert file.status_code == 200 and file.data == ubl_for(order.reference)

    listed = client.get(f"/api/v1/orders/{order.id}/invoices", headers=buyer)
    assert [i["moves"] for i in listed.json] == [["accept", "dispute", "reject"]] * 2
    invoice = made.json["id"]
    assert client.post(f"/api/v1/invoices/{invoice}/accept", headers=buyer).json["state"] \
        == "accepted"
    paid = client.post(f"/api/v1/invoices/{invoice}/mark-paid", headers=buyer,
                       json={"paid_on": "2026-12-01"})
    assert (paid.status_code, paid.json["state"], paid.json["paid_on"]) == (
        200, "paid", "2026-12-01")
    disputed = client.post(f"/api/v1/invoices/{ubl.json['id']}/dispute", headers=buyer,
                           json={"reason": "Mauvais taux"})
    assert disputed.json["state"] == "disputed"
    corrected = client.post(f"/api/v1/invoices/{ubl.json['id']}/correct", headers=vendor,
                            json=body(order.reference, number="Snippet1", vat_cents=0,
                                      amount_excl_vat_cents=132_500))
    assert (corrected.status_code, corrected.json["state"], corrected.json["source"]) == (
        200, "registered", "json")


def _problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    return dict(response.json)


def test_refusals_name_the_field_or_the_rule_and_leave_no_row(
        app: Flask, client: FlaskClient) -> None:
    world = delivered_world()
    order = world.order
    vendor = token(world.vendor)
    url = f"/api/v1/orders/{order.id}/invoices"
    other = delivered_world().order
    cases = [
        (body(other.reference), "order_reference"),
        (body(order.reference, amount_excl_vat_cents=300_000), "amount_excl_vat_cents"),
        (body(order.reference, due_date="2026-11-01"), "due_date"),
        (body(order.reference, issue_date="30/11/2026"), "issue_date"),
        (body(order.reference, amount_excl_vat_cents="12"), "amount_excl_vat_cents"),
        (body(order.reference, extra=1), "extra"),
    ]
    for json, field in cases:
        problem = _problem(client.post(url, headers=vendor, json=json), 422)
        assert field in problem["errors"], (field, problem)
    root = example_tree()
    element(root, "cac:LegalMonetaryTotal/cbc:PayableAmount").text = "1656.26"
    problem = _problem(client.post(url, headers=vendor, data=to_bytes(root),
                                   content_type="application/xml"), 422)
    assert "BR-CO-16" in problem["errors"]
    problem = _problem(client.post(url, headers=vendor, data=b"<Invoice",
                                   content_type="application/xml"), 422)
    assert list(problem["errors"]) == ["file"]
    assert invoice_rows() == 0

    client.post(url, headers=vendor, json=body(order.reference))
    problem = _problem(client.post(url, headers=vendor, json=body(order.reference)), 422)
    assert list(problem["errors"]) == ["number"]
    assert invoice_rows() == 1


@pytest.mark.parametrize("who", ["competitor", "outsider", "buyer", "staff"])
def test_registering_for_an_order_not_yours_is_404(app: Flask, client: FlaskClient,
                                                   who: str) -> None:
    world = delivered_world()
    response = client.post(f"/api/v1/orders/{world.order.id}/invoices",
                           headers=token(getattr(world, who)), json=body(world.order.reference))
    _problem(response, 404)


def test_before_delivery_an_invoice_is_409(app: Flask, client: FlaskClient) -> None:
    world = delivered_world(S.ASSIGNED)
    response = client.post(f"/api/v1/orders/{world.order.id}/invoices",
                           headers=token(world.vendor), json=body(world.order.reference))
    _problem(response, 409)


def test_moves_by_the_vendor_or_another_organisation_are_404(
        app: Flask, client: FlaskClient) -> None:
    world = delivered_world()
    made = client.post(f"/api/v1/orders/{world.order.id}/invoices",
                       headers=token(world.vendor), json=body(world.order.reference)).json
    for user in (world.vendor, world.outsider, world.competitor):
        _problem(client.post(f"/api/v1/invoices/{made['id']}/accept", headers=token(user)),
                 404)
        _problem(client.get(f"/api/v1/invoices/{made['id']}", headers=token(user))
                 if user is not world.vendor else client.get("/api/v1/invoices/999999",
                                                            headers=token(user)), 404)
    assert client.get(f"/api/v1/invoices/{made['id']}", headers=token(world.staff)
                      ).status_code == 200
    _problem(client.post(f"/api/v1/invoices/{made['id']}/mark-paid",
                         headers=token(world.buyer), json={"paid_on": "2026-12-01"}), 409)


def test_close_is_409_with_an_open_invoice_then_200(app: Flask, client: FlaskClient) -> None:
    world = delivered_world(S.COMPLETED)
    staff = token(world.staff)
    made = client.post(f"/api/v1/orders/{world.order.id}/invoices",
                       headers=token(world.vendor), json=body(world.order.reference)).json
    _problem(client.post(f"/api/v1/orders/{world.order.id}/close", headers=staff), 409)
    client.post(f"/api/v1/invoices/{made['id']}/reject", headers=token(world.buyer),
                json={"reason": "Non conforme"})
    closed = client.post(f"/api/v1/orders/{world.order.id}/close", headers=staff)
    assert closed.status_code == 200 and closed.json["status"] == "closed"
    assert fresh(world.order).closed_committed_cents == 0
    _problem(client.post(f"/api/v1/orders/{world.order.id}/close",
                         headers=token(world.buyer)), 403)


def test_the_waiting_and_overdue_lists(app: Flask, client: FlaskClient) -> None:
    world = delivered_world()
    url = f"/api/v1/orders/{world.order.id}/invoices"
    vendor = token(world.vendor)
    client.post(url, headers=vendor, json=body(world.order.reference, number="LATE",
                                               issue_date="2026-10-01",
                                               due_date="2026-10-31"))
    client.post(url, headers=vendor, json=body(world.order.reference, number="SOON",
                                               issue_date="2026-11-30",
                                               due_date="2099-12-31"))
    for user in (world.buyer, world.staff):
        waiting = client.get("/api/v1/invoices", headers=token(user)).json
        assert [i["number"] for i in waiting["invoices"]] == ["LATE", "SOON"]
        overdue = client.get("/api/v1/invoices?overdue=true", headers=token(user)).json
        assert [(i["number"], i["overdue"]) for i in overdue["invoices"]] == [("LATE", True)]
    assert client.get("/api/v1/invoices", headers=token(world.outsider)).json["total"] == 0
    assert client.get("/api/v1/invoices", headers=token(world.vendor)).json["total"] == 0


def test_an_idempotent_retry_of_a_ubl_invoice_answers_the_same(
        app: Flask, client: FlaskClient) -> None:
    world = delivered_world()
    headers = {**token(world.vendor), "Idempotency-Key": "k-1"}
    url = f"/api/v1/orders/{world.order.id}/invoices"
    first = client.post(url, headers=headers, data=ubl_for(world.order.reference),
                        content_type="application/xml")
    again = client.post(url, headers=headers, data=ubl_for(world.order.reference),
                        content_type="application/xml")
    assert (first.status_code, again.status_code) == (201, 201)
    assert first.json == again.json and invoice_rows() == 1
    root = example_tree()
    element(root, "cbc:ID").text = "Other"
    other = client.post(url, headers=headers, data=to_bytes(root),
                        content_type="application/xml")
    assert other.status_code == 422 and "Idempotency-Key" in other.json["errors"]


def test_a_ubl_file_over_the_size_setting_is_refused_before_it_is_read(
        app: Flask, client: FlaskClient) -> None:
    world = delivered_world()
    app.config["INVOICE_UBL_MAX_BYTES"] = 1000
    try:
        problem = _problem(client.post(f"/api/v1/orders/{world.order.id}/invoices",
                                       headers=token(world.vendor),
                                       data=ubl_for(world.order.reference),
                                       content_type="application/xml"), 422)
    finally:
        app.config["INVOICE_UBL_MAX_BYTES"] = 2 * 1024 * 1024
    assert list(problem["errors"]) == ["file"]
    assert invoice_rows() == 0
