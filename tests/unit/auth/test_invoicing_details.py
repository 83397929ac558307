"""The buyer organisation's invoicing details: who may change them, how they are checked,
and the pages where buyers and staff fill them in."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app.auth import invoicing_details
from app.auth.models import Organisation, Role, User
from app.common.errors import Forbidden, NotFound, ValidationFailed
from app.extensions import db

GOOD = {"enterprise_number": "BE 0207 373 429",
        "invoicing_address": "  Service des finances\n\n Chaussée d'Ixelles 168 \n1050 Ixelles ",
        "invoicing_contact_name": " Claire Dubois ",
        "invoicing_contact_email": "Factures@Ixelles.example"}


# --- The service ----------------------------------------------------------------------------

def test_a_buyer_of_the_organisation_sets_its_invoicing_details(
        app: Flask, make_user: Callable[..., User]) -> None:
    buyer = make_user()

    org = invoicing_details.update_invoicing_details(buyer, buyer.organisation_id, GOOD)

    assert org.enterprise_number == "0207.373.429"
    assert org.invoicing_address == "Service des finances\nChaussée d'Ixelles 168\n1050 Ixelles"
    assert org.invoicing_contact_name == "Claire Dubois"
    assert org.invoicing_contact_email == "factures@ixelles.example"
    assert invoicing_details.missing_details(org) == []


def test_fields_not_given_keep_their_value_and_an_empty_one_clears_it(
        app: Flask, make_user: Callable[..., User]) -> None:
    buyer = make_user()
    invoicing_details.update_invoicing_details(buyer, buyer.organisation_id, GOOD)

    org = invoicing_details.update_invoicing_details(buyer, buyer.organisation_id,
                                                     {"invoicing_address": ""})

    assert org.invoicing_address is None and org.invoicing_contact_name == "Claire Dubois"


def test_staff_may_change_any_organisations_details(
        app: Flask, make_user: Callable[..., User], make_org: Callable[..., Organisation]) -> None:
    org = make_org()

    invoicing_details.update_invoicing_details(make_user(Role.STAFF), org.id,
                                               {"invoicing_contact_name": "Service finances"})

    assert org.invoicing_contact_name == "Service finances"


def test_a_buyer_of_another_organisation_gets_a_404_and_changes_nothing(
        app: Flask, make_user: Callable[..., User], make_org: Callable[..., Organisation]) -> None:
    other = make_org()

    with pytest.raises(NotFound):
        invoicing_details.update_invoicing_details(make_user(), other.id, GOOD)
    assert other.invoicing_contact_name is None


def test_a_vendor_gets_a_404_for_an_organisation_and_a_403_for_its_own(
        app: Flask, make_user: Callable[..., User], make_org: Callable[..., Organisation]) -> None:
    vendor = make_user(Role.VENDOR)

    with pytest.raises(NotFound):
        invoicing_details.update_invoicing_details(vendor, make_org().id, GOOD)
    with pytest.raises(Forbidden):
        invoicing_details.own_organisation(vendor)


def test_a_missing_organisation_is_a_404_even_for_staff(
        app: Flask, make_user: Callable[..., User]) -> None:
    with pytest.raises(NotFound):
        invoicing_details.update_invoicing_details(make_user(Role.STAFF), 9999, GOOD)


@pytest.mark.parametrize(("field", "value"), [
    ("enterprise_number", "0207.373.430"),
    ("enterprise_number", "12"),
    ("invoicing_contact_email", "not an address"),
    ("invoicing_contact_name", "x" * 201),
    ("invoicing_contact_name", "two\nlines"),
    ("invoicing_address", "x" * 1001),
])
def test_a_bad_field_is_named_and_nothing_is_changed(
        app: Flask, make_user: Callable[..., User], field: str, value: str) -> None:
    buyer = make_user()

    with pytest.raises(ValidationFailed) as refused:
        invoicing_details.update_invoicing_details(buyer, buyer.organisation_id,
                                                   {**GOOD, field: value})

    assert list(refused.value.errors) == [field]
    assert buyer.organisation.invoicing_contact_name is None


def test_nothing_to_change_is_refused(app: Flask, make_user: Callable[..., User]) -> None:
    buyer = make_user()

    with pytest.raises(ValidationFailed) as refused:
        invoicing_details.update_invoicing_details(buyer, buyer.organisation_id, {})
    assert list(refused.value.errors) == ["body"]


def test_what_is_missing_is_said(app: Flask, make_org: Callable[..., Organisation]) -> None:
    org = make_org(enterprise_number=None, invoicing_contact_name="Claire")

    assert invoicing_details.missing_details(org) == [
        "a valid enterprise number", "an invoicing contact (name and e-mail address)"]


# --- The pages ------------------------------------------------------------------------------

def test_a_buyer_fills_in_the_details_on_the_settings_page(
        client: FlaskClient, make_user: Callable[..., User],
        login: Callable[[User], None]) -> None:
    buyer = make_user(language="en")
    login(buyer)
    settings = client.get("/settings").get_data(as_text=True)
    assert 'href="/settings/invoicing"' in settings and 'id="invoicing-missing"' in settings
    assert "a valid enterprise number" in settings

    response = client.post("/settings/invoicing", data=GOOD)

    assert response.status_code == 302 and response.headers["Location"] == "/settings/invoicing"
    db.session.refresh(buyer.organisation)
    assert buyer.organisation.invoicing_contact_email == "factures@ixelles.example"
    page = client.get("/settings/invoicing").get_data(as_text=True)
    assert "The invoicing details are saved." in page and 'value="0207.373.429"' in page
    assert 'id="invoicing-missing"' not in client.get("/settings").get_data(as_text=True)


def test_a_bad_enterprise_number_is_named_on_the_page_in_french(
        client: FlaskClient, make_user: Callable[..., User],
        login: Callable[[User], None]) -> None:
    buyer = make_user(language="fr")
    login(buyer)

    response = client.post("/settings/invoicing",
                           data={**GOOD, "enterprise_number": "0207.373.430"})

    html = response.get_data(as_text=True)
    assert response.status_code == 200 and '<html lang="fr">' in html
    assert 'href="#enterprise_number">Numéro d\'entreprise (facultatif):' in html
    assert 'id="enterprise_number-error"' in html
    db.session.refresh(buyer.organisation)
    assert buyer.organisation.invoicing_contact_name is None


@pytest.mark.parametrize("role", [Role.VENDOR, Role.STAFF])
def test_only_buyers_have_an_invoicing_page_of_their_own(
        client: FlaskClient, make_user: Callable[..., User], login: Callable[[User], None],
        role: Role) -> None:
    login(make_user(role))

    assert client.get("/settings/invoicing").status_code == 403
    assert "/settings/invoicing" not in client.get("/settings").get_data(as_text=True)


def test_staff_edit_an_organisations_details_from_its_page(
        client: FlaskClient, make_user: Callable[..., User],
        make_org: Callable[..., Organisation], login: Callable[[User], None]) -> None:
    org = make_org()
    login(make_user(Role.STAFF, language="en"))
    assert (f'href="/staff/organisations/{org.id}/invoicing"'
            in client.get(f"/staff/organisations/{org.id}").get_data(as_text=True))

    response = client.post(f"/staff/organisations/{org.id}/invoicing", data=GOOD)

    assert response.status_code == 302
    shown = client.get(f"/staff/organisations/{org.id}").get_data(as_text=True)
    assert "Claire Dubois (factures@ixelles.example)" in shown
    assert client.get("/staff/organisations/9999/invoicing").status_code == 404


def test_buyers_cannot_use_the_staff_page(
        client: FlaskClient, make_user: Callable[..., User],
        login: Callable[[User], None]) -> None:
    buyer = make_user()
    login(buyer)

    response = client.post(f"/staff/organisations/{buyer.organisation_id}/invoicing", data=GOOD)

    assert response.status_code in (403, 404)
    db.session.refresh(buyer.organisation)
    assert buyer.organisation.invoicing_contact_name is None
