"""GET and PATCH /api/v1/organisation: the buyer's organisation and its invoicing details."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app.auth import services
from app.auth.models import Organisation, Role, User
from app.extensions import db


@pytest.fixture
def buyer(app: Flask, make_user: Callable[..., User],
          make_org: Callable[..., Organisation]) -> User:
    return make_user(organisation=make_org(name="Commune de Forest", address="Rue du Curé 2",
                                           enterprise_number="0207.373.429"), language="en")


def bearer(user: User) -> dict[str, str]:
    _row, token = services.create_api_token(user)
    db.session.commit()
    return {"Authorization": f"Bearer {token}"}


def test_a_buyer_reads_its_organisation(client: FlaskClient, buyer: User) -> None:
    response = client.get("/api/v1/organisation", headers=bearer(buyer))

    assert response.status_code == 200
    assert response.get_json() == {
        "id": buyer.organisation_id, "name": "Commune de Forest",
        "enterprise_number": "0207.373.429", "address": "Rue du Curé 2",
        "invoicing_address": None, "invoicing_contact_name": None,
        "invoicing_contact_email": None}


def test_a_buyer_changes_the_invoicing_details(client: FlaskClient, buyer: User) -> None:
    response = client.patch("/api/v1/organisation", headers=bearer(buyer), json={
        "enterprise_number": "BE0212345668", "invoicing_address": "Service finances\nRue 1",
        "invoicing_contact_name": "Anne Peeters", "invoicing_contact_email": "Anne@Forest.example"})

    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["enterprise_number"] == "0212.345.668"
    assert body["invoicing_address"] == "Service finances\nRue 1"
    assert body["invoicing_contact_email"] == "anne@forest.example"
    db.session.refresh(buyer.organisation)
    assert buyer.organisation.invoicing_contact_name == "Anne Peeters"


@pytest.mark.parametrize(("body", "field"), [
    ({"enterprise_number": "0207.373.430"}, "enterprise_number"),
    ({"invoicing_contact_email": "nope"}, "invoicing_contact_email"),
    ({"invoicing_contact_name": 12}, "invoicing_contact_name"),
    ({"name": "Renamed"}, "name"),
    ({}, "body"),
])
def test_a_refused_patch_names_the_field_and_writes_nothing(
        client: FlaskClient, buyer: User, body: dict[str, object], field: str) -> None:
    headers = bearer(buyer)
    response = client.patch("/api/v1/organisation", headers=headers,
                            json={"invoicing_contact_name": "Anne", **body}
                            if field != "body" else body)

    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert field in response.get_json()["errors"]
    assert client.get("/api/v1/organisation", headers=headers).get_json()[
        "invoicing_contact_name"] is None


def test_the_errors_are_in_the_callers_language(client: FlaskClient, buyer: User) -> None:
    buyer.language = "fr"  # type: ignore[assignment]
    db.session.commit()

    response = client.patch("/api/v1/organisation", headers=bearer(buyer),
                            json={"invoicing_contact_email": "nope"})

    assert response.get_json()["errors"]["invoicing_contact_email"] == [
        "Saisissez une adresse e-mail valide."]


@pytest.mark.parametrize("role", [Role.VENDOR, Role.STAFF])
def test_only_buyers_have_an_organisation_here(
        client: FlaskClient, make_user: Callable[..., User], role: Role) -> None:
    headers = bearer(make_user(role))

    assert client.get("/api/v1/organisation", headers=headers).status_code == 403
    assert client.patch("/api/v1/organisation", headers=headers,
                        json={"invoicing_contact_name": "X"}).status_code == 403


def test_the_openapi_document_has_the_path(client: FlaskClient) -> None:
    spec = client.get("/api/v1/openapi.json").get_json()

    operations = spec["paths"]["/api/v1/organisation"]
    assert set(operations) >= {"get", "patch"}
    assert "422" in operations["patch"]["responses"]
    assert operations["patch"]["security"] == [{"bearerAuth": []}]
