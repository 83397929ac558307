"""API conventions: Redis database numbers, proxies, communes, one authentication guard."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app import create_app
from config import load_config
from tests.unit.helpers import IsolatedClient, bearer
from tests.unit.orders.api_support import body

# --- REDIS_URL's database number and the proxies in front -------------------------------------


@pytest.mark.parametrize(("url", "broker", "limiter"), [
    ("redis://cache:6379", "redis://cache:6379/0", "redis://cache:6379/1"),
    ("redis://cache:6379/", "redis://cache:6379/0", "redis://cache:6379/1"),
    ("redis://cache:6379/4", "redis://cache:6379/4", "redis://cache:6379/5"),
    ("redis://:pw@cache:6380/12?socket_timeout=5", "redis://:pw@cache:6380/12?socket_timeout=5",
     "redis://:pw@cache:6380/13?socket_timeout=5"),
])
def test_the_database_number_of_redis_url_is_the_brokers_and_the_next_the_limiters(
        tmp_path: Path, url: str, broker: str, limiter: str) -> None:
    cfg = load_config("development", env={"INSTANCE_DIR": str(tmp_path), "REDIS_URL": url})
    assert cfg["CELERY_BROKER_URL"] == broker
    assert cfg["RATELIMIT_STORAGE_URI"] == limiter


def test_proxy_fix_is_off_by_default_and_read_from_the_environment(tmp_path: Path) -> None:
    assert load_config("development", env={"INSTANCE_DIR": str(tmp_path)})["PROXY_FIX_X_FOR"] == 0
    assert load_config("development", env={"INSTANCE_DIR": str(tmp_path),
                                           "PROXY_FIX_X_FOR": "1"})["PROXY_FIX_X_FOR"] == 1


def _limited_app(tmp_path: Path, proxies: int) -> Flask:
    app = create_app("testing", INSTANCE_DIR=str(tmp_path), WTF_CSRF_ENABLED=False,
                     LOGIN_LIMIT_PER_IP="2 per minute", PROXY_FIX_X_FOR=proxies)
    app.test_client_class = IsolatedClient
    with app.app_context():
        from app.extensions import db

        db.create_all()
    return app


def _login_statuses(app: Flask, forwarded_for: str) -> list[int]:
    client = app.test_client()
    return [client.post("/login", data={"email": f"nobody{n}@example.org", "password": "x"},
                        headers={"X-Forwarded-For": forwarded_for}).status_code
            for n in range(3)]


def test_behind_one_proxy_each_forwarded_address_has_its_own_limit(tmp_path: Path) -> None:
    app = _limited_app(tmp_path, 1)
    assert _login_statuses(app, "198.51.100.1")[-1] == 429
    assert _login_statuses(app, "198.51.100.2")[0] != 429


def test_without_a_configured_proxy_x_forwarded_for_is_ignored(tmp_path: Path) -> None:
    app = _limited_app(tmp_path, 0)
    assert _login_statuses(app, "198.51.100.1")[-1] == 429
    assert _login_statuses(app, "198.51.100.2")[0] == 429


# --- One authentication guard, before any body is read --------------------------------------

# Everything else under /api/ needs a bearer token (DESIGN §6 "who").
PUBLIC_ENDPOINTS = {"api-docs.openapi_json", "api_docs_ui.docs", "catalogue_api.list_lots",
                    "catalogue_api.list_frameworks",
                    "catalogue_api.list_items", "catalogue_api.get_item",
                    "vendors_api.list_vendors", "communes_api.list_communes"}


def _api_routes(app: Flask) -> list[tuple[str, str, str]]:
    routes = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/"):
            continue
        url = rule.rule
        for name in rule.arguments:
            url = url.replace(f"<int(max=2147483647):{name}>", "1")
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            routes.append((rule.endpoint, method, url))
    return routes


def test_the_routes_needing_a_token_are_all_found(app: Flask) -> None:
    private = [r for r in _api_routes(app) if r[0] not in PUBLIC_ENDPOINTS]
    assert len(private) >= 17
    assert {"orders_api.create_order", "auth_api.me", "orders_api.quote_offer"} <= {
        endpoint for endpoint, _m, _u in private}


@pytest.mark.parametrize("send", ["nothing", "empty_object", "not_json", "bad_token",
                                  "multipart"])
def test_every_private_route_answers_401_to_an_anonymous_caller_whatever_the_body(
        app: Flask, send: str) -> None:
    client = app.test_client()
    for endpoint, method, url in _api_routes(app):
        if endpoint in PUBLIC_ENDPOINTS:
            continue
        kwargs: dict[str, object] = {}
        if send == "empty_object":
            kwargs["json"] = {}
        elif send == "not_json":
            kwargs.update(data="{not json", content_type="application/json")
        elif send == "bad_token":
            kwargs.update(json={}, headers={"Authorization": "Bearer not-a-token"})
        elif send == "multipart":
            kwargs.update(data={"price_cents": "x"}, content_type="multipart/form-data")
        response = client.open(url, method=method, **kwargs)  # type: ignore[arg-type]
        assert response.status_code == 401, (endpoint, method, response.get_json())
        assert response.headers["WWW-Authenticate"] == "Bearer", endpoint
        assert response.mimetype == "application/problem+json", endpoint
        assert "no-store" in response.headers["Cache-Control"], endpoint
        assert "errors" not in response.get_json(), endpoint


def test_the_document_asks_for_a_token_exactly_where_the_guard_does(app: Flask) -> None:
    spec = app.test_client().get("/api/v1/openapi.json").get_json()
    documented = set()
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            if method in {"get", "post", "patch", "put", "delete"} and operation.get("security"):
                documented.add((method.upper(), path))
    guarded = set()
    for endpoint, method, url in _api_routes(app):
        if endpoint not in PUBLIC_ENDPOINTS and endpoint.split(".")[0] not in (
                "api-docs", "api_docs_ui"):
            guarded.add((method, url))
    as_paths = {(m, re.sub(r"\{\w+\}", "1", p)) for m, p in documented}
    assert as_paths == guarded


def test_answers_to_a_token_holder_are_not_cached_but_public_lists_may_be(
        client: FlaskClient, tokens: dict[str, str]) -> None:
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {tokens['buyer_a']}"})
    assert me.status_code == 200 and me.headers["Cache-Control"] == "no-store"
    missing = client.get("/api/v1/orders/999999",
                         headers={"Authorization": f"Bearer {tokens['buyer_a']}"})
    assert missing.status_code == 404 and "no-store" in missing.headers["Cache-Control"]
    lots = client.get("/api/v1/lots")
    assert lots.status_code == 200 and "no-store" not in lots.headers.get("Cache-Control", "")


# --- Communes: NIS code, code or name in; code and names out --------------------------------

NIS = {
    "anderlecht": ("21001", "Anderlecht", "Anderlecht"),
    "auderghem": ("21002", "Auderghem", "Oudergem"),
    "berchem-sainte-agathe": ("21003", "Berchem-Sainte-Agathe", "Sint-Agatha-Berchem"),
    "bruxelles": ("21004", "Bruxelles", "Brussel"),
    "etterbeek": ("21005", "Etterbeek", "Etterbeek"),
    "evere": ("21006", "Evere", "Evere"),
    "forest": ("21007", "Forest", "Vorst"),
    "ganshoren": ("21008", "Ganshoren", "Ganshoren"),
    "ixelles": ("21009", "Ixelles", "Elsene"),
    "jette": ("21010", "Jette", "Jette"),
    "koekelberg": ("21011", "Koekelberg", "Koekelberg"),
    "molenbeek-saint-jean": ("21012", "Molenbeek-Saint-Jean", "Sint-Jans-Molenbeek"),
    "saint-gilles": ("21013", "Saint-Gilles", "Sint-Gillis"),
    "saint-josse-ten-noode": ("21014", "Saint-Josse-ten-Noode", "Sint-Joost-ten-Node"),
    "schaerbeek": ("21015", "Schaerbeek", "Schaarbeek"),
    "uccle": ("21016", "Uccle", "Ukkel"),
    "watermael-boitsfort": ("21017", "Watermael-Boitsfort", "Watermaal-Bosvoorde"),
    "woluwe-saint-lambert": ("21018", "Woluwe-Saint-Lambert", "Sint-Lambrechts-Woluwe"),
    "woluwe-saint-pierre": ("21019", "Woluwe-Saint-Pierre", "Sint-Pieters-Woluwe"),
}


def test_the_communes_list_is_public_with_the_right_nis_codes_and_names(
        client: FlaskClient) -> None:
    response = client.get("/api/v1/communes")
    assert response.status_code == 200
    entries = {e["code"]: e for e in response.get_json()}
    assert len(entries) == 20
    for code, (nis, fr, nl) in NIS.items():
        assert (entries[code]["nis_code"], entries[code]["name_fr"],
                entries[code]["name_nl"]) == (nis, fr, nl)
    assert entries["region"]["nis_code"] == "04000"
    assert "/api/v1/communes" in client.get("/api/v1/openapi.json").get_json()["paths"]


@pytest.mark.parametrize(("sent", "code"), [
    ("ixelles", "ixelles"), ("Ixelles", "ixelles"), ("Elsene", "ixelles"),
    ("ELSENE", "ixelles"), ("21009", "ixelles"), (21009, "ixelles"),
    ("Saint-Josse-ten-Noode", "saint-josse-ten-noode"),
    ("sint joost ten node", "saint-josse-ten-noode"), ("Bruxelles", "bruxelles"),
    ("Brussel", "bruxelles"), ("Schaerbeek", "schaerbeek"), (" Schaarbeek ", "schaerbeek"),
    ("Molenbeek-Saint-Jean", "molenbeek-saint-jean"), ("region", "region"),
    ("04000", "region"), ("Région", "region"), ("Heel het Gewest", "region"),
    ("Sint-Agatha-Berchem", "berchem-sainte-agathe"), ("WOLUWE-SAINT-PIERRE",
                                                       "woluwe-saint-pierre"),
])
def test_an_order_accepts_the_nis_code_the_code_or_either_name(
        client: FlaskClient, tokens: dict[str, str], sent: object,
        code: str) -> None:
    response = client.post("/api/v1/orders", json=body(commune=sent),
                           headers=bearer(tokens["buyer_a"]))
    assert response.status_code == 201, response.get_json()
    order = response.get_json()
    assert order["commune"] == code
    names = NIS.get(code, ("04000", "Toute la Région", "Heel het Gewest"))
    assert order["commune_names"] == {"fr": names[1], "nl": names[2]}


def test_accents_do_not_matter_either(client: FlaskClient,
                                      tokens: dict[str, str]) -> None:
    from app.common.communes import resolve_commune

    assert resolve_commune("Région") == resolve_commune("region") == "region"
    assert resolve_commune("Saint-Gillès") == "saint-gilles"
    assert resolve_commune("woluwe saint lambert") == "woluwe-saint-lambert"


@pytest.mark.parametrize("sent", ["lille", "21099", "2100", "", "Brux", 1, True, None])
def test_an_unknown_commune_is_refused_with_its_field(
        client: FlaskClient, tokens: dict[str, str], sent: object) -> None:
    response = client.post("/api/v1/orders", json=body(commune=sent),
                           headers=bearer(tokens["buyer_a"]))
    assert response.status_code == 422
    assert "commune" in response.get_json()["errors"]
