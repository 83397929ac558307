"""The public facilitator directory: who is listed, the profile, the contact form."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from html import unescape

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_babel import gettext, ngettext
from sqlalchemy import func, select

from app.auth.models import Role, User
from app.catalogue.models import (
    AwardMethod,
    Framework,
    FrameworkStatus,
    Lot,
    LotMembership,
    MembershipStatus,
)
from app.common.i18n import in_language
from app.common.outbox import OutboxMessage
from app.extensions import db
from app.vendors.models import Vendor
from tests.unit.helpers import count_queries, csrf_token_from

SECRET = "private.desk@vendor.example"
MESSAGE = {"sender_name": "Claire Dubois", "sender_email": "claire@ixelles.example",
           "organisation": "Commune d'Ixelles", "message": "Bonjour, seriez-vous disponibles "
           "pour trois ateliers en mars ?"}


def ntr(language: str, singular: str, plural: str, num: int) -> str:
    with in_language(language):
        return str(ngettext(singular, plural, num))


def tr(language: str, msgid: str, **variables: object) -> str:
    with in_language(language):
        return str(gettext(msgid, **variables))


def page(client: FlaskClient, path: str, language: str = "en") -> tuple[int, str]:
    response = client.get(path, headers={"Accept-Language": language})
    return response.status_code, unescape(response.get_data(as_text=True))


def queued() -> list[OutboxMessage]:
    return list(db.session.execute(select(OutboxMessage).order_by(OutboxMessage.id)).scalars())




@pytest.fixture
def lots(app: Flask) -> list[Lot]:
    framework = Framework(reference="DIR-1", title_fr="AC", title_nl="RO", title_en="FA",
                          start_date=date(2025, 1, 1), end_date=date(2029, 12, 31),
                          max_value_cents=10**9, status=FrameworkStatus.ACTIVE)
    made = [Lot(framework=framework, number=n, title_fr=f"Lot FR {n}", title_nl=f"Perceel NL {n}",
                title_en=f"Lot EN {n}", award_method=AwardMethod.CASCADE) for n in (1, 2)]
    db.session.add_all(made)
    db.session.commit()
    return made


@pytest.fixture
def contracted(lots: list[Lot], make_vendor: Callable[..., Vendor]) -> Vendor:
    """An active vendor in two lots (rank 2 in lot 1, rank 1 in lot 2), with a hidden address."""
    vendor = make_vendor(name="Parole Commune SRL", contact_email=SECRET,
                         service_languages="nl,fr", presentation_fr="Présentation en français.",
                         presentation_nl="Voorstelling in het Nederlands.",
                         presentation_en="")
    other = make_vendor(name="Other Rank One")
    db.session.add_all([
        LotMembership(lot=lots[0], vendor=other, rank=1),
        LotMembership(lot=lots[0], vendor=vendor, rank=2),
        LotMembership(lot=lots[1], vendor=vendor, rank=1),
    ])
    db.session.commit()
    return vendor


# --- The list -------------------------------------------------------------------------------

def test_directory_lists_only_active_vendors_with_an_active_membership(
        client: FlaskClient, lots: list[Lot], contracted: Vendor,
        make_vendor: Callable[..., Vendor]) -> None:
    inactive = make_vendor(name="Closed Company", active=False)
    suspended = make_vendor(name="Suspended Only")
    terminated = make_vendor(name="Terminated Only")
    make_vendor(name="No Lot At All")
    db.session.add_all([
        LotMembership(lot=lots[1], vendor=inactive, rank=2),
        LotMembership(lot=lots[1], vendor=suspended, rank=3, status=MembershipStatus.SUSPENDED),
        LotMembership(lot=lots[1], vendor=terminated, rank=4,
                      status=MembershipStatus.TERMINATED),
    ])
    db.session.commit()
    status, html = page(client, "/facilitators/", "nl")
    assert status == 200
    names = re.findall(r'<h2><a href="/facilitators/\d+">([^<]+)</a></h2>', html)
    assert names == ["Other Rank One", "Parole Commune SRL"]
    assert ntr("nl", "%(num)s facilitator.", "%(num)s facilitators.", 2) in html
    entry = html.split("Parole Commune SRL</a></h2>", 1)[1].split("</li>\n    ", 1)[0]
    assert "Voorstelling in het Nederlands." in entry
    assert "Perceel NL 1" in entry and "Perceel NL 2" in entry
    assert tr("nl", "rank %(rank)s", rank=2) in entry and tr("nl", "rank %(rank)s", rank=1) in entry
    assert f'{tr("nl", "Dutch")}, {tr("nl", "French")}' in entry
    for hidden in ("Closed Company", "Suspended Only", "Terminated Only", "No Lot At All"):
        assert hidden not in html


def test_directory_queries_do_not_grow_with_the_number_of_vendors(
        client: FlaskClient, lots: list[Lot], contracted: Vendor,
        make_vendor: Callable[..., Vendor]) -> None:
    client.get("/facilitators/")
    with count_queries() as few:
        assert client.get("/facilitators/").status_code == 200
    for n in range(30):
        vendor = make_vendor(name=f"Extra {n:02d}")
        db.session.add(LotMembership(lot=lots[n % 2], vendor=vendor, rank=10 + n))
    db.session.commit()
    with count_queries() as many:
        assert client.get("/facilitators/").status_code == 200
    assert len(many) == len(few), (few, many)


# --- The profile ----------------------------------------------------------------------------

@pytest.mark.parametrize(("language", "text"), [("fr", "Présentation en français."),
                                                ("nl", "Voorstelling in het Nederlands.")])
def test_profile_shows_the_presentation_lots_and_ranks_in_the_readers_language(
        client: FlaskClient, contracted: Vendor, lots: list[Lot], language: str,
        text: str) -> None:
    status, html = page(client, f"/facilitators/{contracted.id}", language)
    assert status == 200
    assert "<h1>Parole Commune SRL</h1>" in html
    assert f"<p>{text}</p>" in html
    title = lots[0].title(language)
    assert f'href="/catalogue/lots/{lots[0].id}">{tr(language, "Lot %(number)s: %(title)s", number=1, title=title)}</a>' in html  # noqa: E501
    assert tr(language, "rank %(rank)s", rank=2) in html
    assert '<form method="post"' in html


def test_an_empty_presentation_falls_back_to_french_then_dutch(
        client: FlaskClient, contracted: Vendor) -> None:
    _status, html = page(client, f"/facilitators/{contracted.id}", "en")
    assert '<div class="presentation" lang="fr">' in html
    assert "Présentation en français." in html
    contracted.presentation_fr = ""
    db.session.commit()
    _status, html = page(client, f"/facilitators/{contracted.id}", "en")
    assert '<div class="presentation" lang="nl">' in html


def test_profile_never_shows_the_contact_address(client: FlaskClient,
                                                 contracted: Vendor) -> None:
    for path in ("/facilitators/", f"/facilitators/{contracted.id}"):
        for language in ("fr", "nl", "en"):
            _status, html = page(client, path, language)
            assert SECRET not in html and "private.desk" not in html and "mailto:" not in html
    response = client.post(f"/facilitators/{contracted.id}", data={"sender_name": ""})
    assert SECRET not in response.get_data(as_text=True)
    response = client.post(f"/facilitators/{contracted.id}", data=MESSAGE,
                           follow_redirects=True)
    assert SECRET not in response.get_data(as_text=True)


@pytest.mark.parametrize("active", [False, None])
def test_inactive_unknown_or_uncontracted_vendor_is_404(
        client: FlaskClient, make_vendor: Callable[..., Vendor], lots: list[Lot],
        active: bool | None) -> None:
    if active is None:
        assert client.get("/facilitators/424242").status_code == 404
        assert client.post("/facilitators/424242", data=MESSAGE).status_code == 404
        loner = make_vendor(name="Loner")  # active but in no lot
        assert client.get(f"/facilitators/{loner.id}").status_code == 404
        return
    vendor = make_vendor(name="Gone", active=active, contact_email=SECRET)
    db.session.add(LotMembership(lot=lots[0], vendor=vendor, rank=1))
    db.session.commit()
    assert client.get(f"/facilitators/{vendor.id}").status_code == 404
    assert client.post(f"/facilitators/{vendor.id}", data=MESSAGE).status_code == 404
    assert queued() == []


# --- The contact form -----------------------------------------------------------------------

def test_contact_form_queues_an_email_to_the_vendor_in_its_language(
        client: FlaskClient, contracted: Vendor, enqueued: list[int]) -> None:
    response = client.post(f"/facilitators/{contracted.id}", data=MESSAGE,
                           headers={"Accept-Language": "fr"})
    assert response.status_code == 302
    assert response.location.endswith(f"/facilitators/{contracted.id}")
    [mail] = queued()
    assert mail.kind == "email"
    assert mail.payload["to"] == SECRET
    assert mail.payload["language"] == "nl"  # the vendor's first language, not the reader's
    assert mail.payload["template"] == "vendor_contact"
    body = mail.payload["body"]
    assert MESSAGE["message"] in body and MESSAGE["sender_email"] in body
    assert MESSAGE["organisation"] in body
    with in_language("nl"):
        expected_subject = str(gettext(
            "Message from %(name)s through the facilitator directory", name="Claire Dubois"))
    assert mail.payload["subject"] == expected_subject
    assert enqueued == [mail.id]  # handed to the broker after the commit
    _status, html = page(client, f"/facilitators/{contracted.id}", "fr")
    assert tr("fr", "Your message was sent to %(name)s. They will answer you by e-mail.",
              name=contracted.name) in html


def test_contact_form_without_a_vendor_address_writes_to_its_users(
        client: FlaskClient, contracted: Vendor, make_user: Callable[..., User]) -> None:
    contracted.contact_email = None
    db.session.commit()
    make_user(Role.VENDOR, vendor=contracted, email="nl.user@vendor.example", language="nl")
    make_user(Role.VENDOR, vendor=contracted, email="fr.user@vendor.example", language="fr")
    make_user(Role.VENDOR, vendor=contracted, email="gone@vendor.example", active=False)
    assert client.post(f"/facilitators/{contracted.id}", data=MESSAGE).status_code == 302
    assert sorted((m.payload["to"], m.payload["language"]) for m in queued()) == [
        ("fr.user@vendor.example", "fr"), ("nl.user@vendor.example", "nl")]


def test_contact_form_with_nobody_to_write_to_says_so(client: FlaskClient,
                                                      contracted: Vendor) -> None:
    contracted.contact_email = None
    db.session.commit()
    response = client.post(f"/facilitators/{contracted.id}", data=MESSAGE,
                           follow_redirects=True, headers={"Accept-Language": "en"})
    assert "flash-error" in response.get_data(as_text=True)
    assert queued() == []


@pytest.mark.parametrize(("changes", "field"), [
    ({"sender_name": ""}, "sender_name"),
    ({"sender_name": "   "}, "sender_name"),
    ({"sender_name": "x" * 201}, "sender_name"),
    ({"sender_email": ""}, "sender_email"),
    ({"sender_email": "not an address"}, "sender_email"),
    ({"organisation": "o" * 201}, "organisation"),
    ({"message": ""}, "message"),
    ({"message": "too short"}, "message"),
    ({"message": "         short      "}, "message"),
    ({"message": "m" * 5001}, "message"),
])
def test_contact_form_rejects_bad_input_per_field_and_queues_nothing(
        client: FlaskClient, contracted: Vendor, changes: dict[str, str], field: str) -> None:
    response = client.post(f"/facilitators/{contracted.id}", data={**MESSAGE, **changes},
                           headers={"Accept-Language": "nl"})
    assert response.status_code == 200
    html = unescape(response.get_data(as_text=True))
    assert f'id="{field}-error"' in html
    errors = re.findall(r'id="([a-z_]+)-error"', html)
    assert errors == [field]
    assert f'href="#{field}"' in html
    assert 'aria-invalid="true"' in html
    assert tr("nl", "There is a problem") in html
    if field != "message":
        assert MESSAGE["message"] in html  # what was typed is kept
    assert queued() == []


def test_contact_form_checks_the_csrf_token(app: Flask, client: FlaskClient,
                                            contracted: Vendor) -> None:
    app.config["WTF_CSRF_ENABLED"] = True
    assert client.post(f"/facilitators/{contracted.id}", data=MESSAGE).status_code == 400
    assert queued() == []
    token = csrf_token_from(client.get(f"/facilitators/{contracted.id}").get_data(as_text=True))
    response = client.post(f"/facilitators/{contracted.id}",
                           data={**MESSAGE, "csrf_token": token})
    assert response.status_code == 302
    assert len(queued()) == 1


def test_contact_form_is_rate_limited_per_address(client: FlaskClient,
                                                  contracted: Vendor) -> None:
    statuses = [client.post(f"/facilitators/{contracted.id}", data=MESSAGE).status_code
                for _ in range(5)]
    assert statuses == [302] * 5
    blocked = client.post(f"/facilitators/{contracted.id}", data=MESSAGE,
                          headers={"Accept-Language": "en"})
    assert blocked.status_code == 429
    assert tr("en", "Too many attempts") in blocked.get_data(as_text=True)
    assert db.session.execute(select(func.count(OutboxMessage.id))).scalar_one() == 5
    # Another address is not blocked, and reading the page never is.
    other = client.post(f"/facilitators/{contracted.id}", data=MESSAGE,
                        environ_overrides={"REMOTE_ADDR": "192.0.2.7"})
    assert other.status_code == 302
    assert client.get(f"/facilitators/{contracted.id}").status_code == 200


def test_contact_rate_limit_is_configurable(app: Flask, client: FlaskClient,
                                            contracted: Vendor) -> None:
    app.config["CONTACT_LIMIT_PER_IP"] = "2 per minute"
    statuses = [client.post(f"/facilitators/{contracted.id}", data={"sender_name": ""}
                            ).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
