"""The vendor portal: offers and invitations through the pages, who may see and answer them,
and the assignment timeline on the order page."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask
from flask.testing import FlaskClient
from flask_babel import format_datetime
from sqlalchemy import select

from app.assignment.models import AttemptKind, AttemptState, VendorAttempt
from app.assignment.services import dispatch as dispatching
from app.assignment.services import rounds
from app.auth.models import Role, User
from app.catalogue.services import browse
from app.catalogue.services import lots as lot_services
from app.common.money import format_eur
from app.extensions import db
from app.orders import services
from app.orders.models import Order, OrderStatus
from tests.unit.helpers import page_text

Clients = Callable[[User], FlaskClient]


def dispatched(demo_world: dict[str, User], lot_number: int, code: str, quantity: int = 2) -> Order:
    """A submitted order, approved by staff, then dispatched as the worker would do."""
    buyer, staff = demo_world["buyer1"], demo_world["staff1"]
    lot = next(lot for lot in lot_services.list_lots() if lot.number == lot_number)
    order = services.create_order(buyer, services.OrderInput(
        lot_id=lot.id, title="Balade participative", objectives="Écouter les habitants",
        participation_level="consult", commune="forest", description="Trois balades",
        inclusion_measures="Parcours sans marches",
        lines=[services.LineInput(browse.get_current_item(code).id, quantity)]))
    db.session.commit()
    services.submit(buyer, order.id)
    db.session.commit()
    services.approve(staff, order.id)
    db.session.commit()
    assert dispatching.dispatch(order.id) in ("offered", "invited")
    db.session.commit()
    return order


def attempts_of(order: Order) -> list[VendorAttempt]:
    db.session.expire_all()
    return rounds.attempts_of(order)


def user_of(attempt: VendorAttempt) -> User:
    return db.session.execute(select(User).where(
        User.vendor_id == attempt.vendor_id, User.role == Role.VENDOR)
        .order_by(User.id)).scalars().first()  # type: ignore[return-value]


def other_vendor_user(*attempts: VendorAttempt) -> User:
    taken = {a.vendor_id for a in attempts}
    return db.session.execute(select(User).where(
        User.role == Role.VENDOR, User.vendor_id.not_in(taken))
        .order_by(User.id)).scalars().first()  # type: ignore[return-value]


def deadline(attempt: VendorAttempt) -> str:
    return str(format_datetime(attempt.expires_at, "d MMM yyyy HH:mm"))


# --- Cascade --------------------------------------------------------------------------------

def test_a_cascade_offer_is_declined_then_accepted_by_the_next_rank(
        demo_world: dict[str, User], demo_client_for: Clients) -> None:
    order = dispatched(demo_world, 3, "L3-WS-HALF")
    [first] = attempts_of(order)
    assert first.kind is AttemptKind.OFFER and first.rank == 1
    vendor1 = demo_client_for(user_of(first))

    # The inbox lists the offer with its kind, order, organisation and deadline.
    inbox = page_text(vendor1.get("/vendor/"))
    assert "My offers" in inbox and 'href="/vendor/"' in inbox
    assert "Offer (cascade)" in inbox and order.reference in inbox
    assert order.organisation.name in inbox and deadline(first) in inbox
    assert "The deadline has passed" not in inbox
    assert "No order is assigned to your company yet." in inbox

    # The offer page shows the project and the answers.
    page = page_text(vendor1.get(f"/vendor/offers/{first.id}"))
    for expected in ("Balade participative", "Écouter les habitants", "Trois balades",
                     "Parcours sans marches", "L3-WS-HALF", format_eur(130000, "en"),
                     "I accept the offer and declare I have no conflict of interest for "
                     "this assignment", "I decline the offer",
                     "I have a conflict of interest for this assignment",
                     "Declaring a conflict of interest counts as declining the offer",
                     "Send my answer"):
        assert expected in page, expected
    assert "I send a quote" not in page and page.count('action="/vendor/offers/') == 1
    assert str(format_datetime(first.expires_at, "d MMMM yyyy HH:mm")) in page

    # Declining needs a reason.
    refused = vendor1.post(f"/vendor/offers/{first.id}/answer",
                           data={"answer": "decline", "reason": "  "})
    assert refused.status_code == 200
    assert 'id="reason-error"' in page_text(refused) and "Give a reason." in page_text(refused)
    assert attempts_of(order)[0].state is AttemptState.OFFERED

    # An answer must be chosen.
    refused = vendor1.post(f"/vendor/offers/{first.id}/answer", data={})
    assert refused.status_code == 200 and 'id="answer-error"' in page_text(refused)
    assert "Choose one of the three answers." in page_text(refused)

    response = vendor1.post(f"/vendor/offers/{first.id}/answer",
                            data={"answer": "decline", "reason": "Nobody free in March"})
    assert response.status_code == 302 and response.headers["Location"] == "/vendor/"
    first, second = attempts_of(order)
    assert first.state is AttemptState.DECLINED and first.reason == "Nobody free in March"
    assert second.state is AttemptState.OFFERED and second.rank == 2
    past = page_text(vendor1.get("/vendor/"))
    assert "Declined" in past and "There is no offer or invitation waiting" in past
    # Answered: the page shows the answer, no more forms; a second answer is a conflict.
    answered = page_text(vendor1.get(f"/vendor/offers/{first.id}"))
    assert "Nobody free in March" in answered and "Send my answer" not in answered
    assert vendor1.post(f"/vendor/offers/{first.id}/answer",
                        data={"answer": "accept"}).status_code == 409

    # The next vendor is told, and accepts without conflict.
    vendor2 = demo_client_for(user_of(second))
    notes = page_text(vendor2.get("/orders/notifications"))
    assert f"You are offered order {order.reference}" in notes
    assert 'href="/vendor/"' in notes
    response = vendor2.post(f"/vendor/offers/{second.id}/answer", data={"answer": "accept"})
    assert response.status_code == 302
    db.session.expire_all()
    fresh = db.session.get(Order, order.id)
    assert fresh is not None
    order = fresh
    assert order.status is OrderStatus.ASSIGNED and order.vendor_id == second.vendor_id
    inbox = page_text(vendor2.get("/vendor/"))
    assert "1 order assigned to your company" in inbox and order.reference in inbox
    assert "Accepted" in inbox
    assert "The order is assigned to your company." in page_text(
        vendor2.get(f"/vendor/offers/{second.id}"))
    assert vendor2.get(f"/orders/{order.id}").status_code == 200

    # The buyer and staff see the timeline; bids are sealed: the buyer sees the assigned
    # vendor, not who declined nor why (DESIGN §1).
    for who in ("buyer1", "staff1"):
        shown = page_text(demo_client_for(demo_world[who]).get(f"/orders/{order.id}"))
        assert "Assignment" in shown and second.vendor.name in shown
        assert "Declined" in shown
        assert "Accepted" in shown and "Assigned to a vendor" in shown
        assert "declined the assignment." in shown  # the history sentence
        assert (first.vendor.name in shown) is (who == "staff1")
        assert ("Reason: Nobody free in March" in shown) is (who == "staff1")
    buyer_notes = page_text(demo_client_for(demo_world["buyer1"]).get("/orders/notifications"))
    assert f"Your order {order.reference} “Balade participative” is assigned" in buyer_notes


def test_a_declared_conflict_of_interest_counts_as_a_decline(
        demo_world: dict[str, User], demo_client_for: Clients) -> None:
    order = dispatched(demo_world, 3, "L3-WS-HALF")
    [first] = attempts_of(order)
    response = demo_client_for(user_of(first)).post(f"/vendor/offers/{first.id}/answer",
                                                    data={"answer": "conflict"})
    assert response.status_code == 302
    first, second = attempts_of(order)
    assert first.state is AttemptState.DECLINED and first.conflict_of_interest is True
    assert second.state is AttemptState.OFFERED
    shown = page_text(demo_client_for(demo_world["staff1"]).get(f"/orders/{order.id}"))
    assert "Declined: conflict of interest" in shown


def test_other_companies_and_other_roles_are_kept_out(
        demo_world: dict[str, User], demo_client_for: Clients, app: Flask) -> None:
    order = dispatched(demo_world, 3, "L3-WS-HALF")
    [first] = attempts_of(order)
    stranger = demo_client_for(other_vendor_user(first))
    assert stranger.get(f"/vendor/offers/{first.id}").status_code == 404
    assert stranger.get("/vendor/offers/999999").status_code == 404
    for data in ({"answer": "accept"}, {"answer": "decline", "reason": "x"},
                 {"answer": "conflict"}, {"answer": "quote", "price": "100"}):
        assert stranger.post(f"/vendor/offers/{first.id}/answer",
                             data=data).status_code == 404
    assert order.reference not in page_text(stranger.get("/vendor/"))
    assert attempts_of(order)[0].state is AttemptState.OFFERED

    for who in ("buyer1", "staff1", "admin"):
        client = demo_client_for(demo_world[who])
        assert client.get("/vendor/").status_code == 403
        assert client.get(f"/vendor/offers/{first.id}").status_code == 403
        assert "My offers" not in page_text(client.get("/"))
    anonymous = app.test_client().get("/vendor/")
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]
    # A vendor's order page shows no competitors' timeline.
    owner = demo_client_for(user_of(first))
    owner.post(f"/vendor/offers/{first.id}/answer", data={"answer": "accept"})
    assert "assignment-title" not in page_text(owner.get(f"/orders/{order.id}"))


# --- Mini-competition ------------------------------------------------------------------------

def test_a_mini_competition_sends_invitations_and_quotes_are_checked(
        demo_world: dict[str, User], demo_client_for: Clients) -> None:
    order = dispatched(demo_world, 5, "L5-STREET", 1)
    invitations = attempts_of(order)
    assert len(invitations) >= 2
    assert all(a.kind is AttemptKind.INVITATION and a.state is AttemptState.INVITED
               for a in invitations)
    first = invitations[0]
    vendor = demo_client_for(user_of(first))
    inbox = page_text(vendor.get("/vendor/"))
    assert "Invitation to quote (mini-competition)" in inbox and deadline(first) in inbox
    page = page_text(vendor.get(f"/vendor/offers/{first.id}"))
    assert "I send a quote and declare I have no conflict of interest" in page
    assert "I decline the invitation" in page and "I accept the offer" not in page
    assert format_eur(order.total_excl_vat_cents, "en") in page

    for bad in ("abc", "-5", "0", "", "12,345"):
        refused = vendor.post(f"/vendor/offers/{first.id}/answer",
                              data={"answer": "quote", "price": bad, "note": "n"})
        assert refused.status_code == 200, bad
        assert 'id="price-error"' in page_text(refused), bad
    assert attempts_of(order)[0].state is AttemptState.INVITED
    # An invitation is not accepted: that answer is not one of its three.
    refused = vendor.post(f"/vendor/offers/{first.id}/answer", data={"answer": "accept"})
    assert refused.status_code == 200 and 'id="answer-error"' in page_text(refused)
    assert attempts_of(order)[0].state is AttemptState.INVITED

    price = order.total_excl_vat_cents - 5000
    response = vendor.post(f"/vendor/offers/{first.id}/answer",
                           data={"answer": "quote", "price": format_eur(price, "fr"),
                                 "note": "Deux animateurs"})
    assert response.status_code == 302
    first = attempts_of(order)[0]
    assert first.state is AttemptState.QUOTED and first.price_cents == price
    assert first.note == "Deux animateurs"
    shown = page_text(vendor.get(f"/vendor/offers/{first.id}"))
    assert "Quote sent" in shown and format_eur(price, "en") in shown

    # The others decline: the quote wins and staff see its price, the buyer does not.
    for other in attempts_of(order)[1:]:
        assert demo_client_for(user_of(other)).post(
            f"/vendor/offers/{other.id}/answer",
            data={"answer": "decline", "reason": "Pas disponible"}).status_code == 302
    db.session.expire_all()
    fresh = db.session.get(Order, order.id)
    assert fresh is not None and fresh.status is OrderStatus.ASSIGNED
    order = fresh
    assert attempts_of(order)[0].state is AttemptState.AWARDED
    staff_page = page_text(demo_client_for(demo_world["staff1"]).get(f"/orders/{order.id}"))
    assert f"Price excl. VAT: {format_eur(price, 'en')}" in staff_page
    assert "Quote selected" in staff_page
    # The competition is closed: the buyer may now see the quote (DESIGN §1).
    buyer_page = page_text(demo_client_for(demo_world["buyer1"]).get(f"/orders/{order.id}"))
    assert "Quote selected" in buyer_page
    assert f"Price excl. VAT: {format_eur(price, 'en')}" in buyer_page
    assert "Invitation to quote (mini-competition)" in buyer_page


def test_staff_redispatch_an_escalated_order(demo_world: dict[str, User],
                                            demo_client_for: Clients) -> None:
    order = dispatched(demo_world, 5, "L5-STREET", 1)
    for attempt in attempts_of(order):
        demo_client_for(user_of(attempt)).post(f"/vendor/offers/{attempt.id}/answer",
                                               data={"answer": "decline", "reason": "Complet"})
    db.session.expire_all()
    assert db.session.get(Order, order.id).status is OrderStatus.ESCALATED  # type: ignore[union-attr]
    staff = demo_client_for(demo_world["staff1"])
    page = page_text(staff.get(f"/orders/{order.id}"))
    assert "Redispatch to the vendors" in page and "Cancel the order…" in page
    assert "Redispatch to the vendors" not in page_text(
        demo_client_for(demo_world["buyer1"]).get(f"/orders/{order.id}"))
    buyer = demo_client_for(demo_world["buyer1"])
    assert buyer.post(f"/orders/{order.id}/redispatch").status_code == 403
    response = staff.post(f"/orders/{order.id}/redispatch")
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Order, order.id).status is OrderStatus.AWAITING_VENDOR  # type: ignore[union-attr]
    assert "The assignment is offered to the lot" in page_text(staff.get(f"/orders/{order.id}"))
    assert staff.post(f"/orders/{order.id}/redispatch").status_code == 409
