"""Fixtures of the personal data rights tests: a buyer who made and acted on an order taken
to completion, with a name and an address a scan can look for."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app.auth.models import Role, User
from app.orders.models import Order, OrderStatus
from tests import factories

NAME = "Jeanne Effaçable"
EMAIL = "jeanne.effacable@example.org"


@pytest.fixture
def person(app: Flask) -> dict[str, object]:
    """The buyer to erase (with a colleague), the staff member who approved her order, and
    the order, completed."""
    buyer = factories.user(full_name=NAME, email=EMAIL, language="en")
    colleague = factories.user(organisation=buyer.organisation, language="en",
                               full_name="Colleague Stays")
    buyer.organisation.invoicing_contact_name = NAME
    buyer.organisation.invoicing_contact_email = EMAIL
    approver = factories.user(Role.STAFF, language="en", full_name="Staff Approver")
    order: Order = factories.order(OrderStatus.COMPLETED, buyer=buyer, approvers=[approver])
    return {"buyer": buyer, "colleague": colleague, "approver": approver, "order": order,
            "handler": factories.user(Role.STAFF, language="en")}


@pytest.fixture
def client_for(app: Flask) -> Callable[[User], FlaskClient]:
    def make(user: User) -> FlaskClient:
        client = app.test_client()
        response = client.post("/login", data={"email": user.email,
                                               "password": factories.PASSWORD})
        assert response.status_code == 302, response.get_data(as_text=True)
        return client

    return make
