"""Fixtures shared by the invoicing unit tests."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app.auth.models import User
from tests.factories import PASSWORD


@pytest.fixture
def client_for(app: Flask) -> Callable[[User], FlaskClient]:
    """A client logged in as ``user`` (each keeps its own session cookie)."""

    def make(user: User) -> FlaskClient:
        client = app.test_client()
        response = client.post("/login", data={"email": user.email, "password": PASSWORD})
        assert response.status_code == 302, response.get_data(as_text=True)
        return client

    return make
