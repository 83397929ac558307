"""The factories reach every state the way people do, without the demo data."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import func, select

from app.assignment.models import AttemptState
from app.catalogue.models import AwardMethod
from app.orders import audit
from app.orders.models import OrderEvent, OrderStatus
from tests import factories as make

S = OrderStatus


@pytest.mark.parametrize("state", list(OrderStatus))
def test_an_order_is_taken_to_any_state_with_its_history(app: Flask, state: OrderStatus) -> None:
    order = make.order(state)
    assert order.status is state
    actions = list(app.extensions["sqlalchemy"].session.execute(
        select(OrderEvent.action).where(OrderEvent.order_id == order.id)
        .order_by(OrderEvent.id)).scalars())
    assert actions[0] == "create"
    assert audit.verify() == (len(actions), None)


def test_a_mini_competition_is_won_by_the_lowest_quote(app: Flask) -> None:
    lot = make.lot(award_method=AwardMethod.MINI_COMPETITION, vendors=3)
    order = make.order(S.ASSIGNED, lines=[(make.item(lot), 1)])
    states = [a.state for a in make.attempts(order)]
    assert states.count(AttemptState.AWARDED) == 1
    assert states.count(AttemptState.NOT_AWARDED) == 2
    winner = next(a for a in make.attempts(order) if a.state is AttemptState.AWARDED)
    assert order.vendor_id == winner.vendor_id


def test_a_cascade_escalates_once_every_vendor_declined(app: Flask) -> None:
    lot = make.lot(vendors=2)
    order = make.order(S.ESCALATED, lines=[(make.item(lot), 1)])
    assert [a.state for a in make.attempts(order)] == [AttemptState.DECLINED] * 2


def test_each_call_makes_a_new_world(app: Flask) -> None:
    first, second = make.order(S.SUBMITTED), make.order(S.SUBMITTED)
    assert first.organisation_id != second.organisation_id
    assert first.lot_id != second.lot_id
    session = app.extensions["sqlalchemy"].session
    assert session.execute(select(func.count()).select_from(OrderEvent)).scalar_one() == 4
