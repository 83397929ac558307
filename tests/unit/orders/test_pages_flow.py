"""The order pages end to end: draft, edit, submit, decide, confirm; the staff view of an order."""

from __future__ import annotations

import re

from sqlalchemy import select

from app.auth.models import User
from app.extensions import db
from app.orders import services
from app.orders.models import Order, OrderStatus
from tests.unit.helpers import page_text
from tests.unit.orders.pages_support import (
    Clients,
    draft,
    eur,
    event_count,
    form_data,
    item,
    lot,
    submitted,
)

S = OrderStatus


# --- The whole flow through the pages ------------------------------------------------------

def test_a_buyer_drafts_edits_submits_staff_request_changes_then_approve(
        people: dict[str, User], client_for: Clients) -> None:
    buyer = client_for(people["buyer"])
    staff = client_for(people["staff"])

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


def test_an_order_can_start_from_a_catalogue_item(people: dict[str, User],
                                                  client_for: Clients) -> None:
    buyer = client_for(people["buyer"])
    page = page_text(buyer.get("/orders/new?item=L3-MEETING"))
    assert re.search(rf'name="quantity-{item("L3-MEETING").id}"\s+value="1"', page)
    assert f'name="lot_id" type="hidden" value="{lot(3).id}"' in page
    assert buyer.get("/orders/new?item=NO-SUCH-CODE").status_code == 404
    unknown_lot = buyer.get("/orders/new?lot=99999")
    assert unknown_lot.status_code == 200 and 'id="lot-error"' in page_text(unknown_lot)


def test_the_staff_page_shows_ceilings_approvals_and_history(people: dict[str, User],
                                                            client_for: Clients) -> None:
    order = submitted(people["buyer"])
    page = page_text(client_for(people["staff"]).get(f"/orders/{order.id}"))
    assert "Ceilings" in page and eur(200_000_000) in page and eur(1_200_000_000) in page
    assert "Approvals: 0 of 1" in page
    assert "This order fits in what is left." in page
    assert "Claire Buyer submitted the order for approval." in page
    assert "Approve" in page and "Reject…" in page
    assert "Ceilings" not in page_text(client_for(people["buyer"]).get(f"/orders/{order.id}"))


def test_four_eyes_orders_need_two_staff_members(people: dict[str, User],
                                                 client_for: Clients) -> None:
    order = submitted(people["buyer"], lines=[("L3-DAY", 30)])
    assert order.approvals_required == 2
    staff = client_for(people["staff"])
    staff.post(f"/orders/{order.id}/approve")
    page = page_text(staff.get(f"/orders/{order.id}"))
    assert "Approvals: 1 of 2" in page and "another staff member must" in page
    assert staff.post(f"/orders/{order.id}/approve").status_code == 409
    client_for(people["staff2"]).post(f"/orders/{order.id}/approve")
    db.session.refresh(order)
    assert order.status is S.APPROVED


# --- Confirmation pages ----------------------------------------------------------------------

def test_confirmation_pages_change_nothing_until_confirmed(people: dict[str, User],
                                                          client_for: Clients) -> None:
    buyer, staff = client_for(people["buyer"]), client_for(people["staff"])
    order = submitted(people["buyer"])
    before = event_count(order)
    for client, path in ((buyer, "withdraw"), (staff, "reject")):
        page = client.get(f"/orders/{order.id}/{path}")
        assert page.status_code == 200 and order.reference in page_text(page)
    db.session.refresh(order)
    assert order.status is S.SUBMITTED and event_count(order) == before

    no_reason = staff.post(f"/orders/{order.id}/reject", data={"reason": ""})
    assert no_reason.status_code == 200 and 'id="reason-error"' in page_text(no_reason)
    db.session.refresh(order)
    assert order.status is S.SUBMITTED and event_count(order) == before
    staff.post(f"/orders/{order.id}/reject", data={"reason": "Out of scope"})
    db.session.refresh(order)
    assert order.status is S.REJECTED and order.last_reason == "Out of scope"
    assert "Sofia Benali rejected the order: «Out of scope»" in page_text(
        buyer.get(f"/orders/{order.id}"))


def test_a_buyer_withdraws_after_confirming(people: dict[str, User],
                                            client_for: Clients) -> None:
    buyer = client_for(people["buyer"])
    order = draft(people["buyer"])
    assert "Withdraw the order…" in page_text(buyer.get(f"/orders/{order.id}"))
    assert buyer.post(f"/orders/{order.id}/withdraw").status_code == 302
    db.session.refresh(order)
    assert order.status is S.CANCELLED
    assert buyer.get(f"/orders/{order.id}/withdraw").status_code == 409
    assert buyer.get(f"/orders/{order.id}/edit").status_code == 409


def test_staff_cancel_an_approved_order_with_a_reason(people: dict[str, User],
                                                      client_for: Clients) -> None:
    staff = client_for(people["staff"])
    order = submitted(people["buyer"])
    assert staff.get(f"/orders/{order.id}/cancel").status_code == 409  # not approved yet
    services.approve(people["staff2"], order.id)
    db.session.commit()
    page = staff.get(f"/orders/{order.id}/cancel")
    assert page.status_code == 200 and 'name="reason"' in page_text(page)
    db.session.refresh(order)
    assert order.status is S.APPROVED
    staff.post(f"/orders/{order.id}/cancel", data={"reason": "Budget withdrawn"})
    db.session.refresh(order)
    assert order.status is S.CANCELLED
