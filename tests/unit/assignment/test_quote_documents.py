"""A vendor's written quote (a PDF) sent with its price: checked, stored with the quote or not
at all, and downloaded only by the company that sent it, staff, and the buyer once awarded."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from werkzeug.http import parse_options_header

from app.assignment import quote_documents
from app.assignment.models import AttemptState, QuoteDocument, VendorAttempt
from app.assignment.quote_documents import QuoteUpload, safe_filename
from app.assignment.services import answers, rounds
from app.assignment.services import dispatch as dispatching
from app.auth import services as auth
from app.auth.models import Language, Role, User
from app.catalogue.services import browse
from app.catalogue.services import lots as lot_services
from app.common.errors import NotFound, ValidationFailed
from app.common.money import format_eur
from app.extensions import db
from app.orders import services
from app.orders.models import Order, OrderEvent, OrderStatus
from config import load_config
from tests.unit.helpers import csrf_token_from, page_text

Clients = Callable[[User], FlaskClient]
MB = 1024 * 1024
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Type /Catalog >> endobj\ntrailer\n%%EOF\n"






def competition(demo_world: dict[str, User]) -> tuple[Order, list[VendorAttempt]]:
    """An approved order of the mini-competition lot, every active vendor invited."""
    buyer, staff = demo_world["buyer1"], demo_world["staff1"]
    lot = next(lot for lot in lot_services.list_lots() if lot.number == 5)
    order = services.create_order(buyer, services.OrderInput(
        lot_id=lot.id, title="Permanence de rue", objectives="Rencontrer les habitants",
        participation_level="consult", commune="forest",
        lines=[services.LineInput(browse.get_current_item("L5-STREET").id, 1)]))
    db.session.commit()
    services.submit(buyer, order.id)
    services.approve(staff, order.id)
    db.session.commit()
    assert dispatching.dispatch(order.id) == "invited"
    db.session.commit()
    invitations = attempts_of(order)
    assert len(invitations) >= 3
    return order, invitations


def attempts_of(order: Order) -> list[VendorAttempt]:
    db.session.expire_all()
    return rounds.attempts_of(order)


def user_of(attempt: VendorAttempt) -> User:
    return db.session.execute(select(User).where(
        User.vendor_id == attempt.vendor_id, User.role == Role.VENDOR)
        .order_by(User.id)).scalars().first()  # type: ignore[return-value]


def document_rows() -> int:
    return int(db.session.execute(select(func.count()).select_from(QuoteDocument)).scalar_one())


def quote_events(order: Order) -> list[OrderEvent]:
    return list(db.session.execute(select(OrderEvent).where(
        OrderEvent.order_id == order.id, OrderEvent.action == "vendor_quoted")).scalars())



def attachment_name(response: Any) -> str | None:
    kind, options = parse_options_header(response.headers["Content-Disposition"])
    return options.get("filename") if kind == "attachment" else None


def decide(order: Order, invitations: list[VendorAttempt]) -> None:
    """Every vendor not yet answering declines, which closes the competition."""
    for other in invitations:
        if db.session.get(VendorAttempt, other.id).state is AttemptState.INVITED:  # type: ignore[union-attr]
            answers.decline(user_of(other), other.id, "Complet")
            db.session.commit()


# --- The service ---------------------------------------------------------------------------

def test_a_quote_with_a_pdf_stores_it_and_the_competition_goes_on(
        demo_world: dict[str, User]) -> None:
    order, invitations = competition(demo_world)
    first = invitations[0]
    answers.quote(user_of(first), first.id, order.total_excl_vat_cents - 100, "Deux",
                     QuoteUpload("Devis 2027.pdf", PDF), conflict_of_interest=False)
    db.session.commit()
    document = db.session.execute(select(QuoteDocument)).scalar_one()
    assert (document.attempt_id, document.filename, document.size_bytes) == (
        first.id, "Devis 2027.pdf", len(PDF))
    assert document.content == PDF and document.sha256 == hashlib.sha256(PDF).hexdigest()
    assert document.created_at.tzinfo is not None
    (event,) = quote_events(order)
    assert event.payload["document"] == {"filename": "Devis 2027.pdf", "size_bytes": len(PDF),
                                         "sha256": document.sha256}
    decide(order, invitations)
    db.session.refresh(order)
    assert order.status is OrderStatus.ASSIGNED and order.vendor_id == first.vendor_id
    assert attempts_of(order)[0].state is AttemptState.AWARDED


def test_a_quote_without_a_pdf_still_works(demo_world: dict[str, User]) -> None:
    order, invitations = competition(demo_world)
    answers.quote(user_of(invitations[0]), invitations[0].id, 1000, "",
                     conflict_of_interest=False)
    db.session.commit()
    assert attempts_of(order)[0].state is AttemptState.QUOTED and document_rows() == 0
    assert "document" not in quote_events(order)[0].payload


@pytest.mark.parametrize(("filename", "content", "message"), [
    ("devis.pdf", b"GIF89a\x01\x00" + PDF, "The file is not a PDF document."),
    ("devis.pdf", b"", "The file is not a PDF document."),
    ("devis.pdf", PDF + b"0" * (5 * MB + 1 - len(PDF)), "The file is larger than 5 MB."),
    ("devis.exe", PDF, "Send a file whose name ends in .pdf."),
    ("devis.pdf.exe", PDF, "Send a file whose name ends in .pdf."),
    ("../../", PDF, "Send a file whose name ends in .pdf."),
    ("...pdf", PDF, "Send a file whose name ends in .pdf."),
])
def test_a_refused_file_refuses_the_whole_quote(demo_world: dict[str, User], filename: str,
                                                content: bytes, message: str) -> None:
    order, invitations = competition(demo_world)
    with pytest.raises(ValidationFailed) as exc:
        answers.quote(user_of(invitations[0]), invitations[0].id, 1000, "n",
                         QuoteUpload(filename, content), conflict_of_interest=False)
    db.session.rollback()
    assert exc.value.errors == {"document": [message]}
    first = attempts_of(order)[0]
    assert first.state is AttemptState.INVITED and first.price_cents is None
    assert document_rows() == 0 and quote_events(order) == []


def test_a_bad_price_and_a_bad_file_are_both_named(demo_world: dict[str, User]) -> None:
    _order, invitations = competition(demo_world)
    with pytest.raises(ValidationFailed) as exc:
        answers.quote(user_of(invitations[0]), invitations[0].id, 0, "",
                         QuoteUpload("devis.txt", b"hello"), conflict_of_interest=False)
    assert set(exc.value.errors) == {"price_cents", "document"}
    assert len(exc.value.errors["document"]) == 2


def test_the_size_limit_is_a_setting(app: Flask, demo_world: dict[str, User]) -> None:
    _order, invitations = competition(demo_world)
    app.config["QUOTE_PDF_MAX_BYTES"] = 2 * MB
    with pytest.raises(ValidationFailed) as exc:
        answers.quote(user_of(invitations[0]), invitations[0].id, 1000, "",
                         QuoteUpload("big.pdf", PDF + b"0" * (2 * MB)), conflict_of_interest=False)
    assert exc.value.errors["document"] == ["The file is larger than 2 MB."]


@pytest.mark.parametrize(("given", "kept"), [
    ("devis.pdf", "devis.pdf"),
    ("Offre société Bruxelles.PDF", "Offre société Bruxelles.pdf"),
    ("C:\\Users\\anne\\Devis final.pdf", "Devis final.pdf"),
    ("../../etc/devis.pdf", "devis.pdf"),
    ('de"vis;\r\n <x>.pdf', "de_vis_x.pdf"),
    ("rapport </b>.pdf", "b.pdf"),
    ("devis\u202efdp.exe.pdf", "devis_fdp.exe.pdf"),
    ("a" * 300 + ".pdf", "a" * 196 + ".pdf"),
    ("devis.exe", None),
    ("devis", None),
    (".pdf", None),
    ("", None),
])
def test_file_names_are_reduced_to_a_safe_pdf_name(given: str, kept: str | None) -> None:
    assert safe_filename(given) == kept


def test_max_content_length_leaves_room_for_the_pdf_and_the_other_fields() -> None:
    assert load_config("testing")["MAX_CONTENT_LENGTH"] == 6 * MB
    assert load_config("testing", env={"QUOTE_PDF_MAX_BYTES": str(10 * MB)})[
        "MAX_CONTENT_LENGTH"] == 11 * MB
    assert load_config("testing", env={"MAX_CONTENT_LENGTH": "1000"})[
        "MAX_CONTENT_LENGTH"] == 1000


# --- The vendor portal ---------------------------------------------------------------------

def test_the_portal_sends_a_quote_with_its_pdf_and_offers_it_back(
        demo_world: dict[str, User], demo_client_for: Clients) -> None:
    order, invitations = competition(demo_world)
    first = invitations[0]
    vendor = demo_client_for(user_of(first))
    page = page_text(vendor.get(f"/vendor/offers/{first.id}"))
    assert 'enctype="multipart/form-data"' in page and 'name="csrf_token"' in page
    assert "Written quote (optional)" in page and "PDF, at most 5 MB." in page
    assert 'type="file"' in page and 'accept="application/pdf,.pdf"' in page

    price = order.total_excl_vat_cents - 5000
    response = vendor.post(f"/vendor/offers/{first.id}/answer", data={"answer": "quote",
        "price": format_eur(price, "fr"), "note": "Deux animateurs",
        "document": (io.BytesIO(PDF), "Notre offre société.pdf")})
    assert response.status_code == 302, page_text(response)
    assert attempts_of(order)[0].state is AttemptState.QUOTED and document_rows() == 1
    shown = page_text(vendor.get(f"/vendor/offers/{first.id}"))
    assert "Your written quote" in shown and "PDF quote (1 kB)" in shown
    assert f'href="/vendor/offers/{first.id}/quote.pdf"' in shown

    download = vendor.get(f"/vendor/offers/{first.id}/quote.pdf")
    assert download.status_code == 200 and download.data == PDF
    assert download.mimetype == "application/pdf"
    assert attachment_name(download) == "Notre offre société.pdf"
    assert download.headers["Cache-Control"] == "private, no-store"
    assert download.headers["X-Content-Type-Options"] == "nosniff"


def test_the_multipart_quote_form_still_checks_the_csrf_token(
        demo_world: dict[str, User], demo_client_for: Clients, app: Flask) -> None:
    order, invitations = competition(demo_world)
    first = invitations[0]
    vendor = demo_client_for(user_of(first))
    app.config["WTF_CSRF_ENABLED"] = True
    data = {"answer": "quote", "price": "100", "document": (io.BytesIO(PDF), "devis.pdf")}
    assert vendor.post(f"/vendor/offers/{first.id}/answer", data=dict(data)).status_code == 400
    assert attempts_of(order)[0].state is AttemptState.INVITED and document_rows() == 0
    token = csrf_token_from(page_text(vendor.get(f"/vendor/offers/{first.id}")))
    response = vendor.post(f"/vendor/offers/{first.id}/answer", data={"answer": "quote",
        "price": "100", "csrf_token": token, "document": (io.BytesIO(PDF), "devis.pdf")})
    assert response.status_code == 302 and document_rows() == 1


def test_the_portal_quote_without_a_file_is_still_accepted(
        demo_world: dict[str, User], demo_client_for: Clients) -> None:
    order, invitations = competition(demo_world)
    first = invitations[0]
    vendor = demo_client_for(user_of(first))
    response = vendor.post(f"/vendor/offers/{first.id}/answer", data={"answer": "quote",
        "price": "100", "note": "", "document": (io.BytesIO(b""), "")})
    assert response.status_code == 302
    assert attempts_of(order)[0].state is AttemptState.QUOTED and document_rows() == 0
    assert "PDF quote" not in page_text(vendor.get(f"/vendor/offers/{first.id}"))
    assert vendor.get(f"/vendor/offers/{first.id}/quote.pdf").status_code == 404


@pytest.mark.parametrize(("filename", "content", "message"), [
    ("devis.pdf", b"<html>not a pdf</html>", "The file is not a PDF document."),
    ("devis.pdf", PDF + b"0" * (5 * MB), "The file is larger than 5 MB."),
    ("devis.docx", PDF, "Send a file whose name ends in .pdf."),
])
def test_the_portal_names_the_refused_file_and_saves_nothing(
        demo_world: dict[str, User], demo_client_for: Clients, filename: str, content: bytes,
        message: str) -> None:
    order, invitations = competition(demo_world)
    first = invitations[0]
    vendor = demo_client_for(user_of(first))
    refused = vendor.post(f"/vendor/offers/{first.id}/answer", data={"answer": "quote",
        "price": "100", "note": "n", "document": (io.BytesIO(content), filename)})
    assert refused.status_code == 200
    page = page_text(refused)
    assert 'id="document-error"' in page and message in page
    assert f'href="#document">Written quote (optional): {message}' in page
    assert attempts_of(order)[0].state is AttemptState.INVITED and document_rows() == 0


def test_the_form_and_its_errors_speak_the_users_language(
        demo_world: dict[str, User], demo_client_for: Clients) -> None:
    _order, invitations = competition(demo_world)
    first = invitations[0]
    user = user_of(first)
    user.language = Language.FR
    db.session.commit()
    vendor = demo_client_for(user)
    page = page_text(vendor.get(f"/vendor/offers/{first.id}"))
    assert "Offre de prix écrite (facultatif)" in page and "PDF, 5 Mo au maximum." in page
    refused = page_text(vendor.post(f"/vendor/offers/{first.id}/answer", data={
        "answer": "quote",
        "price": "100", "document": (io.BytesIO(b"nope"), "devis.pdf")}))
    assert 'id="document-error"' in refused
    assert "Le fichier n'est pas un document PDF." in refused


def test_a_request_over_the_size_limit_answers_413_not_500(
        demo_world: dict[str, User], demo_client_for: Clients, app: Flask) -> None:
    order, invitations = competition(demo_world)
    first = invitations[0]
    too_big = PDF + b"0" * (app.config["MAX_CONTENT_LENGTH"] + 1)
    response = demo_client_for(user_of(first)).post(f"/vendor/offers/{first.id}/answer", data={
        "answer": "quote",
        "price": "100", "document": (io.BytesIO(too_big), "devis.pdf")})
    assert response.status_code == 413
    assert response.mimetype == "text/html" and "Request too large" in page_text(response)
    assert "send a smaller file" in page_text(response)
    _row, token = auth.create_api_token(user_of(first))
    db.session.commit()
    api = app.test_client().post(
        f"/api/v1/offers/{first.id}/quote", headers={"Authorization": f"Bearer {token}"},
        data={"price_cents": "100", "document": (io.BytesIO(too_big), "devis.pdf")})
    assert api.status_code == 413 and api.mimetype == "application/problem+json"
    assert "send a smaller file" in api.get_json()["detail"]
    assert attempts_of(order)[0].state is AttemptState.INVITED and document_rows() == 0


# --- Who may download ------------------------------------------------------------------------

def test_downloads_are_for_the_sender_staff_and_the_buyer_of_the_awarded_quote(
        demo_world: dict[str, User], demo_client_for: Clients, app: Flask) -> None:
    order, invitations = competition(demo_world)
    winner, loser = invitations[0], invitations[1]
    answers.quote(user_of(loser), loser.id, order.total_excl_vat_cents, "",
                     QuoteUpload("loser.pdf", PDF + b"loser"), conflict_of_interest=False)
    answers.quote(user_of(winner), winner.id, order.total_excl_vat_cents - 1, "",
                     QuoteUpload("winner.pdf", PDF + b"winner"), conflict_of_interest=False)
    db.session.commit()
    path = f"/orders/{order.id}/attempts/{{}}/quote.pdf"

    # Before the award the buyer sees no quote, staff every one.
    buyer = demo_client_for(demo_world["buyer1"])
    staff = demo_client_for(demo_world["staff1"])
    assert buyer.get(path.format(winner.id)).status_code == 404
    assert staff.get(path.format(loser.id)).data == PDF + b"loser"

    decide(order, invitations)
    assert attempts_of(order)[0].state is AttemptState.AWARDED

    # The vendors: each its own, through the portal; never the competitor's, never by the
    # order's route.
    winner_client, loser_client = demo_client_for(user_of(winner)), demo_client_for(user_of(loser))
    assert winner_client.get(f"/vendor/offers/{winner.id}/quote.pdf").data == PDF + b"winner"
    assert loser_client.get(f"/vendor/offers/{loser.id}/quote.pdf").status_code == 200
    assert loser_client.get(f"/vendor/offers/{winner.id}/quote.pdf").status_code == 404
    assert winner_client.get(path.format(winner.id)).status_code == 404

    # Staff and admins: every quote's document.
    for who in ("staff1", "admin"):
        client = demo_client_for(demo_world[who])
        for attempt, name in ((winner, "winner.pdf"), (loser, "loser.pdf")):
            response = client.get(path.format(attempt.id))
            assert response.status_code == 200, who
            assert attachment_name(response) == name
            assert response.headers["Cache-Control"] == "private, no-store"
    staff_page = page_text(staff.get(f"/orders/{order.id}"))
    assert staff_page.count('data-testid="quote-document"') == 2
    assert f'href="{path.format(loser.id)}"' in staff_page

    # The buyer: the awarded quote's only; another organisation's buyer nothing.
    assert buyer.get(path.format(winner.id)).data == PDF + b"winner"
    assert buyer.get(path.format(loser.id)).status_code == 404
    buyer_page = page_text(buyer.get(f"/orders/{order.id}"))
    assert buyer_page.count('data-testid="quote-document"') == 1
    assert f'href="{path.format(winner.id)}"' in buyer_page
    other = demo_client_for(demo_world["buyer2"])
    assert other.get(path.format(winner.id)).status_code == 404

    # A wrong pairing of order and attempt, or an attempt without a document: 404.
    assert staff.get(f"/orders/{order.id + 1}/attempts/{winner.id}/quote.pdf"
                     ).status_code == 404
    assert staff.get(path.format(invitations[2].id)).status_code == 404

    # Nobody logged in: sent to the login page.
    for url in (path.format(winner.id), f"/vendor/offers/{winner.id}/quote.pdf"):
        anonymous = app.test_client().get(url)
        assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]


def test_the_service_refuses_whoever_may_not_see_the_document(demo_world: dict[str, User]) -> None:
    order, invitations = competition(demo_world)
    first = invitations[0]
    answers.quote(user_of(first), first.id, 100, "", QuoteUpload("d.pdf", PDF),
                     conflict_of_interest=False)
    db.session.commit()
    assert quote_documents.for_vendor(user_of(first), first.id).content == PDF
    assert quote_documents.for_order(demo_world["staff1"], order.id, first.id).content == PDF
    for call in (lambda: quote_documents.for_vendor(user_of(invitations[1]), first.id),
                 lambda: quote_documents.for_vendor(demo_world["staff1"], first.id),
                 lambda: quote_documents.for_order(demo_world["buyer1"], order.id, first.id),
                 lambda: quote_documents.for_order(user_of(first), order.id, first.id)):
        with pytest.raises(NotFound):
            call()


# --- The API ---------------------------------------------------------------------------------

def _token(user: User) -> dict[str, str]:
    _row, token = auth.create_api_token(user)
    db.session.commit()
    return {"Authorization": f"Bearer {token}"}


def test_the_api_still_takes_a_json_quote(demo_world: dict[str, User], app: Flask) -> None:
    order, invitations = competition(demo_world)
    first = invitations[0]
    headers = _token(user_of(first))
    client = app.test_client()
    refused = client.post(f"/api/v1/offers/{first.id}/quote", json={"price_cents": "100"},
                          headers=headers)
    assert refused.status_code == 422 and "price_cents" in refused.get_json()["errors"]
    response = client.post(f"/api/v1/offers/{first.id}/quote",
                           json={"price_cents": 12345, "note": "JSON",
                                 "conflict_of_interest": False}, headers=headers)
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["state"] == "quoted" and body["price_cents"] == 12345
    assert body["document"] is None
    assert attempts_of(order)[0].note == "JSON" and document_rows() == 0


def test_the_api_takes_a_multipart_quote_with_its_pdf(demo_world: dict[str, User],
                                                       app: Flask) -> None:
    order, invitations = competition(demo_world)
    first = invitations[0]
    headers = _token(user_of(first))
    client = app.test_client()
    response = client.post(f"/api/v1/offers/{first.id}/quote", headers=headers, data={
        "price_cents": "43210", "note": "Multipart", "conflict_of_interest": "false",
        "document": (io.BytesIO(PDF), "Offre.pdf")})
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["state"] == "quoted" and body["price_cents"] == 43210
    url = f"/api/v1/offers/{first.id}/document"
    assert body["document"] == {"filename": "Offre.pdf", "size_bytes": len(PDF),
                                "sha256": hashlib.sha256(PDF).hexdigest(), "url": url}
    listed = client.get("/api/v1/offers", headers=headers).get_json()
    assert [o["document"] for o in listed if o["id"] == first.id] == [body["document"]]
    download = client.get(url, headers=headers)
    assert download.status_code == 200 and download.data == PDF
    assert download.headers["Cache-Control"] == "private, no-store"
    assert attachment_name(download) == "Offre.pdf"
    stranger = _token(user_of(invitations[1]))
    assert client.get(url, headers=stranger).status_code == 404
    assert client.get(url).status_code == 401
    assert attempts_of(order)[0].note == "Multipart"


_NO_CONFLICT = {"conflict_of_interest": "false"}


@pytest.mark.parametrize(("data", "field"), [
    ({**_NO_CONFLICT, "price_cents": "100",
      "document": (io.BytesIO(b"PK\x03\x04"), "devis.pdf")}, "document"),
    ({**_NO_CONFLICT, "price_cents": "100", "document": (io.BytesIO(PDF), "devis.odt")},
     "document"),
    ({**_NO_CONFLICT, "price_cents": "100", "document": "%PDF- as text"}, "document"),
    ({**_NO_CONFLICT, "price_cents": "1.5", "document": (io.BytesIO(PDF), "devis.pdf")},
     "price_cents"),
    ({**_NO_CONFLICT, "document": (io.BytesIO(PDF), "devis.pdf")}, "price_cents"),
    ({**_NO_CONFLICT, "price_cents": "100", "extra": "x"}, "extra"),
    ({**_NO_CONFLICT, "price_cents": "100", "document": [(io.BytesIO(PDF), "a.pdf"),
                                                         (io.BytesIO(PDF), "b.pdf")]},
     "document"),
])
def test_a_refused_multipart_quote_names_the_field_and_changes_nothing(
        demo_world: dict[str, User], app: Flask, data: dict[str, Any], field: str) -> None:
    order, invitations = competition(demo_world)
    first = invitations[0]
    response = app.test_client().post(f"/api/v1/offers/{first.id}/quote",
                                      headers=_token(user_of(first)), data=data,
                                      content_type="multipart/form-data")
    assert response.status_code == 422, response.get_json()
    assert response.mimetype == "application/problem+json"
    assert field in response.get_json()["errors"]
    assert attempts_of(order)[0].state is AttemptState.INVITED and document_rows() == 0


def test_the_openapi_document_describes_both_bodies_and_the_download(app: Flask) -> None:
    spec = app.test_client().get("/api/v1/openapi.json").get_json()
    operation = spec["paths"]["/api/v1/offers/{attempt_id}/quote"]["post"]
    content = operation["requestBody"]["content"]
    assert set(content) == {"application/json", "multipart/form-data"}
    upload = spec["components"]["schemas"]["QuoteUpload"]["properties"]
    assert upload["document"]["format"] == "binary"
    assert "413" in operation["responses"]
    download = spec["paths"]["/api/v1/offers/{attempt_id}/document"]["get"]
    assert "application/pdf" in download["responses"]["200"]["content"]
    offer = spec["components"]["schemas"]["Offer"]["properties"]
    assert "document" in offer
