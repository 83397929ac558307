"""Delivery and receipt in the services: who may make each move, what is stored and told,
and what a refused move leaves behind (nothing)."""

from __future__ import annotations

import hashlib

import pytest
from flask import Flask

from app.common.errors import Conflict, NotFound, ValidationFailed
from app.execution import services
from app.execution.models import DeliveryOutcome
from app.extensions import db
from app.orders.models import OrderStatus as S
from tests import factories
from tests.unit.execution.support import (
    PDF,
    PNG,
    assigned_world,
    events_of,
    fresh,
    notified,
    odt,
    rows,
    upload,
)


def test_the_assigned_vendor_delivers_with_documents_and_the_buyer_is_told(app: Flask) -> None:
    world = assigned_world()
    services.deliver(world.vendor, world.order.id, "  Deux ateliers tenus.\nListe jointe. ",
                     [upload("Rapport final.pdf"), upload("photo.png", PNG),
                      upload("liste.odt", odt())])
    db.session.commit()

    order = fresh(world.order)
    assert order.status is S.DELIVERED
    (delivery,) = services.deliveries(world.buyer, order)
    assert (delivery.number, delivery.outcome) == (1, DeliveryOutcome.PENDING)
    assert delivery.note == "Deux ateliers tenus.\nListe jointe."
    assert delivery.delivered_by_id == world.vendor.id
    assert [(d.filename, d.content_type) for d in delivery.documents] == [
        ("Rapport final.pdf", "application/pdf"), ("photo.png", "image/png"),
        ("liste.odt", "application/vnd.oasis.opendocument.text")]
    assert delivery.documents[0].sha256 == hashlib.sha256(PDF).hexdigest()
    assert delivery.documents[0].size_bytes == len(PDF)

    event = events_of(order)[-1]
    assert (event.action, event.from_state, event.to_state) == ("deliver", "assigned",
                                                                 "delivered")
    assert event.payload["documents"][1] == {"name": "photo.png",
                                             "sha256": hashlib.sha256(PNG).hexdigest()}
    assert len(notified(world.buyer, "order_delivered")) == 1
    assert notified(world.vendor, "order_delivered") == []


@pytest.mark.parametrize("who", ["competitor", "outsider"])
def test_someone_who_does_not_see_the_order_gets_404(app: Flask, who: str) -> None:
    world = assigned_world()
    with pytest.raises(NotFound):
        services.deliver(getattr(world, who), world.order.id, "Livré")
    db.session.rollback()
    assert fresh(world.order).status is S.ASSIGNED
    assert rows() == (0, 0)


@pytest.mark.parametrize("who", ["buyer", "staff"])
def test_only_the_vendor_delivers_others_who_see_the_order_get_409(app: Flask, who: str) -> None:
    world = assigned_world()
    with pytest.raises(Conflict):
        services.deliver(getattr(world, who), world.order.id, "Livré")
    db.session.rollback()
    assert rows() == (0, 0)


@pytest.mark.parametrize(("name", "content", "words"), [
    ("rapport.exe", b"MZ\x90\x00" + b"\x00" * 60, "send a PDF"),
    ("rapport.pdf", b"<html>not a pdf</html>", "send a PDF"),
    ("photo.pdf", PNG, "must end in .png"),
    ("rapport", PDF, "must end in .pdf"),
    ("big.pdf", PDF + b"0" * (5 * 1024 * 1024), "larger than 5 MB"),
])
def test_a_refused_file_refuses_the_whole_delivery_and_leaves_nothing(
        app: Flask, name: str, content: bytes, words: str) -> None:
    world = assigned_world()
    with pytest.raises(ValidationFailed) as refused:
        services.deliver(world.vendor, world.order.id, "Livré",
                         [upload("bon.pdf"), upload(name, content)])
    assert list(refused.value.errors) == ["documents"]
    assert words in " ".join(refused.value.errors["documents"])
    db.session.rollback()
    assert fresh(world.order).status is S.ASSIGNED
    assert rows() == (0, 0)
    assert notified(world.buyer, "order_delivered") == []


def test_too_many_files_and_a_bad_note_are_named_together(app: Flask) -> None:
    world = assigned_world()
    with pytest.raises(ValidationFailed) as refused:
        services.deliver(world.vendor, world.order.id, "Livré\x00" + "x",
                         [upload(f"p{n}.pdf") for n in range(11)])
    assert set(refused.value.errors) == {"note", "documents"}
    assert "at most 10 files" in refused.value.errors["documents"][0]
    db.session.rollback()
    assert rows() == (0, 0)


