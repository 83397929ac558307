"""The order page's "what happens next" panel, in the reader's language, with the facts the
higher packages give it (the answer deadline, the open invoices)."""

from __future__ import annotations

import html

import pytest
from flask import Flask

from app.assignment.attempt_reads import open_deadline_fact
from app.auth.models import Language, Role, User
from app.extensions import db
from app.invoicing import services as invoicing
from app.orders import hooks
from app.orders.models import OrderStatus
from app.orders.next_steps import OFFER_DEADLINE, OPEN_INVOICES
from tests import factories
from tests.unit.invoicing.invoice_support import typed
from tests.unit.orders.pages_support import Clients, tr

S = OrderStatus


def _page(client_for: Clients, user: User, order_id: int) -> str:
    response = client_for(user).get(f"/orders/{order_id}")
    assert response.status_code == 200
    return html.unescape(response.get_data(as_text=True))


@pytest.mark.parametrize("language", ["fr", "nl"])
def test_the_buyer_and_the_vendor_read_what_happens_next_in_their_language(
        app: Flask, client_for: Clients, language: str) -> None:
    buyer = factories.user(language=language)
    order = factories.order(S.ASSIGNED, buyer=buyer)
    vendor = factories.vendor_user(order.vendor_id or 0)
    vendor.language = Language(language)
    db.session.commit()
    vendor_name = order.vendor.name if order.vendor else ""

    page = _page(client_for, buyer, order.id)
    assert f'<html lang="{language}"' in page
    assert tr(language, "What happens next") in page
    assert tr(language, "The vendor carries out the work") in page
    assert tr(language, "%(vendor)s carries out the work.", vendor=vendor_name) in page

    page = _page(client_for, vendor, order.id)
    assert tr(language, "What happens next") in page
    assert tr(language, "You carry out the work") in page
    assert tr(language, "Carry out the work described in the order form, then mark the "
                        "order delivered.") in page


def test_the_panel_comes_before_what_the_reader_can_do(app: Flask, client_for: Clients) -> None:
    buyer = factories.user(language="en")
    order = factories.order(S.DRAFT, buyer=buyer)
    page = _page(client_for, buyer, order.id)
    assert 'aria-labelledby="next-steps-title"' in page
    assert page.index('id="next-steps-title"') < page.index('id="actions-title"')
    assert "Complete the order, then submit it for approval." in page


def test_the_buyer_sees_when_an_answer_is_expected_in_brussels_time(
        app: Flask, client_for: Clients) -> None:
    buyer = factories.user(language="en")
    order = factories.order(S.AWAITING_VENDOR, buyer=buyer)
    (attempt,) = factories.open_attempts(order)
    facts = hooks.page_sections(buyer, order).facts
    assert facts[OFFER_DEADLINE] == attempt.expires_at
    shown = app.jinja_env.filters["datetime"](attempt.expires_at)
    assert f"An answer is expected by {shown}." in _page(client_for, buyer, order.id)


def test_a_vendor_is_given_only_its_own_deadline(app: Flask) -> None:
    """(A vendor opens the order page only once assigned; the fact is scoped all the same.)"""
    order = factories.order(S.AWAITING_VENDOR)
    (attempt,) = factories.open_attempts(order)
    asked = factories.vendor_user(attempt.vendor_id)
    other = factories.user(Role.VENDOR)
    assert open_deadline_fact(asked, order)[OFFER_DEADLINE] == attempt.expires_at
    assert open_deadline_fact(other, order) == {}


def test_the_open_invoices_are_counted_for_the_page(app: Flask, client_for: Clients) -> None:
    buyer = factories.user(language="en")
    staff = factories.user(Role.STAFF, language="en")
    order = factories.order(S.COMPLETED, buyer=buyer)
    vendor = factories.vendor_user(order.vendor_id or 0)
    assert hooks.page_sections(staff, order).facts[OPEN_INVOICES] == 0
    invoicing.register(vendor, order.id, typed(order))
    db.session.commit()
    assert hooks.page_sections(staff, order).facts[OPEN_INVOICES] == 1
    assert "Invoices still open: 1." in _page(client_for, staff, order.id)
    assert "Invoices still open: 1." in _page(client_for, buyer, order.id)
