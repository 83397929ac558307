"""The order form refuses bad input by field, in the reader's language, and loses nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import select

from app.auth.models import AdhesionStatus, Organisation, User
from app.extensions import db
from app.orders import validation
from app.orders.models import Order, OrderStatus
from tests.unit.helpers import page_text
from tests.unit.orders.pages_support import (
    Clients,
    draft,
    event_count,
    form_data,
    item,
    lot,
    order_count,
    tr,
)

S = OrderStatus


# --- Bad input -----------------------------------------------------------------------------------

BAD_INPUT: list[tuple[str, dict[str, Any], str, str]] = [
    # (case, changes to the form, id of the error's field, the error message's msgid)
    ("negative", {"quantities": {"L3-WS-HALF": "-3"}}, "quantity-{L3-WS-HALF}",
     "Enter a whole number from 0 to %(n)s."),
    ("fractional", {"quantities": {"L3-WS-HALF": "1.5"}}, "quantity-{L3-WS-HALF}",
     "Enter a whole number from 0 to %(n)s."),
    ("huge", {"quantities": {"L3-WS-HALF": "99999999999"}}, "quantity-{L3-WS-HALF}",
     "Enter a whole number from 0 to %(n)s."),
    ("unknown item", {"quantities": {"L3-WS-HALF": "1"}, "quantity-987654": "2"}, "lines",
     "This service is not in the catalogue."),
    ("item of another lot", {"quantities": {"L3-WS-HALF": "1"}, "other_lot_item": "1"},
     "lines", "This service belongs to another lot."),
    ("nothing ordered", {"quantities": {"L3-WS-HALF": "0"}}, "lines",
     "Add at least one service."),
    ("unknown commune", {"commune": "paris"}, "commune",
     "Choose a commune of the Brussels-Capital Region."),
    ("over-long title", {"title": "x" * 201}, "title", "Use at most %(n)s characters."),
    ("missing objectives", {"objectives": "  "}, "objectives", "This field is required."),
    ("no level", {"participation_level": ""}, "participation_level-0",
     "Choose a level of citizen involvement."),
    ("end before start", {"planned_start": "2026-05-01", "planned_end": "2026-04-01"},
     "planned_end", "The end date is before the start date."),
]
LABELS = {"title": "Title of the project", "objectives": "Objectives",
          "commune": "Commune", "participation_level-0": "Level of citizen involvement",
          "planned_end": "Planned end (optional)", "lines": "Services"}


@pytest.mark.parametrize("language", ["fr", "nl", "en"])
def test_bad_input_is_refused_by_field_in_the_readers_language(
        people: dict[str, User], client_for: Clients, make_user: Callable[..., User],
        language: str) -> None:
    client = client_for(make_user(organisation=people["buyer"].organisation, language=language))
    for case, changes, target, msgid in BAD_INPUT:
        changes = dict(changes)
        data = form_data(quantities=changes.pop("quantities", None), **{
            k: v for k, v in changes.items() if k != "other_lot_item"})
        if "other_lot_item" in changes:
            data[f"quantity-{item('L4-VIDEO').id}"] = "1"
        target = target.replace("{L3-WS-HALF}", str(item("L3-WS-HALF").id))
        message = tr(language, msgid, n=200 if "title" in target else validation.MAX_QUANTITY)

        response = client.post(f"/orders/new?lot={lot(3).id}", data=data)

        assert response.status_code == 200, case
        page = page_text(response)
        assert 'class="error-summary"' in page, case
        assert f'href="#{target}"' in page, case
        assert message in page, (case, message)
        if target.startswith("quantity-"):
            label = tr(language, "Quantity: %(item)s",
                       item=item("L3-WS-HALF").title(language))
            assert f"{label}: {message}" in page, case
            assert f'id="{target}-error"' in page, case
        else:
            assert f"{tr(language, LABELS[target])}: {message}" in page, case
        assert order_count() == 0, case


def test_an_invalid_date_or_lot_is_refused(people: dict[str, User], client_for: Clients) -> None:
    buyer = client_for(people["buyer"])
    page = page_text(buyer.post("/orders/new", data=form_data(planned_start="2026-02-31")))
    assert 'id="planned_start-error"' in page
    page = page_text(buyer.post("/orders/new", data=form_data(lot_id="nope")))
    assert 'href="#order-lot"' in page
    assert order_count() == 0


def test_a_refused_edit_leaves_the_order_as_it_was(people: dict[str, User],
                                                   client_for: Clients) -> None:
    order = draft(people["buyer"])
    before = (order.title, order.total_excl_vat_cents, event_count(order))
    response = client_for(people["buyer"]).post(f"/orders/{order.id}/edit", data=form_data(
        title="New title", quantities={"L3-WS-HALF": "-1"}))
    assert response.status_code == 200
    db.session.refresh(order)
    assert (order.title, order.total_excl_vat_cents, event_count(order)) == before


def test_a_pending_organisation_drafts_but_cannot_submit(
        people: dict[str, User], client_for: Clients, make_org: Callable[..., Organisation],
        make_user: Callable[..., User]) -> None:
    buyer = make_user(organisation=make_org(AdhesionStatus.PENDING), language="en")
    client = client_for(buyer)
    assert "adhesion is not approved yet" in page_text(client.get("/orders/"))
    response = client.post("/orders/new", data=form_data())
    assert response.status_code == 302
    order = db.session.execute(select(Order)).scalar_one()
    page = page_text(client.get(f"/orders/{order.id}"))
    assert "adhesion is not approved yet" in page and "Submit for approval" not in page
    assert client.post(f"/orders/{order.id}/submit").status_code == 409
    db.session.refresh(order)
    assert order.status is S.DRAFT
