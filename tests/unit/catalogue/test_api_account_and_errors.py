"""The JSON API's /me and token language, its problem+json errors, CSRF exemption, the
OpenAPI document and the docs page."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app.auth.models import Role, User
from app.auth.services import create_api_token
from app.extensions import db

from .support import Catalogue, problem_of

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

@pytest.mark.parametrize(("method", "path", "status", "detail"), [
    ("get", "/api/v1/no-such-thing", 404,
     "Cette page n'existe pas ou ne vous est pas accessible."),
    ("delete", "/api/v1/lots", 405, "Cette action n'est pas disponible ici."),
])
def test_http_errors_explain_themselves_in_the_readers_language(
        client: FlaskClient, method: str, path: str, status: int, detail: str) -> None:
    response = getattr(client, method)(path, headers={"Accept-Language": "fr"})
    assert problem_of(response, status)["detail"] == detail
