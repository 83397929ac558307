"""Registration, login and logout, password reset, settings and API tokens."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from app.auth import passwords, registration, services
from app.auth.models import (
    AdhesionStatus,
    ApiToken,
    LoginSession,
    OneTimeToken,
    Organisation,
    Role,
    User,
)
from app.common.outbox import OutboxMessage
from app.common.time import utcnow
from app.common.web import safe_next
from app.extensions import db
from tests.factories import PASSWORD

REGISTRATION = {
    "organisation_name": "Commune de Forest",
    "organisation_type": "commune",
    "enterprise_number": "0207.373.429",
    "address": "Rue du Curé 2, 1190 Forest",
    "full_name": "Anne Peeters",
    "email": "Anne.Peeters@Forest.example",
    "password": "a long enough password",
    "password_confirm": "a long enough password",
    "language": "nl",
}


def rows(model: type) -> int:
    return db.session.execute(select(func.count()).select_from(model)).scalar_one()


# --- Registration --------------------------------------------------------------------

def test_registering_creates_a_pending_organisation_and_its_buyer(
        client: FlaskClient, make_user: Callable[..., User]) -> None:
    staff = make_user(Role.STAFF)
    response = client.post("/register", data=REGISTRATION)
    assert response.status_code == 302 and response.headers["Location"] == "/register/done"
    org = db.session.execute(select(Organisation)).scalar_one()
    assert org.status is AdhesionStatus.PENDING and not org.may_order
    buyer = org.members[0]
    assert buyer.email == "anne.peeters@forest.example"
    assert buyer.role is Role.BUYER and buyer.language.value == "nl"
    assert buyer.password_hash is not None and buyer.password_hash.startswith("$argon2id$")
    staff_mail = db.session.execute(select(OutboxMessage).where(
        OutboxMessage.payload["to"].as_string() == staff.email)).scalar_one()
    assert "Commune de Forest" in staff_mail.payload["subject"]


def test_a_second_account_with_the_same_email_in_other_case_is_refused(
        client: FlaskClient, make_user: Callable[..., User]) -> None:
    """Refused without saying so on the page (see test_account_security): the address's
    owner is told by e-mail instead."""
    make_user(email="anne.peeters@forest.example")
    before = rows(Organisation)
    response = client.post("/register", data=REGISTRATION)
    assert response.status_code == 302 and response.headers["Location"] == "/register/done"
    assert rows(Organisation) == before and rows(User) == 1
    mail = db.session.execute(select(OutboxMessage)).scalar_one()
    assert mail.payload["to"] == "anne.peeters@forest.example"
    assert mail.payload["template"] == "registration_email_taken"


@pytest.mark.parametrize(("field", "value"), [
    ("organisation_name", ""),
    ("organisation_type", "bank"),
    ("email", "not-an-address"),
    ("password", "short"),
    ("password_confirm", "something else entirely"),
    ("enterprise_number", "12"),
    ("enterprise_number", "0207.373.430"),
    ("language", "de"),
])
def test_bad_registration_input_names_the_field_and_saves_nothing(
        client: FlaskClient, field: str, value: str) -> None:
    response = client.post("/register", data={**REGISTRATION, field: value})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert f'id="{field}-error"' in html
    assert rows(Organisation) == 0 and rows(User) == 0


@pytest.mark.parametrize("typed", ["BE0207373429", "0207 373 429", "0207373429"])
def test_the_enterprise_number_is_checked_and_kept_in_the_dotted_form(
        client: FlaskClient, typed: str) -> None:
    response = client.post("/register", data={**REGISTRATION, "enterprise_number": typed})

    assert response.status_code == 302
    org = db.session.execute(select(Organisation)).scalar_one()
    assert org.enterprise_number == "0207.373.429"


def test_a_bad_check_digit_is_named_on_the_registration_form_in_french(
        client: FlaskClient) -> None:
    response = client.post("/register", data={**REGISTRATION, "enterprise_number": "0207.373.430"},
                           headers={"Accept-Language": "fr-BE"})

    html = response.get_data(as_text=True)
    assert 'href="#enterprise_number">Numéro d\'entreprise (facultatif):' in html
    assert rows(Organisation) == 0


def test_the_service_refuses_a_taken_organisation_name_whatever_the_case(
        app: Flask, make_org: Callable[..., Organisation]) -> None:
    make_org(name="CPAS d'Anderlecht")
    data = registration.Registration("cpas d'anderlecht", "cpas", "", "", "X", "x@example.org",
                                     "long enough pass", "fr")
    outcome = registration.register_organisation(data)
    assert outcome is registration.RegistrationOutcome.ORGANISATION_TAKEN
    assert rows(Organisation) == 1 and rows(User) == 0


def test_registration_errors_are_in_the_visitor_language(client: FlaskClient) -> None:
    nl = client.post("/register", data={**REGISTRATION, "organisation_name": ""},
                     headers={"Accept-Language": "nl-BE"}).get_data(as_text=True)
    fr = client.post("/register", data={**REGISTRATION, "organisation_name": ""},
                     headers={"Accept-Language": "fr-BE"}).get_data(as_text=True)
    assert '<html lang="nl">' in nl and '<html lang="fr">' in fr
    assert "Dit veld is vereist." in nl  # WTForms' own Dutch catalogue
    assert "Ce champ est requis." in fr


# --- Login and logout ------------------------------------------------------------------

def test_login_is_case_insensitive_on_the_email(client: FlaskClient,
                                                make_user: Callable[..., User]) -> None:
    user = make_user(email="case@example.org")
    response = client.post("/login", data={"email": "CASE@Example.org", "password": PASSWORD})
    assert response.status_code == 302
    db.session.refresh(user)
    assert user.last_login_at is not None


@pytest.mark.parametrize("email", ["known@example.org", "unknown@example.org"])
def test_a_failed_login_says_the_same_whether_the_account_exists(
        client: FlaskClient, make_user: Callable[..., User], email: str) -> None:
    make_user(email="known@example.org")
    response = client.post("/login", data={"email": email, "password": "wrong password"},
                           headers={"Accept-Language": "en"})
    assert response.status_code == 200
    assert "Wrong e-mail address or password." in response.get_data(as_text=True)


def test_a_deactivated_user_cannot_log_in(client: FlaskClient,
                                          make_user: Callable[..., User]) -> None:
    user = make_user(active=False)
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 200


def test_login_redirects_only_to_local_paths(client: FlaskClient,
                                             make_user: Callable[..., User]) -> None:
    user = make_user()
    response = client.post("/login?next=//evil.example/x",
                           data={"email": user.email, "password": PASSWORD})
    assert response.headers["Location"] == "/"


@pytest.mark.parametrize(("target", "expected"), [
    ("/settings", "/settings"),
    ("/staff/users?page=2", "/staff/users?page=2"),
    ("//evil.example", "/"),
    ("https://evil.example/", "/"),
    ("/\\evil.example", "/"),
    ("javascript:alert(1)", "/"),
    (None, "/"),
])
def test_safe_next(app: Flask, target: str | None, expected: str) -> None:
    with app.test_request_context():
        assert safe_next(target) == expected


def test_logout_ends_the_session_on_the_server(client: FlaskClient,
                                               make_user: Callable[..., User],
                                               login: Callable[[User], None]) -> None:
    user = make_user()
    login(user)
    copied = client.get_cookie("session")
    assert copied is not None
    assert client.get("/settings").status_code == 200
    client.post("/logout")
    assert rows(LoginSession) == 0
    client.set_cookie("session", copied.value)  # an attacker replays the old cookie
    response = client.get("/settings")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_the_login_session_is_stored_hashed(client: FlaskClient, make_user: Callable[..., User],
                                            login: Callable[[User], None]) -> None:
    login(make_user())
    session_row = db.session.execute(select(LoginSession)).scalar_one()
    with client.session_transaction() as session:
        key = session["_user_id"]
    assert session_row.key_hash == passwords.sha256(key) and key not in session_row.key_hash


def test_login_is_rate_limited_per_account(app: Flask, client: FlaskClient,
                                           make_user: Callable[..., User]) -> None:
    app.config["LOGIN_LIMIT_PER_ACCOUNT"] = "3 per minute"
    user = make_user()
    for _ in range(3):
        assert client.post("/login", data={"email": user.email, "password": "x"}).status_code \
            == 200
    blocked = client.post("/login", data={"email": user.email, "password": PASSWORD},
                          headers={"Accept-Language": "en"})
    assert blocked.status_code == 429
    assert "Too many attempts" in blocked.get_data(as_text=True)
    # Another account from the same address is not blocked by this limit.
    other = make_user()
    assert client.post("/login", data={"email": other.email, "password": PASSWORD}
                       ).status_code == 302


def test_login_is_rate_limited_per_address(app: Flask, client: FlaskClient) -> None:
    app.config["LOGIN_LIMIT_PER_IP"] = "4 per minute"
    statuses = [client.post("/login", data={"email": f"u{i}@example.org", "password": "x"}
                            ).status_code for i in range(5)]
    assert statuses == [200, 200, 200, 200, 429]


def test_login_page_get_is_not_rate_limited(app: Flask, client: FlaskClient) -> None:
    app.config["LOGIN_LIMIT_PER_IP"] = "1 per minute"
    assert [client.get("/login").status_code for _ in range(3)] == [200, 200, 200]


# --- Password reset ---------------------------------------------------------------------

def _reset_token_for(user: User) -> str:
    services.request_password_reset(user.email)
    db.session.commit()
    message = db.session.execute(
        select(OutboxMessage).order_by(OutboxMessage.id.desc())).scalars().first()
    assert message is not None
    body = message.payload["body"]
    return body.split("/password/reset/")[1].split()[0]


def test_a_reset_request_for_an_unknown_address_looks_the_same_and_sends_nothing(
        client: FlaskClient, make_user: Callable[..., User]) -> None:
    user = make_user()
    known = client.post("/password/forgot", data={"email": user.email})
    unknown = client.post("/password/forgot", data={"email": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 200
    assert known.get_data(as_text=True) == unknown.get_data(as_text=True)
    assert rows(OutboxMessage) == 1


def test_the_reset_link_works_once_and_ends_every_session(
        client: FlaskClient, make_user: Callable[..., User], login: Callable[[User], None],
        enqueued: list[int]) -> None:
    user = make_user()
    login(user)
    token = _reset_token_for(user)
    assert enqueued, "the e-mail is handed to the broker after commit"
    stored = db.session.execute(select(OneTimeToken.token_hash)).scalar_one()
    assert token not in stored and stored == passwords.sha256(token)
    response = client.post(f"/password/reset/{token}",
                           data={"password": "my new long password",
                                 "password_confirm": "my new long password"})
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert rows(LoginSession) == 0
    assert services.authenticate(user.email, "my new long password") is not None
    again = client.post(f"/password/reset/{token}",
                        data={"password": "another long password",
                              "password_confirm": "another long password"})
    assert again.status_code == 404
    assert services.authenticate(user.email, "another long password") is None


def test_an_expired_reset_link_is_refused(client: FlaskClient,
                                          make_user: Callable[..., User]) -> None:
    user = make_user()
    token = _reset_token_for(user)
    row = db.session.execute(select(OneTimeToken)).scalar_one()
    row.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert client.get(f"/password/reset/{token}").status_code == 404


def test_a_too_short_new_password_is_refused_at_the_field(client: FlaskClient,
                                                          make_user: Callable[..., User]) -> None:
    token = _reset_token_for(make_user())
    response = client.post(f"/password/reset/{token}",
                           data={"password": "short", "password_confirm": "short"})
    assert response.status_code == 200
    assert 'id="password-error"' in response.get_data(as_text=True)


# --- Settings ------------------------------------------------------------------------------

def test_changing_the_password_keeps_this_session_and_ends_the_others(
        app: Flask, client: FlaskClient, make_user: Callable[..., User],
        login: Callable[[User], None]) -> None:
    user = make_user()
    other_device = app.test_client()
    other_device.post("/login", data={"email": user.email, "password": PASSWORD})
    login(user)
    response = client.post("/settings/password", data={
        "current_password": PASSWORD, "new_password": "brand new password",
        "new_password_confirm": "brand new password"})
    assert response.status_code == 302
    assert client.get("/settings").status_code == 200
    assert other_device.get("/settings").status_code == 302


def test_a_wrong_current_password_changes_nothing(client: FlaskClient,
                                                  make_user: Callable[..., User],
                                                  login: Callable[[User], None]) -> None:
    user = make_user()
    login(user)
    response = client.post("/settings/password", data={
        "current_password": "wrong one", "new_password": "brand new password",
        "new_password_confirm": "brand new password"})
    assert response.status_code == 200
    assert 'id="current_password-error"' in response.get_data(as_text=True)
    assert services.authenticate(user.email, PASSWORD) is not None


def test_the_language_setting_drives_the_pages(client: FlaskClient,
                                               make_user: Callable[..., User],
                                               login: Callable[[User], None]) -> None:
    user = make_user()
    login(user)
    client.post("/settings/language", data={"language": "nl"})
    db.session.refresh(user)
    assert user.language.value == "nl"
    html = client.get("/", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert '<html lang="nl">' in html


# --- API tokens -------------------------------------------------------------------------------

def test_an_api_token_is_shown_once_stored_hashed_and_revocable(
        client: FlaskClient, make_user: Callable[..., User],
        login: Callable[[User], None]) -> None:
    user = make_user()
    login(user)
    html = client.post("/settings/tokens", data={"name": "my script"}).get_data(as_text=True)
    token = html.split("<code>")[1].split("</code>")[0]
    assert token.startswith("pp_")
    row = db.session.execute(select(ApiToken)).scalar_one()
    assert row.token_hash == passwords.sha256(token)
    api = client.application.test_client()
    me = api.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200 and me.get_json()["email"] == user.email
    client.post(f"/settings/tokens/{row.id}/revoke")
    refused = api.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert refused.status_code == 401
    assert refused.mimetype == "application/problem+json"


def test_a_bearer_token_does_not_log_into_the_html_site(app: Flask, client: FlaskClient,
                                                        make_user: Callable[..., User]) -> None:
    _row, token = services.create_api_token(make_user())
    db.session.commit()
    response = client.get("/settings", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 302


def test_someone_elses_token_cannot_be_revoked(client: FlaskClient,
                                               make_user: Callable[..., User],
                                               login: Callable[[User], None]) -> None:
    row, _token = services.create_api_token(make_user())
    db.session.commit()
    login(make_user())
    assert client.post(f"/settings/tokens/{row.id}/revoke").status_code == 404
    db.session.refresh(row)
    assert row.revoked_at is None


def test_a_browser_session_does_not_authenticate_the_api(client: FlaskClient,
                                                         make_user: Callable[..., User],
                                                         login: Callable[[User], None]) -> None:
    """The API is exempt from CSRF, so only a bearer token may act there."""
    login(make_user())
    assert client.get("/settings").status_code == 200
    assert client.get("/api/v1/me").status_code == 401
