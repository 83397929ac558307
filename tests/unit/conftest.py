"""Unit tier: SQLite in memory, no services; the outbox only records what it would send."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from app import create_app
from app.auth import services as auth_services
from app.auth.models import Language, Organisation, Role, User
from app.auth.services import user_by_email
from app.common.i18n import in_language
from app.demo.seed import demo_password, seed_demo
from app.extensions import db
from app.vendors.models import Vendor
from tests import factories
from tests.unit.helpers import IsolatedClient
from tests.unit.strict_database import postgres_strictness  # noqa: F401 - a fixture for every module

PASSWORD = factories.PASSWORD


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Flask]:
    app = create_app("testing", INSTANCE_DIR=str(tmp_path), WTF_CSRF_ENABLED=False)
    app.test_client_class = IsolatedClient
    # Services called straight from a test speak English (outside a request the app would
    # use its French default); requests still choose their language as in production.
    with app.app_context(), in_language("en"):
        db.create_all()
        yield app
        db.session.remove()
        db.engine.dispose()  # the in-memory database goes with its engine


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def enqueued(app: Flask) -> list[int]:
    """Outbox message ids handed to the broker after a commit (record mode)."""
    return app.extensions.setdefault("outbox_enqueued", [])


@pytest.fixture
def make_org() -> Callable[..., Organisation]:
    return factories.organisation


@pytest.fixture
def make_vendor() -> Callable[..., Vendor]:
    return factories.vendor


@pytest.fixture
def make_user() -> Callable[..., User]:
    return factories.user


@pytest.fixture
def login(client: FlaskClient) -> Callable[[User], None]:
    def do(user: User, password: str = PASSWORD) -> None:
        response = client.post("/login", data={"email": user.email, "password": password})
        assert response.status_code == 302, response.get_data(as_text=True)

    return do


@pytest.fixture
def demo_world(app: Flask) -> dict[str, User]:
    """The demo data (app.demo) and its people by short name, every account reading English
    (so pages compare with the msgids)."""
    seed_demo()
    db.session.commit()
    users = {name: user_by_email(f"{name}@demo.example")
             for name in ("buyer1", "buyer2", "staff1", "staff2", "admin")}
    for user in db.session.execute(select(User)).scalars():
        user.language = Language.EN
    db.session.commit()
    assert all(users.values())
    return users  # type: ignore[return-value]


@pytest.fixture
def demo_client_for(app: Flask) -> Callable[[User], FlaskClient]:
    """A client logged in as a demo account (each keeps its own session cookie)."""

    def make(user: User) -> FlaskClient:
        client = app.test_client()
        response = client.post("/login", data={"email": user.email,
                                               "password": demo_password()[0]})
        assert response.status_code == 302, response.get_data(as_text=True)
        return client

    return make


@pytest.fixture
def tokens(app: Flask, make_user: Callable[..., User]) -> dict[str, str]:
    """On the demo data: an API token for a buyer of each of two organisations, a vendor,
    staff and an administrator."""
    seed_demo()
    db.session.commit()
    orgs = db.session.execute(select(Organisation).order_by(Organisation.id)).scalars().all()
    people = {
        "buyer_a": make_user(organisation=orgs[0], language="en"),
        "buyer_b": make_user(organisation=orgs[1], language="nl"),
        "vendor": make_user(Role.VENDOR),
        "staff": make_user(Role.STAFF),
        "admin": make_user(Role.ADMIN),
    }
    result = {}
    for name, user in people.items():
        _row, token = auth_services.create_api_token(user)
        result[name] = token
    db.session.commit()
    return result
