"""Admin pages: who may see them and act on them, every page for an admin, unknown
records, and the overview's links."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from app.auth.models import Role, User
from app.catalogue.models import (
    LotMembership,
)
from app.catalogue.services import lots as lot_services
from app.extensions import db

from .support import (
    WORLD_REFERENCE,
    World,
    first_membership,
    page,
    table_counts,
)

# --- Who may see the pages -------------------------------------------------------------------

GET_PAGES = [
    "/admin/", "/admin/log", "/admin/frameworks", "/admin/frameworks/new",
    "/admin/frameworks/{framework}/edit", "/admin/lots/new", "/admin/lots/{lot}",
    "/admin/lots/{lot}/edit", "/admin/memberships/{membership}/suspend",
    "/admin/memberships/{membership}/terminate", "/admin/items", "/admin/items/new",
    "/admin/items/L1-DAY", "/admin/catalogue/import", "/admin/catalogue/export",
    "/admin/vendors/", "/admin/vendors/new", "/admin/vendors/{vendor}/edit",
]
POST_ACTIONS = [
    "/admin/frameworks/new", "/admin/frameworks/{framework}/edit", "/admin/lots/new",
    "/admin/lots/{lot}/edit", "/admin/lots/{lot}/members", "/admin/lots/{lot}/ranking",
    "/admin/memberships/{membership}/move", "/admin/memberships/{membership}/suspend",
    "/admin/memberships/{membership}/reactivate", "/admin/memberships/{membership}/terminate",
    "/admin/items/new", "/admin/items/L1-DAY", "/admin/items/L1-DAY/price",
    "/admin/catalogue/import", "/admin/vendors/new", "/admin/vendors/{vendor}/edit",
]


@pytest.fixture
def ids(catalogue: World) -> dict[str, int]:
    """A framework, lot, membership and vendor of the catalogue, for the paths above."""
    membership = first_membership()
    return {"framework": membership.lot.framework_id, "lot": membership.lot_id,
            "membership": membership.id, "vendor": membership.vendor_id}


@pytest.mark.parametrize("role", [Role.BUYER, Role.VENDOR, Role.STAFF])
def test_buyers_vendors_and_staff_are_refused_every_admin_page_and_action(
        client: FlaskClient, ids: dict[str, int], make_user: Callable[..., User],
        login: Callable[[User], None], role: Role) -> None:
    login(make_user(role))
    before = table_counts()
    for path in GET_PAGES:
        assert client.get(path.format(**ids)).status_code == 403, path
    for path in POST_ACTIONS:
        response = client.post(path.format(**ids), data={"reason": "x", "direction": "up"})
        assert response.status_code == 403, path
    assert table_counts() == before


def test_anonymous_visitors_are_sent_to_the_login_page(client: FlaskClient,
                                                       ids: dict[str, int]) -> None:
    for path in GET_PAGES:
        response = client.get(path.format(**ids))
        assert response.status_code == 302, path
        assert response.headers["Location"].startswith("/login"), path
    for path in POST_ACTIONS:
        response = client.post(path.format(**ids))
        assert response.status_code == 302 and "/login" in response.headers["Location"], path


def test_an_admin_sees_every_page(client: FlaskClient, admin: User) -> None:
    membership = db.session.execute(select(LotMembership).limit(1)).scalar_one()
    ids = {"framework": membership.lot.framework_id, "lot": membership.lot_id,
           "membership": membership.id, "vendor": membership.vendor_id}
    for path in GET_PAGES:
        response = client.get(path.format(**ids))
        assert response.status_code == 200, path
        if response.mimetype == "text/html":
            assert "<h1>" in response.get_data(as_text=True), path


def test_unknown_records_answer_404(client: FlaskClient, admin: User) -> None:
    for path in ["/admin/frameworks/999/edit", "/admin/lots/999", "/admin/lots/999/edit",
                 "/admin/memberships/999/suspend", "/admin/items/NOPE",
                 "/admin/vendors/999/edit"]:
        assert client.get(path).status_code == 404, path


def test_the_overview_links_every_framework_and_lot(client: FlaskClient, admin: User) -> None:
    html = page(client, "/admin/")
    for lot in lot_services.list_lots():
        assert f'href="/admin/lots/{lot.id}"' in html
    assert WORLD_REFERENCE in html
