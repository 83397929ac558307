"""The language chosen on the login page is kept after the login, and offered as the
account's new setting; without a choice, the account's setting wins."""

from __future__ import annotations

from collections.abc import Callable

from flask.testing import FlaskClient

from app.auth.models import User
from app.extensions import db
from tests.factories import PASSWORD
from tests.unit.helpers import page_text


def _log_in(client: FlaskClient, user: User) -> None:
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302


def test_a_language_chosen_on_the_login_page_stays_after_login(
        client: FlaskClient, make_user: Callable[..., User]) -> None:
    user = make_user(language="fr")
    client.post("/language", data={"lang": "nl", "next": "/login"})
    assert '<html lang="nl">' in client.get("/login").get_data(as_text=True)
    _log_in(client, user)
    assert '<html lang="nl">' in client.get("/").get_data(as_text=True)
    db.session.refresh(user)
    assert user.language.value == "fr"  # offered, not saved behind the person's back


def test_the_chosen_language_is_offered_as_the_new_setting(
        client: FlaskClient, make_user: Callable[..., User]) -> None:
    user = make_user(language="fr")
    client.post("/language", data={"lang": "en", "next": "/login"})
    _log_in(client, user)
    home = page_text(client.get("/"))
    assert "The site stays in the language you chose." in home
    settings = page_text(client.get("/settings"))
    assert 'id="language-offered"' in settings
    assert "You are reading the site in English" in settings and "is Français" in settings
    assert '<option selected value="en">' in settings or 'value="en" selected' in settings
    client.post("/settings/language", data={"language": "en"})
    db.session.refresh(user)
    assert user.language.value == "en"
    assert 'id="language-offered"' not in page_text(client.get("/settings"))


def test_without_a_choice_the_accounts_language_wins_over_the_browser(
        client: FlaskClient, make_user: Callable[..., User]) -> None:
    user = make_user(language="nl")
    _log_in(client, user)
    html = client.get("/", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert '<html lang="nl">' in html
    assert "The site stays in" not in page_text(client.get("/"))


def test_choosing_the_accounts_own_language_offers_nothing(
        client: FlaskClient, make_user: Callable[..., User]) -> None:
    user = make_user(language="en")
    client.post("/language", data={"lang": "en", "next": "/login"})
    _log_in(client, user)
    assert "The site stays in" not in page_text(client.get("/"))
    assert 'id="language-offered"' not in page_text(client.get("/settings"))


def test_the_next_login_without_a_choice_is_in_the_accounts_language_again(
        client: FlaskClient, make_user: Callable[..., User]) -> None:
    user = make_user(language="fr")
    client.post("/language", data={"lang": "nl", "next": "/login"})
    _log_in(client, user)
    client.post("/logout")
    _log_in(client, user)
    assert '<html lang="fr">' in client.get("/").get_data(as_text=True)
