"""Admin pages for vendors, items and prices, and the admin log."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta

import pytest
from flask.testing import FlaskClient
from markupsafe import escape
from sqlalchemy import func, select

from app.auth.models import User
from app.catalogue.models import (
    CatalogueItem,
    Lot,
    Unit,
)
from app.catalogue.services import browse
from app.catalogue.services import items as item_services
from app.common.time import today
from app.extensions import db
from app.vendors.models import Vendor
from tests.unit.helpers import count_queries

from .support import (
    World,
    log_count,
    lot_number,
    page,
    table_counts,
)

# --- Vendors ---------------------------------------------------------------------------------

VENDOR_FORM = {"name": "Participation Plus SRL", "enterprise_number": "BE 0123 456 749",
               "contact_email": "Hello@Plus.example", "service_languages": ["fr", "en"],
               "presentation_fr": "Bureau bruxellois.", "presentation_nl": "",
               "presentation_en": "", "active": "y"}


def test_an_admin_creates_then_edits_a_vendor(client: FlaskClient, admin: User) -> None:
    assert client.post("/admin/vendors/new", data=VENDOR_FORM).status_code == 302
    vendor = db.session.execute(
        select(Vendor).where(Vendor.name == "Participation Plus SRL")).scalar_one()
    assert vendor.service_languages == "fr,en" and vendor.contact_email == "hello@plus.example"
    assert vendor.active and vendor.enterprise_number == "0123.456.749"
    html = page(client, f"/admin/vendors/{vendor.id}/edit")
    assert 'checked id="service_languages-0"' in html
    assert 'id="service_languages-1"' in html and 'checked id="service_languages-1"' not in html

    edited = {**VENDOR_FORM, "service_languages": ["nl"]}
    del edited["active"]  # an unticked checkbox is not sent
    assert client.post(f"/admin/vendors/{vendor.id}/edit", data=edited).status_code == 302
    db.session.refresh(vendor)
    assert vendor.service_languages == "nl" and not vendor.active
    assert log_count("update") == 1


def test_a_bad_vendor_is_shown_again_with_the_fields_named_and_nothing_saved(
        client: FlaskClient, admin: User, catalogue: World) -> None:
    before = table_counts()
    bad = {**VENDOR_FORM, "service_languages": [], "contact_email": "not an address",
           "enterprise_number": "12"}
    html = client.post("/admin/vendors/new", data=bad).get_data(as_text=True)
    for field in ("service_languages", "contact_email", "enterprise_number"):
        assert f'id="{field}-error"' in html, field
    bad_check = client.post("/admin/vendors/new",
                            data={**VENDOR_FORM, "enterprise_number": "0123.456.789"})
    assert 'id="enterprise_number-error"' in bad_check.get_data(as_text=True)
    taken = client.post("/admin/vendors/new",
                        data={**VENDOR_FORM, "name": catalogue.vendors()[0].name.upper()})
    assert 'id="name-error"' in taken.get_data(as_text=True)
    assert table_counts() == before


def test_the_vendor_list_is_paginated(client: FlaskClient, admin: User,
                                      make_vendor: Callable[..., Vendor]) -> None:
    for i in range(30):
        make_vendor(name=f"Zeta {i:02d}")
    first = page(client, "/admin/vendors/")
    total = db.session.execute(select(func.count(Vendor.id))).scalar_one()
    assert f"{total} vendors" in first and "Page 1 of 2" in first
    assert "Zeta 29" in page(client, "/admin/vendors/?page=2")


# --- Items and prices ------------------------------------------------------------------------

def item_form(in_lot: Lot, **changes: str) -> dict[str, object]:
    return {"lot": str(in_lot.id), "code": "L3-NEW", "title_fr": "Nouvel atelier",
            "title_nl": "Nieuwe workshop", "title_en": "New workshop", "description_fr": "",
            "description_nl": "", "description_en": "", "unit": "workshop",
            "unit_price": "1 250,50", "vat_rate": "21", "valid_from": "2025-06-01", **changes}


def test_an_admin_creates_an_item_with_its_price_typed_in_euros(client: FlaskClient,
                                                                admin: User) -> None:
    lot = lot_number(3)
    response = client.post("/admin/items/new", data=item_form(lot))
    assert response.status_code == 302 and response.headers["Location"] == "/admin/items/L3-NEW"
    item = browse.get_current_item("L3-NEW")
    assert item.unit_price_cents == 125_050 and item.vat_rate_bp == 2100
    assert item.unit is Unit.WORKSHOP and item.lot_id == lot.id


@pytest.mark.parametrize("change, field", [
    ({"unit_price": "0,001"}, "unit_price"),        # a fraction of a cent
    ({"unit_price": "-5"}, "unit_price"),
    ({"vat_rate": "twenty"}, "vat_rate"),
    ({"vat_rate": "150"}, "vat_rate"),              # the service's range
    ({"code": "L1-DAY"}, "code"),                   # taken
    ({"code": "with space"}, "code"),
    ({"lot": "0"}, "lot"),
    ({"title_en": ""}, "title_en"),
])
def test_a_bad_item_is_shown_again_with_the_field_named_and_nothing_saved(
        client: FlaskClient, admin: User, change: dict[str, str], field: str) -> None:
    before = table_counts()
    response = client.post("/admin/items/new", data=item_form(lot_number(3), **change))
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and f'id="{field}-error"' in html, field
    assert table_counts() == before


def test_item_texts_change_on_every_price_and_a_new_price_keeps_the_old_one_for_old_dates(
        client: FlaskClient, admin: User) -> None:
    next_month = today() + timedelta(days=30)
    response = client.post("/admin/items/L1-DAY/price", data={
        "unit_price": "900", "vat_rate": "21", "valid_from": next_month.isoformat()})
    assert response.status_code == 302
    assert browse.price_on("L1-DAY", today()).unit_price_cents == 85_000
    assert browse.price_on("L1-DAY", next_month).unit_price_cents == 90_000

    texts = {"title_fr": "Journée de coordination", "title_nl": "Coördinatiedag",
             "title_en": "Coordination day", "description_fr": "", "description_nl": "",
             "description_en": "", "unit": "day"}
    assert client.post("/admin/items/L1-DAY", data=texts).status_code == 302
    assert {v.title_en for v in browse.price_history("L1-DAY")} == {"Coordination day"}

    html = page(client, "/admin/items/L1-DAY")
    assert "850,00" in html and "900,00" in html and "upcoming" in html


def test_a_price_cannot_start_in_the_past_and_the_form_says_so(client: FlaskClient,
                                                               admin: User) -> None:
    before = table_counts()
    yesterday = today() - timedelta(days=1)
    response = client.post("/admin/items/L1-DAY/price", data={
        "unit_price": "900", "vat_rate": "21", "valid_from": yesterday.isoformat()})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and 'id="valid_from-error"' in html
    assert 'value="900"' in html  # what was typed stays in the form
    assert table_counts() == before


def test_the_item_list_shows_prices_in_the_readers_language_and_filters_by_lot(
        client: FlaskClient, admin: User) -> None:
    html = page(client, f"/admin/items?lot={lot_number(1).id}")
    assert "L1-DAY" in html and "L2-DAY" not in html
    assert "850,00\xa0€" in html and "1.028,50\xa0€" in html  # excl. and incl. 21 % VAT
    admin.language = "fr"  # type: ignore[assignment]
    db.session.commit()
    assert "1\u202f028,50\xa0€" in page(client, "/admin/items")


def test_the_item_list_issues_the_same_number_of_queries_whatever_the_items(
        client: FlaskClient, admin: User) -> None:
    page(client, "/admin/items")  # warm up
    with count_queries() as few:
        page(client, "/admin/items")
    lot = lot_number(4)
    for i in range(30):
        item = item_services.create_item(admin, item_services.ItemData(
            lot_id=lot.id, code=f"L4-X{i:02d}", title_fr="x", title_nl="x", title_en="x",
            description_fr="", description_nl="", description_en="", unit="item",
            unit_price_cents=100 + i, vat_rate_bp=2100, valid_from=date(2025, 1, 1)))
        item_services.revise_price(admin, item.code, 200 + i, 2100,
                              today() + timedelta(days=10))
    db.session.commit()
    with count_queries() as many:
        html = page(client, "/admin/items")
    codes = db.session.execute(select(func.count(func.distinct(CatalogueItem.code)))).scalar()
    assert f"{codes} items" in html and "Next page" in html
    assert len(many) == len(few), (few, many)


# --- Admin log -------------------------------------------------------------------------------

def test_the_admin_log_shows_who_changed_what_as_a_readable_diff(client: FlaskClient,
                                                                 admin: User) -> None:
    vendor = db.session.execute(select(Vendor).limit(1)).scalar_one()
    client.post(f"/admin/vendors/{vendor.id}/edit", data={
        **VENDOR_FORM, "name": "Renamed SRL", "service_languages": ["fr"]})
    next_month = today() + timedelta(days=30)
    client.post("/admin/items/L1-DAY/price", data={
        "unit_price": "900", "vat_rate": "21", "valid_from": next_month.isoformat()})
    html = page(client, "/admin/log")
    assert admin.email in html or (admin.full_name and admin.full_name in html)
    old_name = str(escape(vendor.name))
    assert re.search(rf"<code>name</code>:\s*{re.escape(old_name)}\s*<span aria-hidden=\"true\">→"
                     rf"</span><span class=\"visually-hidden\">becomes</span>\s*Renamed SRL", html)
    assert "<code>unit_price_cents</code>" in html and "900,00" in html
    assert "<code>id</code>" not in html  # no noise
    assert f'href="/admin/vendors/{vendor.id}/edit"' in html
    assert "Renamed SRL" in page(client, "/admin/")  # the overview shows recent changes


def test_the_admin_log_is_paginated(client: FlaskClient, admin: User) -> None:
    vendor = db.session.execute(select(Vendor).limit(1)).scalar_one()
    for i in range(55):
        client.post(f"/admin/vendors/{vendor.id}/edit", data={
            **VENDOR_FORM, "name": f"Name {i}", "service_languages": ["fr"]})
    first = page(client, "/admin/log")
    assert "55 entries" in first and "Page 1 of 2" in first
    assert "Name 54" in first and "Page 2 of 2" in page(client, "/admin/log?page=2")
