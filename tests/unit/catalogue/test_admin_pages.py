"""Admin pages: who may see them, and what an admin does through the forms."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from markupsafe import escape
from sqlalchemy import func, select

from app.auth.models import Role, User
from app.catalogue.models import (
    AwardMethod,
    CatalogueItem,
    Framework,
    FrameworkStatus,
    Lot,
    LotMembership,
    MembershipStatus,
    Unit,
)
from app.catalogue.services import browse
from app.catalogue.services import frameworks as framework_services
from app.catalogue.services import items as item_services
from app.catalogue.services import lots as lot_services
from app.catalogue.services import memberships as membership_services
from app.common.admin_log import AdminLogEntry
from app.common.time import today
from app.demo.seed import seed_demo
from app.extensions import db
from app.vendors.models import Vendor
from tests.unit.helpers import count_queries


@pytest.fixture
def admin(app: Flask, make_user: Callable[..., User], login: Callable[[User], None]) -> User:
    """The demo catalogue, and an English-speaking admin logged in."""
    seed_demo()
    db.session.commit()
    user = make_user(Role.ADMIN, language="en")
    login(user)
    return user


def lot_number(number: int) -> Lot:
    return db.session.execute(select(Lot).where(Lot.number == number)).scalar_one()


def active_ranking(lot: Lot) -> list[int]:
    db.session.expire_all()
    return [m.vendor_id for m in lot_services.active_members(db.session.get(Lot, lot.id))]


def log_count(action: str | None = None) -> int:
    query = select(func.count(AdminLogEntry.id))
    if action:
        query = query.where(AdminLogEntry.action == action)
    return int(db.session.execute(query).scalar_one())


def table_counts() -> dict[str, int]:
    return {model.__name__: int(db.session.execute(select(func.count()).select_from(model))
                                .scalar_one())
            for model in (Framework, Lot, LotMembership, CatalogueItem, Vendor, AdminLogEntry)}


def page(client: FlaskClient, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return response.get_data(as_text=True)


# --- Who may see the pages -------------------------------------------------------------------

GET_PAGES = [
    "/admin/", "/admin/log", "/admin/frameworks", "/admin/frameworks/new",
    "/admin/frameworks/{framework}/edit", "/admin/lots/new", "/admin/lots/{lot}",
    "/admin/lots/{lot}/edit", "/admin/memberships/{membership}/suspend",
    "/admin/memberships/{membership}/terminate", "/admin/items", "/admin/items/new",
    "/admin/items/L1-DAY", "/admin/catalogue/import", "/admin/catalogue/export",
    "/admin/vendors/", "/admin/vendors/new", "/admin/vendors/{vendor}/edit",
]
POST_ACTIONS = [
    "/admin/frameworks/new", "/admin/frameworks/{framework}/edit", "/admin/lots/new",
    "/admin/lots/{lot}/edit", "/admin/lots/{lot}/members", "/admin/lots/{lot}/ranking",
    "/admin/memberships/{membership}/move", "/admin/memberships/{membership}/suspend",
    "/admin/memberships/{membership}/reactivate", "/admin/memberships/{membership}/terminate",
    "/admin/items/new", "/admin/items/L1-DAY", "/admin/items/L1-DAY/price",
    "/admin/catalogue/import", "/admin/vendors/new", "/admin/vendors/{vendor}/edit",
]


@pytest.fixture
def ids(app: Flask) -> dict[str, int]:
    seed_demo()
    db.session.commit()
    membership = db.session.execute(select(LotMembership).limit(1)).scalar_one()
    return {"framework": membership.lot.framework_id, "lot": membership.lot_id,
            "membership": membership.id, "vendor": membership.vendor_id}


@pytest.mark.parametrize("role", [Role.BUYER, Role.VENDOR, Role.STAFF])
def test_buyers_vendors_and_staff_are_refused_every_admin_page_and_action(
        client: FlaskClient, ids: dict[str, int], make_user: Callable[..., User],
        login: Callable[[User], None], role: Role) -> None:
    login(make_user(role))
    before = table_counts()
    for path in GET_PAGES:
        assert client.get(path.format(**ids)).status_code == 403, path
    for path in POST_ACTIONS:
        response = client.post(path.format(**ids), data={"reason": "x", "direction": "up"})
        assert response.status_code == 403, path
    assert table_counts() == before


def test_anonymous_visitors_are_sent_to_the_login_page(client: FlaskClient,
                                                       ids: dict[str, int]) -> None:
    for path in GET_PAGES:
        response = client.get(path.format(**ids))
        assert response.status_code == 302, path
        assert response.headers["Location"].startswith("/login"), path
    for path in POST_ACTIONS:
        response = client.post(path.format(**ids))
        assert response.status_code == 302 and "/login" in response.headers["Location"], path


def test_an_admin_sees_every_page(client: FlaskClient, admin: User) -> None:
    membership = db.session.execute(select(LotMembership).limit(1)).scalar_one()
    ids = {"framework": membership.lot.framework_id, "lot": membership.lot_id,
           "membership": membership.id, "vendor": membership.vendor_id}
    for path in GET_PAGES:
        response = client.get(path.format(**ids))
        assert response.status_code == 200, path
        if response.mimetype == "text/html":
            assert "<h1>" in response.get_data(as_text=True), path


def test_unknown_records_answer_404(client: FlaskClient, admin: User) -> None:
    for path in ["/admin/frameworks/999/edit", "/admin/lots/999", "/admin/lots/999/edit",
                 "/admin/memberships/999/suspend", "/admin/items/NOPE",
                 "/admin/vendors/999/edit"]:
        assert client.get(path).status_code == 404, path


# --- Frameworks and lots ---------------------------------------------------------------------

FRAMEWORK_FORM = {"reference": "BPART-2030-001", "title_fr": "Accord 2030",
                  "title_nl": "Overeenkomst 2030", "title_en": "Agreement 2030",
                  "start_date": "2030-01-01", "end_date": "2033-12-31",
                  "max_value": "12 500 000,50", "status": "draft"}


def test_an_admin_creates_then_edits_a_framework_typed_in_euros(client: FlaskClient,
                                                                admin: User) -> None:
    response = client.post("/admin/frameworks/new", data=FRAMEWORK_FORM)
    assert response.status_code == 302
    framework = framework_services.framework_by_reference("BPART-2030-001")
    assert framework.max_value_cents == 1_250_000_050
    assert framework.start_date == date(2030, 1, 1) and framework.status is FrameworkStatus.DRAFT
    assert "12.500.000,50" in page(client, f"/admin/frameworks/{framework.id}/edit")

    edited = {**FRAMEWORK_FORM, "max_value": "€ 9.000.000", "status": "active",
              "title_en": "Agreement 2030-2033"}
    assert client.post(f"/admin/frameworks/{framework.id}/edit", data=edited).status_code == 302
    db.session.refresh(framework)
    assert framework.max_value_cents == 900_000_000 and framework.status is FrameworkStatus.ACTIVE
    entry = db.session.execute(select(AdminLogEntry).where(
        AdminLogEntry.entity_type == "framework", AdminLogEntry.action == "update")).scalar_one()
    assert entry.actor_id == admin.id and entry.before["title_en"] == "Agreement 2030"


@pytest.mark.parametrize("change, field", [
    ({"max_value": "twelve"}, "max_value"),
    ({"max_value": "12,345"}, "max_value"),
    ({"end_date": "2029-01-01"}, "end_date"),        # before the start: the service says so
    ({"reference": "BPART-2025-001"}, "reference"),  # the demo framework's
    ({"title_nl": " "}, "title_nl"),
    ({"start_date": "01/01/2030"}, "start_date"),
])
def test_a_bad_framework_is_shown_again_with_the_field_named_and_nothing_saved(
        client: FlaskClient, admin: User, change: dict[str, str], field: str) -> None:
    before = table_counts()
    response = client.post("/admin/frameworks/new", data={**FRAMEWORK_FORM, **change})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f'id="{field}-error"' in html and f'href="#{field}"' in html
    assert table_counts() == before


LOT_FORM = {"number": "7", "title_fr": "Lot sept", "title_nl": "Perceel zeven",
            "title_en": "Lot seven", "description_fr": "", "description_nl": "",
            "description_en": "", "award_method": "mini_competition", "ceiling": "",
            "response_working_days": "4"}


def test_an_admin_creates_then_edits_a_lot(client: FlaskClient, admin: User) -> None:
    framework = framework_services.framework_by_reference("BPART-2025-001")
    assert f'<option selected value="{framework.id}">' in page(
        client, f"/admin/lots/new?framework={framework.id}")
    response = client.post("/admin/lots/new", data={**LOT_FORM, "framework": framework.id})
    assert response.status_code == 302
    lot = lot_number(7)
    assert response.headers["Location"] == f"/admin/lots/{lot.id}"
    assert lot.ceiling_cents is None and lot.award_method is AwardMethod.MINI_COMPETITION
    assert lot.response_working_days == 4

    form = {**LOT_FORM, "framework": framework.id, "ceiling": "250000", "title_en": "Seventh"}
    assert client.post(f"/admin/lots/{lot.id}/edit", data=form).status_code == 302
    db.session.refresh(lot)
    assert lot.ceiling_cents == 25_000_000 and lot.title_en == "Seventh"
    assert log_count("update") == 1


def test_a_lot_number_taken_in_the_framework_is_refused_next_to_the_field(
        client: FlaskClient, admin: User) -> None:
    framework = framework_services.framework_by_reference("BPART-2025-001")
    before = table_counts()
    response = client.post("/admin/lots/new",
                           data={**LOT_FORM, "framework": framework.id, "number": "3"})
    assert response.status_code == 200
    assert 'id="number-error"' in response.get_data(as_text=True)
    bad_days = client.post("/admin/lots/new", data={
        **LOT_FORM, "framework": framework.id, "response_working_days": "0",
        "ceiling": "lots"}).get_data(as_text=True)
    assert 'id="response_working_days-error"' in bad_days and 'id="ceiling-error"' in bad_days
    assert table_counts() == before


# --- Rankings --------------------------------------------------------------------------------

def test_the_lot_page_lists_active_vendors_in_rank_order_then_suspended_then_terminated(
        client: FlaskClient, admin: User) -> None:
    lot = lot_number(2)
    first, second, third, *others = lot_services.active_members(lot)
    membership_services.terminate_member(admin, first.id, "Contract ended")
    membership_services.suspend_member(admin, third.id, "Capacity")
    db.session.commit()
    html = page(client, f"/admin/lots/{lot.id}")
    names = [m.vendor.name for m in (second, *others, third, first)]
    positions = [html.index(f">{escape(name)}</a>") for name in names]
    assert positions == sorted(positions)
    assert "Contract ended" in html and "Capacity" in html


def test_an_admin_reorders_the_cascade_with_rank_inputs(client: FlaskClient,
                                                        admin: User) -> None:
    lot = lot_number(2)
    members = lot_services.active_members(lot)
    vendor_ids = [m.vendor_id for m in members]
    form = {f"rank_{m.id}": str(len(members) - i) for i, m in enumerate(members)}
    response = client.post(f"/admin/lots/{lot.id}/ranking", data=form)
    assert response.status_code == 302
    assert active_ranking(lot) == list(reversed(vendor_ids))
    moved = [i for i in range(len(members)) if i != len(members) - 1 - i]
    assert log_count("rank") == len(moved)


def test_two_vendors_given_the_same_rank_are_refused_and_nothing_moves(
        client: FlaskClient, admin: User) -> None:
    lot = lot_number(2)
    members = lot_services.active_members(lot)
    before = active_ranking(lot)
    form = {f"rank_{m.id}": str(i + 1) for i, m in enumerate(members)}
    form[f"rank_{members[1].id}"] = "1"
    response = client.post(f"/admin/lots/{lot.id}/ranking", data=form)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and f'id="rank_{members[1].id}-error"' in html
    assert active_ranking(lot) == before and log_count() == 0
    out_of_range = client.post(f"/admin/lots/{lot.id}/ranking",
                               data={**form, f"rank_{members[1].id}": "9"})
    assert f'id="rank_{members[1].id}-error"' in out_of_range.get_data(as_text=True)


def test_move_up_and_down_buttons_swap_neighbours(client: FlaskClient, admin: User) -> None:
    lot = lot_number(3)
    a, b, c, *rest = lot_services.active_members(lot)
    tail = [m.vendor_id for m in rest]
    client.post(f"/admin/memberships/{c.id}/move", data={"direction": "up"})
    assert active_ranking(lot) == [a.vendor_id, c.vendor_id, b.vendor_id, *tail]
    client.post(f"/admin/memberships/{a.id}/move", data={"direction": "down"})
    assert active_ranking(lot) == [c.vendor_id, a.vendor_id, b.vendor_id, *tail]
    assert client.post(f"/admin/memberships/{c.id}/move",
                       data={"direction": "up"}).status_code == 409  # already first
    assert client.post(f"/admin/memberships/{c.id}/move",
                       data={"direction": "sideways"}).status_code == 400
    assert log_count("rank") == 4


def test_suspending_asks_for_a_reason_on_a_confirmation_page_that_changes_nothing(
        client: FlaskClient, admin: User) -> None:
    lot = lot_number(3)
    first = lot_services.active_members(lot)[0]
    html = page(client, f"/admin/memberships/{first.id}/suspend")
    assert f"Suspend {first.vendor.name} in lot 3?" in html.replace("&amp;", "&")
    db.session.refresh(first)
    assert first.status is MembershipStatus.ACTIVE and log_count() == 0

    no_reason = client.post(f"/admin/memberships/{first.id}/suspend", data={"reason": "  "})
    assert 'id="reason-error"' in no_reason.get_data(as_text=True)
    db.session.refresh(first)
    assert first.status is MembershipStatus.ACTIVE and log_count() == 0

    response = client.post(f"/admin/memberships/{first.id}/suspend",
                           data={"reason": "No capacity until June"})
    assert response.status_code == 302
    db.session.refresh(first)
    assert first.status is MembershipStatus.SUSPENDED
    assert first.status_reason == "No capacity until June"
    entry = db.session.execute(select(AdminLogEntry).where(
        AdminLogEntry.action == "suspend")).scalar_one()
    assert entry.actor_id == admin.id and entry.after["status"] == "suspended"
    assert first.vendor_id not in active_ranking(lot)
    # Suspending again is refused, even the confirmation page.
    assert client.get(f"/admin/memberships/{first.id}/suspend").status_code == 409

    assert client.post(f"/admin/memberships/{first.id}/reactivate").status_code == 302
    assert active_ranking(lot)[-1] == first.vendor_id
    assert log_count("reactivate") == 1


def test_terminating_is_confirmed_with_a_reason_and_is_final(client: FlaskClient,
                                                             admin: User) -> None:
    lot = lot_number(3)
    first = lot_services.active_members(lot)[0]
    page(client, f"/admin/memberships/{first.id}/terminate")
    assert log_count() == 0
    response = client.post(f"/admin/memberships/{first.id}/terminate",
                           data={"reason": "Contract breach"})
    assert response.status_code == 302
    db.session.refresh(first)
    assert first.status is MembershipStatus.TERMINATED and log_count("terminate") == 1
    assert client.post(f"/admin/memberships/{first.id}/reactivate").status_code == 409
    assert client.get(f"/admin/memberships/{first.id}/terminate").status_code == 409


def test_an_admin_adds_a_vendor_at_the_end_of_the_cascade(
        client: FlaskClient, admin: User, make_vendor: Callable[..., Vendor]) -> None:
    lot = lot_number(1)
    newcomer = make_vendor(name="Nouveau Venu SRL")
    assert "Nouveau Venu SRL" in page(client, f"/admin/lots/{lot.id}")
    response = client.post(f"/admin/lots/{lot.id}/members", data={"vendor": newcomer.id})
    assert response.status_code == 302
    assert active_ranking(lot)[-1] == newcomer.id
    again = client.post(f"/admin/lots/{lot.id}/members", data={"vendor": newcomer.id})
    assert 'id="vendor-error"' in again.get_data(as_text=True)
    nothing = client.post(f"/admin/lots/{lot.id}/members", data={"vendor": "0"})
    assert 'id="vendor-error"' in nothing.get_data(as_text=True)
    assert log_count("create") == 1


# --- Vendors ---------------------------------------------------------------------------------

VENDOR_FORM = {"name": "Participation Plus SRL", "enterprise_number": "0123.456.789",
               "contact_email": "Hello@Plus.example", "service_languages": ["fr", "en"],
               "presentation_fr": "Bureau bruxellois.", "presentation_nl": "",
               "presentation_en": "", "active": "y"}


def test_an_admin_creates_then_edits_a_vendor(client: FlaskClient, admin: User) -> None:
    assert client.post("/admin/vendors/new", data=VENDOR_FORM).status_code == 302
    vendor = db.session.execute(
        select(Vendor).where(Vendor.name == "Participation Plus SRL")).scalar_one()
    assert vendor.service_languages == "fr,en" and vendor.contact_email == "hello@plus.example"
    assert vendor.active
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
        client: FlaskClient, admin: User) -> None:
    before = table_counts()
    bad = {**VENDOR_FORM, "service_languages": [], "contact_email": "not an address",
           "enterprise_number": "12"}
    html = client.post("/admin/vendors/new", data=bad).get_data(as_text=True)
    for field in ("service_languages", "contact_email", "enterprise_number"):
        assert f'id="{field}-error"' in html, field
    taken = client.post("/admin/vendors/new",
                        data={**VENDOR_FORM, "name": "agora participation srl"})
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


def test_the_overview_links_every_framework_and_lot(client: FlaskClient, admin: User) -> None:
    html = page(client, "/admin/")
    for lot in lot_services.list_lots():
        assert f'href="/admin/lots/{lot.id}"' in html
    assert "BPART-2025-001" in html
