"""Fixtures of the orders tests: the people of the rule tests (``world``) and of the page
tests (``people``), and a logged-in client per user."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from app.auth.models import Organisation, Role, User
from app.demo.seed import seed_demo
from app.extensions import db
from tests.factories import PASSWORD


@pytest.fixture
def world(app: Flask, make_user: Callable[..., User]) -> dict[str, User]:
    seed_demo()
    db.session.commit()
    org = db.session.execute(select(Organisation).order_by(Organisation.id)).scalars().first()
    other_org = db.session.execute(
        select(Organisation).order_by(Organisation.id.desc())).scalars().first()
    return {
        "buyer": make_user(organisation=org, language="nl"),
        "colleague": make_user(organisation=org),
        "stranger": make_user(organisation=other_org),
        "staff": make_user(Role.STAFF),
        "staff2": make_user(Role.STAFF),
        "admin": make_user(Role.ADMIN),
        "vendor": make_user(Role.VENDOR),
    }


@pytest.fixture
def people(app: Flask, make_user: Callable[..., User]) -> dict[str, User]:
    seed_demo()
    db.session.commit()
    orgs = list(db.session.execute(select(Organisation).order_by(Organisation.id)).scalars())
    return {
        "buyer": make_user(organisation=orgs[0], language="en", full_name="Claire Buyer"),
        "other_buyer": make_user(organisation=orgs[1], language="en"),
        "vendor": make_user(Role.VENDOR, language="en"),
        "staff": make_user(Role.STAFF, language="en", full_name="Sofia Benali"),
        "staff2": make_user(Role.STAFF, language="en", full_name="Jan Peeters"),
        "admin": make_user(Role.ADMIN, language="en"),
    }


@pytest.fixture
def client_for(app: Flask) -> Callable[[User], FlaskClient]:
    """A logged-in client per user (each keeps its own session cookie)."""

    def make(user: User) -> FlaskClient:
        client = app.test_client()
        response = client.post("/login", data={"email": user.email, "password": PASSWORD})
        assert response.status_code == 302, response.get_data(as_text=True)
        return client

    return make
