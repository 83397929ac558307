"""Fixtures of the catalogue tests: a factory-built catalogue and an admin to work on it."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app.auth.models import Role, User
from app.catalogue.models import Framework

from .support import Catalogue, World, build_api_catalogue, build_world


@pytest.fixture
def catalogue(app: Flask) -> World:
    """One framework, six lots with ranked vendors and eight items (support.build_world)."""
    return build_world()


@pytest.fixture
def admin(catalogue: World, make_user: Callable[..., User],
          login: Callable[[User], None]) -> User:
    """The factory catalogue, and an English-speaking admin logged into ``client``."""
    user = make_user(Role.ADMIN, language="en")
    login(user)
    return user


@pytest.fixture
def admin_client(client: FlaskClient, admin: User) -> FlaskClient:
    """The test client, with the admin logged in."""
    return client


@pytest.fixture
def framework(catalogue: World) -> Framework:
    """The catalogue's framework (the only active one)."""
    return catalogue.framework


@pytest.fixture
def cat(app: Flask) -> Catalogue:
    """Three lots, seven items and five vendors (one without lot, one inactive)."""
    return build_api_catalogue()
