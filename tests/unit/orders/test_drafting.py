"""Drafting an order: totals from the price snapshot, refused fields, quantities and items."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.auth.models import User
from app.catalogue.services import items as item_services
from app.common.errors import Conflict, Forbidden, ValidationFailed
from app.common.time import today
from app.extensions import db
from app.orders import services
from app.orders.models import Order, OrderStatus
from tests.unit.orders.rules_support import draft, order_input

S = OrderStatus


# --- Drafting ------------------------------------------------------------------------------

def test_totals_are_computed_on_the_server_from_the_price_snapshot(world: dict[str, User]
                                                                   ) -> None:
    order = draft(world["buyer"], lines=[("L3-WS-HALF", 2), ("L3-MEETING", 1)])
    assert order.total_excl_vat_cents == 2 * 65000 + 120000
    assert order.total_vat_cents == 27300 + 25200
    assert order.total_incl_vat_cents == order.total_excl_vat_cents + order.total_vat_cents
    assert [line.unit_price_cents for line in order.lines] == [65000, 120000]


def test_a_later_price_revision_does_not_change_the_order(world: dict[str, User]) -> None:
    order = draft(world["buyer"])
    item_services.revise_price(world["admin"], "L3-WS-HALF", 99000, 2100, today())
    db.session.commit()
    db.session.refresh(order)
    assert order.lines[0].unit_price_cents == 65000
    assert order.total_excl_vat_cents == 130000


@pytest.mark.parametrize(("change", "field"), [
    ({"title": ""}, "title"),
    ({"title": "x" * 201}, "title"),
    ({"objectives": "  "}, "objectives"),
    ({"participation_level": "decide"}, "participation_level"),
    ({"commune": "paris"}, "commune"),
    ({"lines": []}, "lines"),
])
def test_bad_fields_are_refused_by_name_and_nothing_is_saved(world: dict[str, User],
                                                             change: dict[str, object],
                                                             field: str) -> None:
    data = order_input()
    for key, value in change.items():
        setattr(data, key, value)
    with pytest.raises(ValidationFailed) as exc:
        services.create_order(world["buyer"], data)
    assert field in exc.value.errors
    db.session.rollback()
    assert db.session.execute(select(Order)).first() is None


@pytest.mark.parametrize(("quantity", "ok"), [
    (0, False), (-3, False), (1.5, False), (10**9, False), ("2", False), (True, False),
    (1, True), (10_000, True)])
def test_quantities_are_whole_numbers_in_range(world: dict[str, User], quantity: object,
                                               ok: bool) -> None:
    data = order_input()
    data.lines[0].quantity = quantity
    if ok:
        assert services.create_order(world["buyer"], data).lines[0].quantity == quantity
    else:
        with pytest.raises(ValidationFailed) as exc:
            services.create_order(world["buyer"], data)
        assert "lines.0.quantity" in exc.value.errors


def test_items_of_another_lot_unknown_items_and_duplicates_are_refused(
        world: dict[str, User]) -> None:
    data = order_input(lines=[("L3-WS-HALF", 1), ("L4-KIT", 1), ("L3-WS-HALF", 2)])
    data.lines.append(services.LineInput(999_999, 1))
    with pytest.raises(ValidationFailed) as exc:
        services.create_order(world["buyer"], data)
    assert set(exc.value.errors) == {"lines.1.item_id", "lines.2.item_id", "lines.3.item_id"}


def test_only_buyers_create_orders(world: dict[str, User]) -> None:
    for role in ("staff", "vendor", "admin"):
        with pytest.raises(Forbidden):
            services.create_order(world[role], order_input())


def test_a_draft_can_be_edited_but_a_submitted_order_cannot(world: dict[str, User]) -> None:
    order = draft(world["buyer"])
    services.update_order(world["buyer"], order.id, order_input(lines=[("L3-MEETING", 3)]))
    db.session.commit()
    assert order.total_excl_vat_cents == 360000
    services.submit(world["buyer"], order.id)
    with pytest.raises(Conflict):
        services.update_order(world["buyer"], order.id, order_input())
