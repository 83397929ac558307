"""The JSON API: catalogue lots and items, vendors, /me, errors, OpenAPI document and docs."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from app.auth.models import Role, User
from app.auth.services import create_api_token
from app.catalogue.models import (
    AwardMethod,
    CatalogueItem,
    Framework,
    FrameworkStatus,
    Lot,
    LotMembership,
    MembershipStatus,
    Unit,
)
from app.catalogue.services import lots as lot_services
from app.common.time import today
from app.demo.seed import seed_demo
from app.extensions import db
from app.vendors.models import Vendor
from tests.unit.helpers import count_queries

ITEMS = "/api/v1/catalogue/items"




LOTS = [
    (1, "Mission globale de A à Z", "Globale opdracht van A tot Z", "Global assignment, A to Z",
     AwardMethod.CASCADE, 200_000_000),
    (2, "Conception de processus participatifs", "Ontwerp van participatieprocessen",
     "Design of participatory processes", AwardMethod.MINI_COMPETITION, None),
    (3, "Animation de processus et de réunions", "Begeleiding van processen en vergaderingen",
     "Facilitation of processes and meetings", AwardMethod.CASCADE, 50_000_000),
]
ITEM_ROWS = [
    (1, "L1-PROC", "Processus participatif complet", "Volledig participatietraject",
     "Complete participatory process", Unit.LUMP_SUM, 2_450_000),
    (1, "L1-DAY", "Journée de coordination de projet", "Dag projectcoördinatie",
     "Project coordination day", Unit.DAY, 85_000),
    (2, "L2-PANEL", "Conception d'un panel citoyen", "Ontwerp van een burgerpanel",
     "Design of a citizen panel", Unit.LUMP_SUM, 980_000),
    (2, "L2-DAY", "Journée de conception méthodologique", "Dag methodologisch ontwerp",
     "Methodology design day", Unit.DAY, 90_000),
    (3, "L3-WS-HALF", "Animation d'atelier (demi-journée)",
     "Begeleiding van een workshop (halve dag)", "Workshop facilitation (half-day)",
     Unit.HALF_DAY, 65_000),
    (3, "L3-MEETING", "Animation d'une réunion publique",
     "Begeleiding van een openbare vergadering", "Facilitation of a public meeting",
     Unit.WORKSHOP, 120_000),
    (3, "L3-RECRUIT", "Recrutement de participants", "Rekrutering van deelnemers",
     "Recruitment of participants", Unit.ITEM, 4_500),
]


@dataclass
class Catalogue:
    framework: Framework
    lots: dict[int, Lot]
    vendors: dict[str, Vendor]

    def item(self, code: str) -> CatalogueItem:
        return db.session.execute(
            select(CatalogueItem).where(CatalogueItem.code == code)).scalar_one()


@pytest.fixture
def cat(app: Flask) -> Catalogue:
    """Three lots, seven items and five vendors (one without lot, one inactive)."""
    framework = Framework(reference="TEST-1", title_fr="Accord", title_nl="Overeenkomst",
                          title_en="Agreement", start_date=date(2025, 1, 1),
                          end_date=date(2029, 12, 31), max_value_cents=10**9,
                          status=FrameworkStatus.ACTIVE)
    lots = {number: Lot(framework=framework, number=number, title_fr=fr, title_nl=nl,
                        title_en=en, award_method=method, ceiling_cents=ceiling,
                        response_working_days=5)
            for number, fr, nl, en, method, ceiling in LOTS}
    for lot_number, code, fr, nl, en, unit, price in ITEM_ROWS:
        db.session.add(CatalogueItem(lot=lots[lot_number], code=code, title_fr=fr,
                                     title_nl=nl, title_en=en, unit=unit,
                                     unit_price_cents=price, vat_rate_bp=2100,
                                     valid_from=date(2025, 1, 1)))
    vendors = {
        "agora": Vendor(name="Agora Participation SRL", service_languages="fr,nl",
                        contact_email="secret-contact@agora.example",
                        enterprise_number="0123.456.789",
                        presentation_fr="Démocratie délibérative.",
                        presentation_nl="Deliberatieve democratie."),
        "stad": Vendor(name="Stad in Gesprek VZW", service_languages="nl,fr,en",
                       presentation_fr="Dialogues de quartier.",
                       presentation_nl="Buurtdialogen.", presentation_en="Neighbourhood talks."),
        "pixel": Vendor(name="Pixel Commun SC", service_languages="fr"),
        "dormant": Vendor(name="Dormant SRL", contact_email="x@dormant.example"),
        "inactive": Vendor(name="Zz Inactive SA", active=False),
    }
    db.session.add_all([framework, *lots.values(), *vendors.values()])
    for lot_number, name, rank in ((1, "agora", 1), (1, "pixel", 2), (1, "inactive", 3),
                                   (2, "stad", 1), (2, "agora", 2),
                                   (3, "stad", 1), (3, "agora", 2)):
        db.session.add(LotMembership(lot=lots[lot_number], vendor=vendors[name], rank=rank))
    db.session.commit()
    return Catalogue(framework, lots, vendors)


def add_items(lot: Lot, count: int, prefix: str = "X", price: int = 10_000,
              unit: Unit = Unit.DAY) -> None:
    for n in range(count):
        db.session.add(CatalogueItem(
            lot_id=lot.id, code=f"{prefix}-{n:04d}", title_fr=f"Article {prefix} {n}",
            title_nl=f"Artikel {prefix} {n}", title_en=f"Item {prefix} {n}", unit=unit,
            unit_price_cents=price + n, vat_rate_bp=2100, valid_from=date(2025, 1, 1)))
    db.session.commit()


def problem_of(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["status"] == status and body["type"] == "about:blank" and body["title"]
    return dict(body)


# --- Lots ---------------------------------------------------------------------------------

def test_lots_list_every_lot_with_its_contract_fields(client: FlaskClient,
                                                      cat: Catalogue) -> None:
    response = client.get("/api/v1/lots")
    assert response.status_code == 200 and response.mimetype == "application/json"
    lots = response.get_json()
    assert [lot["number"] for lot in lots] == [1, 2, 3]
    for lot in lots:
        assert isinstance(lot["id"], int) and isinstance(lot["title"], str) and lot["title"]
        assert lot["framework_id"] == cat.framework.id
        assert lot["framework_reference"] == "TEST-1"
        assert lot["committed_cents"] == 0
        assert lot["response_working_days"] == 5
        assert isinstance(lot["description"], str)
    first, second, _third = lots
    assert first["id"] == cat.lots[1].id
    assert first["title"] == "Mission globale de A à Z"  # French by default
    assert first["award_method"] == "cascade" and second["award_method"] == "mini_competition"
    assert first["ceiling_cents"] == first["remaining_cents"] == 200_000_000
    assert second["ceiling_cents"] is None and second["remaining_cents"] is None
    # Active memberships of active vendors only.
    assert [lot["vendors"] for lot in lots] == [2, 2, 2]
    cat.lots[3].memberships[0].status = MembershipStatus.SUSPENDED
    db.session.commit()
    assert client.get("/api/v1/lots").get_json()[2]["vendors"] == 1


def test_committed_value_comes_from_the_service(client: FlaskClient, cat: Catalogue,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(lot_services, "committed_cents_by_lot", lambda: {cat.lots[1].id: 1234})
    first, second, _third = client.get("/api/v1/lots").get_json()
    assert first["committed_cents"] == 1234 and first["remaining_cents"] == 200_000_000 - 1234
    assert second["committed_cents"] == 0 and second["remaining_cents"] is None


def test_the_demo_lots(client: FlaskClient) -> None:
    seed_demo()
    db.session.commit()
    lots = client.get("/api/v1/lots").get_json()
    assert [lot["number"] for lot in lots] == [1, 2, 3, 4, 5, 6]
    assert "mini_competition" in {lot["award_method"] for lot in lots}
    assert all(lot["vendors"] >= 3 for lot in lots)


def test_lots_filter_by_framework(client: FlaskClient, cat: Catalogue) -> None:
    framework_id = cat.framework.id
    assert len(client.get(f"/api/v1/lots?framework={framework_id}").get_json()) == 3
    assert client.get(f"/api/v1/lots?framework={framework_id + 1}").get_json() == []
    body = problem_of(client.get("/api/v1/lots?framework=abc"), 422)
    assert list(body["errors"]) == ["framework"]


@pytest.mark.parametrize(("header", "lot_title", "item_title"), [
    ("nl-BE,nl;q=0.9", "Globale opdracht van A tot Z", "Dag projectcoördinatie"),
    ("en", "Global assignment, A to Z", "Project coordination day"),
    ("fr-BE", "Mission globale de A à Z", "Journée de coordination de projet"),
    ("de", "Mission globale de A à Z", "Journée de coordination de projet"),
    ("", "Mission globale de A à Z", "Journée de coordination de projet"),
])
def test_accept_language_switches_the_titles(client: FlaskClient, cat: Catalogue,
                                             header: str, lot_title: str,
                                             item_title: str) -> None:
    headers = {"Accept-Language": header} if header else {}
    lots = client.get("/api/v1/lots", headers=headers).get_json()
    assert lots[0]["title"] == lot_title
    items = client.get(f"{ITEMS}?q=L1-DAY", headers=headers).get_json()
    assert [i["title"] for i in items["items"]] == [item_title]
    item = client.get(f"{ITEMS}/{cat.item('L1-DAY').id}", headers=headers).get_json()
    assert item["title"] == item_title


# --- Items --------------------------------------------------------------------------------

def test_items_have_their_contract_fields_and_types(client: FlaskClient,
                                                    cat: Catalogue) -> None:
    body = client.get(ITEMS).get_json()
    assert set(body) == {"items", "page", "per_page", "total", "pages"}
    assert (body["page"], body["per_page"], body["total"], body["pages"]) == (1, 20, 7, 1)
    item = next(i for i in body["items"] if i["code"] == "L1-DAY")
    assert item["id"] == cat.item("L1-DAY").id and item["lot_id"] == cat.lots[1].id
    assert item["title"] == "Journée de coordination de projet"
    assert item["unit"] == "day" and item["unit_price_cents"] == 85000
    assert item["vat_rate"] == 21 and isinstance(item["vat_rate"], int | float)
    assert item["vat_rate_bp"] == 2100 and item["vat_cents"] == 17850
    assert item["unit_price_incl_vat_cents"] == 102850
    assert item["valid_from"] == "2025-01-01" and item["valid_to"] is None
    assert isinstance(item["description"], str)
    # Lot number, then code.
    assert [i["code"] for i in body["items"]] == [
        "L1-DAY", "L1-PROC", "L2-DAY", "L2-PANEL", "L3-MEETING", "L3-RECRUIT", "L3-WS-HALF"]


def test_a_reduced_vat_rate_is_a_decimal_percentage(client: FlaskClient,
                                                    cat: Catalogue) -> None:
    cat.item("L2-DAY").vat_rate_bp = 550
    db.session.commit()
    body = client.get(f"{ITEMS}?q=L2-DAY").get_json()["items"][0]
    assert body["vat_rate"] == 5.5 and body["vat_rate_bp"] == 550
    assert body["unit_price_incl_vat_cents"] == 90000 + 4950


def test_items_filter_by_lot_words_unit_and_price(client: FlaskClient, cat: Catalogue) -> None:
    def codes(query: str) -> list[str]:
        response = client.get(f"{ITEMS}?{query}")
        assert response.status_code == 200, response.get_data(as_text=True)
        return [i["code"] for i in response.get_json()["items"]]

    lot3 = cat.lots[3].id
    assert codes(f"lot={lot3}") == ["L3-MEETING", "L3-RECRUIT", "L3-WS-HALF"]
    assert codes("q=REUNION publique") == ["L3-MEETING"]  # accents and case ignored
    assert codes("q=vergader") == ["L3-MEETING"]  # any language, word prefix
    assert codes("unit=day") == ["L1-DAY", "L2-DAY"]
    assert codes("min_price_cents=900000") == ["L1-PROC", "L2-PANEL"]
    assert codes("max_price_cents=65000") == ["L3-RECRUIT", "L3-WS-HALF"]
    assert codes("min_price_cents=85000&max_price_cents=90000&unit=day") == [
        "L1-DAY", "L2-DAY"]
    assert codes("min_price_cents=4500&max_price_cents=4500") == ["L3-RECRUIT"]
    assert codes(f"lot={lot3}&q=atelier") == ["L3-WS-HALF"]
    assert codes("lot=9999") == []
    assert codes("q=zzzznothing") == []


def test_items_are_paginated_in_the_body(client: FlaskClient, cat: Catalogue) -> None:
    add_items(cat.lots[1], 35)
    first = client.get(f"{ITEMS}?per_page=10").get_json()
    assert (first["total"], first["pages"], first["page"], first["per_page"]) == (42, 5, 1, 10)
    assert len(first["items"]) == 10
    last = client.get(f"{ITEMS}?per_page=10&page=5").get_json()
    assert len(last["items"]) == 2 and last["page"] == 5
    seen = [i["id"] for p in range(1, 6)
            for i in client.get(f"{ITEMS}?per_page=10&page={p}").get_json()["items"]]
    assert len(seen) == len(set(seen)) == 42
    beyond = client.get(f"{ITEMS}?per_page=10&page=9").get_json()
    assert beyond["items"] == [] and beyond["total"] == 42
    assert client.get(f"{ITEMS}?per_page=100").get_json()["pages"] == 1
    empty = client.get(f"{ITEMS}?q=nothingatall").get_json()
    assert (empty["total"], empty["pages"], empty["items"]) == (0, 1, [])


def test_only_todays_prices_are_listed_but_an_old_version_can_be_fetched(
        client: FlaskClient, cat: Catalogue) -> None:
    old = cat.item("L1-DAY")
    old.valid_to = today() - timedelta(days=1)
    db.session.add(CatalogueItem(
        lot_id=old.lot_id, code="L1-DAY", title_fr=old.title_fr, title_nl=old.title_nl,
        title_en=old.title_en, unit=old.unit, unit_price_cents=90000, vat_rate_bp=2100,
        valid_from=today()))
    db.session.commit()
    listed = client.get(f"{ITEMS}?q=L1-DAY").get_json()["items"]
    assert [i["unit_price_cents"] for i in listed] == [90000]
    fetched = client.get(f"{ITEMS}/{old.id}").get_json()
    assert fetched["unit_price_cents"] == 85000
    assert fetched["valid_to"] == (today() - timedelta(days=1)).isoformat()


def test_one_item_and_a_missing_one(client: FlaskClient, cat: Catalogue) -> None:
    response = client.get(f"{ITEMS}/{cat.item('L3-MEETING').id}",
                          headers={"Accept-Language": "en"})
    assert response.status_code == 200 and response.mimetype == "application/json"
    body = response.get_json()
    assert body["code"] == "L3-MEETING" and body["title"] == "Facilitation of a public meeting"
    assert body["unit"] == "workshop" and body["vat_rate"] == 21
    assert body["lot_id"] == cat.lots[3].id
    problem_of(client.get(f"{ITEMS}/999999"), 404)
    problem_of(client.get(f"{ITEMS}/0"), 404)
    problem_of(client.get(f"{ITEMS}/99999999999999999999"), 404)
    problem_of(client.get(f"{ITEMS}/abc"), 404)


@pytest.mark.parametrize(("query", "field"), [
    ("page=0", "page"),
    ("page=-3", "page"),
    ("page=1000001", "page"),
    ("page=two", "page"),
    ("per_page=0", "per_page"),
    ("per_page=1000", "per_page"),
    ("min_price_cents=-1", "min_price_cents"),
    ("max_price_cents=10000000000001", "max_price_cents"),
    ("min_price_cents=1.5", "min_price_cents"),
    ("min_price_cents=99999999999999999999999999999", "min_price_cents"),
    ("unit=barrel", "unit"),
    ("unit=", "unit"),
    ("lot=abc", "lot"),
    ("lot=0", "lot"),
    ("lot=99999999999999999999", "lot"),
    ("q=" + "x" * 201, "q"),
    ("min_price_cents=5000&max_price_cents=100", "max_price_cents"),  # the service's rule
])
def test_a_bad_parameter_is_a_422_problem_naming_it(client: FlaskClient, cat: Catalogue,
                                                    query: str, field: str) -> None:
    body = problem_of(client.get(f"{ITEMS}?{query}"), 422)
    assert list(body["errors"]) == [field]
    assert all(isinstance(m, str) and m for m in body["errors"][field])


def test_every_bad_parameter_is_named_at_once(client: FlaskClient) -> None:
    body = problem_of(client.get(f"{ITEMS}?page=0&per_page=1000&min_price_cents=-1"
                                 "&unit=barrel", headers={"Accept-Language": "en"}), 422)
    assert set(body["errors"]) == {"page", "per_page", "min_price_cents", "unit"}
    assert body["errors"]["unit"] == ["Choose a unit from the list."]


def test_unknown_or_repeated_query_parameters_do_not_crash(client: FlaskClient,
                                                           cat: Catalogue) -> None:
    for query in ("foo=bar", "page=1&page=2", "q=%ff", "q=%E2%82%AC%20%F0%9F%98%80",
                  "per_page=5&sort=price&_=1", "q=" + "%25" * 200):
        response = client.get(f"{ITEMS}?{query}")
        assert response.status_code == 200, (query, response.get_data(as_text=True))
    assert client.get(f"{ITEMS}?q=%00%ff").status_code == 422  # NUL: no column stores it
    assert client.get("/api/v1/lots?x=1").status_code == 200
    assert client.get("/api/v1/vendors?lot=abc").status_code == 200


# --- Vendors ---------------------------------------------------------------------------

def test_vendors_are_public_with_their_lots_and_ranks_and_no_contact(
        client: FlaskClient, cat: Catalogue) -> None:
    response = client.get("/api/v1/vendors", headers={"Accept-Language": "nl"})
    assert response.status_code == 200 and response.mimetype == "application/json"
    text = response.get_data(as_text=True)
    assert "secret-contact" not in text and "@" not in text and "0123.456.789" not in text
    vendors = response.get_json()
    # No lot (Dormant) or not active (Inactive): not listed. By name.
    assert [v["name"] for v in vendors] == [
        "Agora Participation SRL", "Pixel Commun SC", "Stad in Gesprek VZW"]
    agora = vendors[0]
    assert set(agora) == {"id", "name", "service_languages", "presentation", "lots"}
    assert agora["id"] == cat.vendors["agora"].id
    assert agora["service_languages"] == ["fr", "nl"]
    assert agora["presentation"] == "Deliberatieve democratie."
    assert agora["lots"] == [{"lot_id": cat.lots[1].id, "number": 1, "rank": 1},
                             {"lot_id": cat.lots[2].id, "number": 2, "rank": 2},
                             {"lot_id": cat.lots[3].id, "number": 3, "rank": 2}]
    assert vendors[2]["service_languages"] == ["nl", "fr", "en"]


def test_a_suspended_membership_is_not_listed_and_presentation_falls_back_to_french(
        client: FlaskClient, cat: Catalogue) -> None:
    cat.lots[1].memberships[1].status = MembershipStatus.SUSPENDED  # Pixel's only lot
    db.session.commit()
    vendors = client.get("/api/v1/vendors", headers={"Accept-Language": "en"}).get_json()
    assert [v["name"] for v in vendors] == ["Agora Participation SRL", "Stad in Gesprek VZW"]
    agora, stad = vendors
    assert agora["presentation"] == "Démocratie délibérative."  # no English text
    assert stad["presentation"] == "Neighbourhood talks."
    assert [lot["number"] for lot in agora["lots"]] == [1, 2, 3]


# --- Account ------------------------------------------------------------------------------

def test_me_answers_the_token_owner_and_401_without_a_valid_token(
        app: Flask, make_user: Callable[..., User]) -> None:
    user = make_user(Role.STAFF, language="nl")
    _row, token = create_api_token(user)
    db.session.commit()
    api = app.test_client()
    response = api.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    assert response.get_json() == {"id": user.id, "email": user.email, "role": "staff",
                                   "language": "nl", "organisation_id": None,
                                   "vendor_id": None}
    for headers in ({}, {"Authorization": "Bearer pp_wrong"}, {"Authorization": "Basic x"}):
        refused = api.get("/api/v1/me", headers=headers)
        problem_of(refused, 401)
        assert refused.headers["WWW-Authenticate"] == "Bearer"


def test_a_token_users_language_wins_over_accept_language(
        app: Flask, cat: Catalogue, make_user: Callable[..., User]) -> None:
    user = make_user(language="en")
    _row, token = create_api_token(user)
    db.session.commit()
    lots = app.test_client().get("/api/v1/lots", headers={
        "Authorization": f"Bearer {token}", "Accept-Language": "nl"}).get_json()
    assert lots[0]["title"] == "Global assignment, A to Z"


# --- Errors -------------------------------------------------------------------------------

def test_the_html_site_keeps_html_errors_and_the_api_answers_problems(
        client: FlaskClient) -> None:
    page = client.get("/nope")
    assert page.status_code == 404 and page.mimetype == "text/html"
    assert "<html" in page.get_data(as_text=True)
    problem_of(client.get("/api/v1/nope"), 404)
    refused = client.post("/api/v1/lots")
    problem_of(refused, 405)
    assert "GET" in refused.headers["Allow"]
    html_405 = client.delete("/")  # an HTML route's wrong method stays a page
    assert html_405.status_code == 405 and html_405.mimetype == "text/html"


def test_api_blueprints_need_no_csrf_token_but_pages_do(app: Flask) -> None:
    from app import create_app

    protected = create_app("testing", INSTANCE_DIR=app.config["INSTANCE_DIR"],
                           WTF_CSRF_ENABLED=True)
    # A write under an API blueprint (as the orders API will add) and one on a page.
    protected.add_url_rule("/api/v1/_probe", endpoint="catalogue_api._probe",
                           view_func=lambda: {"ok": True}, methods=["POST"])
    protected.add_url_rule("/_probe", endpoint="_probe", view_func=lambda: "ok",
                           methods=["POST"])
    web = protected.test_client()
    assert web.post("/api/v1/_probe").status_code == 200
    assert web.post("/_probe").status_code == 400


# --- OpenAPI and docs ---------------------------------------------------------------------

def test_the_openapi_document_is_3_1_and_describes_the_api(client: FlaskClient) -> None:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    spec = response.get_json()
    assert spec["openapi"] == "3.1.0"
    assert spec["info"]["title"] and spec["info"]["version"] == "v1"
    assert {"/api/v1/lots", "/api/v1/catalogue/items", "/api/v1/catalogue/items/{item_id}",
            "/api/v1/vendors", "/api/v1/me"} <= set(spec["paths"])
    items = spec["paths"]["/api/v1/catalogue/items"]["get"]
    assert {p["name"] for p in items["parameters"]} == {
        "lot", "q", "unit", "min_price_cents", "max_price_cents", "page", "per_page"}
    assert list(items["responses"]["422"]["content"]) == ["application/problem+json"]
    item = spec["components"]["schemas"]["Item"]["properties"]
    assert {"id", "code", "lot_id", "title", "unit", "unit_price_cents", "vat_rate"} <= set(item)
    lot = spec["components"]["schemas"]["Lot"]["properties"]
    assert {"id", "number", "title", "award_method", "framework_id", "ceiling_cents",
            "committed_cents"} <= set(lot)
    assert "null" in lot["ceiling_cents"]["type"]
    default_error = spec["components"]["responses"]["DEFAULT_ERROR"]["content"]
    assert list(default_error) == ["application/problem+json"]
    me = spec["paths"]["/api/v1/me"]["get"]
    assert me["security"] == [{"bearerAuth": []}] and "401" in me["responses"]
    assert spec["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"


def test_the_docs_page_loads_only_local_assets_under_the_strict_csp(
        client: FlaskClient) -> None:
    response = client.get("/api/v1/docs")
    assert response.status_code == 200 and response.mimetype == "text/html"
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self';" in csp and "style-src 'self';" in csp and "unsafe" not in csp
    html = response.get_data(as_text=True)
    assert "<script>" not in html and " style=" not in html  # nothing inline
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert assets and "/api/v1/openapi.json" in html
    for url in assets:
        assert url == "data:," or (url.startswith("/") and not url.startswith("//")), url
        if url.startswith("/static/"):
            asset = client.get(url)
            assert asset.status_code == 200, url
            asset.close()
    assert {"/static/vendor/swagger-ui/swagger-ui-bundle.js",
            "/static/vendor/swagger-ui/swagger-ui.css", "/static/api/docs.js"} <= set(assets)


# --- Query counts -------------------------------------------------------------------------

def test_items_take_the_same_number_of_queries_for_10_or_200_rows(
        client: FlaskClient, cat: Catalogue) -> None:
    db.session.execute(CatalogueItem.__table__.delete())
    db.session.commit()
    add_items(cat.lots[2], 10, "A")
    with count_queries() as few:
        body = client.get(f"{ITEMS}?per_page=100").get_json()
    assert len(body["items"]) == 10
    add_items(cat.lots[1], 95, "B")
    add_items(cat.lots[3], 95, "C")
    with count_queries() as many:
        body = client.get(f"{ITEMS}?per_page=100").get_json()
    assert len(body["items"]) == 100 and body["total"] == 200
    assert {i["lot_id"] for i in body["items"]} == {cat.lots[1].id, cat.lots[2].id}
    assert len(few) == len(many) == 1, (few, many)  # the page and its total, together


def test_lots_take_the_same_number_of_queries_for_few_or_many_lots_and_vendors(
        client: FlaskClient, cat: Catalogue) -> None:
    with count_queries() as few:
        assert len(client.get("/api/v1/lots").get_json()) == 3
    framework = Framework(reference="BIG", title_fr="Grand", title_nl="Groot", title_en="Big",
                          start_date=date(2025, 1, 1), end_date=date(2030, 1, 1),
                          max_value_cents=10**9, status=FrameworkStatus.ACTIVE)
    vendors = [Vendor(name=f"Many {n}") for n in range(20)]
    db.session.add_all([framework, *vendors])
    for number in range(1, 41):
        lot = Lot(framework=framework, number=number, title_fr=f"Lot {number}",
                  title_nl=f"Perceel {number}", title_en=f"Lot {number}",
                  award_method=AwardMethod.CASCADE, ceiling_cents=None)
        db.session.add(lot)
        for rank, vendor in enumerate(vendors, start=1):
            db.session.add(LotMembership(lot=lot, vendor=vendor, rank=rank))
    db.session.commit()
    with count_queries() as many:
        lots = client.get("/api/v1/lots").get_json()
    assert len(lots) == 43 and lots[-1]["vendors"] == 20
    assert len(few) == len(many) == 2, (few, many)  # the lots, the committed amounts


def test_vendors_take_the_same_number_of_queries_for_few_or_many(
        client: FlaskClient, cat: Catalogue) -> None:
    with count_queries() as few:
        assert len(client.get("/api/v1/vendors").get_json()) == 3
    for n in range(30):
        vendor = Vendor(name=f"Extra {n:02d}")
        db.session.add(vendor)
        db.session.add(LotMembership(lot=cat.lots[n % 3 + 1], vendor=vendor, rank=10 + n))
    db.session.commit()
    with count_queries() as many:
        assert len(client.get("/api/v1/vendors").get_json()) == 33
    assert len(few) == len(many), (few, many)


@pytest.mark.parametrize(("method", "path", "status", "detail"), [
    ("get", "/api/v1/no-such-thing", 404,
     "Cette page n'existe pas ou ne vous est pas accessible."),
    ("delete", "/api/v1/lots", 405, "Cette action n'est pas disponible ici."),
])
def test_http_errors_explain_themselves_in_the_readers_language(
        client: FlaskClient, method: str, path: str, status: int, detail: str) -> None:
    response = getattr(client, method)(path, headers={"Accept-Language": "fr"})
    assert problem_of(response, status)["detail"] == detail
