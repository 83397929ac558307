"""The staff queue (order, filters, constant queries) and the notification pages."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select

from app.auth.models import Organisation, User
from app.extensions import db
from app.notifications import services as notification_services
from app.notifications.models import Notification
from app.orders import services
from app.orders.models import OrderStatus
from tests.unit.helpers import count_queries, page_text
from tests.unit.orders.pages_support import (
    Clients,
    draft,
    submitted,
)

S = OrderStatus


# --- The staff queue -----------------------------------------------------------------------------

def test_the_queue_shows_submitted_orders_first_and_filters(people: dict[str, User],
                                                           client_for: Clients) -> None:
    small = submitted(people["buyer"], title="Small one")
    big = submitted(people["other_buyer"], title="Big one", lines=[("L3-DAY", 10)])
    still_draft = draft(people["buyer"], title="Still a draft")
    staff = client_for(people["staff"])
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
    org = people["buyer"].organisation_id
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
        people: dict[str, User], client_for: Clients, make_user: Callable[..., User],
        make_org: Callable[..., Organisation]) -> None:
    staff = client_for(people["staff"])

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

def test_notifications_are_listed_and_marked_read(people: dict[str, User],
                                                  client_for: Clients) -> None:
    order = submitted(people["buyer"])
    services.request_changes(people["staff"], order.id, "Add the dates")
    services.submit(people["buyer"], order.id)
    services.reject(people["staff"], order.id, "Not possible")
    db.session.commit()
    buyer = client_for(people["buyer"])
    page = page_text(buyer.get("/orders/notifications"))
    assert page.count('class="badge notification-new"') == 2
    assert "You have 2 unread notifications." in page
    assert f"Your order {order.reference} “Atelier” is rejected." in page
    assert "Reason: Not possible" in page and f'href="/orders/{order.id}"' in page

    first = db.session.execute(
        select(Notification).where(Notification.user_id == people["buyer"].id)
        .order_by(Notification.id)).scalars().first()
    assert first is not None
    # Someone else's notification is not found, and stays unread.
    assert client_for(people["other_buyer"]).post(
        f"/orders/notifications/{first.id}/read").status_code == 404
    db.session.refresh(first)
    assert first.read_at is None

    assert buyer.post(f"/orders/notifications/{first.id}/read").status_code == 302
    db.session.refresh(first)
    assert first.read_at is not None
    notifications = page_text(buyer.get("/orders/notifications"))
    assert notifications.count('class="badge notification-new"') == 1
    assert buyer.post("/orders/notifications/read").status_code == 302
    assert notification_services.unread_count(people["buyer"]) == 0
    assert "You have no notification." not in page_text(buyer.get("/orders/notifications"))

    # An approval after a request for changes does not repeat the old reason.
    again = submitted(people["buyer"])
    services.request_changes(people["staff"], again.id, "Old reason")
    services.submit(people["buyer"], again.id)
    services.approve(people["staff"], again.id)
    db.session.commit()
    approved = db.session.execute(select(Notification).where(
        Notification.kind == "order_approved")).scalar_one()
    assert approved.params["reason"] == ""
    page = page_text(buyer.get("/orders/notifications"))
    assert page.count("Reason: Old reason") == 1  # on the request for changes only

    staff_page = page_text(client_for(people["staff"]).get("/orders/notifications"))
    assert f"Order {order.reference} “Atelier” was submitted and waits for approval." in (
        staff_page)
