"""Registration that tells nobody who is registered, reset links that cancel each other,
a password change that ends every credential, and login limits per account and address."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from app.auth import passwords, services
from app.auth.models import (
    ApiToken,
    Language,
    LoginSession,
    OneTimeToken,
    Organisation,
    Role,
    User,
)
from app.common.errors import ValidationFailed
from app.common.outbox import OutboxMessage
from app.extensions import db
from tests.factories import PASSWORD
from tests.unit.helpers import page_text

REGISTRATION = {
    "organisation_name": "Commune de Forest",
    "organisation_type": "commune",
    "enterprise_number": "",
    "address": "",
    "full_name": "Anne Peeters",
    "email": "anne.peeters@forest.example",
    "password": "a long enough password",
    "password_confirm": "a long enough password",
    "language": "en",
}


def rows(model: type) -> int:
    return db.session.execute(select(func.count()).select_from(model)).scalar_one()


def mails_to(address: str) -> list[dict[str, Any]]:
    return [m.payload for m in db.session.execute(
        select(OutboxMessage).order_by(OutboxMessage.id)).scalars()
        if m.payload and m.payload["to"] == address]


# --- 1. Registration answers the same whoever is registered -----------------------------

def _register(client: FlaskClient, **changes: str) -> Any:
    return client.post("/register", data={**REGISTRATION, **changes},
                       headers={"Accept-Language": "en"})


def test_registration_answers_the_same_for_a_new_a_known_address_and_a_known_organisation(
        client: FlaskClient, make_user: Callable[..., User],
        make_org: Callable[..., Organisation]) -> None:
    make_user(email="known@forest.example")
    make_org(name="CPAS de Forest")
    new = _register(client, email="new@forest.example", organisation_name="Forest 2")
    known_email = _register(client, email="KNOWN@forest.example", organisation_name="Forest 3")
    known_org = _register(client, email="other@forest.example",
                          organisation_name="cpas de forest")
    assert new.status_code == known_email.status_code == known_org.status_code == 302
    assert new.headers["Location"] == known_email.headers["Location"] \
        == known_org.headers["Location"] == "/register/done"
    done = page_text(client.get("/register/done", headers={"Accept-Language": "en"}))
    assert "Check your e-mail" in done
    # Only the new registration made an organisation and an account.
    assert rows(Organisation) == 3 and rows(User) == 2


def test_registering_with_a_known_address_tells_its_owner_by_e_mail_and_changes_nothing(
        client: FlaskClient, make_user: Callable[..., User]) -> None:
    owner = make_user(email="known@forest.example", language=Language.EN)
    before = owner.password_hash
    _register(client, email="Known@Forest.example")
    (mail,) = mails_to("known@forest.example")
    assert "someone tried to register" in mail["body"].lower()
    assert "/login" in mail["body"] and "/password/forgot" in mail["body"]
    db.session.refresh(owner)
    assert owner.password_hash == before and owner.role is Role.BUYER
    assert rows(Organisation) == 1  # the owner's own, made by make_user


def test_registering_a_known_organisation_tells_the_registrant_whom_to_ask(
        client: FlaskClient, make_user: Callable[..., User],
        make_org: Callable[..., Organisation]) -> None:
    staff = make_user(Role.STAFF, email="staff@participation.example")
    make_org(name="CPAS de Forest")
    _register(client, organisation_name="CPAS DE FOREST")
    (mail,) = mails_to(REGISTRATION["email"])
    assert "CPAS de Forest" in mail["body"] and "already registered" in mail["body"]
    assert "participation service" in mail["body"]
    # Staff are told, so they can create the account in the existing organisation.
    (to_staff,) = mails_to(staff.email)
    assert REGISTRATION["email"] in to_staff["body"] and "/staff/users/new" in to_staff["body"]
    assert rows(User) == 1


def test_a_new_registration_gets_an_e_mail_and_staff_are_told(
        client: FlaskClient, make_user: Callable[..., User]) -> None:
    staff = make_user(Role.STAFF)
    _register(client)
    (mail,) = mails_to(REGISTRATION["email"])
    assert "Commune de Forest" in mail["body"]
    assert len(mails_to(staff.email)) == 1


@pytest.mark.parametrize("case", ["new", "known_email", "known_org"])
def test_registration_hashes_the_password_and_queues_one_e_mail_whatever_the_case(
        app: Flask, client: FlaskClient, make_user: Callable[..., User],
        make_org: Callable[..., Organisation], monkeypatch: pytest.MonkeyPatch,
        case: str) -> None:
    make_user(email="known@forest.example")
    make_org(name="Known organisation")
    changes = {"new": {}, "known_email": {"email": "known@forest.example"},
               "known_org": {"organisation_name": "Known organisation"}}[case]
    hashed: list[str] = []
    real = passwords.hash_password
    monkeypatch.setattr(passwords, "hash_password", lambda p: hashed.append(p) or real(p))
    before = rows(OutboxMessage)
    _register(client, **changes)
    assert hashed == [REGISTRATION["password"]]
    assert rows(OutboxMessage) - before >= 1


@pytest.mark.parametrize(("field", "value"), [("email", "not-an-address"),
                                              ("password", "short")])
def test_field_errors_are_still_shown_on_the_registration_form(
        client: FlaskClient, field: str, value: str) -> None:
    response = _register(client, **{field: value, "password_confirm": value}
                         if field == "password" else {field: value})
    assert response.status_code == 200
    assert f'id="{field}-error"' in response.get_data(as_text=True)
    assert rows(OutboxMessage) == 0 and rows(User) == 0


def test_a_registration_that_loses_a_race_gets_the_same_answer_not_a_500(
        client: FlaskClient, make_user: Callable[..., User],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The check passes, then a concurrent request commits the same address first."""
    owner = make_user(email="raced@forest.example")
    real = services.user_by_email
    calls: list[str] = []

    def late(email: str) -> User | None:
        calls.append(email)
        return None if len(calls) == 1 else real(email)

    monkeypatch.setattr(services, "user_by_email", late)
    response = _register(client, email="raced@forest.example")
    assert response.status_code == 302 and response.headers["Location"] == "/register/done"
    assert rows(User) == 1
    assert len(mails_to(owner.email)) == 1


