"""The delivery pages: the vendor marks the order delivered with documents, the buyer
confirms or contests it, everyone who may see the order reads the deliveries and the
contacts; refusals name the field and keep what was typed."""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest
from flask.testing import FlaskClient

from app.auth.models import Language, User
from app.execution import services
from app.extensions import db
from app.orders.models import OrderStatus as S
from tests.unit.execution.support import PDF, assigned_world, fresh, rows, upload
from tests.unit.helpers import count_queries, page_text

Clients = Callable[[User], FlaskClient]


def test_the_vendor_delivers_from_the_order_page(client_for: Clients) -> None:
    world = assigned_world()
    vendor = client_for(world.vendor)
    page = page_text(vendor.get(f"/orders/{world.order.id}"))
    assert f'href="/orders/{world.order.id}/deliver"' in page
    assert "Contacts" in page and world.buyer.email in page

    form = page_text(vendor.get(f"/orders/{world.order.id}/deliver"))
    assert 'enctype="multipart/form-data"' in form and 'name="documents"' in form
    assert "At most 10 files, 5 MB together." in form

    response = vendor.post(f"/orders/{world.order.id}/deliver", data={
        "note": "Ateliers tenus le 3 mars.",
        "documents": [(io.BytesIO(PDF), "rapport.pdf"), (io.BytesIO(b""), "")]},
        content_type="multipart/form-data")
    assert response.status_code == 302
    assert fresh(world.order).status is S.DELIVERED
    assert rows() == (1, 1)
    shown = page_text(vendor.get(response.headers["Location"]))
    assert "The order is marked delivered" in shown
    assert "Ateliers tenus le 3 mars." in shown and "rapport.pdf" in shown
    assert f'href="/orders/{world.order.id}/deliver"' not in shown


def test_a_refused_file_names_the_field_and_keeps_the_note(client_for: Clients) -> None:
    world = assigned_world()
    vendor = client_for(world.vendor)
    response = vendor.post(f"/orders/{world.order.id}/deliver", data={
        "note": "Mon rapport", "documents": [(io.BytesIO(b"MZ\x90\x00"), "rapport.exe")]},
        content_type="multipart/form-data")
    page = page_text(response)
    assert response.status_code == 200
    assert 'href="#documents"' in page  # the error summary links to the field
    assert "rapport.exe: send a PDF" in page
    assert "Mon rapport</textarea>" in page
    assert fresh(world.order).status is S.ASSIGNED and rows() == (0, 0)


def test_another_role_s_move_is_403_one_not_possible_now_409_others_404(
        client_for: Clients) -> None:
    world = assigned_world()
    assert client_for(world.buyer).get(f"/orders/{world.order.id}/deliver").status_code == 403
    assert client_for(world.vendor).get(
        f"/orders/{world.order.id}/confirm-receipt").status_code == 403
    assert client_for(world.buyer).get(
        f"/orders/{world.order.id}/confirm-receipt").status_code == 409
    for who in (world.competitor, world.outsider):
        client = client_for(who)
        assert client.get(f"/orders/{world.order.id}/deliver").status_code == 404
        assert client.post(f"/orders/{world.order.id}/deliver",
                           data={"note": "x"}).status_code == 404
    assert fresh(world.order).status is S.ASSIGNED and rows() == (0, 0)


def test_the_buyer_confirms_receipt_after_a_page_that_asks(client_for: Clients) -> None:
    world = assigned_world()
    services.deliver(world.vendor, world.order.id, "Tout est livré.", [upload()])
    db.session.commit()
    buyer = client_for(world.buyer)
    page = page_text(buyer.get(f"/orders/{world.order.id}"))
    assert f'href="/orders/{world.order.id}/confirm-receipt"' in page
    assert f'href="/orders/{world.order.id}/contest-delivery"' in page

    ask = page_text(buyer.get(f"/orders/{world.order.id}/confirm-receipt"))
    assert "Confirm receipt of the order" in ask and "Tout est livré." in ask
    assert "This cannot be undone." in ask
    assert fresh(world.order).status is S.DELIVERED  # GET changes nothing

    response = buyer.post(f"/orders/{world.order.id}/confirm-receipt")
    assert response.status_code == 302
    assert fresh(world.order).status is S.COMPLETED
    assert "Receipt confirmed on" in page_text(buyer.get(f"/orders/{world.order.id}"))


def test_a_contest_without_a_reason_is_refused_then_with_one_goes_back(
        client_for: Clients) -> None:
    world = assigned_world(S.DELIVERED)
    buyer = client_for(world.buyer)
    refused = buyer.post(f"/orders/{world.order.id}/contest-delivery", data={"reason": "  "})
    assert refused.status_code == 200
    assert 'href="#reason"' in page_text(refused)
    assert fresh(world.order).status is S.DELIVERED

    done = buyer.post(f"/orders/{world.order.id}/contest-delivery",
                      data={"reason": "Le rapport manque."})
    assert done.status_code == 302
    assert fresh(world.order).status is S.ASSIGNED
    vendor_page = page_text(client_for(world.vendor).get(f"/orders/{world.order.id}"))
    assert "Le rapport manque." in vendor_page
    assert f'href="/orders/{world.order.id}/deliver"' in vendor_page


def test_documents_download_for_the_parties_and_404_for_others(client_for: Clients) -> None:
    world = assigned_world()
    services.deliver(world.vendor, world.order.id, "", [upload("Rapport final.pdf")])
    db.session.commit()
    doc = services.deliveries(world.buyer, fresh(world.order))[0].documents[0]
    path = f"/orders/{world.order.id}/deliveries/documents/{doc.id}"
    for who in (world.buyer, world.vendor, world.staff):
        response = client_for(who).get(path)
        assert response.status_code == 200 and response.data == PDF
        assert response.headers["Cache-Control"] == "private, no-store"
        assert "attachment" in response.headers["Content-Disposition"]
    for who in (world.competitor, world.outsider):
        assert client_for(who).get(path).status_code == 404
        assert "Rapport final" not in page_text(client_for(who).get(f"/orders/{world.order.id}"))


@pytest.mark.parametrize(("language", "words"), [
    ("fr", ("Livraison", "Confirmer la réception")),
    ("nl", ("Levering", "Ontvangst bevestigen")),
])
def test_the_delivery_section_speaks_the_reader_s_language(
        client_for: Clients, language: str, words: tuple[str, ...]) -> None:
    world = assigned_world(S.DELIVERED)
    world.buyer.language = Language(language)
    db.session.commit()
    page = page_text(client_for(world.buyer).get(f"/orders/{world.order.id}"))
    for word in words:
        assert word in page


def test_the_order_page_runs_as_many_queries_for_one_delivery_as_for_many(
        client_for: Clients) -> None:
    def queries_for(deliveries: int) -> int:
        world = assigned_world()
        for n in range(deliveries):
            services.deliver(world.vendor, world.order.id, f"Livraison {n}",
                             [upload(f"r{n}-{k}.pdf") for k in range(n + 1)])
            db.session.commit()
            if n + 1 < deliveries:
                services.contest_delivery(world.buyer, world.order.id, "Incomplet")
                db.session.commit()
        client = client_for(world.buyer)
        client.get(f"/orders/{world.order.id}")
        with count_queries() as statements:
            assert client.get(f"/orders/{world.order.id}").status_code == 200
        return len(statements)

    assert queries_for(1) == queries_for(4)
