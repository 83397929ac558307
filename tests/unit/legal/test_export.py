"""A person downloads everything the platform holds about them: on the web page and in the
API, a read that changes nothing, without secrets."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import func, select

from app.auth import services as auth_services
from app.auth.models import User
from app.extensions import db
from app.orders.models import OrderEvent
from tests.unit.helpers import bearer, page_text
from tests.unit.legal.conftest import EMAIL, NAME


def _download(client: FlaskClient) -> dict[str, Any]:
    response = client.get("/account/my-data.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert "attachment" in response.headers["Content-Disposition"]
    assert "no-store" in response.headers["Cache-Control"]
    return json.loads(response.get_data(as_text=True))


def test_the_download_holds_the_account_orders_events_notifications_and_tokens(
        person: dict[str, Any], client_for: Callable[[User], FlaskClient]) -> None:
    buyer, order = person["buyer"], person["order"]
    auth_services.create_api_token(buyer, "script")
    db.session.commit()
    data = _download(client_for(buyer))
    assert data["account"]["email"] == EMAIL and data["account"]["full_name"] == NAME
    assert data["account"]["organisation"]["id"] == buyer.organisation_id
    assert [o["reference"] for o in data["orders_created"]] == [order.reference]
    assert data["orders_created"][0]["lines"]
    ours = db.session.execute(select(func.count(OrderEvent.id)).where(
        OrderEvent.actor_id == buyer.id)).scalar_one()
    assert len(data["audit_events"]) == ours >= 2
    assert data["notifications"] and data["emails"]
    assert all(e["subject"] for e in data["emails"])
    assert data["login_sessions"] and data["api_tokens"][0]["name"] == "script"
    assert data["invoicing_contact_of"][0]["organisation_id"] == buyer.organisation_id


def test_a_staff_member_finds_the_orders_they_acted_on(
        person: dict[str, Any], client_for: Callable[[User], FlaskClient]) -> None:
    data = _download(client_for(person["approver"]))
    assert [o["id"] for o in data["orders_acted_on"]] == [person["order"].id]
    assert data["approvals"][0]["order_id"] == person["order"].id
    assert data["orders_created"] == []


def test_no_secret_leaves_in_the_download(
        person: dict[str, Any], client_for: Callable[[User], FlaskClient]) -> None:
    buyer = person["buyer"]
    _row, token = auth_services.create_api_token(buyer, "script")
    db.session.commit()
    client = client_for(buyer)
    text = client.get("/account/my-data.json").get_data(as_text=True)
    for secret in ("password_hash", "token_hash", "key_hash", token, buyer.password_hash):
        assert secret not in text
    assert '"hash"' not in text  # the audit chain's hashes are not personal data


def test_the_download_only_reads(
        person: dict[str, Any], client_for: Callable[[User], FlaskClient]) -> None:
    client = client_for(person["buyer"])
    statements: list[str] = []
    from sqlalchemy import event

    def record(conn: object, cursor: object, statement: str, *args: object) -> None:
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        client.get("/account/my-data.json")
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    writes = [s for s in statements if s.split()[0].upper() in ("INSERT", "DELETE")
              or (s.split()[0].upper() == "UPDATE" and "login_session" not in s)]
    assert writes == []


def test_anonymous_people_are_sent_to_log_in(client: FlaskClient) -> None:
    assert client.get("/account/my-data.json").status_code == 302
    assert client.get("/account/my-data").status_code == 302


def test_the_api_answers_the_same_data_to_the_token_holder(
        person: dict[str, Any], client: FlaskClient) -> None:
    _row, token = auth_services.create_api_token(person["buyer"], "script")
    db.session.commit()
    response = client.get("/api/v1/me/data", headers=bearer(token))
    assert response.status_code == 200
    body = response.get_json()
    assert body["account"]["email"] == EMAIL
    assert [o["id"] for o in body["orders_created"]] == [person["order"].id]
    assert client.get("/api/v1/me/data").status_code == 401


def test_the_my_data_page_offers_the_download_and_the_erasure_request(
        person: dict[str, Any], client_for: Callable[[User], FlaskClient]) -> None:
    text = page_text(client_for(person["buyer"]).get("/account/my-data"))
    assert 'href="/account/my-data.json"' in text
    assert 'action="/account/erasure-request"' in text and 'name="csrf_token"' in text


def test_the_api_schema_names_every_section_of_the_export(
        person: dict[str, Any], client_for: Callable[[User], FlaskClient]) -> None:
    from app.legal.api import SECTIONS

    data = _download(client_for(person["buyer"]))
    assert set(data) == {"format_version", "generated_at", "account", *SECTIONS}
