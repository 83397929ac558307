"""What the orders and their invoices use of the lots' and frameworks' ceilings (DESIGN §9):
committed, invoiced and paid in ``/api/v1/lots`` and ``/api/v1/frameworks`` and on the admin
pages, the commitment released at closing, staff told once at 80 % and at 100 %."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from app.auth.models import Role, User
from app.common.outbox import OutboxMessage
from app.extensions import db
from app.invoicing import closure, services
from app.notifications.models import Notification
from app.orders.models import CeilingNotice
from app.orders.models import OrderStatus as S
from tests import factories
from tests.unit.helpers import count_queries
from tests.unit.invoicing.invoice_support import typed

THRESHOLD_KINDS = ("lot_ceiling_threshold", "framework_ceiling_threshold")


def _lot_json(client: FlaskClient, lot_id: int) -> dict[str, Any]:
    return next(lot for lot in client.get("/api/v1/lots").get_json() if lot["id"] == lot_id)


def _framework_json(client: FlaskClient, framework_id: int) -> dict[str, Any]:
    return next(f for f in client.get("/api/v1/frameworks").get_json()
                if f["id"] == framework_id)


def _figures(body: dict[str, Any]) -> tuple[int, int, int]:
    return body["committed_cents"], body["invoiced_cents"], body["paid_cents"]


def _notices(staff: User) -> list[tuple[str, Any]]:
    rows = db.session.execute(select(Notification).where(
        Notification.user_id == staff.id, Notification.kind.in_(THRESHOLD_KINDS))
        .order_by(Notification.id)).scalars()
    return [(n.kind, n.params["threshold"]) for n in rows]


def test_the_figures_follow_the_order_from_approval_to_closure(app: Flask) -> None:
    client = app.test_client()
    buyer = factories.user()
    lot = factories.lot(ceiling_cents=1_000_000)
    other_lot = factories.lot(lot.framework)
    item = factories.item(lot, unit_price_cents=100_000)
    elsewhere = factories.order(S.APPROVED, lines=[(factories.item(other_lot), 1)])
    order = factories.order(S.COMPLETED, buyer=buyer, lines=[(item, 2)])
    vendor = factories.vendor_user(order.vendor_id or 0)
    both = 200_000 + elsewhere.total_excl_vat_cents

    assert _figures(_lot_json(client, lot.id)) == (200_000, 0, 0)
    assert _figures(_framework_json(client, lot.framework_id)) == (both, 0, 0)
    assert _lot_json(client, lot.id)["remaining_cents"] == 800_000

    first = services.register(vendor, order.id, typed(order, number="F-1",
                              amount_excl_vat_cents=120_000, vat_cents=25_200))
    second = services.register(vendor, order.id, typed(order, number="F-2",
                               amount_excl_vat_cents=30_000, vat_cents=6_300))
    db.session.commit()
    assert _figures(_lot_json(client, lot.id)) == (200_000, 150_000, 0)
    services.accept(buyer, first.id)
    services.mark_paid(buyer, first.id, date(2026, 12, 1))
    services.reject(buyer, second.id, "Doublon")
    db.session.commit()
    assert _figures(_lot_json(client, lot.id)) == (200_000, 120_000, 120_000)
    assert _figures(_framework_json(client, lot.framework_id)) == (both, 120_000, 120_000)

    closure.close_order(factories.user(Role.STAFF), order.id)
    db.session.commit()
    # Closing releases the 800,00 never invoiced, from the lot and from the framework.
    assert _figures(_lot_json(client, lot.id)) == (120_000, 120_000, 120_000)
    framework = _framework_json(client, lot.framework_id)
    assert _figures(framework) == (120_000 + elsewhere.total_excl_vat_cents, 120_000, 120_000)
    assert framework["ceiling_cents"] == lot.framework.max_value_cents
    assert framework["remaining_cents"] == framework["ceiling_cents"] - framework["committed_cents"]
    assert sorted(framework["lot_ids"]) == sorted([lot.id, other_lot.id])
    assert _figures(_lot_json(client, other_lot.id)) == (elsewhere.total_excl_vat_cents, 0, 0)


def test_staff_are_told_once_at_80_and_at_100_percent(app: Flask) -> None:
    staff = factories.staff(2)
    framework = factories.framework(max_value_cents=1_000_000)
    lot = factories.lot(framework, ceiling_cents=500_000)
    other_lot = factories.lot(framework)
    item = factories.item(lot, unit_price_cents=100_000)
    other_item = factories.item(other_lot, unit_price_cents=100_000)

    factories.order(S.APPROVED, lines=[(item, 3)])  # lot 60 %, framework 30 %
    assert _notices(staff[0]) == []
    factories.order(S.APPROVED, lines=[(item, 1)])  # lot 80 %
    assert _notices(staff[0]) == [("lot_ceiling_threshold", 80)]
    factories.order(S.APPROVED, lines=[(other_item, 3)])  # framework 70 %
    assert len(_notices(staff[0])) == 1
    # Lot 100 % and framework 80 % with one approval: each scope told its highest step.
    factories.order(S.APPROVED, lines=[(item, 1)])
    assert _notices(staff[0]) == [("lot_ceiling_threshold", 80), ("lot_ceiling_threshold", 100),
                                  ("framework_ceiling_threshold", 80)]
    assert _notices(staff[1]) == _notices(staff[0])
    # Passing 80 % again (after a release) and reaching 100 % tell only what is new.
    factories.order(S.APPROVED, lines=[(other_item, 2)])  # framework 100 %
    told = _notices(staff[0])
    assert told[-1] == ("framework_ceiling_threshold", 100) and len(told) == 4
    assert db.session.execute(select(CeilingNotice.scope, CeilingNotice.threshold)
                              .order_by(CeilingNotice.id)).all() == [
        (f"lot:{lot.id}", 80), (f"lot:{lot.id}", 100), (f"framework:{framework.id}", 80),
        (f"framework:{framework.id}", 100)]


def test_the_threshold_e_mail_names_the_lot_the_share_and_the_amounts(app: Flask) -> None:
    staff = factories.user(Role.STAFF, language="nl")
    lot = factories.lot(factories.framework(reference="RAAM-7"), ceiling_cents=200_000)
    factories.order(S.APPROVED, lines=[(factories.item(lot, unit_price_cents=100_000), 2)])
    mails = [m.payload for m in db.session.execute(select(OutboxMessage).where(
        OutboxMessage.kind == "email")).scalars()
        if m.payload["to"] == staff.email and m.payload["template"] in THRESHOLD_KINDS]
    assert [m["template"] for m in mails] == ["lot_ceiling_threshold"]
    subject, body = mails[0]["subject"], mails[0]["body"]
    assert "Perceel 1" in subject and "100" in subject, subject
    assert "RAAM-7" in body and "2.000,00" in body, body


def test_the_frameworks_api_is_documented_and_takes_fixed_queries(app: Flask) -> None:
    client = app.test_client()
    spec = client.get("/api/v1/openapi.json").get_json()
    assert "/api/v1/frameworks" in spec["paths"]
    properties = spec["components"]["schemas"]["Framework"]["properties"]
    for name in ("ceiling_cents", "committed_cents", "invoiced_cents", "paid_cents"):
        assert name in properties
        assert name in spec["components"]["schemas"]["Lot"]["properties"]

    factories.order(S.APPROVED)
    with count_queries() as few:
        assert len(client.get("/api/v1/frameworks").get_json()) == 1
    for _ in range(6):
        factories.order(S.APPROVED)
    with count_queries() as many:
        assert len(client.get("/api/v1/frameworks").get_json()) == 7
    assert len(few) == len(many) == 4, many  # frameworks, lots, committed, invoiced


def _plain(html: str) -> str:
    return html.replace("\xa0", " ").replace("\u202f", " ")


def test_the_admin_pages_show_the_figures(app: Flask,
                                          client_for: Any) -> None:
    admin = factories.user(Role.ADMIN, language="en")
    lot = factories.lot(ceiling_cents=1_000_000)
    factories.order(S.APPROVED, lines=[(factories.item(lot, unit_price_cents=100_000), 2)])
    client = client_for(admin)
    page = _plain(client.get(f"/admin/lots/{lot.id}").get_data(as_text=True))
    assert 'data-testid="lot-committed">2.000,00 € (20 % of the ceiling)' in page
    assert 'data-testid="lot-invoiced">0,00 €' in page
    listing = _plain(client.get("/admin/frameworks").get_data(as_text=True))
    assert 'data-testid="framework-committed">2.000,00 €' in listing

