"""Input no column can hold is refused with a 404, 400 or 422 in the reader's language, and
changes nothing: huge ids, huge pages, NUL bytes, lone surrogates, deep JSON, endless digits,
digits that are not ASCII."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from app.auth import services as auth_services
from app.auth.models import ApiToken, Language, Organisation, User
from app.auth.services import user_by_email
from app.catalogue.models import CatalogueItem, Lot, LotMembership
from app.common.pagination import MAX_PAGE, page_arg
from app.extensions import db
from app.orders.models import Order
from tests.unit.helpers import page_text

# SQLite stores what PostgreSQL refuses: every test here runs on a database as strict.
pytestmark = pytest.mark.usefixtures("postgres_strictness")

Clients = Callable[[User], FlaskClient]


def count(model: Any) -> int:
    return int(db.session.execute(select(func.count()).select_from(model)).scalar_one())


def token_for(user: User) -> dict[str, str]:
    _row, token = auth_services.create_api_token(user, "tests")
    db.session.commit()
    return {"Authorization": f"Bearer {token}"}


def a_lot_and_item() -> tuple[Lot, CatalogueItem]:
    item = db.session.execute(select(CatalogueItem).order_by(CatalogueItem.id)).scalars().first()
    assert item is not None
    lot = db.session.get(Lot, item.lot_id)
    assert lot is not None
    return lot, item


# --- Ids beyond PostgreSQL's integer ---------------------------------------------------------

@pytest.mark.parametrize("path", [
    "/facilitators/2147483648", "/catalogue/lots/2147483648", "/orders/2147483648",
    "/orders/2147483648/edit", "/vendor/offers/2147483648", "/staff/organisations/2147483648",
    "/orders/٣٣", "/catalogue/lots/99999999999999999999999999",
])
def test_an_id_beyond_an_integer_column_is_a_page_not_found_in_the_readers_language(
        demo_world: dict[str, User], demo_client_for: Clients, path: str) -> None:
    staff = demo_world["staff1"]
    staff.language = Language.NL
    db.session.commit()
    response = demo_client_for(staff).get(path)
    assert response.status_code == 404
    assert "Pagina niet gevonden" in page_text(response)


@pytest.mark.parametrize("path", ["/orders/notifications/2147483648/read",
                                  "/settings/tokens/2147483648/revoke",
                                  "/orders/2147483648/submit"])
def test_posting_to_an_id_beyond_an_integer_column_is_not_found(
        demo_world: dict[str, User], demo_client_for: Clients, path: str) -> None:
    assert demo_client_for(demo_world["buyer1"]).post(path).status_code == 404


def test_the_api_answers_not_found_for_an_id_beyond_an_integer_column(
        demo_world: dict[str, User], client: FlaskClient) -> None:
    response = client.get("/api/v1/orders/2147483648", headers=token_for(demo_world["buyer1"]))
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"


def test_unknown_vendor_ids_in_admin_forms_are_field_errors_and_add_nothing(
        demo_world: dict[str, User], demo_client_for: Clients) -> None:
    admin = demo_client_for(demo_world["admin"])
    lot, _item = a_lot_and_item()
    members, users = count(LotMembership), count(User)
    for vendor in ("99999999999", "٣", "2147483647"):
        response = admin.post(f"/admin/lots/{lot.id}/members", data={"vendor": vendor})
        assert response.status_code == 200, vendor
        assert 'aria-invalid="true"' in page_text(response) or "error" in page_text(response)
        response = admin.post("/staff/users/new", data={
            "email": "new.person@example.org", "full_name": "New Person", "role": "vendor",
            "vendor": vendor, "organisation": "0", "language": "fr"})
        assert response.status_code == 200, vendor
    assert (count(LotMembership), count(User)) == (members, users)


@pytest.mark.parametrize("query", ["lot=99999999999", "lot=٣", "framework=99999999999",
                                   "lot=2147483648&page=99999999999999999999"])
def test_admin_filters_with_unknown_ids_show_pages(demo_world: dict[str, User],
                                                   demo_client_for: Clients, query: str) -> None:
    admin = demo_client_for(demo_world["admin"])
    for path in ("/admin/items", "/admin/lots/new", "/admin/items/new",
                 "/admin/catalogue/export"):
        assert admin.get(f"{path}?{query}").status_code in (200, 302), path


# --- Pages ------------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("1", 1), ("7", 7), ("0", 1), ("-3", 1), ("٣٣", 1), ("²", 1), ("abc", 1), ("", 1),
    ("100000", MAX_PAGE), ("99999999999999999999999", MAX_PAGE), ("9" * 5000, MAX_PAGE),
])
def test_the_page_argument_is_ascii_digits_clamped(app: Flask, text: str, expected: int) -> None:
    with app.test_request_context(f"/?page={text}"):
        assert page_arg() == expected
    assert page_arg({"page": text}) == expected


@pytest.mark.parametrize("role, path", [
    (None, "/catalogue/"), (None, "/facilitators/"), ("buyer1", "/orders/"),
    ("buyer1", "/orders/notifications"), ("staff1", "/orders/"),
    ("staff1", "/staff/organisations"), ("staff1", "/staff/users"), ("admin", "/admin/items"),
    ("admin", "/admin/log"), ("admin", "/admin/vendors/"),
])
def test_a_huge_page_number_is_never_a_server_error(demo_world: dict[str, User],
                                                    demo_client_for: Clients, client: FlaskClient,
                                                    role: str | None, path: str) -> None:
    browser = demo_client_for(demo_world[role]) if role else client
    for page in ("99999999999999999999", str(2**63), "9" * 5000, "٣٣"):
        assert browser.get(f"{path}?page={page}").status_code in (200, 302), (path, page)


# --- NUL and lone surrogates ----------------------------------------------------------

def test_a_nul_in_the_login_email_is_refused_in_the_readers_language(
        demo_world: dict[str, User], client: FlaskClient) -> None:
    response = client.post("/login", data={"email": "buyer1@demo.example\x00",
                                            "password": "x"},
                           headers={"Accept-Language": "nl-BE"})
    assert response.status_code == 422
    text = page_text(response)
    assert "Ongeldige gegevens" in text and "email" in text
    assert "Het veld ‘email’ is niet geldig." in text and "niet is toegestaan" in text


def test_a_nul_in_registration_creates_no_organisation(app: Flask, client: FlaskClient) -> None:
    before = count(Organisation)
    response = client.post("/register", data={
        "organisation_name": "Commune\x00", "organisation_type": "commune",
        "full_name": "A Person", "email": "a.person@example.org",
        "password": "long enough password", "password_confirm": "long enough password",
        "language": "fr"}, headers={"Accept-Language": "fr"})
    assert response.status_code == 422
    assert "Le champ « organisation_name » n’est pas valide." in page_text(response)
    assert count(Organisation) == before


def test_a_nul_in_a_token_name_or_a_catalogue_code_is_refused(
        demo_world: dict[str, User], demo_client_for: Clients, client: FlaskClient) -> None:
    buyer = demo_client_for(demo_world["buyer1"])
    tokens = count(ApiToken)
    assert buyer.post("/settings/tokens", data={"name": "tool\x00"}).status_code == 422
    assert count(ApiToken) == tokens
    assert client.get("/catalogue/items/L1%00X").status_code == 422
    assert client.get("/catalogue/?q=a%00b").status_code == 422


@pytest.mark.parametrize("field, value", [("title", "Atelier\x00"), ("title", "\ud800"),
                                          ("objectives", "x\udfff"),
                                          ("lines.0.quantity", "\x00")])
def test_the_api_refuses_nul_and_lone_surrogates_naming_the_field(
        demo_world: dict[str, User], client: FlaskClient, field: str, value: str) -> None:
    lot, item = a_lot_and_item()
    body: dict[str, Any] = {"lot_id": lot.id, "title": "Atelier", "objectives": "Avis",
                            "participation_level": "consult", "commune": "ixelles",
                            "lines": [{"item_id": item.id, "quantity": 1}]}
    if field.startswith("lines"):
        body["lines"][0]["quantity"] = value
    else:
        body[field] = value
    headers = {**token_for(demo_world["buyer1"]), "Accept-Language": "en"}
    response = client.post("/api/v1/orders", data=json.dumps(body),
                           content_type="application/json", headers=headers)
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert field in response.get_json()["errors"]
    assert count(Order) == 0


def test_the_api_refuses_deep_json_and_endless_digits(demo_world: dict[str, User],
                                                      client: FlaskClient) -> None:
    demo_world["buyer1"].language = Language.FR  # a token reads its account's language
    headers = {**token_for(demo_world["buyer1"]), "Accept-Language": "nl"}
    deep = client.post("/api/v1/orders", data="[" * 100_000 + "]" * 100_000,
                       content_type="application/json", headers=headers)
    assert deep.status_code == 400
    assert "imbriqué trop profondément" in deep.get_json()["detail"]
    digits = client.post("/api/v1/orders", data='{"lot_id": ' + "7" * 5000 + "}",
                         content_type="application/json", headers=headers)
    assert digits.status_code == 422
    assert digits.get_json()["errors"]["lot_id"] == ["Saisissez un nombre d’au plus 40 chiffres."]
    for body in ('{"lot_id": NaN}', '{"lot_id": 1e999}', '{"lot_id": -Infinity}'):
        assert client.post("/api/v1/orders", data=body, content_type="application/json",
                           headers=headers).status_code == 422, body
    assert count(Order) == 0


# --- Digits that are not ASCII ------------------------------------------------------------

def test_non_ascii_digits_are_not_numbers_in_the_api(demo_world: dict[str, User],
                                                     client: FlaskClient) -> None:
    for query in ("lot=٣", "per_page=٣٣", "page=²", "min_price_cents=١٠"):
        response = client.get(f"/api/v1/catalogue/items?{query}")
        assert response.status_code == 422, query
        assert response.get_json()["errors"], query


def test_non_ascii_digits_are_not_numbers_in_admin_forms(demo_world: dict[str, User],
                                                         demo_client_for: Clients) -> None:
    admin = demo_client_for(demo_world["admin"])
    lot, _item = a_lot_and_item()
    lots = count(Lot)
    response = admin.post("/admin/lots/new", data={
        "framework": str(lot.framework_id), "number": "٩", "title_fr": "Lot", "title_nl": "Lot",
        "title_en": "Lot", "award_method": "cascade", "response_working_days": "٥"})
    assert response.status_code == 200
    assert "Enter a whole number." in page_text(response)
    assert count(Lot) == lots


def test_the_html_order_form_refuses_an_item_id_beyond_an_integer(
        demo_world: dict[str, User], demo_client_for: Clients) -> None:
    buyer = demo_client_for(demo_world["buyer1"])
    lot, _item = a_lot_and_item()
    response = buyer.post("/orders/new", data={
        "lot_id": str(lot.id), "title": "Atelier", "objectives": "Avis",
        "participation_level": "consult", "commune": "ixelles",
        "quantity-999999999999": "1", "quantity-٣": "1"})
    assert response.status_code == 200
    assert "This service is not in the catalogue." in page_text(response)
    assert count(Order) == 0


# --- The API's schema and behaviour agree ----------------------------------------------

def test_a_reason_the_api_requires_is_declared_required_and_not_blank(app: Flask,
                                                                      client: FlaskClient) -> None:
    spec = client.get("/api/v1/openapi.json").get_json()
    reason = spec["components"]["schemas"]["Reason"]
    assert reason["required"] == ["reason"]
    assert reason["properties"]["reason"]["pattern"]


def test_a_whole_number_written_227_point_0_is_the_integer_227(demo_world: dict[str, User],
                                                               client: FlaskClient) -> None:
    """JSON Schema counts 227.0 as an integer, so the API does too; 1.5 stays refused."""
    lot, item = a_lot_and_item()
    body: dict[str, Any] = {"lot_id": float(lot.id), "title": "Atelier", "objectives": "Avis",
                            "participation_level": "consult", "commune": "ixelles",
                            "lines": [{"item_id": item.id, "quantity": 2.0}]}
    headers = token_for(demo_world["buyer1"])
    body["lines"][0]["quantity"] = 1.5
    assert client.post("/api/v1/orders", json=body, headers=headers).status_code == 422
    body["lines"][0]["quantity"] = 2.0
    created = client.post("/api/v1/orders", json=body, headers=headers)
    assert created.status_code == 201, created.get_json()
    assert created.get_json()["lines"][0]["quantity"] == 2


def test_an_empty_decline_reason_is_refused_by_the_schema(demo_world: dict[str, User],
                                                          client: FlaskClient) -> None:
    vendor = user_by_email("vendor1@demo.example")
    assert vendor is not None
    for body in ({"reason": ""}, {"reason": "   "}, {}):
        response = client.post("/api/v1/offers/1/decline", json=body,
                               headers=token_for(vendor))
        assert response.status_code == 422, body
        assert "reason" in response.get_json()["errors"], body
