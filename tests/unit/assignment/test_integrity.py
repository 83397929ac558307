"""A vendor out of the lot takes nothing: suspending or terminating its membership, or
deactivating the company, withdraws its open offers and invitations and moves the order on;
accept and quote re-check, under the order's lock, that the vendor may still take it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, update

from app.assignment.models import AttemptState, VendorAttempt
from app.assignment.services import answers
from app.auth import services as auth
from app.auth.models import Language, Role, User
from app.catalogue.models import LotMembership, MembershipStatus
from app.catalogue.services import memberships as membership_services
from app.common.errors import Conflict
from app.common.money import format_eur
from app.demo.seed import DEFAULT_DEMO_PASSWORD
from app.extensions import db
from app.notifications.models import Notification
from app.orders import audit
from app.orders.models import Order, OrderStatus
from app.vendors import services as vendors
from tests.unit.assignment.support import (
    approved,
    attempts,
    competition,
    open_attempt,
    run_dispatch,
    vendor_user,
)
from tests.unit.helpers import page_text

S = OrderStatus


def membership_of(order: Order, vendor_id: int) -> LotMembership:
    return db.session.execute(select(LotMembership).where(
        LotMembership.lot_id == order.lot_id,
        LotMembership.vendor_id == vendor_id)).scalar_one()


@pytest.fixture
def admin(make_user: Callable[..., User]) -> User:
    return make_user(Role.ADMIN)


def told(vendor_id: int, kind: str) -> bool:
    users = {u.id for u in db.session.execute(select(User).where(
        User.vendor_id == vendor_id)).scalars()}
    return any(n.user_id in users for n in db.session.execute(select(Notification).where(
        Notification.kind == kind)).scalars())


@pytest.mark.parametrize("end", ["terminate", "suspend"])
def test_ending_a_membership_withdraws_its_open_offer_and_asks_the_next_rank(
        people: dict[str, User], admin: User, end: str) -> None:
    order = approved(people)
    run_dispatch(order)
    first = open_attempt(order)
    member = membership_of(order, first.vendor_id)
    getattr(membership_services, f"{end}_member")(admin, member.id, "Contract ended")
    db.session.commit()
    withdrawn, second = attempts(order)
    assert withdrawn.state is AttemptState.WITHDRAWN
    assert second.state is AttemptState.OFFERED and second.vendor_id != first.vendor_id
    assert second.rank == 1  # the ranks closed up before the next offer was made
    assert told(first.vendor_id, "attempt_withdrawn")
    assert told(second.vendor_id, "offer_received")
    with pytest.raises(Conflict):
        answers.accept(vendor_user(first.vendor_id), first.id, False)
    db.session.rollback()
    db.session.refresh(order)
    assert order.status is S.AWAITING_VENDOR and order.vendor_id is None
    assert audit.verify()[1] is None


def test_deactivating_a_vendor_withdraws_its_offers(people: dict[str, User],
                                                    admin: User) -> None:
    order = approved(people)
    run_dispatch(order)
    first = open_attempt(order)
    vendor = first.vendor
    vendors.update_vendor(admin, vendor.id, vendors.VendorData(
        name=vendor.name, enterprise_number="", contact_email="",
        service_languages=["fr"], presentation_fr="", presentation_nl="",
        presentation_en="", active=False))
    db.session.commit()
    withdrawn, second = attempts(order)
    assert withdrawn.state is AttemptState.WITHDRAWN
    assert second.state is AttemptState.OFFERED and second.vendor_id != vendor.id


def test_the_last_open_invitation_withdrawn_closes_the_competition(
        people: dict[str, User], admin: User) -> None:
    order, invitations = competition(people)
    *answered, last = invitations
    best = order.total_excl_vat_cents - 10
    for number, invitation in enumerate(answered):
        answers.quote(vendor_user(invitation.vendor_id), invitation.id, best + number, "",
                         conflict_of_interest=False)
        db.session.commit()
    db.session.refresh(order)
    assert order.status is S.AWAITING_VENDOR
    membership_services.terminate_member(admin, membership_of(order, last.vendor_id).id, "Gone")
    db.session.commit()
    db.session.refresh(order)
    assert order.status is S.ASSIGNED and order.vendor_id == answered[0].vendor_id
    assert attempts(order)[-1].state is AttemptState.WITHDRAWN


def test_a_quote_of_a_vendor_that_left_the_lot_cannot_win(people: dict[str, User],
                                                         admin: User) -> None:
    order, invitations = competition(people)
    cheapest, dearer, *rest = invitations
    answers.quote(vendor_user(cheapest.vendor_id), cheapest.id, 1000, "",
                     conflict_of_interest=False)
    answers.quote(vendor_user(dearer.vendor_id), dearer.id, 2000, "",
                     conflict_of_interest=False)
    db.session.commit()
    membership_services.suspend_member(admin, membership_of(order, cheapest.vendor_id).id, "Audit")
    db.session.commit()
    for invitation in rest:
        answers.decline(vendor_user(invitation.vendor_id), invitation.id, "No")
        db.session.commit()
    db.session.refresh(order)
    assert order.status is S.ASSIGNED and order.vendor_id == dearer.vendor_id
    assert attempts(order)[0].state is AttemptState.NOT_AWARDED


def _end_membership_behind_the_services_back(order: Order, vendor_id: int) -> None:
    """As for a membership ended before offers were withdrawn with it (older data)."""
    db.session.execute(update(LotMembership).where(
        LotMembership.lot_id == order.lot_id, LotMembership.vendor_id == vendor_id)
        .values(status=MembershipStatus.TERMINATED))
    db.session.commit()


def test_a_vendor_out_of_the_lot_gets_409_on_accept_and_the_offer_moves_on(
        app: Flask, people: dict[str, User]) -> None:
    order = approved(people)
    run_dispatch(order)
    first = open_attempt(order)
    _end_membership_behind_the_services_back(order, first.vendor_id)
    _row, token = auth.create_api_token(vendor_user(first.vendor_id))
    db.session.commit()
    response = app.test_client().post(f"/api/v1/offers/{first.id}/accept",
                                      json={"conflict_of_interest": False},
                                      headers={"Authorization": f"Bearer {token}",
                                               "Accept-Language": "en"})  # the user: fr
    assert response.status_code == 409
    assert "ne peut plus prendre de commandes dans ce lot" in response.get_json()["detail"]
    db.session.expire_all()
    withdrawn, second = attempts(order)
    assert withdrawn.state is AttemptState.WITHDRAWN  # kept, though the answer was 409
    assert second.state is AttemptState.OFFERED
    assert db.session.get(Order, order.id).vendor_id is None  # type: ignore[union-attr]


def test_a_vendor_out_of_the_lot_gets_409_on_quote(people: dict[str, User]
                                                   ) -> None:
    order, invitations = competition(people)
    _end_membership_behind_the_services_back(order, invitations[0].vendor_id)
    with pytest.raises(Conflict) as refused:
        answers.quote(vendor_user(invitations[0].vendor_id), invitations[0].id, 1000, "",
                         conflict_of_interest=False)
    assert refused.value.commit is True
    db.session.commit()
    assert attempts(order)[0].state is AttemptState.WITHDRAWN
    assert attempts(order)[0].price_cents is None


def test_a_deactivated_vendor_cannot_accept(people: dict[str, User]) -> None:
    order = approved(people)
    run_dispatch(order)
    first = open_attempt(order)
    first.vendor.active = False  # behind the service's back: no signal
    db.session.commit()
    with pytest.raises(Conflict):
        answers.accept(vendor_user(first.vendor_id), first.id, False)
    db.session.rollback()
    assert db.session.execute(select(VendorAttempt.state).where(
        VendorAttempt.id == first.id)).scalar_one() is AttemptState.OFFERED


def test_the_portal_refuses_a_terminated_vendors_accept_with_409(
        people: dict[str, User], admin: User, app: Flask) -> None:
    order = approved(people)
    run_dispatch(order)
    first = open_attempt(order)
    membership_services.terminate_member(admin, membership_of(order, first.vendor_id).id, "Ended")
    db.session.commit()
    vendor = vendor_user(first.vendor_id)
    client = app.test_client()
    client.post("/login", data={"email": vendor.email, "password": DEFAULT_DEMO_PASSWORD})
    response = client.post(f"/vendor/offers/{first.id}/answer", data={"answer": "accept"})
    assert response.status_code == 409
    db.session.expire_all()
    assert db.session.get(Order, order.id).vendor_id is None  # type: ignore[union-attr]


# --- A quote within the order's total, with its declaration ----------------------------------

def _api(app: Flask, user: User) -> tuple[FlaskClient, dict[str, str]]:
    _row, token = auth.create_api_token(user)
    db.session.commit()
    return app.test_client(), {"Authorization": f"Bearer {token}"}


@pytest.mark.parametrize(("language", "maximum"), [("fr", "au maximum"), ("nl", "maximaal"),
                                                 ("en", "at most")])
def test_a_quote_above_the_total_is_refused_naming_the_maximum(
        app: Flask, people: dict[str, User], language: str, maximum: str
) -> None:
    order, invitations = competition(people)
    vendor = vendor_user(invitations[0].vendor_id)
    vendor.language = Language(language)
    client, headers = _api(app, vendor)
    response = client.post(f"/api/v1/offers/{invitations[0].id}/quote", headers=headers,
                           json={"price_cents": order.total_excl_vat_cents + 1, "note": "",
                                 "conflict_of_interest": False})
    assert response.status_code == 422
    (message,) = response.get_json()["errors"]["price_cents"]
    assert format_eur(order.total_excl_vat_cents, language) in message and maximum in message
    assert attempts(order)[0].state is AttemptState.INVITED
    at_most = client.post(f"/api/v1/offers/{invitations[0].id}/quote", headers=headers,
                          json={"price_cents": order.total_excl_vat_cents,
                                "conflict_of_interest": False})
    assert at_most.status_code == 200 and at_most.get_json()["state"] == "quoted"


def test_the_portal_names_the_maximum_on_the_price_field(
        app: Flask, people: dict[str, User]) -> None:
    order, invitations = competition(people)
    vendor = vendor_user(invitations[0].vendor_id)
    vendor.language = Language.EN
    db.session.commit()
    client = app.test_client()
    client.post("/login", data={"email": vendor.email, "password": DEFAULT_DEMO_PASSWORD})
    response = client.post(f"/vendor/offers/{invitations[0].id}/answer", data={
        "answer": "quote", "price": format_eur(order.total_excl_vat_cents + 100, "en")})
    page = page_text(response)
    assert response.status_code == 200 and 'id="price-error"' in page
    assert ("A quote may not exceed the order's total excl. VAT: at most "
            f"{format_eur(order.total_excl_vat_cents, 'en')}.") in page
    assert attempts(order)[0].state is AttemptState.INVITED


@pytest.mark.parametrize("body", [
    {"price_cents": 1000, "note": ""},
    {"price_cents": 1000, "conflict_of_interest": None},
    {"price_cents": 1000, "conflict_of_interest": "maybe"},
])
def test_a_quote_without_the_declaration_is_refused(
        app: Flask, people: dict[str, User], body: dict[str, Any]) -> None:
    order, invitations = competition(people)
    client, headers = _api(app, vendor_user(invitations[0].vendor_id))
    response = client.post(f"/api/v1/offers/{invitations[0].id}/quote", headers=headers,
                           json=body)
    assert response.status_code == 422
    assert "conflict_of_interest" in response.get_json()["errors"]
    multipart = client.post(f"/api/v1/offers/{invitations[0].id}/quote", headers=headers,
                            data={"price_cents": "1000"}, content_type="multipart/form-data")
    assert multipart.status_code == 422
    assert "conflict_of_interest" in multipart.get_json()["errors"]
    assert attempts(order)[0].state is AttemptState.INVITED


@pytest.mark.parametrize("multipart", [False, True])
def test_a_declared_conflict_declines_the_invitation(
        app: Flask, people: dict[str, User], multipart: bool) -> None:
    order, invitations = competition(people)
    client, headers = _api(app, vendor_user(invitations[0].vendor_id))
    url = f"/api/v1/offers/{invitations[0].id}/quote"
    response = (client.post(url, headers=headers, data={"conflict_of_interest": "true"},
                            content_type="multipart/form-data") if multipart
                else client.post(url, headers=headers, json={"conflict_of_interest": True}))
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["state"] == "declined"
    declined = attempts(order)[0]
    assert declined.conflict_of_interest is True and declined.price_cents is None
    no_price = client.post(f"/api/v1/offers/{invitations[1].id}/quote", headers=headers,
                           json={"conflict_of_interest": False})
    assert no_price.status_code in (404, 422)  # another company's invitation, or no price


def test_a_quote_with_no_conflict_needs_a_price(app: Flask,
                                                people: dict[str, User]) -> None:
    _order, invitations = competition(people)
    client, headers = _api(app, vendor_user(invitations[0].vendor_id))
    response = client.post(f"/api/v1/offers/{invitations[0].id}/quote", headers=headers,
                           json={"conflict_of_interest": False})
    assert response.status_code == 422 and "price_cents" in response.get_json()["errors"]


def test_the_invitation_page_declares_a_conflict_in_one_choice(
        app: Flask, people: dict[str, User]) -> None:
    order, invitations = competition(people)
    vendor = vendor_user(invitations[0].vendor_id)
    client = app.test_client()
    client.post("/login", data={"email": vendor.email, "password": DEFAULT_DEMO_PASSWORD})
    # A price typed, then the conflict chosen: the one choice decides, no quote is sent.
    response = client.post(f"/vendor/offers/{invitations[0].id}/answer",
                           data={"answer": "conflict", "price": "100"})
    assert response.status_code == 302
    declined = attempts(order)[0]
    assert declined.state is AttemptState.DECLINED and declined.conflict_of_interest is True
    assert declined.price_cents is None
