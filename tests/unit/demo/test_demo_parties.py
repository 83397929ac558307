"""The demo's organisations and vendors carry valid Belgian enterprise numbers, so their order
forms can also be sent as Peppol orders."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import select

from app.auth.invoicing_details import missing_details
from app.auth.models import Organisation
from app.common import enterprise_number
from app.demo.seed import seed_demo
from app.extensions import db
from app.vendors.models import Vendor


def test_every_demo_party_has_a_valid_dotted_enterprise_number(app: Flask) -> None:
    seed_demo()
    seed_demo()  # idempotent
    db.session.commit()

    numbers = [*db.session.execute(select(Organisation.enterprise_number)).scalars(),
               *db.session.execute(select(Vendor.enterprise_number)).scalars()]

    assert len(numbers) == 10 and len(set(numbers)) == 10
    for number in numbers:
        assert number is not None and enterprise_number.normalise(number) == number


def test_one_demo_organisation_has_its_invoicing_details_and_one_lacks_them(
        app: Flask) -> None:
    seed_demo()
    db.session.commit()
    orgs = db.session.execute(select(Organisation).order_by(Organisation.id)).scalars().all()

    assert missing_details(orgs[0]) == []
    assert orgs[0].invoicing_address and "Ixelles" in orgs[0].invoicing_address
    assert missing_details(orgs[1]) == ["an invoicing contact (name and e-mail address)"]