def test_a_move_not_possible_now_is_409_whatever_the_body(app: Flask) -> None:
    world = assigned_world(S.DELIVERED)
    with pytest.raises(Conflict):
        services.deliver(world.vendor, world.order.id, "x" * 6000, [upload("a.exe", b"MZ")])
    db.session.rollback()
    services.confirm_receipt(world.buyer, world.order.id)
    db.session.commit()
    with pytest.raises(Conflict):
        services.confirm_receipt(world.buyer, world.order.id)
    with pytest.raises(Conflict):
        services.contest_delivery(world.buyer, world.order.id, "Trop tard")


def test_the_buyer_confirms_receipt_and_the_vendor_is_told(app: Flask) -> None:
    world = assigned_world(S.DELIVERED)
    services.confirm_receipt(world.colleague, world.order.id)  # any buyer of the organisation
    db.session.commit()
    order = fresh(world.order)
    assert order.status is S.COMPLETED
    (delivery,) = services.deliveries(world.buyer, order)
    assert delivery.outcome is DeliveryOutcome.CONFIRMED
    assert delivery.answered_by_id == world.colleague.id and delivery.answered_at is not None
    assert len(notified(world.vendor, "delivery_confirmed")) == 1
    assert events_of(order)[-1].action == "confirm_receipt"


@pytest.mark.parametrize("who", ["vendor", "staff"])
def test_only_a_buyer_answers_a_delivery(app: Flask, who: str) -> None:
    world = assigned_world(S.DELIVERED)
    with pytest.raises(Conflict):
        services.confirm_receipt(getattr(world, who), world.order.id)
    with pytest.raises(Conflict):
        services.contest_delivery(getattr(world, who), world.order.id, "Incomplet")
    with pytest.raises(NotFound):
        services.confirm_receipt(world.outsider, world.order.id)


def test_a_contest_needs_a_reason_sends_the_order_back_and_the_next_delivery_is_number_two(
        app: Flask) -> None:
    world = assigned_world(S.DELIVERED)
    for blank in ("", "   \n "):
        with pytest.raises(ValidationFailed) as refused:
            services.contest_delivery(world.buyer, world.order.id, blank)
        assert list(refused.value.errors) == ["reason"]
        db.session.rollback()
    assert fresh(world.order).status is S.DELIVERED

    services.contest_delivery(world.buyer, world.order.id, "Il manque la liste des présences.")
    db.session.commit()
    order = fresh(world.order)
    assert order.status is S.ASSIGNED
    (contested,) = services.deliveries(world.buyer, order)
    assert contested.outcome is DeliveryOutcome.CONTESTED
    assert contested.reason == "Il manque la liste des présences."
    (told,) = notified(world.vendor, "delivery_contested")
    assert told.params["reason"] == "Il manque la liste des présences."
    event = events_of(order)[-1]
    assert (event.action, event.to_state, event.reason) == (
        "contest_delivery", "assigned", "Il manque la liste des présences.")

    services.deliver(world.vendor, order.id, "Liste ajoutée.", [upload("presences.pdf")])
    db.session.commit()
    second, first = services.deliveries(world.buyer, fresh(order))
    assert (second.number, second.outcome, first.number) == (2, DeliveryOutcome.PENDING, 1)
    services.confirm_receipt(world.buyer, order.id)
    db.session.commit()
    second, first = services.deliveries(world.buyer, fresh(order))
    assert (second.outcome, first.outcome) == (DeliveryOutcome.CONFIRMED,
                                               DeliveryOutcome.CONTESTED)


def test_documents_are_for_the_buyer_the_assigned_vendor_and_staff_only(app: Flask) -> None:
    world = assigned_world()
    services.deliver(world.vendor, world.order.id, "Livré", [upload()])
    db.session.commit()
    other = assigned_world()
    services.deliver(other.vendor, other.order.id, "Livré", [upload("autre.pdf")])
    db.session.commit()
    (delivery,) = services.deliveries(world.buyer, fresh(world.order))
    doc_id = delivery.documents[0].id
    for who in (world.buyer, world.colleague, world.vendor, world.staff):
        assert services.document(who, world.order.id, doc_id).content == PDF
    for who in (world.competitor, world.outsider, other.buyer):
        with pytest.raises(NotFound):
            services.document(who, world.order.id, doc_id)
    other_doc = services.deliveries(other.buyer, fresh(other.order))[0].documents[0].id
    with pytest.raises(NotFound):  # a document of another order, by this order's route
        services.document(world.buyer, world.order.id, other_doc)


def test_contacts_are_shown_from_assignment_on(app: Flask) -> None:
    world = assigned_world()
    contacts = services.contacts(world.buyer, world.order)
    assert contacts is not None
    assert contacts.buyer_email == world.buyer.email
    assert contacts.buyer_organisation == world.order.organisation.name
    assert (world.vendor.display_name, world.vendor.email) in contacts.vendor_people
    assert contacts.vendor_name == world.order.vendor.name

    buyer = factories.user()
    for state in (S.APPROVED, S.AWAITING_VENDOR):
        assert services.contacts(buyer, factories.order(state, buyer=buyer)) is None
