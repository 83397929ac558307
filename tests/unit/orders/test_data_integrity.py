"""Data integrity: only lots of an active framework are ordered from, whoever calls; the
order reference carries the Brussels year."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from app.auth.models import User
from app.catalogue.models import Framework, FrameworkStatus, Lot
from app.catalogue.services import browse
from app.catalogue.services.texts import TEXT_FIELDS
from app.common.time import today
from app.extensions import db
from app.orders import lots, services
from app.orders.models import Order
from tests.unit.helpers import bearer
from tests.unit.orders.api_support import body


def _framework_of_the_order_lot() -> Framework:
    lot = db.session.get(Lot, body()["lot_id"])
    assert lot is not None
    return lot.framework


def _no_longer_orderable(how: str) -> None:
    framework = _framework_of_the_order_lot()
    if how == "draft":
        framework.status = FrameworkStatus.DRAFT
    elif how == "expired":
        framework.status = FrameworkStatus.EXPIRED
    elif how == "ended":
        framework.end_date = today() - timedelta(days=1)
    else:
        framework.start_date = today() + timedelta(days=1)
    db.session.commit()


def _orders() -> int:
    return db.session.execute(select(func.count(Order.id))).scalar_one()


@pytest.mark.parametrize("how", ["draft", "expired", "ended", "not_started"])
def test_the_api_refuses_a_lot_whose_framework_is_not_active_today(
        client: FlaskClient, tokens: dict[str, str], how: str) -> None:
    _no_longer_orderable(how)
    response = client.post("/api/v1/orders", json=body(), headers=bearer(tokens["buyer_a"]))
    assert response.status_code == 422, response.get_json()
    assert "not active" in response.get_json()["errors"]["lot_id"][0]
    assert _orders() == 0


def test_a_draft_cannot_be_moved_to_a_lot_that_is_no_longer_orderable(
        client: FlaskClient, tokens: dict[str, str]) -> None:
    created = client.post("/api/v1/orders", json=body(), headers=bearer(tokens["buyer_a"]))
    assert created.status_code == 201
    order_id = created.get_json()["id"]
    _no_longer_orderable("expired")
    order = db.session.get(Order, order_id)
    assert order is not None
    buyer = db.session.get(User, order.created_by_id)
    data = services._input_of(order)
    with pytest.raises(services.ValidationFailed) as refused:
        services.update_order(buyer, order_id, data)
    assert "lot_id" in refused.value.errors


def test_the_order_form_offers_only_the_lots_the_service_accepts(
        tokens: dict[str, str]) -> None:
    framework = _framework_of_the_order_lot()
    before = {lot.id for lot in lots.orderable_lots()}
    assert {lot.id for lot in framework.lots} <= before
    _no_longer_orderable("draft")
    after = {lot.id for lot in lots.orderable_lots()}
    assert not {lot.id for lot in framework.lots} & after
    assert lots.orderable_lot(body()["lot_id"]) is None


def test_the_web_form_refuses_a_lot_of_an_expired_framework(
        demo_world: dict[str, User], demo_client_for: Callable[[User], FlaskClient]) -> None:
    lot_id = body()["lot_id"]
    _no_longer_orderable("expired")
    page = demo_client_for(demo_world["buyer1"]).get(f"/orders/new?lot={lot_id}")
    assert page.status_code == 200
    assert 'name="title"' not in page.get_data(as_text=True)  # the lot chooser, not the form


@pytest.mark.parametrize(("created_at", "year"), [
    (datetime(2026, 12, 31, 23, 30, tzinfo=UTC), 2027),  # 00:30 on 1 January in Brussels
    (datetime(2026, 12, 31, 22, 59, tzinfo=UTC), 2026),  # 23:59 on 31 December in Brussels
    (datetime(2027, 6, 30, 23, 0, tzinfo=UTC), 2027),
])
def test_the_reference_carries_the_year_in_brussels(created_at: datetime, year: int) -> None:
    order = Order(id=42, created_at=created_at)
    assert order.reference == f"PP-{year}-00042"


def test_reference_of_a_saved_order_made_at_new_year_in_brussels(
        client: FlaskClient, tokens: dict[str, str]) -> None:
    created = client.post("/api/v1/orders", json=body(), headers=bearer(tokens["buyer_a"]))
    order = db.session.get(Order, created.get_json()["id"])
    assert order is not None
    order.created_at = datetime(2030, 12, 31, 23, 5, tzinfo=UTC)
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(Order, order.id).reference.startswith("PP-2031-")  # type: ignore[union-attr]


def test_overlapping_price_versions_do_not_turn_lookups_into_500s(
        client: FlaskClient, tokens: dict[str, str]) -> None:
    from app.catalogue.models import CatalogueItem

    current = browse.get_current_item("L1-DAY")
    db.session.add(CatalogueItem(
        lot_id=current.lot_id, code="L1-DAY", unit=current.unit, unit_price_cents=1,
        vat_rate_bp=current.vat_rate_bp, valid_from=current.valid_from + timedelta(days=1),
        **{name: getattr(current, name) for name in TEXT_FIELDS}))
    db.session.commit()
    assert browse.get_current_item("L1-DAY").unit_price_cents == 1  # the latest start
    assert browse.price_on("L1-DAY", today()).unit_price_cents == 1
    assert client.get("/catalogue/items/L1-DAY").status_code == 200
    assert client.get("/api/v1/catalogue/items?q=L1-DAY").status_code == 200
