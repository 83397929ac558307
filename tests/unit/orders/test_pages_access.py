"""Who may see and change which order through the pages."""

from __future__ import annotations

import pytest
from flask import Flask

from app.auth.models import User
from app.extensions import db
from app.orders.models import OrderStatus
from tests.unit.helpers import page_text
from tests.unit.orders.pages_support import (
    Clients,
    draft,
    event_count,
    form_data,
    order_count,
    submitted,
)

S = OrderStatus


# --- Who may see and change what ---------------------------------------------------------------

ORDER_ROUTES = [
    ("GET", "/orders/{id}"),
    ("GET", "/orders/{id}/edit"),
    ("POST", "/orders/{id}/edit"),
    ("POST", "/orders/{id}/submit"),
    ("GET", "/orders/{id}/withdraw"),
    ("POST", "/orders/{id}/withdraw"),
    ("POST", "/orders/{id}/approve"),
    ("POST", "/orders/{id}/request-changes"),
    ("GET", "/orders/{id}/reject"),
    ("POST", "/orders/{id}/reject"),
    ("GET", "/orders/{id}/cancel"),
    ("POST", "/orders/{id}/cancel"),
]
WHO = ["buyer", "other_buyer", "vendor", "staff", "admin", "anonymous"]


@pytest.mark.parametrize("who", WHO)
def test_no_one_reads_or_changes_another_organisations_order(
        app: Flask, people: dict[str, User], client_for: Clients, who: str) -> None:
    """Every order route, for each kind of reader: 404 for other buyers and vendors (nothing
    about the order shows), the login page for anonymous visitors, and nothing changes."""
    order = draft(people["buyer"])
    before = (order.status, order.total_excl_vat_cents, event_count(order))
    client = app.test_client() if who == "anonymous" else client_for(people[who])
    data = {**form_data(quantities={"L3-WS-HALF": "9"}), "reason": "because"}
    for method, path in ORDER_ROUTES:
        url = path.format(id=order.id)
        response = client.get(url) if method == "GET" else client.post(url, data=data)
        where = f"{who}: {method} {url}"
        if who == "anonymous":
            assert response.status_code == 302, where
            assert response.headers["Location"].startswith("/login"), where
        elif who in ("other_buyer", "vendor"):
            assert response.status_code == 404, where
            shown = page_text(response)
            assert order.reference not in shown and "Atelier" not in shown
        else:
            assert response.status_code != 404, where
        if who != "buyer":
            db.session.refresh(order)
            assert (order.status, order.total_excl_vat_cents, event_count(order)) == before, where


def test_lists_show_only_what_the_reader_may_see(people: dict[str, User],
                                                 client_for: Clients) -> None:
    mine = draft(people["buyer"], title="Mine only")
    theirs = draft(people["other_buyer"], title="Theirs only")
    page = page_text(client_for(people["buyer"]).get("/orders/"))
    assert mine.reference in page and theirs.reference not in page
    assert "Theirs only" not in page
    vendor_page = page_text(client_for(people["vendor"]).get("/orders/"))
    assert mine.reference not in vendor_page and theirs.reference not in vendor_page


def test_a_vendor_sees_an_order_assigned_to_its_company_only(people: dict[str, User],
                                                             client_for: Clients) -> None:
    order = draft(people["buyer"])
    vendor = client_for(people["vendor"])
    assert vendor.get(f"/orders/{order.id}").status_code == 404
    order.vendor_id = people["vendor"].vendor_id
    order.status = S.ASSIGNED
    db.session.commit()
    page = vendor.get(f"/orders/{order.id}")
    assert page.status_code == 200 and "Assigned to a vendor" in page_text(page)
    assert order.reference in page_text(vendor.get("/orders/"))
    assert vendor.post(f"/orders/{order.id}/withdraw").status_code == 403


@pytest.mark.parametrize("who", ["vendor", "staff", "admin"])
def test_only_buyers_make_orders(people: dict[str, User], client_for: Clients, who: str) -> None:
    client = client_for(people[who])
    assert client.get("/orders/new").status_code == 403
    assert client.post("/orders/new", data=form_data()).status_code == 403
    assert order_count() == 0


@pytest.mark.parametrize("path", ["/orders/", "/orders/new", "/orders/notifications"])
def test_anonymous_visitors_are_sent_to_log_in(app: Flask, people: dict[str, User],
                                               path: str) -> None:
    response = app.test_client().get(path)
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_staff_cannot_edit_and_buyers_cannot_decide(people: dict[str, User],
                                                    client_for: Clients) -> None:
    order = submitted(people["buyer"])
    assert client_for(people["staff"]).get(f"/orders/{order.id}/edit").status_code == 403
    buyer = client_for(people["buyer"])
    assert buyer.post(f"/orders/{order.id}/approve").status_code == 403
    assert buyer.get(f"/orders/{order.id}/reject").status_code == 403
    assert buyer.get(f"/orders/{order.id}/edit").status_code == 409  # submitted: locked
    assert client_for(people["staff"]).post(f"/orders/{order.id}/submit").status_code == 403
    db.session.refresh(order)
    assert order.status is S.SUBMITTED
