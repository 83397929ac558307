"""Names and titles are one line of visible text: no line breaks, control characters or
invisible direction overrides, whichever way they come in; e-mail subjects stay one line even
when old data is not."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from app.auth import services as auth
from app.auth.models import ApiToken, Role, User
from app.catalogue.services import browse
from app.catalogue.services import items as item_services
from app.common import mail as mail_module
from app.common.mail import queue_email, send_email
from app.common.single_line import multi_line_problem, one_line, single_line_problem
from app.extensions import db
from app.orders.models import Order
from app.vendors.models import Vendor
from tests import factories

ITEM_CODE = "WS-HALF"
BAD_SINGLE_LINE = ["Atelier\nBcc: x@evil.example", "Atelier\r\nX", "Tab\there", "Bell\x07",
                   "Line\u2028separator", "abc\u202edcba", "isolate\u2066x\u2069"]


@pytest.mark.parametrize("value", BAD_SINGLE_LINE)
def test_a_single_line_refuses_breaks_controls_and_direction_overrides(
        app: Flask, value: str) -> None:
    assert single_line_problem(value)


@pytest.mark.parametrize("value", ["Réaménagement de la place Flagey", "CPAS d'Ixelles – Elsene",
                                   "Участие", "مشاركة", ""])
def test_a_single_line_accepts_ordinary_text_in_any_script(app: Flask, value: str) -> None:
    assert single_line_problem(value) is None


def test_the_problem_is_named_in_the_readers_language(app: Flask) -> None:
    assert "line breaks" in (single_line_problem("a\nb") or "")
    assert "direction" in (single_line_problem("a\u202eb") or "")


def test_multi_line_text_keeps_breaks_and_tabs_but_not_other_controls(app: Flask) -> None:
    assert multi_line_problem("First line\nsecond\r\nthird\twith a tab") is None
    assert multi_line_problem("Escape \x1b[31m red") and multi_line_problem("bell\x07")


def test_one_line_collapses_whitespace_and_controls() -> None:
    assert one_line("  Order 12\r\n (Atelier\t\x07x)\u202e ") == "Order 12 (Atelier x)"


# --- E-mail subjects -------------------------------------------------------------------------

def test_a_subject_built_from_an_old_title_with_a_line_break_is_one_line(
        app: Flask, make_user: Callable[..., User]) -> None:
    """A name stored before the rule (straight in the database) cannot break the header."""
    user = make_user(full_name="Anne")
    organisation = user.organisation
    organisation.name = "Forest\nBcc: everyone@example.org"
    db.session.commit()
    message = queue_email(to="staff@example.org", language="en",
                          template="adhesion_requested", organisation=organisation,
                          requester=user)
    assert "\n" not in message.payload["subject"] and "\r" not in message.payload["subject"]
    assert "Forest Bcc: everyone@example.org" in message.payload["subject"]


def test_a_queued_message_with_a_broken_subject_is_still_sent(
        app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    """Rows queued before the fix: the sender makes the subject one line too."""
    sent: list[Any] = []
    monkeypatch.setattr(mail_module.mail, "send", sent.append)
    app.config["MAIL_SERVER"] = "smtp.example"
    send_email({"to": "a@example.org", "subject": "Order\nBcc: x@evil.example",
                "body": "Hello", "language": "en"})
    assert sent[0].subject == "Order Bcc: x@evil.example"


# --- Every way in ------------------------------------------------------------------------------

@pytest.fixture
def buyer_token(app: Flask, make_user: Callable[..., User]) -> str:
    """A buyer's API token; the catalogue offers ``ITEM_CODE``."""
    factories.item(code=ITEM_CODE)
    buyer = make_user()
    _row, token = auth.create_api_token(buyer)
    db.session.commit()
    return token


def _order_body(**changes: Any) -> dict[str, Any]:
    item = browse.get_current_item(ITEM_CODE)
    return {"lot_id": item.lot_id, "title": "Atelier", "objectives": "Recueillir des avis",
            "participation_level": "consult", "commune": "forest",
            "lines": [{"item_id": item.id, "quantity": 2}], **changes}


@pytest.mark.parametrize("title", ["Atelier\nBcc: x@evil.example", "Atelier \u202eevil"])
def test_the_api_refuses_an_order_title_on_two_lines_or_with_an_override(
        client: FlaskClient, buyer_token: str, title: str) -> None:
    response = client.post("/api/v1/orders", json=_order_body(title=title),
                           headers={"Authorization": f"Bearer {buyer_token}",
                                    "Accept-Language": "en"})
    assert response.status_code == 422
    assert set(response.get_json()["errors"]) == {"title"}
    assert db.session.execute(select(func.count(Order.id))).scalar_one() == 0


def test_the_api_keeps_line_breaks_in_a_description_but_not_other_controls(
        client: FlaskClient, buyer_token: str) -> None:
    headers = {"Authorization": f"Bearer {buyer_token}"}
    ok = client.post("/api/v1/orders", headers=headers,
                     json=_order_body(description="First paragraph.\n\nSecond\tone."))
    assert ok.status_code == 201
    refused = client.post("/api/v1/orders", headers=headers,
                          json=_order_body(objectives="Avis\x1b[2J"))
    assert refused.status_code == 422 and set(refused.get_json()["errors"]) == {"objectives"}


