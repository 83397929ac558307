"""Closing an order (staff, once every invoice is paid or rejected) and what the invoices
consume of the lot: committed, invoiced and paid at each step, the rest released at closing."""

from __future__ import annotations

from datetime import date

import pytest
from flask import Flask

from app.common.errors import Conflict, Forbidden
from app.extensions import db
from app.invoicing import closure, consumption, services
from app.orders import ceilings
from app.orders.models import OrderStatus as S
from tests.unit.execution.support import fresh
from tests.unit.invoicing.invoice_support import delivered_world, event_actions, typed


def test_an_order_is_closed_once_its_invoices_are_paid_or_rejected(app: Flask) -> None:
    world = delivered_world(S.COMPLETED)
    order = world.order
    lot = order.lot_id
    assert ceilings.committed_cents(lot_id=lot) == 200_000
    first = services.register(world.vendor, order.id, typed(order, number="F-1",
                              amount_excl_vat_cents=100_000, vat_cents=21_000))
    second = services.register(world.vendor, order.id, typed(order, number="F-2",
                               amount_excl_vat_cents=40_000, vat_cents=8_400))
    db.session.commit()
    assert consumption.invoiced_by_lot()[lot] == (140_000, 0)

    services.accept(world.buyer, first.id)
    services.mark_paid(world.buyer, first.id, date(2026, 12, 1))
    db.session.commit()
    assert consumption.invoiced_by_lot()[lot] == (140_000, 100_000)
    with pytest.raises(Conflict) as refused:
        closure.close_order(world.staff, order.id)
    assert "1" in str(refused.value)
    db.session.rollback()
    assert fresh(order).status is S.COMPLETED

    services.reject(world.buyer, second.id, "Doublon")
    db.session.commit()
    assert consumption.invoiced_by_lot()[lot] == (100_000, 100_000)
    closure.close_order(world.staff, order.id)
    db.session.commit()

    order = fresh(order)
    assert (order.status, order.closed_committed_cents) == (S.CLOSED, 100_000)
    assert ceilings.committed_cents(lot_id=lot) == 100_000  # the other 1 000,00 released
    assert event_actions(order)[-1] == "close"


def test_only_staff_close_and_only_a_completed_order(app: Flask) -> None:
    world = delivered_world(S.DELIVERED)
    with pytest.raises(Forbidden):
        closure.close_order(world.buyer, world.order.id)
    db.session.rollback()
    with pytest.raises(Conflict):
        closure.close_order(world.staff, world.order.id)


def test_a_closed_order_takes_no_more_invoices(app: Flask) -> None:
    world = delivered_world(S.COMPLETED)
    closure.close_order(world.staff, world.order.id)
    db.session.commit()
    assert ceilings.committed_cents(lot_id=world.order.lot_id) == 0
    with pytest.raises(Conflict):
        services.register(world.vendor, world.order.id, typed(world.order))