def test_an_admin_creating_a_taken_address_in_another_case_gets_a_field_error(
        app: Flask, make_user: Callable[..., User]) -> None:
    admin = make_user(Role.ADMIN)
    make_user(email="taken@example.org")
    with pytest.raises(ValidationFailed) as exc:
        services.create_user(admin, email="TAKEN@example.org", role="staff")
    assert set(exc.value.errors) == {"email"}


def test_registration_and_reset_requests_are_rate_limited_per_address(
        app: Flask, client: FlaskClient) -> None:
    app.config["REGISTER_LIMIT_PER_IP"] = "2 per minute"
    app.config["RESET_LIMIT_PER_IP"] = "2 per minute"
    register = [_register(client, email=f"r{i}@forest.example",
                          organisation_name=f"Org {i}").status_code for i in range(3)]
    reset = [client.post("/password/forgot", data={"email": f"x{i}@example.org"}).status_code
             for i in range(3)]
    assert register == [302, 302, 429] and reset == [200, 200, 429]
    other = app.test_client()
    assert other.post("/password/forgot", data={"email": "y@example.org"},
                      environ_base={"REMOTE_ADDR": "192.0.2.9"}).status_code == 200


def test_reset_requests_for_one_address_are_limited_from_every_client_address(
        app: Flask, client: FlaskClient) -> None:
    """One person's mailbox cannot be flooded with reset links from many client addresses."""
    app.config["RESET_LIMIT_PER_ACCOUNT"] = "2 per hour"
    codes = [client.post("/password/forgot", data={"email": "Victim@Example.org"},
                         environ_base={"REMOTE_ADDR": f"192.0.2.{i}"}).status_code
             for i in range(1, 4)]
    assert codes == [200, 200, 429]
    assert client.post("/password/forgot", data={"email": "someone.else@example.org"},
                       environ_base={"REMOTE_ADDR": "192.0.2.1"}).status_code == 200


# --- 2. Reset links and credentials --------------------------------------------------------

def _last_link(user: User) -> str:
    body = mails_to(user.email)[-1]["body"]
    return body.split("/password/reset/")[1].split()[0]


NEW_PASSWORD = "a brand new password"