def test_the_order_service_holds_the_rule_for_every_client(
        app: Flask, buyer_token: str) -> None:
    from app.orders import services as orders
    from app.orders import validation

    data = orders.OrderInput(**{**_order_body(title="Two\nlines"), "lines": []})
    errors, _lot, _lines = validation.validate(data, date.today())
    assert "title" in errors and "line breaks" in errors["title"][0]


def test_a_token_name_on_two_lines_is_refused_at_the_field(
        client: FlaskClient, make_user: Callable[..., User],
        login: Callable[[User], None]) -> None:
    login(make_user())
    response = client.post("/settings/tokens", data={"name": "script\nX"})
    assert response.status_code == 200
    assert 'id="name-error"' in response.get_data(as_text=True)
    assert db.session.execute(select(func.count(ApiToken.id))).scalar_one() == 0


@pytest.mark.parametrize("field", ["organisation_name", "full_name", "address"])
def test_registration_refuses_a_name_with_control_characters(
        client: FlaskClient, field: str) -> None:
    response = client.post("/register", data={
        "organisation_name": "Commune de Forest", "organisation_type": "commune",
        "full_name": "Anne", "email": "anne@forest.example",
        "password": "a long enough password", "password_confirm": "a long enough password",
        "language": "en", field: "Forest\u202e\nX"})
    assert response.status_code == 200
    assert f'id="{field}-error"' in response.get_data(as_text=True)


def test_the_contact_form_and_its_service_refuse_a_sender_name_on_two_lines(
        app: Flask, make_vendor: Callable[..., Vendor]) -> None:
    from app.catalogue.directory.views import ContactForm
    from app.common.errors import ValidationFailed
    from app.vendors import services as vendors

    data = {"sender_name": "Claire\nBcc: x@evil.example", "sender_email": "c@example.org",
            "organisation": "Forest\u202e", "message": "A message long enough\x1b[2J."}
    with app.test_request_context(method="POST", data=data):
        form = ContactForm()
        assert not form.validate()
        assert {"sender_name", "organisation", "message"} <= set(form.errors)
    vendor = make_vendor(active=True, contact_email="v@example.org")
    with pytest.raises(ValidationFailed) as exc:
        vendors.send_contact_message(vendor.id, vendors.ContactMessage(**data))
    assert {"sender_name", "organisation", "message"} <= set(exc.value.errors)


def test_an_admin_cannot_save_a_vendor_name_with_an_override(
        client: FlaskClient, make_user: Callable[..., User],
        login: Callable[[User], None]) -> None:
    login(make_user(Role.ADMIN, language="en"))
    response = client.post("/admin/vendors/new", data={
        "name": "Plus\u202eLRS", "enterprise_number": "", "contact_email": "",
        "service_languages": ["fr"], "presentation_fr": "Bureau\nbruxellois.", "active": "y"})
    assert response.status_code == 200
    assert 'id="name-error"' in response.get_data(as_text=True)
    assert db.session.execute(select(func.count(Vendor.id))).scalar_one() == 0


def test_an_admin_cannot_save_a_framework_title_on_two_lines(
        client: FlaskClient, make_user: Callable[..., User],
        login: Callable[[User], None]) -> None:
    login(make_user(Role.ADMIN, language="en"))
    response = client.post("/admin/frameworks/new", data={
        "reference": "BPART-2030-001", "title_fr": "Accord\n2030", "title_nl": "Overeenkomst",
        "title_en": "Agreement", "start_date": "2030-01-01", "end_date": "2033-12-31",
        "max_value": "1 000", "status": "draft"})
    assert response.status_code == 200
    assert 'id="title_fr-error"' in response.get_data(as_text=True)


def test_the_catalogue_services_refuse_a_title_on_two_lines_whoever_calls_them(
        app: Flask) -> None:
    """The CSV import and the admin form share item_errors: a quoted CSV cell can hold a
    line break that no HTML input would."""
    item = factories.item()
    data = item_services.ItemData(
        lot_id=item.lot_id, code="NEW-1", title_fr="Atelier\nX", title_nl="Workshop",
        title_en="Workshop \u202eevil", description_fr="Deux\nlignes\tpermises.",
        description_nl="Bel\x07", description_en="", unit="day", unit_price_cents=1000,
        vat_rate_bp=2100, valid_from=date.today())
    errors = item_services.item_errors(data)
    assert {"title_fr", "title_en", "description_nl"} <= set(errors)
    assert "description_fr" not in errors


def test_the_cli_refuses_a_token_name_on_two_lines_cleanly(
        app: Flask, make_user: Callable[..., User]) -> None:
    user = make_user()
    result = app.test_cli_runner().invoke(args=["tokens", "create", "--email", user.email,
                                                "--name", "cli\nX"])
    assert result.exit_code == 1 and "line" in result.output
    assert db.session.execute(select(func.count(ApiToken.id))).scalar_one() == 0
