"""Cross-cutting web behaviour: headers, CSRF, language choice, error pages."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app import create_app
from app.auth.models import AdhesionStatus, Organisation, Role, User
from app.extensions import db
from tests.factories import PASSWORD
from tests.unit.helpers import IsolatedClient, csrf_token_from


def test_every_page_carries_strict_security_headers(client: FlaskClient) -> None:
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "Strict-Transport-Security" not in response.headers  # only behind HTTPS


def test_production_adds_hsts_and_secure_cookies(tmp_path: Path) -> None:
    app = create_app("production", INSTANCE_DIR=str(tmp_path), SECRET_KEY="s" * 40,
                     SQLALCHEMY_DATABASE_URI="sqlite://", REDIS_URL="redis://127.0.0.1:9",
                     RATELIMIT_STORAGE_URI="memory://")
    response = app.test_client().get("/login")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")
    assert "Secure" in response.headers["Set-Cookie"]
    assert app.config["REMEMBER_COOKIE_SECURE"] is True


def test_a_post_without_csrf_token_is_refused_with_a_translated_page(tmp_path: Path) -> None:
    app = create_app("testing", INSTANCE_DIR=str(tmp_path), WTF_CSRF_ENABLED=True)
    app.test_client_class = IsolatedClient
    with app.app_context():
        db.create_all()
    client = app.test_client()
    response = client.post("/login", data={"email": "a@example.org", "password": "x"},
                           headers={"Accept-Language": "nl"})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert '<html lang="nl">' in html and "CSRF token" not in html
    # With the token from the form, the same request goes through to the login check.
    token = csrf_token_from(client.get("/login").get_data(as_text=True))
    ok = client.post("/login", data={"email": "a@example.org", "password": "x",
                                     "csrf_token": token})
    assert ok.status_code == 200


@pytest.mark.parametrize(("header", "language"), [
    ("nl-BE,nl;q=0.9", "nl"), ("fr-BE", "fr"), ("en-GB", "en"), ("de-DE", "fr"), (None, "fr"),
])
def test_the_page_language_follows_accept_language_with_french_by_default(
        client: FlaskClient, header: str | None, language: str) -> None:
    headers = {"Accept-Language": header} if header else {}
    assert f'<html lang="{language}">' in client.get("/", headers=headers).get_data(as_text=True)


def test_the_language_switch_is_remembered_for_a_visitor(client: FlaskClient) -> None:
    response = client.post("/language", data={"lang": "nl", "next": "/register"})
    assert response.status_code == 302 and response.headers["Location"] == "/register"
    html = client.get("/", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert '<html lang="nl">' in html


def test_the_language_switch_refuses_foreign_redirects_and_unknown_languages(
        client: FlaskClient) -> None:
    response = client.post("/language", data={"lang": "xx", "next": "https://evil.example/"})
    assert response.headers["Location"] == "/"
    assert '<html lang="fr">' in client.get("/").get_data(as_text=True)


def test_the_language_switch_saves_a_logged_in_users_setting(
        client: FlaskClient, make_user: Callable[..., User],
        login: Callable[[User], None]) -> None:
    user = make_user()
    login(user)
    client.post("/language", data={"lang": "en", "next": "/"})
    db.session.refresh(user)
    assert user.language.value == "en"


def test_every_page_has_the_switch_and_a_skip_link(client: FlaskClient) -> None:
    for path in ("/", "/login", "/register", "/password/forgot", "/no-such-page"):
        html = client.get(path).get_data(as_text=True)
        assert 'href="#main"' in html and 'id="main"' in html
        for code in ("fr", "nl", "en"):
            assert f'name="lang" value="{code}"' in html


def test_an_unknown_page_is_an_html_404_and_an_unknown_api_path_is_problem_json(
        client: FlaskClient) -> None:
    page = client.get("/no-such-page")
    assert page.status_code == 404 and page.mimetype == "text/html"
    api = client.get("/api/v1/no-such-thing")
    assert api.status_code == 404 and api.mimetype == "application/problem+json"
    assert api.get_json()["status"] == 404


def test_an_unexpected_error_is_a_clean_500_page(app: Flask, client: FlaskClient) -> None:
    @app.get("/boom")
    def boom() -> str:
        raise RuntimeError("kaboom")

    response = client.get("/boom")
    assert response.status_code == 500
    assert "kaboom" not in response.get_data(as_text=True)


def test_the_home_page_tells_a_pending_buyer_they_cannot_order_yet(
        client: FlaskClient, make_org: Callable[..., Organisation],
        make_user: Callable[..., User]) -> None:
    org = make_org(AdhesionStatus.PENDING)
    buyer = make_user(organisation=org, language="en")
    client.post("/login", data={"email": buyer.email, "password": PASSWORD})
    html = client.get("/").get_data(as_text=True)
    assert "waiting for approval" in html
    org.status = AdhesionStatus.APPROVED
    db.session.commit()
    assert "you can order" in client.get("/").get_data(as_text=True)


def test_staff_see_their_shortcuts(client: FlaskClient, make_user: Callable[..., User],
                                   login: Callable[[User], None]) -> None:
    login(make_user(Role.ADMIN))
    html = client.get("/").get_data(as_text=True)
    assert "/staff/organisations?status=pending" in html and "/staff/users/new" in html