def _reset(client: FlaskClient, token: str) -> Any:
    return client.post(f"/password/reset/{token}",
                       data={"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD},
                       headers={"Accept-Language": "en"})


def test_asking_for_a_new_reset_link_cancels_the_earlier_ones(
        client: FlaskClient, make_user: Callable[..., User]) -> None:
    user = make_user()
    for _ in range(2):
        client.post("/password/forgot", data={"email": user.email})
    links = [m["body"].split("/password/reset/")[1].split()[0] for m in mails_to(user.email)]
    assert len(links) == 2
    assert client.get(f"/password/reset/{links[0]}").status_code == 404
    assert _reset(client, links[1]).status_code == 302


def test_using_a_reset_link_cancels_every_other_outstanding_link(
        client: FlaskClient, make_user: Callable[..., User]) -> None:
    user = make_user()
    client.post("/password/forgot", data={"email": user.email})
    first = _last_link(user)
    # An invitation link still outstanding (e.g. sent by an administrator earlier).
    invitation = services._new_one_time_token(user, services.OneTimeTokenPurpose.INVITATION, 72)
    db.session.commit()
    assert _reset(client, first).status_code == 302
    assert client.get(f"/password/reset/{invitation}").status_code == 404
    outstanding = db.session.execute(select(func.count()).select_from(OneTimeToken).where(
        OneTimeToken.used_at.is_(None))).scalar_one()
    assert outstanding == 0


def test_a_password_reset_revokes_the_api_tokens_and_says_so(
        app: Flask, client: FlaskClient, make_user: Callable[..., User]) -> None:
    user = make_user()
    _row, token = services.create_api_token(user, "script")
    db.session.commit()
    client.post("/password/forgot", data={"email": user.email})
    response = _reset(client, _last_link(user))
    assert response.status_code == 302
    api = app.test_client()
    assert api.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    login_page = page_text(client.get("/login", headers={"Accept-Language": "en"}))
    assert "API tokens were revoked" in login_page


def test_a_password_change_revokes_the_api_tokens_and_other_sessions_and_says_so(
        app: Flask, client: FlaskClient, make_user: Callable[..., User],
        login: Callable[[User], None]) -> None:
    user = make_user(language=Language.EN)
    _row, token = services.create_api_token(user, "script")
    db.session.commit()
    other_device = app.test_client()
    other_device.post("/login", data={"email": user.email, "password": PASSWORD})
    login(user)
    settings = page_text(client.get("/settings"))
    assert "revokes your API tokens" in settings
    response = client.post("/settings/password", data={
        "current_password": PASSWORD, "new_password": "brand new password",
        "new_password_confirm": "brand new password"}, follow_redirects=True)
    assert "API tokens were revoked" in page_text(response)
    api = app.test_client()
    assert api.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    assert other_device.get("/settings").status_code == 302
    assert rows(LoginSession) == 1
    assert db.session.execute(select(ApiToken.revoked_at)).scalar_one() is not None


# --- 3. Login limits: per account and address, and a ceiling per account -----------------

def _attempt(client: FlaskClient, user: User, password: str, address: str) -> int:
    return client.post("/login", data={"email": user.email, "password": password},
                       environ_base={"REMOTE_ADDR": address}).status_code


def test_failures_from_one_address_do_not_lock_the_owner_out_from_another(
        app: Flask, make_user: Callable[..., User]) -> None:
    app.config.update(LOGIN_LIMIT_PER_ACCOUNT_AND_IP="5 per minute",
                      LOGIN_LIMIT_PER_ACCOUNT="50 per hour")
    user = make_user()
    attacker, owner = app.test_client(), app.test_client()
    assert [_attempt(attacker, user, "wrong", "198.51.100.7") for _ in range(6)] \
        == [200] * 5 + [429]
    assert _attempt(owner, user, PASSWORD, "203.0.113.20") == 302


def test_failures_from_many_addresses_meet_the_slower_ceiling_per_account(
        app: Flask, make_user: Callable[..., User]) -> None:
    app.config.update(LOGIN_LIMIT_PER_ACCOUNT_AND_IP="5 per minute",
                      LOGIN_LIMIT_PER_ACCOUNT="8 per hour")
    user = make_user()
    client = app.test_client()
    codes = [_attempt(client, user, "wrong", f"198.51.100.{i}") for i in range(9)]
    assert codes == [200] * 8 + [429]
    assert _attempt(client, user, PASSWORD, "203.0.113.20") == 429


def test_successful_logins_do_not_use_up_the_account_limits(
        app: Flask, make_user: Callable[..., User]) -> None:
    app.config.update(LOGIN_LIMIT_PER_ACCOUNT_AND_IP="2 per minute",
                      LOGIN_LIMIT_PER_ACCOUNT="2 per hour")
    user = make_user()
    assert [_attempt(app.test_client(), user, PASSWORD, "203.0.113.20")
            for _ in range(4)] == [302] * 4


# --- 6. Links in e-mails: url_for on PUBLIC_BASE_URL, in a request or a worker -------------

PUBLIC = "https://portal.example.brussels/marches"


def test_a_link_in_an_e_mail_rendered_outside_a_request_uses_the_public_address(
        app: Flask, make_user: Callable[..., User]) -> None:
    """As in a Celery worker: an app context, no request. The scheme and the path prefix of
    PUBLIC_BASE_URL are kept, and the link opens the page it names."""
    from flask import has_request_context

    app.config["PUBLIC_BASE_URL"] = PUBLIC + "/"
    user = make_user()
    assert not has_request_context()
    services.request_password_reset(user.email)
    db.session.commit()
    body = mails_to(user.email)[-1]["body"]
    link = next(word for word in body.split() if word.startswith("https://"))
    assert link.startswith(PUBLIC + "/password/reset/")
    path = link.removeprefix(PUBLIC)
    assert app.test_client().get(path).status_code == 200


def test_a_forged_host_header_does_not_reach_the_links_of_an_e_mail(
        app: Flask, client: FlaskClient, make_user: Callable[..., User]) -> None:
    app.config["PUBLIC_BASE_URL"] = PUBLIC
    staff = make_user(Role.STAFF)
    client.post("/register", data=REGISTRATION, headers={"Host": "attacker.example"})
    for mail in mails_to(staff.email) + mails_to(REGISTRATION["email"]):
        assert "attacker.example" not in mail["body"]
        assert PUBLIC + "/" in mail["body"]


def test_no_e_mail_template_builds_a_link_by_hand() -> None:
    from pathlib import Path

    import app as package

    folder = Path(package.__file__).parent / "templates" / "emails"
    offenders = [p.name for p in folder.glob("*.txt")
                 if "base_url" in p.read_text() or "http" in p.read_text()]
    assert offenders == []
