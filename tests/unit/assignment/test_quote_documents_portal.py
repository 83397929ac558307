"""The vendor portal's quote form with its PDF: sent, offered back, refused by field, in the
user's language, and a request over the size limit answered 413."""

from __future__ import annotations

import io

import pytest
from flask import Flask

from app.assignment.models import AttemptState
from app.auth import services as auth
from app.auth.models import Language, User
from app.common.money import format_eur
from app.extensions import db
from tests.unit.assignment.quote_support import (
    MB,
    PDF,
    Clients,
    attachment_name,
    attempts_of,
    competition,
    document_rows,
    user_of,
)
from tests.unit.helpers import csrf_token_from, page_text

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

