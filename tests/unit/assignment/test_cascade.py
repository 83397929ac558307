"""Vendor assignment by cascade: dispatch, decline and expiry, escalation and redispatch,
cancellation, idempotence and one winner per order."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from app.assignment import cli as sweeper
from app.assignment.models import AttemptKind, AttemptState, VendorAttempt
from app.assignment.services import answers
from app.assignment.services import dispatch as dispatching
from app.auth.models import Role, User
from app.catalogue.services import lots as lot_services
from app.common import outbox
from app.common.errors import Conflict, NotFound, ValidationFailed
from app.common.outbox import OutboxMessage
from app.common.time import utcnow
from app.extensions import db
from app.notifications.models import Notification
from app.orders import audit, services
from app.orders.models import OrderEvent, OrderStatus
from tests.unit.assignment.support import (
    approved,
    attempts,
    dispatch_messages,
    open_attempt,
    overdue,
    run_dispatch,
    vendor_user,
)

S = OrderStatus


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

