"""``flask bench-data`` fills an empty database with orders in every state whose rows agree
with each other and whose audit trail verifies, and the app's lists and pages work on it."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import func, select

from app.assignment.models import AttemptState, VendorAttempt
from app.auth import services as auth_services
from app.auth.models import Organisation, Role, User
from app.catalogue.models import CatalogueItem
from app.demo.seed import demo_password
from app.execution.models import Delivery
from app.extensions import db
from app.invoicing.models import Invoice, InvoiceState
from app.orders import audit
from app.orders.models import Order, OrderApproval, OrderEvent, OrderLine, OrderStatus

S = OrderStatus
ORDERS = 300


@pytest.fixture
def scale(app: Flask) -> Flask:
    result = app.test_cli_runner().invoke(args=[
        "bench-data", "--orders", str(ORDERS), "--items", "300", "--organisations", "30"])
    assert result.exit_code == 0, result.output
    return app


def per_state() -> dict[OrderStatus, int]:
    return {status: int(n) for status, n in db.session.execute(
        select(Order.status, func.count(Order.id)).group_by(Order.status))}


def test_it_makes_the_asked_counts_with_every_state_present(scale: Flask) -> None:
    counts = per_state()
    assert sum(counts.values()) == ORDERS
    assert set(counts) == set(OrderStatus)
    assert counts[S.CLOSED] > counts[S.APPROVED]  # weighted, not uniform
    assert db.session.execute(select(func.count(Organisation.id))).scalar_one() == 30
    assert db.session.execute(select(func.count(CatalogueItem.id))).scalar_one() == 300
    buyers = db.session.execute(select(func.count(func.distinct(User.organisation_id)))
                                .where(User.role == Role.BUYER)).scalar_one()
    assert buyers == 30


def test_totals_agree_with_the_lines(scale: Flask) -> None:
    sums = {order_id: (int(excl), int(vat)) for order_id, excl, vat in db.session.execute(
        select(OrderLine.order_id, func.sum(OrderLine.line_excl_vat_cents),
               func.sum(OrderLine.line_vat_cents)).group_by(OrderLine.order_id))}
    orders = db.session.execute(select(Order)).scalars().all()
    assert len(sums) == len(orders)
    for order in orders:
        assert sums[order.id] == (order.total_excl_vat_cents, order.total_vat_cents)
        assert order.total_incl_vat_cents == order.total_excl_vat_cents + order.total_vat_cents


def test_the_audit_trail_verifies_and_follows_each_state(scale: Flask) -> None:
    checked, broken = audit.verify()
    assert broken is None
    assert checked == db.session.execute(select(func.count(OrderEvent.id))).scalar_one()
    last = dict(db.session.execute(
        select(OrderEvent.order_id, OrderEvent.to_state).where(
            OrderEvent.seq == select(func.max(OrderEvent.seq)).where(
                OrderEvent.order_id == Order.id).correlate(Order).scalar_subquery())
        .join(Order, Order.id == OrderEvent.order_id)).all())
    for order in db.session.execute(select(Order)).scalars():
        assert last[order.id] == order.status.value
        assert order.created_at <= order.updated_at
    result = scale.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output


def test_what_the_state_implies_is_there(scale: Flask) -> None:
    orders = db.session.execute(select(Order)).scalars().all()
    winners = {order_id for (order_id,) in db.session.execute(select(VendorAttempt.order_id)
               .where(VendorAttempt.state.in_((AttemptState.ACCEPTED, AttemptState.AWARDED))))}
    approved = {order_id for (order_id,) in db.session.execute(select(OrderApproval.order_id))}
    delivered = {order_id for (order_id,) in db.session.execute(select(Delivery.order_id))}
    invoices = {i.order_id: i for i in db.session.execute(select(Invoice)).scalars()}
    after_assignment = (S.ASSIGNED, S.DELIVERED, S.COMPLETED, S.CLOSED)
    for order in orders:
        assert (order.id in approved) == (order.status in (S.APPROVED, S.AWAITING_VENDOR,
                                                          S.ESCALATED, *after_assignment))
        assert (order.id in winners) == (order.status in after_assignment)
        assert (order.vendor_id is not None) == (order.status in after_assignment)
        assert (order.id in delivered) == (order.status in after_assignment[1:])
        if order.status in (S.COMPLETED, S.CLOSED):
            assert order.id in invoices
        if order.status is S.CLOSED:
            invoice = invoices[order.id]
            assert invoice.state is InvoiceState.PAID
            assert invoice.order_reference == order.reference
            assert order.closed_committed_cents == invoice.amount_excl_vat_cents
    open_attempts = db.session.execute(select(VendorAttempt).where(
        VendorAttempt.state.in_((AttemptState.OFFERED, AttemptState.INVITED)))).scalars().all()
    assert open_attempts
    assert {a.order.status for a in open_attempts} == {S.AWAITING_VENDOR}


def test_it_refuses_a_database_that_has_orders(scale: Flask) -> None:
    result = scale.test_cli_runner().invoke(args=["bench-data", "--orders", "5"])
    assert result.exit_code == 1
    assert "already has 300 orders" in result.output
    assert sum(per_state().values()) == ORDERS


def test_the_lists_and_pages_work_on_it(scale: Flask) -> None:
    staff = db.session.execute(select(User).where(User.email == "staff1@demo.example")
                               ).scalar_one()
    _row, token = auth_services.create_api_token(staff, "bench")
    db.session.commit()
    client = scale.test_client()
    auth = {"Authorization": f"Bearer {token}"}
    listed = client.get("/api/v1/orders", headers=auth)
    assert listed.status_code == 200
    assert listed.get_json()
    for status in OrderStatus:
        order_id = db.session.execute(select(Order.id).where(Order.status == status)
                                      .limit(1)).scalar_one()
        assert client.get(f"/api/v1/orders/{order_id}", headers=auth).status_code == 200
        assert client.get(f"/api/v1/orders/{order_id}/events", headers=auth).status_code == 200

    pages = scale.test_client()
    assert pages.post("/login", data={"email": "staff1@demo.example",
                                      "password": demo_password()[0]}).status_code == 302
    assert pages.get("/orders/").status_code == 200
    for status in OrderStatus:
        order_id = db.session.execute(select(Order.id).where(Order.status == status)
                                      .limit(1)).scalar_one()
        assert pages.get(f"/orders/{order_id}").status_code == 200, status

    vendor = scale.test_client()
    assert vendor.post("/login", data={"email": "vendor1@demo.example",
                                       "password": demo_password()[0]}).status_code == 302
    assert vendor.get("/vendor/").status_code == 200
