"""Vendor assignment by mini-competition: every vendor invited, the lowest compliant quote
wins, bad quotes refused."""

from __future__ import annotations

import pytest

from app.assignment import cli as sweeper
from app.assignment.models import AttemptState
from app.assignment.services import answers
from app.auth.models import User
from app.common.errors import Conflict, ValidationFailed
from app.extensions import db
from app.orders.models import OrderStatus
from tests.unit.assignment.support import (
    attempts,
    competition,
    overdue,
    vendor_user,
)

S = OrderStatus


# --- Mini-competition ----------------------------------------------------------------------

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

