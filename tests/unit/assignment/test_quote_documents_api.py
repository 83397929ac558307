"""Who may download a quote's PDF (the company that sent it, staff, the buyer once awarded),
and the API's JSON and multipart quotes and OpenAPI description."""

from __future__ import annotations

import hashlib
import io
from typing import Any

import pytest
from flask import Flask

from app.assignment import quote_documents
from app.assignment.models import AttemptState
from app.assignment.quote_documents import QuoteUpload
from app.assignment.services import answers
from app.auth import services as auth
from app.auth.models import User
from app.common.errors import NotFound
from app.extensions import db
from tests.unit.assignment.quote_support import (
    PDF,
    Clients,
    attachment_name,
    attempts_of,
    competition,
    decide,
    document_rows,
    user_of,
)
from tests.unit.helpers import page_text

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
