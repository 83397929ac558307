"""A vendor's written quote (a PDF) sent with its price: checked, and stored with the quote or
not at all; safe file names and the size limit."""

from __future__ import annotations

import hashlib

import pytest
from flask import Flask
from sqlalchemy import select

from app.assignment.models import AttemptState, QuoteDocument
from app.assignment.quote_documents import QuoteUpload, safe_filename
from app.assignment.services import answers
from app.auth.models import User
from app.common.errors import ValidationFailed
from app.extensions import db
from app.orders.models import OrderStatus
from config import load_config
from tests.unit.assignment.quote_support import (
    MB,
    PDF,
    attempts_of,
    competition,
    decide,
    document_rows,
    quote_events,
    user_of,
)

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

