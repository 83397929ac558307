"""After assignment, end to end on PostgreSQL, Redis and a real worker (DESIGN §9), through
the API as each role: approve → assigned (the order form e-mailed to both parties, its text
read back with pdftotext in fr and nl) → delivered with a document → contested → delivered →
confirmed → two invoices (one JSON, one UBL built from the Peppol example) → one disputed and
corrected → both paid → closed; the lot's committed, invoiced and paid figures at each step,
and closing releases the uninvoiced rest. Then every refusal, each leaving no row."""

from __future__ import annotations

import io
import subprocess
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from flask import Flask, g
from flask.testing import FlaskClient
from lxml import etree
from sqlalchemy import func, select

from app.assignment.models import VendorAttempt
from app.auth import services as auth
from app.auth.models import Language, Role, User
from app.auth.passwords import hash_password
from app.catalogue.services import browse
from app.catalogue.services import lots as lot_services
from app.common.money import format_eur
from app.demo.seed import seed_demo
from app.extensions import db
from app.invoicing.models import Invoice
from app.orders import audit
from tests.integration.conftest import SmtpSink
from tests.integration.faults import outbox_settled
from tests.processes import Process, wait_until

EXAMPLE = (Path(__file__).resolve().parents[2] / "unit" / "invoicing" / "data"
           / "invoice-base-example.xml")
NS = {"cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
      "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"}
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Type /Catalog >> endobj\ntrailer\n%%EOF\n"


def ubl_invoice(reference: str, *, payable: str | None = None) -> bytes:
    """The Peppol BIS Billing 3.0 example (1 325,00 + 331,25 VAT) quoting ``reference``."""
    root = etree.fromstring(EXAMPLE.read_bytes(), etree.XMLParser(resolve_entities=False,
                                                                  no_network=True))
    order = etree.Element(f"{{{NS['cac']}}}OrderReference")
    etree.SubElement(order, f"{{{NS['cbc']}}}ID").text = reference
    buyer_reference = root.find("cbc:BuyerReference", NS)
    assert buyer_reference is not None
    buyer_reference.addnext(order)
    if payable is not None:
        total = root.find("cac:LegalMonetaryTotal/cbc:PayableAmount", NS)
        assert total is not None
        total.text = payable
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))


class Api:
    """The test client with one bearer token per person."""

    def __init__(self, client: FlaskClient, users: dict[str, User]) -> None:
        self.client = client
        self.tokens = {}
        for name, user in users.items():
            _row, value = auth.create_api_token(user)
            self.tokens[name] = {"Authorization": f"Bearer {value}"}
        db.session.commit()

    def call(self, method: str, who: str, path: str, expect: int, **kwargs: Any) -> Any:
        # The requests share the test's app context: forget the last request's user, which
        # Flask-Login keeps on ``g``, so each token is read afresh.
        g.pop("_login_user", None)
        response = self.client.open(f"/api/v1{path}", method=method,
                                    headers=self.tokens[who], **kwargs)
        assert response.status_code == expect, (path, response.get_data(as_text=True))
        return response.json

    def lot(self, lot_id: int) -> tuple[int, int, int]:
        (lot,) = [lot for lot in self.call("GET", "buyer", "/lots", 200)
                  if lot["id"] == lot_id]
        return lot["committed_cents"], lot["invoiced_cents"], lot["paid_cents"]


def _people() -> tuple[dict[str, User], int, int]:
    seed_demo()
    buyer = db.session.execute(select(User).where(User.email == "buyer1@demo.example")
                               ).scalar_one()
    buyer.language = Language.FR
    staff = User(email="flow-staff@example.org", role=Role.STAFF, language=Language.EN,
                 password_hash=hash_password("irrelevant pass"))
    db.session.add(staff)
    item = browse.get_current_item("L3-WS-HALF")  # 650,00 a half-day, 21 % VAT, cascade
    lot_services.get_lot(item.lot_id).ceiling_cents = None
    db.session.commit()
    return {"buyer": buyer, "staff": staff}, item.id, item.lot_id


def _pdf_text(message: EmailMessage, directory: Path, name: str) -> str:
    (part,) = list(message.iter_attachments())
    assert part.get_content_type() == "application/pdf"
    path = directory / f"{name}.pdf"
    path.write_bytes(bytes(part.get_content()))
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True,
                         capture_output=True, timeout=60).stdout.decode()
    return " ".join(out.replace("\u202f", " ").replace("\u00a0", " ").split())


def _invoice_rows() -> int:
    count = int(db.session.execute(select(func.count(Invoice.id))).scalar_one())
    db.session.rollback()
    return count


