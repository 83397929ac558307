"""Invoices in the services: registering (typed, JSON, UBL), every refusal of DESIGN §9 with
nothing left behind, the buyer's moves and the vendor's correction, who may do what."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from flask import Flask

from app.common.errors import Conflict, NotFound, ValidationFailed
from app.common.time import today
from app.extensions import db
from app.invoicing import services
from app.invoicing.models import Invoice, InvoiceSource, InvoiceState
from app.orders.models import OrderStatus as S
from tests import factories
from tests.unit.execution.support import notified
from tests.unit.invoicing.invoice_support import (
    UBL_EXCL,
    UBL_VAT,
    delivered_world,
    event_actions,
    invoice_rows,
    typed,
    ubl_for,
)
from tests.unit.invoicing.ubl_support import element, example_tree, to_bytes


def _refused(call: object, *args: object) -> dict[str, list[str]]:
    before = invoice_rows()
    with pytest.raises(ValidationFailed) as refused:
        call(*args)  # type: ignore[operator]
    db.session.rollback()
    assert invoice_rows() == before, "a refused invoice left a row"
    return refused.value.errors


def test_the_vendor_registers_an_invoice_the_buyer_is_told_and_it_is_in_the_trail(
        app: Flask) -> None:
    world = delivered_world()
    invoice = services.register(world.vendor, world.order.id, typed(world.order))
    db.session.commit()

    assert (invoice.state, invoice.source, invoice.total_cents) == (
        InvoiceState.REGISTERED, InvoiceSource.JSON, 60_500)
    assert invoice.vendor_id == world.order.vendor_id
    assert event_actions(world.order)[-1] == "invoice_registered"
    assert len(notified(world.buyer, "invoice_registered")) == 1
    assert notified(world.vendor, "invoice_registered") == []


def test_without_a_due_date_the_payment_term_runs_from_today(app: Flask) -> None:
    world = delivered_world(S.COMPLETED)
    invoice = services.register(world.vendor, world.order.id,
                                typed(world.order, due_date=None))
    assert invoice.due_date == today() + timedelta(days=app.config["PAYMENT_TERM_DAYS"])


def test_a_ubl_invoice_quoting_the_order_is_read_stored_and_digested(app: Flask) -> None:
    world = delivered_world()
    data = services.from_ubl(ubl_for(world.order.reference), "facture.xml")
    invoice = services.register(world.vendor, world.order.id, data)
    db.session.commit()

    assert (invoice.source, invoice.number, invoice.issue_date) == (
        InvoiceSource.UBL, "Snippet1", date(2017, 11, 13))
    assert (invoice.amount_excl_vat_cents, invoice.vat_cents) == (UBL_EXCL, UBL_VAT)
    assert len(invoice.ubl_sha256) == 64 and invoice.ubl_filename == "facture.xml"


@pytest.mark.parametrize("state", [S.ASSIGNED])
def test_no_invoice_before_delivery(app: Flask, state: S) -> None:
    world = delivered_world(state)
    with pytest.raises(Conflict):
        services.register(world.vendor, world.order.id, typed(world.order))
    db.session.rollback()
    assert invoice_rows() == 0


def test_an_invoice_on_another_orders_reference_is_refused(app: Flask) -> None:
    world = delivered_world()
    other = factories.order(S.DRAFT)
    errors = _refused(services.register, world.vendor, world.order.id,
                      typed(world.order, order_reference=other.reference))
    assert list(errors) == ["order_reference"]
    assert world.order.reference in errors["order_reference"][0]


def test_a_ubl_invoice_quoting_another_order_is_refused(app: Flask) -> None:
    world = delivered_world()
    data = services.from_ubl(ubl_for("PP-999999"))
    errors = _refused(services.register, world.vendor, world.order.id, data)
    assert list(errors) == ["order_reference"]


def test_a_number_the_vendor_already_used_is_refused(app: Flask) -> None:
    world = delivered_world()
    services.register(world.vendor, world.order.id, typed(world.order))
    db.session.commit()
    errors = _refused(services.register, world.vendor, world.order.id,
                      typed(world.order, amount_excl_vat_cents=100, vat_cents=21))
    assert list(errors) == ["number"]


def test_invoices_above_the_order_total_incl_vat_are_refused(app: Flask) -> None:
    world = delivered_world()  # 2 000,00 + 420,00
    services.register(world.vendor, world.order.id,
                      typed(world.order, amount_excl_vat_cents=150_000, vat_cents=31_500))
    db.session.commit()
    errors = _refused(services.register, world.vendor, world.order.id,
                      typed(world.order, number="F-2", amount_excl_vat_cents=50_000,
                            vat_cents=10_501))
    assert list(errors) == ["amount_excl_vat_cents"]
    assert "605,00" in errors["amount_excl_vat_cents"][0]
    # Exactly what is left is accepted.
    services.register(world.vendor, world.order.id,
                      typed(world.order, number="F-3", amount_excl_vat_cents=50_000,
                            vat_cents=10_500))


def test_a_due_date_before_the_issue_date_and_other_field_errors_come_together(
        app: Flask) -> None:
    world = delivered_world()
    errors = _refused(services.register, world.vendor, world.order.id, typed(
        world.order, number=" ", due_date=date(2026, 11, 1), amount_excl_vat_cents=0,
        vat_cents=-1))
    assert set(errors) == {"number", "due_date", "amount_excl_vat_cents", "vat_cents"}
    errors = _refused(services.register, world.vendor, world.order.id,
                      typed(world.order, issue_date=today() + timedelta(days=1),
                            due_date=None, number="A\nB"))
    assert set(errors) == {"issue_date", "number"}


def test_a_ubl_file_that_fails_the_schema_or_a_rule_is_refused_with_its_rule(
        app: Flask) -> None:
    root = example_tree()
    element(root, "cac:LegalMonetaryTotal/cbc:PayableAmount").text = "1656.26"
    with pytest.raises(ValidationFailed) as refused:
        services.from_ubl(to_bytes(root))
    assert "BR-CO-16" in refused.value.errors
    root = example_tree()
    root.remove(element(root, "cac:LegalMonetaryTotal"))
    with pytest.raises(ValidationFailed) as refused:
        services.from_ubl(to_bytes(root))
    assert list(refused.value.errors) == ["xsd"]


def test_an_xml_bomb_or_an_external_entity_is_refused_as_a_file_problem(app: Flask) -> None:
    bomb = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
            b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
            b"<Invoice>&lol2;</Invoice>")
    xxe = (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
           b"<Invoice>&e;</Invoice>")
    for data in (bomb, xxe):
        with pytest.raises(ValidationFailed) as refused:
            services.from_ubl(data)
        assert list(refused.value.errors) == ["file"]
        assert "root:" not in str(refused.value.errors)


@pytest.mark.parametrize("who", ["buyer", "staff", "competitor", "outsider"])
def test_only_the_assigned_vendor_registers_invoices(app: Flask, who: str) -> None:
    world = delivered_world()
    with pytest.raises(NotFound):
        services.register(getattr(world, who), world.order.id, typed(world.order))
    db.session.rollback()
    assert invoice_rows() == 0


def _registered(world: object) -> Invoice:
    invoice = services.register(world.vendor, world.order.id,  # type: ignore[attr-defined]
                                typed(world.order))  # type: ignore[attr-defined]
    db.session.commit()
    return invoice


def test_the_buyer_accepts_then_marks_paid_and_the_vendor_is_told(app: Flask) -> None:
    world = delivered_world()
    invoice = _registered(world)
    services.accept(world.buyer, invoice.id)
    services.mark_paid(world.colleague, invoice.id, date(2026, 12, 1))
    db.session.commit()

    assert (invoice.state, invoice.paid_on) == (InvoiceState.PAID, date(2026, 12, 1))
    assert event_actions(world.order)[-2:] == ["invoice_accepted", "invoice_paid"]
    assert len(notified(world.vendor, "invoice_accepted")) == 1
    assert len(notified(world.vendor, "invoice_paid")) == 1


def test_a_dispute_needs_a_reason_and_the_vendor_corrects_the_invoice(app: Flask) -> None:
    world = delivered_world()
    invoice = _registered(world)
    with pytest.raises(ValidationFailed) as refused:
        services.dispute(world.buyer, invoice.id, "  ")
    assert list(refused.value.errors) == ["reason"]
    db.session.rollback()
    services.dispute(world.buyer, invoice.id, "Le montant de la TVA est faux.")
    db.session.commit()
    assert invoice.state is InvoiceState.DISPUTED
    assert len(notified(world.vendor, "invoice_disputed")) == 1

    services.correct(world.vendor, invoice.id, typed(world.order, vat_cents=10_000))
    db.session.commit()
    assert (invoice.state, invoice.vat_cents) == (InvoiceState.REGISTERED, 10_000)
    assert event_actions(world.order)[-2:] == ["invoice_disputed", "invoice_corrected"]
    assert len(notified(world.buyer, "invoice_corrected")) == 1


def test_a_correction_is_checked_like_a_new_invoice_but_may_keep_its_number(
        app: Flask) -> None:
    world = delivered_world()
    invoice = _registered(world)
    services.dispute(world.buyer, invoice.id, "Trop cher")
    db.session.commit()
    errors = _refused(services.correct, world.vendor, invoice.id,
                      typed(world.order, amount_excl_vat_cents=300_000))
    assert list(errors) == ["amount_excl_vat_cents"]
    assert db.session.get(Invoice, invoice.id).state is InvoiceState.DISPUTED


def test_staff_act_for_the_buyer_and_a_rejected_invoice_is_final(app: Flask) -> None:
    world = delivered_world()
    invoice = _registered(world)
    services.reject(world.staff, invoice.id, "Facture en double")
    db.session.commit()
    assert (invoice.state, invoice.reason) == (InvoiceState.REJECTED, "Facture en double")
    for move in (lambda: services.accept(world.buyer, invoice.id),
                 lambda: services.mark_paid(world.buyer, invoice.id, date(2026, 12, 1))):
        with pytest.raises(Conflict):
            move()
        db.session.rollback()


@pytest.mark.parametrize("who", ["vendor", "competitor", "outsider"])
def test_the_buyers_moves_by_anyone_else_are_404(app: Flask, who: str) -> None:
    world = delivered_world()
    invoice = _registered(world)
    for move in (lambda u: services.accept(u, invoice.id),
                 lambda u: services.dispute(u, invoice.id, "Non"),
                 lambda u: services.reject(u, invoice.id, "Non"),
                 lambda u: services.mark_paid(u, invoice.id, date(2026, 12, 1))):
        with pytest.raises(NotFound):
            move(getattr(world, who))
        db.session.rollback()
    assert db.session.get(Invoice, invoice.id).state is InvoiceState.REGISTERED


@pytest.mark.parametrize("who", ["buyer", "staff", "competitor"])
def test_only_its_vendor_corrects_an_invoice(app: Flask, who: str) -> None:
    world = delivered_world()
    invoice = _registered(world)
    services.dispute(world.buyer, invoice.id, "Non")
    db.session.commit()
    with pytest.raises(NotFound):
        services.correct(getattr(world, who), invoice.id, typed(world.order))


def test_the_payment_date_is_required_not_in_the_future_nor_before_the_invoice(
        app: Flask) -> None:
    world = delivered_world()
    invoice = _registered(world)
    services.accept(world.buyer, invoice.id)
    db.session.commit()
    for paid_on in (None, today() + timedelta(days=1), date(2026, 11, 1)):
        with pytest.raises(ValidationFailed) as refused:
            services.mark_paid(world.buyer, invoice.id, paid_on)
        assert list(refused.value.errors) == ["paid_on"]
        db.session.rollback()
    assert db.session.get(Invoice, invoice.id).state is InvoiceState.ACCEPTED


def test_paying_a_registered_invoice_is_a_conflict(app: Flask) -> None:
    world = delivered_world()
    invoice = _registered(world)
    with pytest.raises(Conflict):
        services.mark_paid(world.buyer, invoice.id, date(2026, 12, 1))
