"""Public answers (catalogue, lots, frameworks, vendors, communes) carry an ETag and answer
304 to a client that already has them; private answers are never stored."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from app.catalogue.models import Lot
from app.demo.seed import seed_demo
from app.extensions import db
from tests import factories
from tests.unit.helpers import bearer

PUBLIC = ["/api/v1/lots", "/api/v1/frameworks", "/api/v1/catalogue/items",
          "/api/v1/catalogue/items?lot=1", "/api/v1/vendors", "/api/v1/communes"]


@pytest.fixture
def demo(client: FlaskClient) -> FlaskClient:
    seed_demo()
    db.session.commit()
    return client


@pytest.mark.parametrize("path", PUBLIC)
def test_a_public_answer_is_revalidated_with_its_etag(demo: FlaskClient, path: str) -> None:
    first = demo.get(path)
    assert first.status_code == 200
    etag = first.headers["ETag"]
    assert first.headers["Cache-Control"] == "public, no-cache"
    assert "Accept-Language" in first.headers["Vary"]
    again = demo.get(path, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.get_data() == b""
    assert demo.get(path, headers={"If-None-Match": '"something-else"'}).status_code == 200


def test_a_change_gives_a_new_etag_and_the_old_one_gets_the_new_answer(
        demo: FlaskClient) -> None:
    first = demo.get("/api/v1/lots")
    lot = db.session.get(Lot, first.get_json()[0]["id"])
    assert lot is not None
    lot.title_en = "Facilitation, renamed"
    db.session.commit()
    changed = demo.get("/api/v1/lots", headers={"If-None-Match": first.headers["ETag"],
                                                "Accept-Language": "en"})
    assert changed.status_code == 200
    assert "Facilitation, renamed" in changed.get_data(as_text=True)
    assert changed.headers["ETag"] != first.headers["ETag"]


def test_a_language_gets_its_own_etag(demo: FlaskClient) -> None:
    french = demo.get("/api/v1/lots", headers={"Accept-Language": "fr"})
    dutch = demo.get("/api/v1/lots", headers={"Accept-Language": "nl"})
    assert french.headers["ETag"] != dutch.headers["ETag"]


def test_an_authenticated_answer_is_never_stored_nor_tagged(demo: FlaskClient) -> None:
    from app.auth import services as auth_services

    _row, token = auth_services.create_api_token(factories.user())
    db.session.commit()
    answer = demo.get("/api/v1/orders", headers=bearer(token))
    assert answer.headers["Cache-Control"] == "no-store"
    assert "ETag" not in answer.headers
