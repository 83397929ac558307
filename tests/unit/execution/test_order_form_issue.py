"""The order form's life (DESIGN §9): frozen at assignment, issued by the worker (three PDFs,
their sha256 in the audit trail, once), attached to both assignment e-mails in each reader's
language, downloaded by the buyer, the assigned vendor and staff (404 for anyone else), and
unchanged by later changes of names and prices."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from app.auth import services as auth
from app.auth.models import Language, User
from app.common import mail, outbox
from app.execution import order_forms
from app.execution.models import OrderForm, OrderFormFile
from app.extensions import db
from app.extensions import mail as flask_mail
from app.orders.models import OrderStatus as S
from tests import factories
from tests.unit.execution.order_form_support import pdf_text
from tests.unit.execution.support import assigned_world, events_of, fresh
from tests.unit.helpers import bearer

Clients = Callable[[User], FlaskClient]


def messages(kind: str) -> list[outbox.OutboxMessage]:
    return list(db.session.execute(select(outbox.OutboxMessage).where(
        outbox.OutboxMessage.kind == kind).order_by(outbox.OutboxMessage.id)).scalars())


def form_of(order_id: int) -> OrderForm:
    return db.session.execute(select(OrderForm).where(OrderForm.order_id == order_id)
                              ).scalar_one()


def test_assignment_freezes_the_form_and_both_e_mails_carry_it(app: Flask) -> None:
    world = assigned_world()
    form = form_of(world.order.id)
    assert form.data["reference"] == world.order.reference
    assert form.issued_at is None and form.files == []
    assert [m.payload for m in messages(order_forms.ISSUE)] == [{"order_id": world.order.id}]
    assigned = [m.payload for m in messages("email")
                if m.payload["template"] in ("order_assigned", "order_assigned_vendor")]
    assert {p["to"] for p in assigned} >= {world.buyer.email, world.vendor.email}
    for payload in assigned:
        assert payload["attachments"] == [{"kind": "order_form", "order_id": world.order.id}]


def test_issuing_stores_three_pdfs_and_records_their_digests_once(app: Flask) -> None:
    world = assigned_world()
    (message,) = messages(order_forms.ISSUE)
    assert outbox.deliver(message.id) == "sent"
    db.session.expire_all()
    form = form_of(world.order.id)
    assert form.issued_at is not None
    stored = {f.language: f for f in form.files}
    assert set(stored) == {"fr", "nl", "en"}
    for file in stored.values():
        assert file.pdf.startswith(b"%PDF-") and file.sha256 == hashlib.sha256(file.pdf).hexdigest()
    issued = [e for e in events_of(world.order) if e.action == "order_form_issued"]
    assert len(issued) == 1
    assert issued[0].payload["sha256"] == {lang: f.sha256 for lang, f in stored.items()}

    order_forms.issue(world.order.id)  # a second delivery of the message: nothing new
    db.session.commit()
    assert len([e for e in events_of(world.order) if e.action == "order_form_issued"]) == 1
    assert len(db.session.execute(select(OrderFormFile)).scalars().all()) == 3


def test_the_form_is_frozen_later_names_and_prices_do_not_change_it(
        app: Flask, tmp_path: Path) -> None:
    world = assigned_world()
    organisation, line = world.order.organisation, world.order.lines[0]
    old_name = organisation.name
    organisation.name = "Nouveau nom de la commune"
    line.item.title_fr = "Titre changé après coup"
    db.session.commit()
    _data, pdf = order_forms.pdf_for(world.buyer, world.order.id, "fr")
    text = pdf_text(pdf, tmp_path)
    assert old_name in text and world.order.reference in text
    assert "Nouveau nom" not in text and "Titre changé" not in text


def test_a_download_before_issuing_is_the_pdf_issuing_then_stores(app: Flask) -> None:
    world = assigned_world()
    _data, before = order_forms.pdf_for(world.staff, world.order.id, "nl")
    order_forms.issue(world.order.id)
    db.session.commit()
    stored = db.session.execute(select(OrderFormFile.sha256).where(
        OrderFormFile.language == "nl")).scalar_one()
    assert hashlib.sha256(before).hexdigest() == stored


def test_the_e_mail_carries_the_form_in_the_reader_s_language(app: Flask) -> None:
    world = assigned_world()
    world.vendor.language = Language.NL
    db.session.commit()
    app.config.update(MAIL_SERVER="localhost", MAIL_SUPPRESS_SEND=True)
    flask_mail.state = flask_mail.init_app(app)  # the suppression is read at init
    payload = next(m.payload for m in messages("email")
                   if m.payload["template"] == "order_assigned_vendor")
    payload = {**payload, "language": "nl"}
    with flask_mail.record_messages() as outbox_mail:
        mail.send_email(payload)
    (sent,) = outbox_mail
    (attached,) = sent.attachments
    assert attached.filename == f"{world.order.reference}-nl.pdf"
    assert attached.content_type == "application/pdf"
    db.session.commit()
    stored = db.session.execute(select(OrderFormFile.pdf).where(
        OrderFormFile.language == "nl")).scalar_one()
    assert attached.data == stored  # issued on the way, as the worker would have


def test_downloads_are_for_the_parties_and_staff_only(app: Flask, client_for: Clients) -> None:
    world = assigned_world()
    path = f"/orders/{world.order.id}/order-form.pdf"
    for who in (world.buyer, world.colleague, world.vendor, world.staff):
        response = client_for(who).get(path + "?lang=fr")
        assert response.status_code == 200, who
        assert response.mimetype == "application/pdf" and response.data.startswith(b"%PDF-")
        assert response.headers["Cache-Control"] == "private, no-store"
    for who in (world.competitor, world.outsider):
        assert client_for(who).get(path).status_code == 404
    assert client_for(world.buyer).get(path + "?lang=de").status_code == 422
    page = client_for(world.buyer).get(f"/orders/{world.order.id}").get_data(as_text=True)
    assert f'href="{path}?lang=nl"' in page
    assert db.session.execute(select(OrderFormFile)).first() is None  # a GET never stores


def test_no_form_before_assignment(app: Flask, client_for: Clients) -> None:
    buyer = factories.user()
    approved = factories.order(S.APPROVED, buyer=buyer)
    assert client_for(buyer).get(f"/orders/{approved.id}/order-form.pdf").status_code == 404
    assert "order-form" not in client_for(buyer).get(f"/orders/{approved.id}").get_data(
        as_text=True)


def test_the_api_serves_the_pdf_and_the_peppol_order(app: Flask, client: FlaskClient) -> None:
    world = assigned_world()
    _row, token = auth.create_api_token(world.buyer)
    db.session.commit()
    base = f"/api/v1/orders/{world.order.id}"
    response = client.get(f"{base}/order-form.pdf?lang=nl", headers=bearer(token))
    assert response.status_code == 200 and response.data.startswith(b"%PDF-")
    refused = client.get(f"{base}/order-form.pdf?lang=xx", headers=bearer(token))
    assert refused.status_code == 422 and "lang" in refused.json["errors"]
    # The factories' parties have no enterprise numbers: Peppol cannot address them.
    assert client.get(f"{base}/order-form.xml", headers=bearer(token)).status_code == 409
    _row, other = auth.create_api_token(world.outsider)
    db.session.commit()
    assert client.get(f"{base}/order-form.pdf", headers=bearer(other)).status_code == 404


def test_the_peppol_order_of_parties_with_enterprise_numbers(app: Flask,
                                                             client: FlaskClient) -> None:
    buyer = factories.user(organisation=factories.organisation(enterprise_number="0207.373.429"))
    made = factories.order(S.APPROVED, buyer=buyer)
    made.lot.memberships[0].vendor.enterprise_number = "0456.789.034"
    db.session.commit()
    made = factories.order(S.ASSIGNED, buyer=buyer, lines=[(made.lines[0].item, 1)])
    _row, token = auth.create_api_token(buyer)
    db.session.commit()
    response = client.get(f"/api/v1/orders/{made.id}/order-form.xml", headers=bearer(token))
    assert response.status_code == 200, response.json
    assert response.mimetype == "application/xml"
    assert f"<cbc:ID>{made.reference}</cbc:ID>".encode() in response.data
    assert b"0207373429" in response.data and b"0456789034" in response.data
    assert fresh(made).status is S.ASSIGNED


@pytest.mark.parametrize("language", ["fr", "nl"])
def test_the_order_page_offers_the_form_in_every_language(
        app: Flask, client_for: Clients, language: str) -> None:
    world = assigned_world()
    world.buyer.language = Language(language)
    db.session.commit()
    page = client_for(world.buyer).get(f"/orders/{world.order.id}").get_data(as_text=True)
    for code in ("fr", "nl", "en"):
        assert f'hreflang="{code}"' in page
