"""Vendor assignment: cascade and mini-competition, deadlines, redispatch, idempotence."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from app.assignment import cli as sweeper
from app.assignment import history
from app.assignment.models import AttemptKind, AttemptState, VendorAttempt
from app.assignment.services import answers
from app.assignment.services import dispatch as dispatching
from app.auth import services as auth
from app.auth.models import Organisation, Role, User
from app.catalogue.services import browse
from app.catalogue.services import lots as lot_services
from app.common import outbox
from app.common.errors import Conflict, NotFound, ValidationFailed
from app.common.outbox import OutboxMessage
from app.common.time import utcnow
from app.demo.seed import DEFAULT_DEMO_PASSWORD, seed_demo
from app.extensions import db
from app.notifications.models import Notification
from app.orders import audit, services
from app.orders.models import Order, OrderEvent, OrderStatus
from app.orders.signals import DISPATCH

S = OrderStatus


@pytest.fixture
def people(app: Flask, make_user: Callable[..., User]) -> dict[str, User]:
    seed_demo()
    db.session.commit()
    org = db.session.execute(select(Organisation).order_by(Organisation.id)).scalars().first()
    return {"buyer": make_user(organisation=org), "staff": make_user(Role.STAFF),
            "staff2": make_user(Role.STAFF)}


def vendor_user(vendor_id: int) -> User:
    user = db.session.execute(select(User).where(User.vendor_id == vendor_id)
                              .order_by(User.id)).scalars().first()
    assert user is not None
    return user


def approved(people: dict[str, User], code: str = "L3-WS-HALF", quantity: int = 2) -> Order:
    item = browse.get_current_item(code)
    order = services.create_order(people["buyer"], services.OrderInput(
        lot_id=item.lot_id, title="Atelier", objectives="Avis", participation_level="consult",
        commune="forest", lines=[services.LineInput(item.id, quantity)]))
    db.session.flush()
    services.submit(people["buyer"], order.id)
    services.approve(people["staff"], order.id)
    db.session.commit()
    return order


def dispatch_messages(order: Order) -> list[OutboxMessage]:
    return [m for m in db.session.execute(select(OutboxMessage).where(
        OutboxMessage.kind == DISPATCH)).scalars()
        if m.payload.get("order_id") == order.id]


def run_dispatch(order: Order) -> None:
    (message,) = dispatch_messages(order)
    assert outbox.deliver(message.id) == "sent"
    db.session.refresh(order)


def attempts(order: Order) -> list[VendorAttempt]:
    return list(db.session.execute(select(VendorAttempt).where(
        VendorAttempt.order_id == order.id).order_by(VendorAttempt.attempt_no)
        .execution_options(populate_existing=True)).scalars())


def open_attempt(order: Order) -> VendorAttempt:
    (attempt,) = [a for a in attempts(order) if a.state in (AttemptState.OFFERED,
                                                             AttemptState.INVITED)]
    return attempt


def overdue(attempt: VendorAttempt) -> None:
    db.session.execute(update(VendorAttempt).where(VendorAttempt.id == attempt.id)
                       .values(expires_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()


# --- Cascade -------------------------------------------------------------------------------

def test_approval_queues_the_dispatch_in_the_same_transaction(people: dict[str, User]) -> None:
    order = approved(people)
    assert order.status is S.APPROVED
    assert len(dispatch_messages(order)) == 1


def test_dispatch_offers_the_order_to_rank_one_with_a_working_day_deadline(
        people: dict[str, User]) -> None:
    order = approved(people)
    run_dispatch(order)
    assert order.status is S.AWAITING_VENDOR
    offer = open_attempt(order)
    members = lot_services.active_members(lot_services.get_lot(order.lot_id))
    assert offer.kind is AttemptKind.OFFER and offer.vendor_id == members[0].vendor_id
    assert offer.rank == 1 and offer.expires_at > utcnow() + timedelta(days=4)
    note = db.session.execute(select(Notification).where(
        Notification.kind == "offer_received")).scalars().all()
    assert {n.user_id for n in note} == {u.id for u in db.session.execute(select(User).where(
        User.vendor_id == offer.vendor_id)).scalars()}


def test_a_duplicate_dispatch_changes_nothing(people: dict[str, User]) -> None:
    order = approved(people)
    run_dispatch(order)
    assert dispatching.dispatch(order.id) == "skipped"
    db.session.commit()
    assert len(attempts(order)) == 1


def test_decline_needs_a_reason_then_the_next_rank_is_offered(people: dict[str, User]) -> None:
    order = approved(people)
    run_dispatch(order)
    first = open_attempt(order)
    vendor = vendor_user(first.vendor_id)
    with pytest.raises(ValidationFailed):
        answers.decline(vendor, first.id, "  ")
    db.session.rollback()
    answers.decline(vendor, first.id, "Fully booked")
    db.session.commit()
    second = open_attempt(order)
    assert second.rank == 2 and second.vendor_id != first.vendor_id
    assert attempts(order)[0].state is AttemptState.DECLINED


def test_rank_one_declines_rank_two_expires_rank_three_accepts(people: dict[str, User]) -> None:
    order = approved(people)
    run_dispatch(order)
    first = open_attempt(order)
    answers.decline(vendor_user(first.vendor_id), first.id, "No capacity")
    db.session.commit()
    second = open_attempt(order)
    overdue(second)
    assert sweeper.expire_overdue_now() == 1
    third = open_attempt(order)
    assert third.rank == 3
    answers.accept(vendor_user(third.vendor_id), third.id, conflict_of_interest=False)
    db.session.commit()
    db.session.refresh(order)
    assert order.status is S.ASSIGNED and order.vendor_id == third.vendor_id
    assert [a.state for a in attempts(order)] == [AttemptState.DECLINED, AttemptState.EXPIRED,
                                                  AttemptState.ACCEPTED]
    assert audit.verify()[1] is None


def test_a_declared_conflict_of_interest_counts_as_a_decline(people: dict[str, User]) -> None:
    order = approved(people)
    run_dispatch(order)
    first = open_attempt(order)
    answers.accept(vendor_user(first.vendor_id), first.id, conflict_of_interest=True)
    db.session.commit()
    assert attempts(order)[0].state is AttemptState.DECLINED
    assert attempts(order)[0].conflict_of_interest is True
    assert open_attempt(order).rank == 2


def test_accepting_after_the_deadline_is_refused_and_the_sweeper_moves_on(
        people: dict[str, User]) -> None:
    order = approved(people)
    run_dispatch(order)
    first = open_attempt(order)
    overdue(first)
    with pytest.raises(Conflict):
        answers.accept(vendor_user(first.vendor_id), first.id, False)
    db.session.rollback()
    assert sweeper.expire_overdue_now() == 1
    assert sweeper.expire_overdue_now() == 0  # a second sweep finds nothing
    assert open_attempt(order).rank == 2


def test_only_the_vendor_offered_may_answer(people: dict[str, User],
                                            make_user: Callable[..., User]) -> None:
    order = approved(people)
    run_dispatch(order)
    offer = open_attempt(order)
    stranger = make_user(Role.VENDOR)
    for call in (lambda: answers.accept(stranger, offer.id, False),
                 lambda: answers.decline(stranger, offer.id, "x"),
                 lambda: answers.accept(people["buyer"], offer.id, False)):
        with pytest.raises(NotFound):
            call()


def test_answering_twice_is_a_conflict(people: dict[str, User]) -> None:
    order = approved(people)
    run_dispatch(order)
    offer = open_attempt(order)
    vendor = vendor_user(offer.vendor_id)
    answers.accept(vendor, offer.id, False)
    db.session.commit()
    with pytest.raises(Conflict):
        answers.accept(vendor, offer.id, False)
    with pytest.raises(Conflict):
        answers.decline(vendor, offer.id, "changed my mind")


def test_an_exhausted_cascade_escalates_and_staff_can_redispatch(people: dict[str, User]
                                                                 ) -> None:
    order = approved(people)
    run_dispatch(order)
    for _ in range(len(lot_services.active_members(lot_services.get_lot(order.lot_id)))):
        offer = open_attempt(order)
        answers.decline(vendor_user(offer.vendor_id), offer.id, "No")
        db.session.commit()
    db.session.refresh(order)
    assert order.status is S.ESCALATED
    assert db.session.execute(select(Notification).where(
        Notification.kind == "order_escalated",
        Notification.user_id == people["staff"].id)).scalars().first() is not None
    with pytest.raises(Exception):  # noqa: B017 - a buyer may not redispatch
        dispatching.redispatch(people["buyer"], order.id)
    db.session.rollback()
    dispatching.redispatch(people["staff"], order.id)
    db.session.commit()
    assert order.status is S.AWAITING_VENDOR and order.dispatch_round == 2
    assert open_attempt(order).rank == 1


def test_a_dispatch_failing_for_good_escalates_the_order_for_staff(
        app: Flask, people: dict[str, User], monkeypatch: pytest.MonkeyPatch) -> None:
    app.config["OUTBOX_MAX_ATTEMPTS"] = 3
    order = approved(people)
    (message,) = dispatch_messages(order)

    def broken(order_id: int) -> str:
        raise RuntimeError("database hiccup")

    monkeypatch.setattr(dispatching, "dispatch", broken)
    for attempt in range(1, 4):
        assert outbox.deliver(message.id) == "failed"
        db.session.refresh(order)
        # Retried (by the sweeper) while attempts remain: the order waits, approved.
        assert order.status is (S.APPROVED if attempt < 3 else S.ESCALATED)
    db.session.refresh(message)
    assert message.failed_at is not None and "database hiccup" in message.last_error
    event = db.session.execute(select(OrderEvent).where(
        OrderEvent.order_id == order.id, OrderEvent.action == "escalate")).scalar_one()
    assert event.from_state == "approved" and event.payload == {"why": "dispatch failed"}
    emails = [m for m in db.session.execute(select(OutboxMessage).where(
        OutboxMessage.kind == "email")).scalars()
        if m.payload["template"] == "order_dispatch_failed"]
    assert {m.payload["to"] for m in emails} >= {people["staff"].email, people["staff2"].email}
    assert "n'a pas pu être transmise aux adjudicataires" in emails[0].payload["body"]  # fr

    monkeypatch.undo()  # repaired: staff redispatch and the first rank is asked
    dispatching.redispatch(people["staff"], order.id)
    db.session.commit()
    assert order.status is S.AWAITING_VENDOR and open_attempt(order).rank == 1
    assert audit.verify()[1] is None


def test_cancelling_withdraws_the_open_offer_and_releases_the_ceiling(people: dict[str, User]
                                                                     ) -> None:
    order = approved(people)
    run_dispatch(order)
    offer = open_attempt(order)
    assert lot_services.committed_cents_by_lot()[order.lot_id] == order.total_excl_vat_cents
    services.cancel(people["staff"], order.id, "Project stopped")
    db.session.commit()
    assert attempts(order)[0].state is AttemptState.WITHDRAWN
    assert order.lot_id not in lot_services.committed_cents_by_lot()
    with pytest.raises(Conflict):
        answers.accept(vendor_user(offer.vendor_id), offer.id, False)


def test_the_database_allows_one_winner_per_order(people: dict[str, User]) -> None:
    order = approved(people)
    run_dispatch(order)
    first = open_attempt(order)
    answers.decline(vendor_user(first.vendor_id), first.id, "No")
    db.session.commit()
    with pytest.raises(IntegrityError):
        db.session.execute(update(VendorAttempt).where(VendorAttempt.order_id == order.id)
                           .values(state=AttemptState.ACCEPTED))
    db.session.rollback()


# --- Mini-competition ----------------------------------------------------------------------

def competition(people: dict[str, User]) -> tuple[Order, list[VendorAttempt]]:
    lot5 = next(lot for lot in lot_services.list_lots() if lot.number == 5)
    code = next(i.code for i in browse.search_items(browse.ItemFilters(lot_id=lot5.id))
                .items if i.unit_price_cents >= 100000)
    order = approved(people, code, 1)
    run_dispatch(order)
    invitations = attempts(order)
    assert all(a.kind is AttemptKind.INVITATION for a in invitations)
    assert len(invitations) == len(lot_services.active_members(lot5)) >= 3
    return order, invitations


def test_every_vendor_is_invited_and_the_lowest_quote_wins(people: dict[str, User]) -> None:
    order, invitations = competition(people)
    prices = [order.total_excl_vat_cents - 100, order.total_excl_vat_cents - 500,
              order.total_excl_vat_cents - 300]
    for invitation, price in zip(invitations, prices, strict=False):
        answers.quote(vendor_user(invitation.vendor_id), invitation.id, price, "Our offer",
                         conflict_of_interest=False)
        db.session.commit()
    for extra in invitations[3:]:
        answers.decline(vendor_user(extra.vendor_id), extra.id, "No")
        db.session.commit()
    db.session.refresh(order)
    assert order.status is S.ASSIGNED and order.vendor_id == invitations[1].vendor_id
    states = [a.state for a in attempts(order)[:3]]
    assert states == [AttemptState.NOT_AWARDED, AttemptState.AWARDED, AttemptState.NOT_AWARDED]


def test_equal_quotes_go_to_the_lower_rank(people: dict[str, User]) -> None:
    order, invitations = competition(people)
    for invitation in invitations:
        answers.quote(vendor_user(invitation.vendor_id), invitation.id, 90000, "",
                         conflict_of_interest=False)
        db.session.commit()
    db.session.refresh(order)
    assert order.vendor_id == min(invitations, key=lambda a: a.rank).vendor_id


def test_no_compliant_quote_escalates(people: dict[str, User]) -> None:
    order, invitations = competition(people)
    # A quote above the order's total is refused at entry (it could never be awarded).
    with pytest.raises(ValidationFailed):
        answers.quote(vendor_user(invitations[0].vendor_id), invitations[0].id,
                         order.total_excl_vat_cents + 1, "Over budget",
                         conflict_of_interest=False)
    db.session.rollback()
    for invitation in invitations:
        overdue(invitation)
    sweeper.expire_overdue_now()
    db.session.refresh(order)
    assert order.status is S.ESCALATED


@pytest.mark.parametrize("price", [0, -5, 10**12])
def test_a_bad_quote_is_refused_by_field(people: dict[str, User], price: int) -> None:
    _order, invitations = competition(people)
    with pytest.raises(ValidationFailed) as exc:
        answers.quote(vendor_user(invitations[0].vendor_id), invitations[0].id, price, "",
                         conflict_of_interest=False)
    assert "price_cents" in exc.value.errors


def test_an_offer_is_not_quoted_and_an_invitation_is_not_accepted(people: dict[str, User]
                                                                  ) -> None:
    _order, invitations = competition(people)
    with pytest.raises(Conflict):
        answers.accept(vendor_user(invitations[0].vendor_id), invitations[0].id, False)


# --- API -------------------------------------------------------------------------------------

def test_the_vendor_api_lists_and_answers_offers(app: Flask, people: dict[str, User]) -> None:
    order = approved(people)
    run_dispatch(order)
    offer = open_attempt(order)
    _row, token = auth.create_api_token(vendor_user(offer.vendor_id))
    _row, staff_token = auth.create_api_token(people["staff"])
    db.session.commit()
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    listed = client.get("/api/v1/offers", headers=headers).get_json()
    assert [(o["id"], o["kind"], o["state"]) for o in listed] == [(offer.id, "offer", "offered")]
    assert listed[0]["order_id"] == order.id and listed[0]["expires_at"]
    refused = client.post(f"/api/v1/offers/{offer.id}/accept", json={}, headers=headers)
    assert refused.status_code == 422 and "conflict_of_interest" in refused.get_json()["errors"]
    accepted = client.post(f"/api/v1/offers/{offer.id}/accept",
                           json={"conflict_of_interest": False}, headers=headers)
    assert accepted.status_code == 200
    assert accepted.get_json()["status"] == "assigned"
    assert accepted.get_json()["vendor_id"] == offer.vendor_id
    again = client.post(f"/api/v1/offers/{offer.id}/decline", json={"reason": "x"},
                        headers=headers)
    assert again.status_code == 409
    staff = {"Authorization": f"Bearer {staff_token}"}
    assert client.post(f"/api/v1/orders/{order.id}/redispatch", headers=staff).status_code == 409


def test_the_decline_reason_is_in_the_audit_trail_and_offers_link_to_themselves(
        app: Flask, people: dict[str, User]) -> None:
    order = approved(people)
    run_dispatch(order)
    offer = open_attempt(order)
    vendor = vendor_user(offer.vendor_id)
    note = db.session.execute(select(Notification).where(
        Notification.user_id == vendor.id, Notification.kind == "offer_received")).scalar_one()
    assert note.params["attempt_id"] == offer.id
    answers.decline(vendor, offer.id, "Fully booked in June")
    db.session.commit()
    events = history.order_history(people["staff"], order.id)
    declined = [e for e in events if e.action == "vendor_declined"]
    assert declined and declined[0].reason == "Fully booked in June"
    client = app.test_client()
    client.post("/login", data={"email": vendor.email, "password": DEFAULT_DEMO_PASSWORD})
    page = client.get("/orders/notifications").get_data(as_text=True)
    assert f"/vendor/offers/{offer.id}" in page
