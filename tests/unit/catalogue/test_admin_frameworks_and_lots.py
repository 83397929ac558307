"""Admin pages for frameworks, lots and their rankings: creating, editing, reordering,
suspending, terminating and adding vendors through the forms."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from flask.testing import FlaskClient
from markupsafe import escape
from sqlalchemy import select

from app.auth.models import User
from app.catalogue.models import (
    AwardMethod,
    FrameworkStatus,
    MembershipStatus,
)
from app.catalogue.services import frameworks as framework_services
from app.catalogue.services import lots as lot_services
from app.catalogue.services import memberships as membership_services
from app.common.admin_log import AdminLogEntry
from app.extensions import db
from app.vendors.models import Vendor

from .support import (
    WORLD_REFERENCE,
    active_ranking,
    log_count,
    lot_number,
    page,
    table_counts,
)

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
    ({"reference": WORLD_REFERENCE}, "reference"),   # the catalogue's framework's
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
    framework = framework_services.framework_by_reference(WORLD_REFERENCE)
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
    framework = framework_services.framework_by_reference(WORLD_REFERENCE)
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
