"""The invoice pages: the vendor registers (typed or UBL) and corrects, the buyer accepts,
disputes, rejects and records the payment, staff close; the lists of invoices waiting and
overdue; refusals name the field and keep what was typed; fixed query counts."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date

from flask.testing import FlaskClient

from app.auth.models import Language, User
from app.extensions import db
from app.invoicing import services
from app.invoicing.models import Invoice, InvoiceState
from app.orders.models import OrderStatus as S
from tests.unit.execution.support import fresh
from tests.unit.helpers import count_queries, page_text
from tests.unit.invoicing.invoice_support import delivered_world, invoice_rows, typed, ubl_for
from tests.unit.invoicing.ubl_support import element, example_tree, to_bytes

Clients = Callable[[User], FlaskClient]


def _typed_form(reference: str, **changes: str) -> dict[str, str]:
    return {"number": "F-2026-7", "issue_date": "2026-11-30", "due_date": "2026-12-30",
            "amount_excl_vat": "1 000,00", "vat": "210,00", "order_reference": reference,
            **changes}


def test_from_registration_to_closing_on_the_pages(client_for: Clients) -> None:
    world = delivered_world(S.COMPLETED)
    order = world.order
    vendor, buyer, staff = (client_for(u) for u in (world.vendor, world.buyer, world.staff))
    page = page_text(vendor.get(f"/orders/{order.id}"))
    assert f'href="/orders/{order.id}/invoices/new"' in page and "No invoice yet." in page

    form = page_text(vendor.get(f"/orders/{order.id}/invoices/new"))
    assert f'value="{order.reference}"' in form and 'name="ubl"' in form
    done = vendor.post(f"/orders/{order.id}/invoices/new", data=_typed_form(order.reference))
    assert done.status_code == 302, page_text(done)
    (invoice,) = db.session.query(Invoice).all()
    assert (invoice.amount_excl_vat_cents, invoice.vat_cents) == (100_000, 21_000)

    page = page_text(buyer.get(f"/orders/{order.id}"))
    assert "F-2026-7" in page and f'href="/invoices/{invoice.id}/accept"' in page
    assert f'href="/invoices/{invoice.id}/dispute"' in page
    assert f'href="/orders/{order.id}/close"' not in page
    assert "Accept invoice F-2026-7?" in page_text(buyer.get(f"/invoices/{invoice.id}/accept"))
    assert buyer.post(f"/invoices/{invoice.id}/accept").status_code == 302
    refused = page_text(buyer.post(f"/invoices/{invoice.id}/mark-paid",
                                   data={"paid_on": "2099-01-01"}))
    assert "The payment date cannot be in the future." in refused
    assert buyer.post(f"/invoices/{invoice.id}/mark-paid",
                      data={"paid_on": "2026-12-01"}).status_code == 302
    assert fresh(order).status is S.COMPLETED
    db.session.expire_all()
    assert db.session.get(Invoice, invoice.id).state is InvoiceState.PAID

    assert 'data-testid="lot-figures"' not in page_text(buyer.get(f"/orders/{order.id}"))
    page = page_text(staff.get(f"/orders/{order.id}"))
    assert f'href="/orders/{order.id}/close"' in page
    assert 'data-testid="lot-figures"' in page
    confirm = page_text(staff.get(f"/orders/{order.id}/close"))
    assert "Yes, close the order" in confirm and "1.000,00" in confirm
    assert staff.post(f"/orders/{order.id}/close").status_code == 302
    assert fresh(order).status is S.CLOSED
    assert buyer.post(f"/orders/{order.id}/close").status_code == 403


def test_a_ubl_file_is_registered_from_the_page_and_a_bad_one_is_explained(
        client_for: Clients) -> None:
    world = delivered_world()
    vendor = client_for(world.vendor)
    root = example_tree()
    element(root, "cac:LegalMonetaryTotal/cbc:PayableAmount").text = "1656.26"
    refused = page_text(vendor.post(
        f"/orders/{world.order.id}/invoices/new",
        data={"ubl": (io.BytesIO(to_bytes(root)), "facture.xml"), "order_reference": ""},
        content_type="multipart/form-data"))
    assert "There is a problem" in refused and "BR-CO-16" in refused
    assert invoice_rows() == 0
    done = vendor.post(f"/orders/{world.order.id}/invoices/new", data={
        "ubl": (io.BytesIO(ubl_for(world.order.reference)), "facture.xml")},
        content_type="multipart/form-data")
    assert done.status_code == 302
    assert invoice_rows() == 1


def test_typed_refusals_name_the_fields_and_keep_the_values(client_for: Clients) -> None:
    world = delivered_world()
    vendor = client_for(world.vendor)
    page = page_text(vendor.post(f"/orders/{world.order.id}/invoices/new", data=_typed_form(
        "PP-1999-00001", amount_excl_vat="mille", due_date="2026-11-01")))
    assert "Enter an amount in euros" in page and 'value="mille"' in page
    assert invoice_rows() == 0
    page = page_text(vendor.post(f"/orders/{world.order.id}/invoices/new", data=_typed_form(
        "PP-1999-00001", due_date="2026-11-01")))
    assert "The due date cannot be before the issue date." in page
    assert "This is not the reference of this order" in page
    assert invoice_rows() == 0


def test_the_buyer_disputes_with_a_reason_and_the_vendor_corrects(
        client_for: Clients) -> None:
    world = delivered_world()
    invoice = services.register(world.vendor, world.order.id, typed(world.order))
    db.session.commit()
    buyer, vendor = client_for(world.buyer), client_for(world.vendor)
    assert "Give a reason." in page_text(buyer.post(f"/invoices/{invoice.id}/dispute",
                                                    data={"reason": " "}))
    assert buyer.post(f"/invoices/{invoice.id}/dispute",
                      data={"reason": "TVA à 6 %"}).status_code == 302
    listed = page_text(vendor.get("/invoices"))
    assert "F-2026-001" in listed and f'href="/invoices/{invoice.id}/correct"' in listed
    form = page_text(vendor.get(f"/invoices/{invoice.id}/correct"))
    assert "TVA à 6 %" in form and 'value="500,00"' in form
    assert vendor.post(f"/invoices/{invoice.id}/correct", data=_typed_form(
        world.order.reference, number="F-2026-001", amount_excl_vat="500", vat="30")
    ).status_code == 302
    db.session.expire_all()
    corrected = db.session.get(Invoice, invoice.id)
    assert (corrected.state, corrected.vat_cents) == (InvoiceState.REGISTERED, 3_000)
    assert buyer.get(f"/invoices/{invoice.id}/correct").status_code == 404
    assert vendor.get(f"/invoices/{invoice.id}/accept").status_code == 404


def test_others_get_404_on_the_invoice_pages(client_for: Clients) -> None:
    world = delivered_world()
    invoice = services.register(world.vendor, world.order.id, typed(world.order))
    db.session.commit()
    for who in (world.outsider, world.competitor):
        client = client_for(who)
        assert client.get(f"/invoices/{invoice.id}/accept").status_code == 404
        assert client.post(f"/invoices/{invoice.id}/reject",
                           data={"reason": "x"}).status_code == 404
        assert client.get(f"/orders/{world.order.id}/invoices/new").status_code == 404
    assert client_for(world.buyer).get(
        f"/orders/{world.order.id}/invoices/new").status_code == 404
    db.session.expire_all()
    assert db.session.get(Invoice, invoice.id).state is InvoiceState.REGISTERED


def test_the_overdue_invoices_are_shown_to_the_buyer_and_staff(client_for: Clients) -> None:
    world = delivered_world()
    services.register(world.vendor, world.order.id, typed(
        world.order, number="LATE-1", issue_date=date(2026, 10, 1), due_date=date(2026, 10, 31)))
    db.session.commit()
    for user in (world.buyer, world.staff):
        page = page_text(client_for(user).get("/invoices?overdue=1"))
        assert "LATE-1" in page and "Overdue" in page and world.order.reference in page
    assert "LATE-1" not in page_text(client_for(world.outsider).get("/invoices?overdue=1"))


def test_the_invoice_pages_speak_french(client_for: Clients) -> None:
    world = delivered_world()
    world.vendor.language = Language.FR
    db.session.commit()
    page = page_text(client_for(world.vendor).get(f"/orders/{world.order.id}/invoices/new"))
    assert "Enregistrer une facture" in page and "Numéro de facture" in page


def test_the_order_page_and_the_lists_have_a_fixed_number_of_queries(
        client_for: Clients) -> None:
    world = delivered_world()
    buyer = client_for(world.buyer)

    def queries_with(invoices: int) -> tuple[int, int]:
        for n in range(invoices):
            services.register(world.vendor, world.order.id, typed(
                world.order, number=f"Q-{invoices}-{n}", amount_excl_vat_cents=1_000,
                vat_cents=210))
        db.session.commit()
        with count_queries() as page:
            assert buyer.get(f"/orders/{world.order.id}").status_code == 200
        with count_queries() as listed:
            assert buyer.get("/invoices").status_code == 200
        return len(page), len(listed)

    assert queries_with(1) == queries_with(4)


def test_each_role_finds_what_to_follow_up(client_for: Clients) -> None:
    assigned = delivered_world(S.ASSIGNED)
    delivered = delivered_world(S.DELIVERED)
    vendor = client_for(assigned.vendor)
    page = page_text(vendor.get("/follow-up"))
    assert "My assigned orders" in page and assigned.order.reference in page
    assert f'href="/orders/{assigned.order.id}/deliver"' in page
    assert delivered.order.reference not in page  # another vendor's

    buyer = client_for(delivered.buyer)
    page = page_text(buyer.get("/follow-up"))
    assert f'href="/orders/{delivered.order.id}/confirm-receipt"' in page
    assert assigned.order.reference not in page

    invoice = services.register(delivered.vendor, delivered.order.id, typed(delivered.order))
    db.session.commit()
    page = page_text(buyer.get("/follow-up"))
    assert f'href="/invoices/{invoice.id}/accept"' in page

    completed = delivered_world(S.COMPLETED)
    staff = client_for(completed.staff)
    page = page_text(staff.get("/follow-up"))
    assert "Invoices and closing" in page
    assert f'href="/orders/{completed.order.id}/close"' in page


def test_the_follow_up_page_has_a_fixed_number_of_queries(client_for: Clients) -> None:
    world = delivered_world(S.DELIVERED)
    buyer = client_for(world.buyer)

    def queries() -> int:
        with count_queries() as statements:
            assert buyer.get("/follow-up").status_code == 200
        return len(statements)

    one = queries()
    for n in range(3):
        factories_world = delivered_world(S.DELIVERED)
        services.register(factories_world.vendor, factories_world.order.id,
                          typed(factories_world.order, number=f"N-{n}"))
        factories_world.order.organisation_id = world.order.organisation_id
    db.session.commit()
    assert queries() == one
