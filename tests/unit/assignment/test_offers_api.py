"""The vendor API for offers, and the decline reason in the audit trail and links."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import select

from app.assignment import history
from app.assignment.services import answers
from app.auth import services as auth
from app.auth.models import User
from app.demo.seed import DEFAULT_DEMO_PASSWORD
from app.extensions import db
from app.notifications.models import Notification
from tests.unit.assignment.support import (
    approved,
    open_attempt,
    run_dispatch,
    vendor_user,
)

# --- API -------------------------------------------------------------------------------------

def test_the_vendor_api_lists_and_answers_offers(app: Flask, people: dict[str, User]) -> None:
    order = approved(people)
    run_dispatch(order)
    offer = open_attempt(order)
    _row, token = auth.create_api_token(vendor_user(offer.vendor_id))
    _row, staff_token = auth.create_api_token(people["staff"])
    db.session.commit()
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    listed = client.get("/api/v1/offers", headers=headers).get_json()
    assert [(o["id"], o["kind"], o["state"]) for o in listed] == [(offer.id, "offer", "offered")]
    assert listed[0]["order_id"] == order.id and listed[0]["expires_at"]
    refused = client.post(f"/api/v1/offers/{offer.id}/accept", json={}, headers=headers)
    assert refused.status_code == 422 and "conflict_of_interest" in refused.get_json()["errors"]
    accepted = client.post(f"/api/v1/offers/{offer.id}/accept",
                           json={"conflict_of_interest": False}, headers=headers)
    assert accepted.status_code == 200
    assert accepted.get_json()["status"] == "assigned"
    assert accepted.get_json()["vendor_id"] == offer.vendor_id
    again = client.post(f"/api/v1/offers/{offer.id}/decline", json={"reason": "x"},
                        headers=headers)
    assert again.status_code == 409
    staff = {"Authorization": f"Bearer {staff_token}"}
    assert client.post(f"/api/v1/orders/{order.id}/redispatch", headers=staff).status_code == 409


def test_the_decline_reason_is_in_the_audit_trail_and_offers_link_to_themselves(
        app: Flask, people: dict[str, User]) -> None:
    order = approved(people)
    run_dispatch(order)
    offer = open_attempt(order)
    vendor = vendor_user(offer.vendor_id)
    note = db.session.execute(select(Notification).where(
        Notification.user_id == vendor.id, Notification.kind == "offer_received")).scalar_one()
    assert note.params["attempt_id"] == offer.id
    answers.decline(vendor, offer.id, "Fully booked in June")
    db.session.commit()
    events = history.order_history(people["staff"], order.id)
    declined = [e for e in events if e.action == "vendor_declined"]
    assert declined and declined[0].reason == "Fully booked in June"
    client = app.test_client()
    client.post("/login", data={"email": vendor.email, "password": DEFAULT_DEMO_PASSWORD})
    page = client.get("/orders/notifications").get_data(as_text=True)
    assert f"/vendor/offers/{offer.id}" in page
