"""Order pages: the buyer's form and list, the order page and its moves, the staff queue, the
notifications, and who may see or change what."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_babel import gettext
from sqlalchemy import func, select

from app.auth.models import AdhesionStatus, Organisation, Role, User
from app.catalogue.models import CatalogueItem, Lot
from app.catalogue.services import browse
from app.catalogue.services import lots as lot_services
from app.common.i18n import in_language
from app.common.money import format_eur
from app.demo.seed import seed_demo
from app.extensions import db
from app.notifications import services as notification_services
from app.notifications.models import Notification
from app.orders import services, validation
from app.orders.models import Order, OrderEvent, OrderStatus
from tests.factories import PASSWORD
from tests.unit.helpers import count_queries, page_text

S = OrderStatus
Clients = Callable[[User], FlaskClient]


@pytest.fixture
def world(app: Flask, make_user: Callable[..., User]) -> dict[str, User]:
    seed_demo()
    db.session.commit()
    orgs = list(db.session.execute(select(Organisation).order_by(Organisation.id)).scalars())
    return {
        "buyer": make_user(organisation=orgs[0], language="en", full_name="Claire Buyer"),
        "other_buyer": make_user(organisation=orgs[1], language="en"),
        "vendor": make_user(Role.VENDOR, language="en"),
        "staff": make_user(Role.STAFF, language="en", full_name="Sofia Benali"),
        "staff2": make_user(Role.STAFF, language="en", full_name="Jan Peeters"),
        "admin": make_user(Role.ADMIN, language="en"),
    }


@pytest.fixture
def client_for(app: Flask) -> Clients:
    """A logged-in client per user (each keeps its own session cookie)."""

    def make(user: User) -> FlaskClient:
        client = app.test_client()
        response = client.post("/login", data={"email": user.email, "password": PASSWORD})
        assert response.status_code == 302, response.get_data(as_text=True)
        return client

    return make


def lot(number: int) -> Lot:
    return next(lot for lot in lot_services.list_lots() if lot.number == number)


def item(code: str) -> CatalogueItem:
    return browse.get_current_item(code)


def form_data(lot_number: int = 3, quantities: dict[str, str] | None = None,
              **changes: str) -> dict[str, str]:
    data = {"lot_id": str(lot(lot_number).id), "title": "Atelier de quartier",
            "objectives": "Recueillir des avis", "participation_level": "consult",
            "commune": "forest", "description": "Deux ateliers",
            "planned_start": "2026-03-01", "planned_end": "2026-04-30"}
    for code, quantity in (quantities if quantities is not None
                           else {"L3-WS-HALF": "2"}).items():
        data[f"quantity-{item(code).id}"] = quantity
    data.update(changes)
    return data



def order_count() -> int:
    return int(db.session.execute(select(func.count(Order.id))).scalar_one())


def draft(buyer: User, lines: list[tuple[str, int]] | None = None,
          **changes: Any) -> Order:
    data = services.OrderInput(
        lot_id=lot(3).id, title="Atelier", objectives="Avis", participation_level="consult",
        commune="forest",
        lines=[services.LineInput(item(code).id, quantity)
               for code, quantity in (lines or [("L3-WS-HALF", 2)])])
    for key, value in changes.items():
        setattr(data, key, value)
    order = services.create_order(buyer, data)
    db.session.commit()
    return order


def submitted(buyer: User, **kw: Any) -> Order:
    order = draft(buyer, **kw)
    services.submit(buyer, order.id)
    db.session.commit()
    return order


def eur(cents: int) -> str:
    return format_eur(cents, "en")


def tr(language: str, msgid: str, **variables: Any) -> str:
    with in_language(language):
        return str(gettext(msgid, **variables))


# --- The whole flow through the pages ------------------------------------------------------

def test_a_buyer_drafts_edits_submits_staff_request_changes_then_approve(
        world: dict[str, User], client_for: Clients) -> None:
    buyer = client_for(world["buyer"])
    staff = client_for(world["staff"])

    # The buyer starts from the list, chooses a lot, then fills the form.
    listing = page_text(buyer.get("/orders/"))
    assert "New order" in listing and "There is no order yet." in listing
    chooser = page_text(buyer.get("/orders/new"))
    assert "Which lot do you want to order from?" in chooser
    page = page_text(buyer.get(f"/orders/new?lot={lot(3).id}"))
    assert "L3-WS-HALF" in page and eur(65000) in page  # the lot's items, with their prices
    assert "L4-" not in page
    assert re.search(r'name="participation_level"[^>]*type="radio" value="empower"', page)
    assert "People decide; you carry out what they decide." in page

    response = buyer.post(f"/orders/new?lot={lot(3).id}", data=form_data(
        quantities={"L3-WS-HALF": "2", "L3-MEETING": "0", "L3-SIGN": ""}))
    assert response.status_code == 302
    order = db.session.execute(select(Order)).scalar_one()
    assert response.headers["Location"] == f"/orders/{order.id}"
    assert order.status is S.DRAFT and [line.quantity for line in order.lines] == [2]
    shown = page_text(buyer.get(f"/orders/{order.id}"))
    assert eur(130000) in shown and eur(27300) in shown and eur(157300) in shown
    assert "Draft" in shown and "Claire Buyer created the draft." in shown

    # Editing keeps the form filled in, and the totals follow.
    edit = page_text(buyer.get(f"/orders/{order.id}/edit"))
    assert 'value="Atelier de quartier"' in edit
    assert f'name="quantity-{item("L3-WS-HALF").id}"' in edit
    assert re.search(rf'name="quantity-{item("L3-WS-HALF").id}"\s+value="2"', edit)
    response = buyer.post(f"/orders/{order.id}/edit", data=form_data(
        quantities={"L3-WS-HALF": "2", "L3-MEETING": "1"}))
    assert response.status_code == 302
    db.session.refresh(order)
    assert order.total_excl_vat_cents == 2 * 65000 + 120000

    assert buyer.post(f"/orders/{order.id}/submit").status_code == 302
    db.session.refresh(order)
    assert order.status is S.SUBMITTED

    # Staff see it in the queue, then ask for changes; a reason is required.
    queue = page_text(staff.get("/orders/"))
    assert order.reference in queue
    refused = staff.post(f"/orders/{order.id}/request-changes", data={"reason": "  "})
    assert refused.status_code == 200 and 'id="reason-error"' in page_text(refused)
    db.session.refresh(order)
    assert order.status is S.SUBMITTED
    assert staff.post(f"/orders/{order.id}/request-changes",
                      data={"reason": "Add the dates"}).status_code == 302
    db.session.refresh(order)
    assert order.status is S.CHANGES_REQUESTED

    # The buyer is told, sees the reason, fixes and submits again.
    notes = page_text(buyer.get("/orders/notifications"))
    assert "Changes are requested on your order" in notes and "Add the dates" in notes
    shown = page_text(buyer.get(f"/orders/{order.id}"))
    assert "Sofia Benali requested changes: «Add the dates»" in shown
    assert buyer.post(f"/orders/{order.id}/edit", data=form_data(
        quantities={"L3-WS-HALF": "3"})).status_code == 302
    assert buyer.post(f"/orders/{order.id}/submit").status_code == 302

    # Staff approve: the buyer is told.
    assert staff.post(f"/orders/{order.id}/approve").status_code == 302
    db.session.refresh(order)
    assert order.status is S.APPROVED
    shown = page_text(buyer.get(f"/orders/{order.id}"))
    assert "Approved" in shown and "Sofia Benali approved the order." in shown
    assert "Your order" in page_text(buyer.get("/orders/notifications"))


def test_an_order_can_start_from_a_catalogue_item(world: dict[str, User],
                                                  client_for: Clients) -> None:
    buyer = client_for(world["buyer"])
    page = page_text(buyer.get("/orders/new?item=L3-MEETING"))
    assert re.search(rf'name="quantity-{item("L3-MEETING").id}"\s+value="1"', page)
    assert f'name="lot_id" type="hidden" value="{lot(3).id}"' in page
    assert buyer.get("/orders/new?item=NO-SUCH-CODE").status_code == 404
    unknown_lot = buyer.get("/orders/new?lot=99999")
    assert unknown_lot.status_code == 200 and 'id="lot-error"' in page_text(unknown_lot)


def test_the_staff_page_shows_ceilings_approvals_and_history(world: dict[str, User],
                                                            client_for: Clients) -> None:
    order = submitted(world["buyer"])
    page = page_text(client_for(world["staff"]).get(f"/orders/{order.id}"))
    assert "Ceilings" in page and eur(200_000_000) in page and eur(1_200_000_000) in page
    assert "Approvals: 0 of 1" in page
    assert "This order fits in what is left." in page
    assert "Claire Buyer submitted the order for approval." in page
    assert "Approve" in page and "Reject…" in page
    assert "Ceilings" not in page_text(client_for(world["buyer"]).get(f"/orders/{order.id}"))


def test_four_eyes_orders_need_two_staff_members(world: dict[str, User],
                                                 client_for: Clients) -> None:
    order = submitted(world["buyer"], lines=[("L3-DAY", 30)])
    assert order.approvals_required == 2
    staff = client_for(world["staff"])
    staff.post(f"/orders/{order.id}/approve")
    page = page_text(staff.get(f"/orders/{order.id}"))
    assert "Approvals: 1 of 2" in page and "another staff member must" in page
    assert staff.post(f"/orders/{order.id}/approve").status_code == 409
    client_for(world["staff2"]).post(f"/orders/{order.id}/approve")
    db.session.refresh(order)
    assert order.status is S.APPROVED


# --- Confirmation pages ----------------------------------------------------------------------

def _events(order: Order) -> int:
    return int(db.session.execute(
        select(func.count(OrderEvent.id)).where(OrderEvent.order_id == order.id)).scalar_one())


def test_confirmation_pages_change_nothing_until_confirmed(world: dict[str, User],
                                                          client_for: Clients) -> None:
    buyer, staff = client_for(world["buyer"]), client_for(world["staff"])
    order = submitted(world["buyer"])
    before = _events(order)
    for client, path in ((buyer, "withdraw"), (staff, "reject")):
        page = client.get(f"/orders/{order.id}/{path}")
        assert page.status_code == 200 and order.reference in page_text(page)
    db.session.refresh(order)
    assert order.status is S.SUBMITTED and _events(order) == before

    no_reason = staff.post(f"/orders/{order.id}/reject", data={"reason": ""})
    assert no_reason.status_code == 200 and 'id="reason-error"' in page_text(no_reason)
    db.session.refresh(order)
    assert order.status is S.SUBMITTED and _events(order) == before
    staff.post(f"/orders/{order.id}/reject", data={"reason": "Out of scope"})
    db.session.refresh(order)
    assert order.status is S.REJECTED and order.last_reason == "Out of scope"
    assert "Sofia Benali rejected the order: «Out of scope»" in page_text(
        buyer.get(f"/orders/{order.id}"))


def test_a_buyer_withdraws_after_confirming(world: dict[str, User],
                                            client_for: Clients) -> None:
    buyer = client_for(world["buyer"])
    order = draft(world["buyer"])
    assert "Withdraw the order…" in page_text(buyer.get(f"/orders/{order.id}"))
    assert buyer.post(f"/orders/{order.id}/withdraw").status_code == 302
    db.session.refresh(order)
    assert order.status is S.CANCELLED
    assert buyer.get(f"/orders/{order.id}/withdraw").status_code == 409
    assert buyer.get(f"/orders/{order.id}/edit").status_code == 409


def test_staff_cancel_an_approved_order_with_a_reason(world: dict[str, User],
                                                      client_for: Clients) -> None:
    staff = client_for(world["staff"])
    order = submitted(world["buyer"])
    assert staff.get(f"/orders/{order.id}/cancel").status_code == 409  # not approved yet
    services.approve(world["staff2"], order.id)
    db.session.commit()
    page = staff.get(f"/orders/{order.id}/cancel")
    assert page.status_code == 200 and 'name="reason"' in page_text(page)
    db.session.refresh(order)
    assert order.status is S.APPROVED
    staff.post(f"/orders/{order.id}/cancel", data={"reason": "Budget withdrawn"})
    db.session.refresh(order)
    assert order.status is S.CANCELLED


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
        app: Flask, world: dict[str, User], client_for: Clients, who: str) -> None:
    """Every order route, for each kind of reader: 404 for other buyers and vendors (nothing
    about the order shows), the login page for anonymous visitors, and nothing changes."""
    order = draft(world["buyer"])
    before = (order.status, order.total_excl_vat_cents, _events(order))
    client = app.test_client() if who == "anonymous" else client_for(world[who])
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
            assert (order.status, order.total_excl_vat_cents, _events(order)) == before, where


def test_lists_show_only_what_the_reader_may_see(world: dict[str, User],
                                                 client_for: Clients) -> None:
    mine = draft(world["buyer"], title="Mine only")
    theirs = draft(world["other_buyer"], title="Theirs only")
    page = page_text(client_for(world["buyer"]).get("/orders/"))
    assert mine.reference in page and theirs.reference not in page
    assert "Theirs only" not in page
    vendor_page = page_text(client_for(world["vendor"]).get("/orders/"))
    assert mine.reference not in vendor_page and theirs.reference not in vendor_page


def test_a_vendor_sees_an_order_assigned_to_its_company_only(world: dict[str, User],
                                                             client_for: Clients) -> None:
    order = draft(world["buyer"])
    vendor = client_for(world["vendor"])
    assert vendor.get(f"/orders/{order.id}").status_code == 404
    order.vendor_id = world["vendor"].vendor_id
    order.status = S.ASSIGNED
    db.session.commit()
    page = vendor.get(f"/orders/{order.id}")
    assert page.status_code == 200 and "Assigned to a vendor" in page_text(page)
    assert order.reference in page_text(vendor.get("/orders/"))
    assert vendor.post(f"/orders/{order.id}/withdraw").status_code == 403


@pytest.mark.parametrize("who", ["vendor", "staff", "admin"])
def test_only_buyers_make_orders(world: dict[str, User], client_for: Clients, who: str) -> None:
    client = client_for(world[who])
    assert client.get("/orders/new").status_code == 403
    assert client.post("/orders/new", data=form_data()).status_code == 403
    assert order_count() == 0


@pytest.mark.parametrize("path", ["/orders/", "/orders/new", "/orders/notifications"])
def test_anonymous_visitors_are_sent_to_log_in(app: Flask, world: dict[str, User],
                                               path: str) -> None:
    response = app.test_client().get(path)
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_staff_cannot_edit_and_buyers_cannot_decide(world: dict[str, User],
                                                    client_for: Clients) -> None:
    order = submitted(world["buyer"])
    assert client_for(world["staff"]).get(f"/orders/{order.id}/edit").status_code == 403
    buyer = client_for(world["buyer"])
    assert buyer.post(f"/orders/{order.id}/approve").status_code == 403
    assert buyer.get(f"/orders/{order.id}/reject").status_code == 403
    assert buyer.get(f"/orders/{order.id}/edit").status_code == 409  # submitted: locked
    assert client_for(world["staff"]).post(f"/orders/{order.id}/submit").status_code == 403
    db.session.refresh(order)
    assert order.status is S.SUBMITTED


# --- Bad input -----------------------------------------------------------------------------------

BAD_INPUT: list[tuple[str, dict[str, Any], str, str]] = [
    # (case, changes to the form, id of the error's field, the error message's msgid)
    ("negative", {"quantities": {"L3-WS-HALF": "-3"}}, "quantity-{L3-WS-HALF}",
     "Enter a whole number from 0 to %(n)s."),
    ("fractional", {"quantities": {"L3-WS-HALF": "1.5"}}, "quantity-{L3-WS-HALF}",
     "Enter a whole number from 0 to %(n)s."),
    ("huge", {"quantities": {"L3-WS-HALF": "99999999999"}}, "quantity-{L3-WS-HALF}",
     "Enter a whole number from 0 to %(n)s."),
    ("unknown item", {"quantities": {"L3-WS-HALF": "1"}, "quantity-987654": "2"}, "lines",
     "This service is not in the catalogue."),
    ("item of another lot", {"quantities": {"L3-WS-HALF": "1"}, "other_lot_item": "1"},
     "lines", "This service belongs to another lot."),
    ("nothing ordered", {"quantities": {"L3-WS-HALF": "0"}}, "lines",
     "Add at least one service."),
    ("unknown commune", {"commune": "paris"}, "commune",
     "Choose a commune of the Brussels-Capital Region."),
    ("over-long title", {"title": "x" * 201}, "title", "Use at most %(n)s characters."),
    ("missing objectives", {"objectives": "  "}, "objectives", "This field is required."),
    ("no level", {"participation_level": ""}, "participation_level-0",
     "Choose a level of citizen involvement."),
    ("end before start", {"planned_start": "2026-05-01", "planned_end": "2026-04-01"},
     "planned_end", "The end date is before the start date."),
]
LABELS = {"title": "Title of the project", "objectives": "Objectives",
          "commune": "Commune", "participation_level-0": "Level of citizen involvement",
          "planned_end": "Planned end (optional)", "lines": "Services"}


@pytest.mark.parametrize("language", ["fr", "nl", "en"])
def test_bad_input_is_refused_by_field_in_the_readers_language(
        world: dict[str, User], client_for: Clients, make_user: Callable[..., User],
        language: str) -> None:
    client = client_for(make_user(organisation=world["buyer"].organisation, language=language))
    for case, changes, target, msgid in BAD_INPUT:
        changes = dict(changes)
        data = form_data(quantities=changes.pop("quantities", None), **{
            k: v for k, v in changes.items() if k != "other_lot_item"})
        if "other_lot_item" in changes:
            data[f"quantity-{item('L4-VIDEO').id}"] = "1"
        target = target.replace("{L3-WS-HALF}", str(item("L3-WS-HALF").id))
        message = tr(language, msgid, n=200 if "title" in target else validation.MAX_QUANTITY)

        response = client.post(f"/orders/new?lot={lot(3).id}", data=data)

        assert response.status_code == 200, case
        page = page_text(response)
        assert 'class="error-summary"' in page, case
        assert f'href="#{target}"' in page, case
        assert message in page, (case, message)
        if target.startswith("quantity-"):
            label = tr(language, "Quantity: %(item)s",
                       item=item("L3-WS-HALF").title(language))
            assert f"{label}: {message}" in page, case
            assert f'id="{target}-error"' in page, case
        else:
            assert f"{tr(language, LABELS[target])}: {message}" in page, case
        assert order_count() == 0, case


def test_an_invalid_date_or_lot_is_refused(world: dict[str, User], client_for: Clients) -> None:
    buyer = client_for(world["buyer"])
    page = page_text(buyer.post("/orders/new", data=form_data(planned_start="2026-02-31")))
    assert 'id="planned_start-error"' in page
    page = page_text(buyer.post("/orders/new", data=form_data(lot_id="nope")))
    assert 'href="#order-lot"' in page
    assert order_count() == 0


def test_a_refused_edit_leaves_the_order_as_it_was(world: dict[str, User],
                                                   client_for: Clients) -> None:
    order = draft(world["buyer"])
    before = (order.title, order.total_excl_vat_cents, _events(order))
    response = client_for(world["buyer"]).post(f"/orders/{order.id}/edit", data=form_data(
        title="New title", quantities={"L3-WS-HALF": "-1"}))
    assert response.status_code == 200
    db.session.refresh(order)
    assert (order.title, order.total_excl_vat_cents, _events(order)) == before


def test_a_pending_organisation_drafts_but_cannot_submit(
        world: dict[str, User], client_for: Clients, make_org: Callable[..., Organisation],
        make_user: Callable[..., User]) -> None:
    buyer = make_user(organisation=make_org(AdhesionStatus.PENDING), language="en")
    client = client_for(buyer)
    assert "adhesion is not approved yet" in page_text(client.get("/orders/"))
    response = client.post("/orders/new", data=form_data())
    assert response.status_code == 302
    order = db.session.execute(select(Order)).scalar_one()
    page = page_text(client.get(f"/orders/{order.id}"))
    assert "adhesion is not approved yet" in page and "Submit for approval" not in page
    assert client.post(f"/orders/{order.id}/submit").status_code == 409
    db.session.refresh(order)
    assert order.status is S.DRAFT


# --- The staff queue -----------------------------------------------------------------------------

def test_the_queue_shows_submitted_orders_first_and_filters(world: dict[str, User],
                                                           client_for: Clients) -> None:
    small = submitted(world["buyer"], title="Small one")
    big = submitted(world["other_buyer"], title="Big one", lines=[("L3-DAY", 10)])
    still_draft = draft(world["buyer"], title="Still a draft")
    staff = client_for(world["staff"])
    page = page_text(staff.get("/orders/"))
    assert small.reference in page and big.reference in page
    assert still_draft.reference not in page
    assert page.index(small.reference) < page.index(big.reference)  # oldest first
    page = page_text(staff.get("/orders/?status=&sort=amount_desc"))
    assert still_draft.reference in page
    assert page.index(big.reference) < page.index(small.reference)
    page = page_text(staff.get("/orders/", query_string={"status": "submitted",
                                                    "min_amount": "5 000,00"}))
    assert big.reference in page and small.reference not in page
    org = world["buyer"].organisation_id
    page = page_text(staff.get(f"/orders/?organisation={org}"))
    assert small.reference in page and big.reference not in page
    page = page_text(staff.get("/orders/?older_than=3"))
    assert "No order matches these filters." in page
    bad = page_text(staff.get("/orders/?min_amount=lots&older_than=-2&status=nope"))
    assert 'id="min_amount-error"' in bad and 'id="older_than-error"' in bad
    assert 'id="status-error"' in bad and small.reference not in bad
    page = page_text(staff.get("/orders/?min_amount=9000&max_amount=10"))
    assert 'id="max_amount-error"' in page


def test_the_staff_queue_issues_a_constant_number_of_queries(
        world: dict[str, User], client_for: Clients, make_user: Callable[..., User],
        make_org: Callable[..., Organisation]) -> None:
    staff = client_for(world["staff"])

    def add(n: int) -> None:
        for _ in range(n):
            submitted(make_user(organisation=make_org()),
                      lines=[("L3-WS-HALF", 1), ("L3-MEETING", 2)])

    add(3)
    with count_queries() as few:
        assert staff.get("/orders/?status=submitted").status_code == 200
    add(37)
    with count_queries() as many:
        page = staff.get("/orders/?status=submitted")
        assert page.status_code == 200
    assert "40 orders found." in page_text(page)
    assert len(many) == len(few), (few, many)


# --- Notifications -------------------------------------------------------------------------------

def test_notifications_are_listed_and_marked_read(world: dict[str, User],
                                                  client_for: Clients) -> None:
    order = submitted(world["buyer"])
    services.request_changes(world["staff"], order.id, "Add the dates")
    services.submit(world["buyer"], order.id)
    services.reject(world["staff"], order.id, "Not possible")
    db.session.commit()
    buyer = client_for(world["buyer"])
    page = page_text(buyer.get("/orders/notifications"))
    assert page.count('class="badge notification-new"') == 2
    assert "You have 2 unread notifications." in page
    assert f"Your order {order.reference} “Atelier” is rejected." in page
    assert "Reason: Not possible" in page and f'href="/orders/{order.id}"' in page

    first = db.session.execute(
        select(Notification).where(Notification.user_id == world["buyer"].id)
        .order_by(Notification.id)).scalars().first()
    assert first is not None
    # Someone else's notification is not found, and stays unread.
    assert client_for(world["other_buyer"]).post(
        f"/orders/notifications/{first.id}/read").status_code == 404
    db.session.refresh(first)
    assert first.read_at is None

    assert buyer.post(f"/orders/notifications/{first.id}/read").status_code == 302
    db.session.refresh(first)
    assert first.read_at is not None
    notifications = page_text(buyer.get("/orders/notifications"))
    assert notifications.count('class="badge notification-new"') == 1
    assert buyer.post("/orders/notifications/read").status_code == 302
    assert notification_services.unread_count(world["buyer"]) == 0
    assert "You have no notification." not in page_text(buyer.get("/orders/notifications"))

    # An approval after a request for changes does not repeat the old reason.
    again = submitted(world["buyer"])
    services.request_changes(world["staff"], again.id, "Old reason")
    services.submit(world["buyer"], again.id)
    services.approve(world["staff"], again.id)
    db.session.commit()
    approved = db.session.execute(select(Notification).where(
        Notification.kind == "order_approved")).scalar_one()
    assert approved.params["reason"] == ""
    page = page_text(buyer.get("/orders/notifications"))
    assert page.count("Reason: Old reason") == 1  # on the request for changes only

    staff_page = page_text(client_for(world["staff"]).get("/orders/notifications"))
    assert f"Order {order.reference} “Atelier” was submitted and waits for approval." in (
        staff_page)
