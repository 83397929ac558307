"""The order form's buyer (DESIGN §9): its enterprise number, the invoicing address when the
organisation has one (else its address) and its invoicing contact, copied when the order is
assigned and kept as they were then."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import select

from app.execution import order_forms
from app.execution.models import OrderForm
from app.extensions import db
from app.orders.models import OrderStatus as S
from tests import factories


def frozen_buyer(order_id: int) -> dict[str, str | None]:
    form = db.session.execute(select(OrderForm).where(OrderForm.order_id == order_id)
                              ).scalar_one()
    return dict(form.data["buyer"])


def test_the_form_carries_the_invoicing_address_and_contact(app: Flask) -> None:
    organisation = factories.organisation(
        enterprise_number="0207.373.429", address="Chaussée d'Ixelles 168, 1050 Ixelles",
        invoicing_address="Service des finances\nRue Mercelis 19\n1050 Ixelles",
        invoicing_contact_name="Claire Dubois",
        invoicing_contact_email="factures@ixelles.example")
    made = factories.order(S.ASSIGNED, buyer=factories.user(organisation=organisation))
    db.session.commit()

    buyer = frozen_buyer(made.id)

    assert buyer["enterprise_number"] == "0207.373.429"
    assert buyer["address"] == "Service des finances\nRue Mercelis 19\n1050 Ixelles"
    assert buyer["contact_name"] == "Claire Dubois"
    assert buyer["contact_email"] == "factures@ixelles.example"
    html = order_forms.order_form.render_html(order_forms.from_json(
        db.session.execute(select(OrderForm.data).where(OrderForm.order_id == made.id)
                           ).scalar_one()), "en")
    assert "Claire Dubois" in html and "factures@ixelles.example" in html
    assert "Rue Mercelis 19" in html


def test_without_invoicing_details_the_address_and_the_requester_are_used(
        app: Flask) -> None:
    organisation = factories.organisation(address="Place Fernand Cocq 1, 1050 Ixelles")
    requester = factories.user(organisation=organisation, full_name="Anne Peeters",
                               email="anne@ixelles.example")
    made = factories.order(S.ASSIGNED, buyer=requester)
    db.session.commit()

    buyer = frozen_buyer(made.id)

    assert buyer["address"] == "Place Fernand Cocq 1, 1050 Ixelles"
    assert buyer["contact_name"] == "Anne Peeters"
    assert buyer["contact_email"] == "anne@ixelles.example"


def test_details_changed_after_assignment_do_not_change_the_form(app: Flask) -> None:
    organisation = factories.organisation(invoicing_address="Rue A 1",
                                          invoicing_contact_name="Claire Dubois",
                                          invoicing_contact_email="claire@ixelles.example")
    made = factories.order(S.ASSIGNED, buyer=factories.user(organisation=organisation))
    db.session.commit()

    organisation.invoicing_address = "Rue B 2"
    organisation.invoicing_contact_name = "Someone Else"
    db.session.commit()

    buyer = frozen_buyer(made.id)
    assert buyer["address"] == "Rue A 1" and buyer["contact_name"] == "Claire Dubois"
