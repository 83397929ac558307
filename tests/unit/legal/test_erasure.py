"""Erasure: the person asks, staff approve (or refuse with a reason, and the person is told);
the person is pseudonymised everywhere and the audit trail still verifies."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from app.auth import services as auth_services
from app.auth.models import ApiToken, Organisation, User
from app.common import outbox
from app.common.admin_log import AdminLogEntry
from app.execution.models import OrderForm
from app.extensions import db
from app.legal.models import ErasureRequest, ErasureState
from app.notifications.models import Notification
from app.orders import audit
from tests import factories
from tests.unit.helpers import bearer, page_text
from tests.unit.legal.conftest import EMAIL, NAME


def _ask(client: FlaskClient) -> ErasureRequest:
    response = client.post("/account/erasure-request", data={"confirm": "y"})
    assert response.status_code == 302
    return db.session.execute(select(ErasureRequest)).scalar_one()


def _emails() -> list[outbox.OutboxMessage]:
    return list(db.session.execute(select(outbox.OutboxMessage).where(
        outbox.OutboxMessage.kind == "email").order_by(outbox.OutboxMessage.id)).scalars())


def _deliver_all() -> None:
    for message in _emails():
        if message.sent_at is None and message.failed_at is None:
            outbox.deliver(message.id)
    db.session.expire_all()


def test_the_request_needs_the_confirmation_box(
        person: dict[str, Any], client_for: Callable[[User], FlaskClient]) -> None:
    response = client_for(person["buyer"]).post("/account/erasure-request", data={})
    assert response.status_code == 422
    assert "Tick the box to confirm your request." in page_text(response)
    assert db.session.execute(select(ErasureRequest)).first() is None


def test_asking_twice_keeps_one_pending_request(
        person: dict[str, Any], client_for: Callable[[User], FlaskClient]) -> None:
    client = client_for(person["buyer"])
    _ask(client)
    client.post("/account/erasure-request", data={"confirm": "y"})
    assert len(db.session.execute(select(ErasureRequest)).all()) == 1
    assert "The staff will handle your request" in page_text(client.get("/account/my-data"))


def test_staff_see_the_request_and_a_buyer_does_not(
        person: dict[str, Any], client_for: Callable[[User], FlaskClient]) -> None:
    _ask(client_for(person["buyer"]))
    text = page_text(client_for(person["handler"]).get("/staff/erasure-requests"))
    assert NAME in text and "Waiting" in text
    assert client_for(person["colleague"]).get("/staff/erasure-requests").status_code == 403


def test_a_refusal_needs_a_reason_and_tells_the_person_why(
        person: dict[str, Any], client_for: Callable[[User], FlaskClient]) -> None:
    request = _ask(client_for(person["buyer"]))
    staff = client_for(person["handler"])
    url = f"/staff/erasure-requests/{request.id}/refuse"
    assert staff.post(url, data={"reason": " "}).status_code == 422
    assert staff.post(url, data={"reason": "An invoice dispute is open."}).status_code == 302
    db.session.expire_all()
    assert request.state is ErasureState.REFUSED
    told = [m for m in _emails() if m.payload.get("template") == "erasure_refused"]
    assert told[0].payload["to"] == EMAIL
    assert "An invoice dispute is open." in told[0].payload["body"]
    page = page_text(client_for(person["buyer"]).get("/account/my-data"))
    assert "was refused" in page and "An invoice dispute is open." in page
    assert staff.post(url, data={"reason": "again"}).status_code == 409


def test_erasing_asks_for_confirmation_first(
        person: dict[str, Any], client_for: Callable[[User], FlaskClient]) -> None:
    request = _ask(client_for(person["buyer"]))
    staff = client_for(person["handler"])
    page = page_text(staff.get(f"/staff/erasure-requests/{request.id}/approve"))
    assert "This cannot be undone." in page and NAME in page
    db.session.expire_all()
    assert request.state is ErasureState.PENDING and person["buyer"].erased_at is None


def test_staff_cannot_erase_themselves(
        person: dict[str, Any], client_for: Callable[[User], FlaskClient]) -> None:
    handler = client_for(person["handler"])
    _ask(handler)
    request = db.session.execute(select(ErasureRequest)).scalar_one()
    assert handler.post(f"/staff/erasure-requests/{request.id}/approve").status_code == 409


def test_the_api_files_a_request(person: dict[str, Any], client: FlaskClient) -> None:
    _row, token = auth_services.create_api_token(person["buyer"], "script")
    db.session.commit()
    response = client.post("/api/v1/me/erasure-request", headers=bearer(token))
    assert response.status_code == 202
    assert response.get_json()["state"] == "pending"
    assert client.post("/api/v1/me/erasure-request", headers=bearer(token)).get_json()[
        "id"] == response.get_json()["id"]


def test_an_erased_person_appears_nowhere_and_the_audit_trail_still_verifies(
        app: Flask, person: dict[str, Any], client_for: Callable[[User], FlaskClient]) -> None:
    buyer, order = person["buyer"], person["order"]
    buyer_id = buyer.id
    _row, token = auth_services.create_api_token(buyer, "script")
    db.session.commit()
    assert audit.verify()[1] is None
    request = _ask(client_for(buyer))
    staff = client_for(person["handler"])
    assert staff.post(f"/staff/erasure-requests/{request.id}/approve").status_code == 302
    _deliver_all()  # the confirmation e-mail, sent, then its payload dropped

    checked, broken = audit.verify()
    assert broken is None and checked >= 5
    assert app.test_cli_runner().invoke(args=["audit", "verify"]).exit_code == 0

    erased = db.session.get(User, buyer_id)
    assert erased is not None and erased.erased_at is not None and not erased.active
    assert erased.email == f"erased-{buyer_id}@erased.invalid"
    assert erased.display_name == f"Erased user #{buyer_id}"
    assert db.session.execute(select(ApiToken.revoked_at)).scalar_one() is not None

    def absent(text: str, where: str) -> None:
        lowered = text.lower()
        for needle in (NAME, EMAIL, "effaçable", "effa\\u00e7able"):
            assert needle.lower() not in lowered, (where, needle)

    colleague, approver = client_for(person["colleague"]), client_for(person["approver"])
    vendor = client_for(factories.vendor_user(order.vendor_id))
    pages = {
        "order (colleague)": colleague.get(f"/orders/{order.id}"),
        "orders (colleague)": colleague.get("/orders/"),
        "order (staff)": staff.get(f"/orders/{order.id}"),
        "orders (staff)": staff.get("/orders/"),
        "users (staff)": staff.get("/staff/users"),
        "organisation (staff)": staff.get(f"/staff/organisations/{buyer.organisation_id}"),
        "erasure requests": staff.get("/staff/erasure-requests"),
        "notifications (approver)": approver.get("/orders/notifications"),
        "follow-up (staff)": staff.get("/follow-up"),
        "order (vendor)": vendor.get(f"/orders/{order.id}"),
        "follow-up (vendor)": vendor.get("/follow-up"),
    }
    for where, response in pages.items():
        assert response.status_code == 200, (where, response.status_code)
        absent(page_text(response), where)
    assert f"Erased user #{buyer_id}" in page_text(pages["order (staff)"])

    _t, staff_token = auth_services.create_api_token(person["handler"], "s")
    db.session.commit()
    api = app.test_client()
    for url in (f"/api/v1/orders/{order.id}", f"/api/v1/orders/{order.id}/events",
                "/api/v1/orders"):
        response = api.get(url, headers=bearer(staff_token))
        assert response.status_code == 200, url
        absent(response.get_data(as_text=True), url)
    assert api.get("/api/v1/me", headers=bearer(token)).status_code == 401
    assert app.test_client().post("/login", data={
        "email": EMAIL, "password": "x"}).status_code != 302

    for message in db.session.execute(select(outbox.OutboxMessage)).scalars():
        absent(json.dumps(message.payload, ensure_ascii=False), f"outbox {message.id}")
    forms = list(db.session.execute(select(OrderForm)).scalars())
    assert forms, "the order's form was frozen with the buyer's contact"
    for form in forms:
        absent(json.dumps(form.data, ensure_ascii=False), "order form data")
    for notification in db.session.execute(select(Notification)).scalars():
        absent(json.dumps(notification.params, ensure_ascii=False), "notification")
    for entry in db.session.execute(select(AdminLogEntry)).scalars():
        absent(json.dumps([entry.before, entry.after], ensure_ascii=False), "admin log")
    organisation = db.session.get(Organisation, buyer.organisation_id)
    assert organisation is not None and organisation.invoicing_contact_email is None
    done = [m for m in _emails() if m.sent_at is not None and m.payload.get("scrubbed")]
    assert done, "the person was told, and the message kept no address once sent"


def test_an_erased_person_is_notified_of_nothing_more(
        person: dict[str, Any], make_vendor: Callable[..., Any]) -> None:
    from app.legal import erasure
    from app.notifications.services import notify

    buyer = person["buyer"]
    vendor = make_vendor(contact_email=EMAIL.upper())
    erasure.erase(buyer)
    db.session.commit()
    def theirs() -> int:
        return len(db.session.execute(select(Notification.id).where(
            Notification.user_id == buyer.id)).all())

    before, notified = len(_emails()), theirs()
    notify([buyer, person["colleague"]], "order_approved", person["order"])
    db.session.flush()
    assert len(_emails()) == before + 1  # the colleague's only
    assert theirs() == notified
    db.session.refresh(vendor)
    assert vendor.contact_email is None


def test_telephone_columns_are_found_and_cleared_by_their_name() -> None:
    from types import SimpleNamespace

    from sqlalchemy import Column, Integer, MetaData, String, Table

    from app.legal.erasure import _phone_columns

    table = Table("t", MetaData(), Column("id", Integer, primary_key=True),
                  Column("contact_phone", String(30), nullable=True),
                  Column("invoicing_phone", String(30), nullable=False),
                  Column("title", String(30)))
    assert _phone_columns(SimpleNamespace(__table__=table)) == {
        "contact_phone": None, "invoicing_phone": ""}
