"""The accounts ask the vendors about companies through hooks (app.auth.companies)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app.auth import companies, services
from app.auth.models import User
from app.common.errors import ValidationFailed
from app.common.hooks import Hook
from app.vendors import accounts
from app.vendors.models import Vendor


def test_unanswered_there_is_no_company() -> None:
    choices: Hook[[], list[tuple[int, str]]] = Hook("test.choices", companies._no_choices)
    exists: Hook[[int], bool] = Hook("test.exists", companies._no_company)
    assert choices() == [] and exists(1) is False


def test_create_app_has_the_vendors_answer(app: Flask) -> None:
    assert companies.vendor_choices._answer is accounts.vendor_choices
    assert companies.vendor_exists._answer is accounts.vendor_exists


def test_the_choices_are_every_vendor_by_name(app: Flask,
                                              make_vendor: Callable[..., Vendor]) -> None:
    zeta, alpha = make_vendor(name="Zeta sprl"), make_vendor(name="Alpha sa")
    assert companies.vendor_choices() == [(alpha.id, "Alpha sa"), (zeta.id, "Zeta sprl")]
    assert companies.vendor_exists(zeta.id) and not companies.vendor_exists(zeta.id + 1000)


def test_a_vendor_user_needs_a_company_the_vendors_know(
        app: Flask, make_user: Callable[..., User], make_vendor: Callable[..., Vendor],
        monkeypatch: pytest.MonkeyPatch) -> None:
    admin = make_user(role="admin")
    vendor = make_vendor()
    monkeypatch.setattr(companies.vendor_exists, "_answer", lambda vendor_id: False)
    with pytest.raises(ValidationFailed) as refused:
        services.create_user(admin, email="v@example.org", role="vendor", vendor_id=vendor.id)
    assert "vendor" in refused.value.errors


def test_the_new_user_form_offers_the_vendors(client: FlaskClient,
                                              make_user: Callable[..., User],
                                              make_vendor: Callable[..., Vendor],
                                              login: Callable[[User], None]) -> None:
    make_vendor(name="Offered sprl")
    login(make_user(role="admin"))
    assert "Offered sprl" in client.get("/staff/users/new").get_data(as_text=True)
