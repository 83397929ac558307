"""What happens next on an order: for every state and every kind of reader, who acts next
and what they must do, with nothing about the other parties the reader may not know."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from flask import Flask

from app.auth.models import Role, User
from app.common.errors import NotFound
from app.orders.models import Order, OrderApproval, OrderStatus
from app.orders.next_steps import (
    OFFER_DEADLINE,
    OPEN_INVOICES,
    Actor,
    NextSteps,
    next_steps,
)
from app.vendors.models import Vendor

S = OrderStatus
WINNER = "Atelier Gagnant SRL"
TOTAL_CENTS = 1_234_567  # 12,345.67: no price may reach a vendor that was only asked
DEADLINE = datetime(2026, 3, 2, 16, 0, tzinfo=UTC)
ASSIGNED_FROM = (S.ASSIGNED, S.DELIVERED, S.COMPLETED, S.CLOSED)


def _order(status: OrderStatus, approvals: int = 1, required: int = 2) -> Order:
    order = Order(id=42, status=status, created_at=datetime(2026, 2, 1, 9, tzinfo=UTC),
                  organisation_id=1, approvals_required=required, submission_round=1,
                  total_excl_vat_cents=TOTAL_CENTS, total_incl_vat_cents=TOTAL_CENTS)
    order.approvals = [OrderApproval(round=1, staff_id=100 + n) for n in range(approvals)]
    if status in ASSIGNED_FROM or status is S.CANCELLED:
        order.vendor_id = 7
        order.vendor = Vendor(id=7, name=WINNER)
    return order


READERS = {
    "buyer": lambda: User(role=Role.BUYER, organisation_id=1),
    "vendor": lambda: User(role=Role.VENDOR, vendor_id=7),      # the assigned vendor
    "candidate": lambda: User(role=Role.VENDOR, vendor_id=8),   # only offered or invited
    "staff": lambda: User(role=Role.STAFF),
    "admin": lambda: User(role=Role.ADMIN),
}

NOTHING = "nothing to do"
NOTHING_MORE = "nothing more to do"
REF = "PP-2026-00042"
A = Actor

# (state, reader) → who acts next, and words that must appear in what the reader is told.
EXPECTED: dict[tuple[OrderStatus, str], tuple[Actor, list[str]]] = {
    (S.DRAFT, "buyer"): (A.BUYER, ["complete the order", "submit it for approval"]),
    (S.DRAFT, "staff"): (A.BUYER, ["the buyer", "submit"]),
    (S.DRAFT, "vendor"): (A.BUYER, [NOTHING]),
    (S.DRAFT, "candidate"): (A.BUYER, [NOTHING]),
    (S.SUBMITTED, "buyer"): (A.STAFF, ["participation service", "approvals still needed: 1"]),
    (S.SUBMITTED, "staff"): (A.STAFF, ["approve", "request changes", "reject",
                                       "approvals still needed: 1"]),
    (S.SUBMITTED, "vendor"): (A.STAFF, [NOTHING]),
    (S.SUBMITTED, "candidate"): (A.STAFF, [NOTHING]),
    (S.CHANGES_REQUESTED, "buyer"): (A.BUYER, ["edit the order", "submit it again"]),
    (S.CHANGES_REQUESTED, "staff"): (A.BUYER, ["the buyer", "submits it again"]),
    (S.CHANGES_REQUESTED, "vendor"): (A.BUYER, [NOTHING]),
    (S.CHANGES_REQUESTED, "candidate"): (A.BUYER, [NOTHING]),
    (S.APPROVED, "buyer"): (A.PLATFORM, ["offered to the vendors", "you will be told"]),
    (S.APPROVED, "staff"): (A.PLATFORM, ["offered to the vendors", "escalated"]),
    (S.APPROVED, "vendor"): (A.PLATFORM, ["offers page"]),
    (S.APPROVED, "candidate"): (A.PLATFORM, ["offers page"]),
    (S.AWAITING_VENDOR, "buyer"): (A.VENDORS, ["vendors", "you will be told"]),
    (S.AWAITING_VENDOR, "staff"): (A.VENDORS, ["vendors", "escalated"]),
    (S.AWAITING_VENDOR, "vendor"): (A.VENDORS, ["accept", "decline", "offers page"]),
    (S.AWAITING_VENDOR, "candidate"): (A.VENDORS, ["accept", "decline", "offers page"]),
    (S.ESCALATED, "buyer"): (A.STAFF, ["participation service", "you will be told"]),
    (S.ESCALATED, "staff"): (A.STAFF, ["redispatch", "cancel"]),
    (S.ESCALATED, "vendor"): (A.STAFF, [NOTHING]),
    (S.ESCALATED, "candidate"): (A.STAFF, [NOTHING]),
    (S.ASSIGNED, "buyer"): (A.VENDOR, [WINNER.lower(), "carries out the work",
                                       "confirm receipt"]),
    (S.ASSIGNED, "staff"): (A.VENDOR, [WINNER.lower(), "carries out the work",
                                       "marks the order delivered"]),
    (S.ASSIGNED, "vendor"): (A.VENDOR, ["carry out the work", "mark the order delivered"]),
    (S.ASSIGNED, "candidate"): (A.NOBODY, [NOTHING_MORE]),
    (S.DELIVERED, "buyer"): (A.BUYER, ["confirm receipt", "contest"]),
    (S.DELIVERED, "staff"): (A.BUYER, ["the buyer", "confirms receipt", "contests"]),
    (S.DELIVERED, "vendor"): (A.BUYER, ["the buyer", "confirms receipt", REF.lower()]),
    (S.DELIVERED, "candidate"): (A.NOBODY, [NOTHING_MORE]),
    (S.COMPLETED, "buyer"): (A.BUYER, ["accept", "dispute", "reject", "mark", "paid"]),
    (S.COMPLETED, "staff"): (A.STAFF, ["close the order", "paid or rejected"]),
    (S.COMPLETED, "vendor"): (A.VENDOR, ["register your invoice", REF.lower()]),
    (S.COMPLETED, "candidate"): (A.NOBODY, [NOTHING_MORE]),
    **{(S.CLOSED, reader): (A.NOBODY, ["closed", "final"])
       for reader in ("buyer", "staff", "vendor", "candidate")},
    (S.REJECTED, "buyer"): (A.NOBODY, ["rejected", "new order"]),
    (S.REJECTED, "staff"): (A.NOBODY, ["rejected"]),
    (S.REJECTED, "vendor"): (A.NOBODY, [NOTHING]),
    (S.REJECTED, "candidate"): (A.NOBODY, [NOTHING]),
    (S.CANCELLED, "buyer"): (A.NOBODY, ["cancelled", "new order"]),
    (S.CANCELLED, "staff"): (A.NOBODY, ["cancelled"]),
    (S.CANCELLED, "vendor"): (A.NOBODY, ["cancelled", NOTHING_MORE]),
    (S.CANCELLED, "candidate"): (A.NOBODY, ["cancelled", NOTHING_MORE]),
}
# Admins read what staff read.
EXPECTED.update({(state, "admin"): EXPECTED[(state, "staff")] for state in OrderStatus})
FACTS: dict[str, Any] = {OFFER_DEADLINE: DEADLINE, OPEN_INVOICES: 2}


def _text(steps: NextSteps) -> str:
    parts = [str(steps.heading), *(str(s) for s in steps.sentences)]
    if steps.deadline_sentence is not None:
        parts.append(str(steps.deadline_sentence))
    return " ".join(parts).lower()


def test_every_state_and_reader_is_covered() -> None:
    assert {state for state, _ in EXPECTED} == set(OrderStatus)
    assert {reader for _, reader in EXPECTED} == set(READERS)


@pytest.mark.parametrize(("state", "reader"), sorted(EXPECTED))
def test_the_reader_is_told_who_acts_next_and_what_to_do(app: Flask, state: OrderStatus,
                                                         reader: str) -> None:
    actor, words = EXPECTED[(state, reader)]
    steps = next_steps(_order(state), READERS[reader](), FACTS)
    text = _text(steps)
    assert steps.next_actor is actor
    for word in words:
        assert word in text, (word, text)
    assert 1 <= len(steps.sentences) + (steps.deadline is not None) <= 3, steps.sentences
    you = {"buyer": A.BUYER, "vendor": A.VENDOR, "staff": A.STAFF, "admin": A.STAFF}
    assert steps.you_act is (you.get(reader) is actor
                             or (reader in ("vendor", "candidate") and actor is A.VENDORS))


@pytest.mark.parametrize("state", list(OrderStatus))
def test_a_vendor_only_asked_never_learns_the_winner_or_the_price(app: Flask,
                                                                   state: OrderStatus) -> None:
    text = _text(next_steps(_order(state), READERS["candidate"](), FACTS))
    assert WINNER.lower() not in text
    for amount in ("12,345.67", "12345.67", "12.345,67", "1234567"):
        assert amount not in text


@pytest.mark.parametrize("reader", ["buyer", "staff"])
def test_nobody_is_named_before_a_vendor_takes_the_order(app: Flask, reader: str) -> None:
    order = _order(S.AWAITING_VENDOR)
    order.vendor = Vendor(id=9, name="Pas Encore SA")  # not assigned: no vendor_id
    assert "pas encore" not in _text(next_steps(order, READERS[reader](), FACTS))


@pytest.mark.parametrize(("approvals", "required", "left"), [(0, 1, 1), (0, 2, 2), (1, 2, 1)])
@pytest.mark.parametrize("reader", ["buyer", "staff"])
def test_a_submitted_order_says_how_many_approvals_are_still_needed(
        app: Flask, reader: str, approvals: int, required: int, left: int) -> None:
    steps = next_steps(_order(S.SUBMITTED, approvals, required), READERS[reader](), {})
    assert f"approvals still needed: {left} of {required}" in _text(steps)


@pytest.mark.parametrize("reader", ["buyer", "staff", "candidate"])
def test_the_answer_deadline_is_given_while_vendors_are_asked(app: Flask,
                                                                reader: str) -> None:
    steps = next_steps(_order(S.AWAITING_VENDOR), READERS[reader](), FACTS)
    assert steps.deadline == DEADLINE
    assert steps.deadline_sentence is not None
    assert "%(when)s" in str(steps.deadline_sentence)  # the page puts the time in
    assert next_steps(_order(S.AWAITING_VENDOR), READERS[reader](), {}).deadline is None


def test_a_vendor_without_an_open_offer_has_nothing_to_answer(app: Flask) -> None:
    steps = next_steps(_order(S.AWAITING_VENDOR), READERS["candidate"](), {})
    assert NOTHING in _text(steps)
    assert not steps.you_act


@pytest.mark.parametrize("state", [s for s in OrderStatus if s is not S.AWAITING_VENDOR])
def test_no_deadline_outside_the_search_for_a_vendor(app: Flask, state: OrderStatus) -> None:
    for reader in READERS.values():
        assert next_steps(_order(state), reader(), FACTS).deadline is None


@pytest.mark.parametrize("reader", ["buyer", "staff"])
def test_the_open_invoices_are_counted_once_completed(app: Flask, reader: str) -> None:
    text = _text(next_steps(_order(S.COMPLETED), READERS[reader](), {OPEN_INVOICES: 2}))
    assert "invoices still open: 2" in text


def test_staff_are_told_when_the_order_can_be_closed(app: Flask) -> None:
    text = _text(next_steps(_order(S.COMPLETED), READERS["staff"](), {OPEN_INVOICES: 0}))
    assert "no invoice is open" in text
    assert "invoices still open" not in _text(
        next_steps(_order(S.COMPLETED), READERS["staff"](), {}))


def test_a_buyer_of_another_organisation_is_not_told_anything(app: Flask) -> None:
    with pytest.raises(NotFound):
        next_steps(_order(S.SUBMITTED), User(role=Role.BUYER, organisation_id=2), {})