def test_an_order_from_approval_to_closing_with_its_documents_and_money(
        app: Flask, worker: Process, smtp_sink: SmtpSink, tmp_path: Path) -> None:
    with app.app_context():
        people, item_id, lot_id = _people()
        api = Api(app.test_client(), people)
        made = api.call("POST", "buyer", "/orders", 201, json={
            "lot_id": lot_id, "title": "Budget participatif 2027", "objectives": "Co-décider",
            "participation_level": "collaborate", "commune": "ixelles",
            "lines": [{"item_id": item_id, "quantity": 4}]})
        order_id, reference = made["id"], made["reference"]
        assert (made["total_excl_vat_cents"], made["total_incl_vat_cents"]) == (
            260_000, 314_600)
        api.call("POST", "buyer", f"/orders/{order_id}/submit", 200)
        assert api.lot(lot_id) == (0, 0, 0)
        api.call("POST", "staff", f"/orders/{order_id}/approve", 200)
        assert api.lot(lot_id) == (260_000, 0, 0)

        wait_until(lambda: db.session.execute(select(VendorAttempt.id).where(
            VendorAttempt.order_id == order_id)).first() is not None
            or db.session.rollback(), 30, "the worker offered the order")
        attempt = db.session.execute(select(VendorAttempt).where(
            VendorAttempt.order_id == order_id)).scalar_one()
        vendor = db.session.execute(select(User).where(User.vendor_id == attempt.vendor_id)
                                    .order_by(User.id)).scalars().first()
        assert vendor is not None
        vendor.language = Language.NL
        db.session.commit()
        api = Api(api.client, {**people, "vendor": vendor})
        api.call("POST", "vendor", f"/offers/{attempt.id}/accept", 200,
                 json={"conflict_of_interest": False})
        vendor_email, vendor_name = vendor.email, vendor.vendor.name if vendor.vendor else ""
        organisation = people["buyer"].organisation.name if people["buyer"].organisation else ""
        buyer_email = people["buyer"].email
        db.session.rollback()

    wait_until(lambda: outbox_settled(app), 90, "the order form issued and the e-mails sent")
    for email, language, heading in ((buyer_email, "fr", "Bon de commande"),
                                     (vendor_email, "nl", "Bestelbon")):
        (message,) = [m for m in smtp_sink.wait_for(1, to=email)
                      if reference in str(m["Subject"]) and any(m.iter_attachments())]
        text = _pdf_text(message, tmp_path, language)
        for expected in (heading, reference, organisation, vendor_name, "L3-WS-HALF",
                         " ".join(format_eur(260_000, language).split()),
                         " ".join(format_eur(314_600, language).split())):
            assert expected in text, (language, expected)

    with app.app_context():
        orders = f"/orders/{order_id}"
        api.call("POST", "vendor", f"{orders}/invoices", 409, json={
            "number": "TOO-EARLY", "issue_date": "2026-11-30", "amount_excl_vat_cents": 1,
            "vat_cents": 0, "order_reference": reference})
        api.call("POST", "vendor", f"{orders}/deliver", 200, data={
            "note": "Trois ateliers tenus.", "documents": [(io.BytesIO(PDF), "rapport.pdf")]},
            content_type="multipart/form-data")
        api.call("POST", "buyer", f"{orders}/contest-delivery", 200,
                 json={"reason": "Il manque la synthèse."})
        api.call("POST", "vendor", f"{orders}/deliver", 200, json={"note": "Synthèse jointe."})
        json_invoice = api.call("POST", "vendor", f"{orders}/invoices", 201, json={
            "number": "2026-0042", "issue_date": "2026-12-01", "due_date": "2026-12-31",
            "amount_excl_vat_cents": 100_000, "vat_cents": 21_000,
            "order_reference": reference})
        assert api.lot(lot_id) == (260_000, 100_000, 0)
        assert api.call("POST", "buyer", f"{orders}/confirm-receipt", 200)["status"] == \
            "completed"
        ubl = api.call("POST", "vendor", f"{orders}/invoices", 201,
                       data=ubl_invoice(reference), content_type="application/xml")
        assert (ubl["source"], ubl["amount_excl_vat_cents"], ubl["vat_cents"]) == (
            "ubl", 132_500, 33_125)
        assert api.lot(lot_id) == (260_000, 232_500, 0)

        api.call("POST", "buyer", f"/invoices/{json_invoice['id']}/dispute", 200,
                 json={"reason": "Le numéro de bon de commande manque sur le PDF."})
        api.call("POST", "staff", f"{orders}/close", 409)
        corrected = api.call("POST", "vendor", f"/invoices/{json_invoice['id']}/correct", 200,
                             json={"number": "2026-0042", "issue_date": "2026-12-01",
                                   "due_date": "2026-12-31", "amount_excl_vat_cents": 90_000,
                                   "vat_cents": 18_900, "order_reference": reference})
        assert corrected["state"] == "registered"
        assert api.lot(lot_id) == (260_000, 222_500, 0)
        for invoice, who in ((json_invoice, "buyer"), (ubl, "staff")):
            api.call("POST", who, f"/invoices/{invoice['id']}/accept", 200)
            api.call("POST", who, f"/invoices/{invoice['id']}/mark-paid", 200,
                     json={"paid_on": "2026-12-02"})
        assert api.lot(lot_id) == (260_000, 222_500, 222_500)
        api.call("POST", "buyer", f"{orders}/close", 403)
        closed = api.call("POST", "staff", f"{orders}/close", 200)
        assert closed["status"] == "closed"
        # The uninvoiced 375,00 of the commitment is released.
        assert api.lot(lot_id) == (222_500, 222_500, 222_500)
        (framework,) = [f for f in api.call("GET", "buyer", "/frameworks", 200)
                        if lot_id in [lot["id"] for lot in api.call("GET", "buyer", "/lots",
                                                                    200)
                                      if lot["framework_id"] == f["id"]]]
        assert framework["invoiced_cents"] >= 222_500 and framework["paid_cents"] >= 222_500

        actions = [e["action"] for e in api.call("GET", "staff", f"{orders}/events", 200)]
        for expected in ("deliver", "contest_delivery", "confirm_receipt",
                         "invoice_registered", "invoice_disputed", "invoice_corrected",
                         "invoice_accepted", "invoice_paid", "close"):
            assert expected in actions, expected
        assert audit.verify()[1] is None
        db.session.rollback()


def test_every_refusal_leaves_no_row(app: Flask, worker: Process) -> None:
    with app.app_context():
        people, item_id, lot_id = _people()
        others = db.session.execute(select(User).where(User.email == "buyer2@demo.example")
                                    ).scalar_one()
        api = Api(app.test_client(), {**people, "outsider": others})
        made = api.call("POST", "buyer", "/orders", 201, json={
            "lot_id": lot_id, "title": "Refus", "objectives": "Refus",
            "participation_level": "consult", "commune": "region",
            "lines": [{"item_id": item_id, "quantity": 2}]})
        order_id, reference = made["id"], made["reference"]
        other = api.call("POST", "buyer", "/orders", 201, json={
            "lot_id": lot_id, "title": "Autre", "objectives": "Autre",
            "participation_level": "consult", "commune": "region",
            "lines": [{"item_id": item_id, "quantity": 1}]})
        api.call("POST", "buyer", f"/orders/{order_id}/submit", 200)
        api.call("POST", "staff", f"/orders/{order_id}/approve", 200)
        wait_until(lambda: db.session.execute(select(VendorAttempt.id).where(
            VendorAttempt.order_id == order_id)).first() is not None
            or db.session.rollback(), 30, "the worker offered the order")
        attempt = db.session.execute(select(VendorAttempt).where(
            VendorAttempt.order_id == order_id)).scalar_one()
        vendor = db.session.execute(select(User).where(User.vendor_id == attempt.vendor_id)
                                    .order_by(User.id)).scalars().first()
        assert vendor is not None
        api = Api(api.client, {**people, "outsider": others, "vendor": vendor})
        api.call("POST", "vendor", f"/offers/{attempt.id}/accept", 200,
                 json={"conflict_of_interest": False})
        path = f"/orders/{order_id}/invoices"
        body = {"number": "R-1", "issue_date": "2026-12-01", "due_date": "2026-12-31",
                "amount_excl_vat_cents": 10_000, "vat_cents": 2_100,
                "order_reference": reference}
        api.call("POST", "vendor", path, 409, json=body)  # before delivery
        api.call("POST", "vendor", f"/orders/{order_id}/deliver", 200, json={"note": "Fait"})

        def refused(expect: int, who: str = "vendor", **kwargs: Any) -> dict[str, Any]:
            before = _invoice_rows()
            problem = api.call("POST", who, path, expect, **kwargs)
            assert _invoice_rows() == before
            return dict(problem)

        assert "order_reference" in refused(
            422, json={**body, "order_reference": other["reference"]})["errors"]
        assert "amount_excl_vat_cents" in refused(
            422, json={**body, "amount_excl_vat_cents": 300_000})["errors"]
        assert "due_date" in refused(422, json={**body, "due_date": "2026-11-01"})["errors"]
        assert "xsd" in refused(422, data=b"<Invoice xmlns='urn:oasis:names:specification:"
                                          b"ubl:schema:xsd:Invoice-2'/>",
                                content_type="application/xml")["errors"]
        rule = refused(422, data=ubl_invoice(reference, payable="1656.26"),
                       content_type="application/xml")["errors"]
        assert "BR-CO-16" in rule and "BR-CO-16" in rule["BR-CO-16"][0]
        bomb = (b'<?xml version="1.0"?><!DOCTYPE b [<!ENTITY a "aaaaaaaaaa">'
                b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><Invoice>&b;</Invoice>')
        xxe = (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
               b"<Invoice>&e;</Invoice>")
        for hostile in (bomb, xxe):
            errors = refused(422, data=hostile, content_type="application/xml")["errors"]
            assert list(errors) == ["file"] and "root:" not in str(errors)
        for who in ("buyer", "staff", "outsider"):
            refused(404, who=who, json=body)

        first = api.call("POST", "vendor", path, 201, json=body)
        assert "number" in refused(422, json={**body, "amount_excl_vat_cents": 1})["errors"]
        for who in ("vendor", "outsider"):
            api.call("POST", who, f"/invoices/{first['id']}/accept", 404)
        api.call("POST", "buyer", f"/orders/{order_id}/confirm-receipt", 200)
        api.call("POST", "staff", f"/orders/{order_id}/close", 409)
        assert api.call("GET", "buyer", f"/orders/{order_id}", 200)["status"] == "completed"
        db.session.rollback()
