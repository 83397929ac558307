"""Ordering in a browser, under the app's real CSP: a demo buyer orders from the UI, staff ask
for changes with a reason, the buyer reads the notification, fixes and submits again, staff
approve. Then axe-core audits every order page in French and in Dutch."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from playwright.sync_api import ConsoleMessage, Page, expect
from sqlalchemy import select

from tests.browser.support import (
    BUYER,
    STAFF,
    ContextFactory,
    LiveApp,
    assert_accessible,
    switch_language,
)

LANGUAGES = ["fr", "nl"]
ITEM = "L3-WS-HALF"  # 650,00 € the half-day workshop, in lot 3


def _watch_console(page: Page, errors: list[str]) -> None:
    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            errors.append(f"{page.url}: {message.text}")

    page.on("console", on_console)


def _catalogue(live: LiveApp) -> dict[str, Any]:
    """Ids and titles of lot 3 and its workshop item, as the pages show them."""
    from app.catalogue.services import browse

    with live.app.app_context():
        item = browse.get_current_item(ITEM)
        return {"lot_id": item.lot_id, "lot_number": item.lot.number,
                "lot_title": {lang: item.lot.title(lang) for lang in ("fr", "nl", "en")},
                "item_id": item.id,
                "item_title": {lang: item.title(lang) for lang in ("fr", "nl", "en")}}


def _eur(cents: int, lang: str) -> str:
    from app.common.money import format_eur

    return format_eur(cents, lang)


def _order_status(live: LiveApp, order_id: int) -> str:
    from app.extensions import db
    from app.orders.models import Order

    with live.app.app_context():
        return str(db.session.execute(
            select(Order.status).where(Order.id == order_id)).scalar_one().value)


# --- The acceptance flow -------------------------------------------------------------------

def test_a_buyer_orders_staff_request_changes_the_buyer_fixes_and_staff_approve(
        language_context: ContextFactory, live_app: LiveApp) -> None:
    def t(msgid: str, **variables: Any) -> str:
        return live_app.tr("fr", msgid, **variables)

    cat = _catalogue(live_app)
    console_errors: list[str] = []
    title = "Budget participatif du quartier Flagey"

    # 1. The buyer opens "My orders", starts a new order and chooses lot 3.
    buyer = language_context("fr", user=BUYER).new_page()
    _watch_console(buyer, console_errors)
    buyer.goto("/")
    switch_language(buyer, "fr")
    buyer.get_by_role("navigation", name=t("Main menu")).get_by_role(
        "link", name=t("My orders"), exact=True).click()
    expect(buyer.locator("h1")).to_have_text(t("My orders"))
    buyer.get_by_role("link", name=t("New order"), exact=True).click()
    expect(buyer.locator("h1")).to_have_text(t("New order: choose a lot"))
    buyer.get_by_label(t("Lot %(number)s: %(title)s", number=cat["lot_number"],
                         title=cat["lot_title"]["fr"]), exact=True).check()
    buyer.get_by_role("button", name=t("Continue"), exact=True).click()
    expect(buyer.locator("h1")).to_have_text(t("New order"))

    # 2. Sending the form half-filled names the problems next to the fields.
    buyer.get_by_label(t("Title of the project"), exact=True).fill(title)
    buyer.get_by_role("button", name=t("Save the draft"), exact=True).click()
    expect(buyer.locator(".error-summary")).to_be_visible()
    expect(buyer.locator("#objectives-error")).to_have_text(t("This field is required."))
    expect(buyer.get_by_label(t("Title of the project"), exact=True)).to_have_value(title)

    # 3. The buyer completes the project and the lines, and saves the draft.
    buyer.get_by_label(t("Objectives"), exact=True).fill(
        "Recueillir les idées des habitants pour le budget participatif.")
    buyer.get_by_label(t("Consult"), exact=True).check()
    buyer.get_by_label(t("Commune"), exact=True).select_option(label="Ixelles")
    buyer.get_by_label(t("Planned start (optional)"), exact=True).fill("2026-09-01")
    buyer.get_by_label(t("Planned end (optional)"), exact=True).fill("2026-10-15")
    buyer.get_by_label(t("Quantity: %(item)s", item=cat["item_title"]["fr"]),
                       exact=True).fill("2")
    buyer.get_by_role("button", name=t("Save the draft"), exact=True).click()
    expect(buyer).to_have_url(re.compile(r"/orders/\d+$"))
    order_id = int(buyer.url.rsplit("/", 1)[1])
    expect(buyer.locator("h1")).to_have_text(title)
    expect(buyer.locator(".order-status-line .order-status")).to_have_text(t("Draft"))
    expect(buyer.get_by_test_id("total-excl-vat")).to_have_text(_eur(130000, "fr"))
    expect(buyer.get_by_test_id("total-vat")).to_have_text(_eur(27300, "fr"))
    expect(buyer.get_by_test_id("total-incl-vat")).to_have_text(_eur(157300, "fr"))

    # 4. ... and submits it.
    buyer.get_by_role("button", name=t("Submit for approval"), exact=True).click()
    expect(buyer.locator(".order-status-line .order-status")).to_have_text(
        t("Waiting for approval"))
    reference = buyer.locator(".order-reference span").inner_text()

    # 5. Staff find it in their queue and request changes, giving a reason.
    staff = language_context("fr", user=STAFF).new_page()
    _watch_console(staff, console_errors)
    staff.goto("/")
    switch_language(staff, "fr")
    staff.get_by_role("navigation", name=t("Main menu")).get_by_role(
        "link", name=t("Orders to approve"), exact=True).click()
    expect(staff.locator("h1")).to_have_text(t("Orders to approve"))
    staff.get_by_role("link", name=reference, exact=True).click()
    expect(staff.locator("h1")).to_have_text(title)
    staff.get_by_role("button", name=t("Request changes"), exact=True).click()
    expect(staff.locator("#reason-error")).to_be_visible()  # the reason is required
    reason = "Précisez les dates des ateliers et ajoutez un atelier pour les jeunes."
    staff.get_by_label(t("Reason"), exact=True).fill(reason)
    staff.get_by_role("button", name=t("Request changes"), exact=True).click()
    expect(staff.locator(".order-status-line .order-status")).to_have_text(
        t("Changes requested"))

    # 6. The buyer sees the notification, opens the order and reads the reason.
    buyer.goto("/")
    nav = buyer.get_by_role("navigation", name=t("Main menu"))
    expect(nav.locator(".badge")).to_be_visible()
    nav.get_by_role("link", name=re.compile(re.escape(t("Notifications")))).click()
    expect(buyer.locator("h1")).to_have_text(t("Notifications"))
    note = buyer.locator(".notification-unread").first
    expect(note).to_contain_text(reference)
    expect(note).to_contain_text(reason)
    note.get_by_role("link").click()
    expect(buyer).to_have_url(re.compile(rf"/orders/{order_id}$"))
    expect(buyer.locator("main")).to_contain_text(reason)
    expect(buyer.locator(".order-history")).to_contain_text(reason)

    # 7. The buyer fixes the order and submits it again.
    buyer.get_by_role("link", name=t("Edit the order"), exact=True).click()
    quantity = buyer.get_by_label(t("Quantity: %(item)s", item=cat["item_title"]["fr"]),
                                  exact=True)
    expect(quantity).to_have_value("2")
    quantity.fill("3")
    buyer.get_by_role("button", name=t("Save the changes"), exact=True).click()
    expect(buyer.get_by_test_id("total-excl-vat")).to_have_text(_eur(195000, "fr"))
    buyer.get_by_role("button", name=t("Submit for approval"), exact=True).click()
    expect(buyer.locator(".order-status-line .order-status")).to_have_text(
        t("Waiting for approval"))

    # 8. Staff approve; the buyer is told.
    staff.reload()
    staff.get_by_role("button", name=t("Approve"), exact=True).click()
    expect(staff.locator(".flash-success")).to_have_text(t("The order is approved."))
    expect(staff.locator(".order-status-line .order-status")).to_have_text(t("Approved"))
    assert _order_status(live_app, order_id) == "approved"
    buyer.goto("/orders/notifications")
    expect(buyer.locator(".notification-unread").first).to_contain_text(reference)
    buyer.get_by_role("button", name=t("Mark all as read"), exact=True).click()
    expect(buyer.locator(".notification-unread")).to_have_count(0)

    assert not console_errors, "console errors:\n" + "\n".join(console_errors)


# --- Orders in known states, for the audits ------------------------------------------------------

@dataclass(frozen=True)
class Orders:
    draft: int
    submitted: int
    history: int  # submitted, sent back for changes, submitted again
    approved: int


@pytest.fixture(scope="module")
def orders(live_app: LiveApp) -> Iterator[Orders]:
    from app.auth.services import user_by_email
    from app.catalogue.services import browse
    from app.extensions import db
    from app.orders import services

    with live_app.app.app_context():
        buyer, staff = user_by_email(BUYER), user_by_email(STAFF)
        staff2 = user_by_email("staff2@demo.example")
        assert buyer is not None and staff is not None and staff2 is not None
        item = browse.get_current_item(ITEM)

        def make(title: str) -> int:
            order = services.create_order(buyer, services.OrderInput(
                lot_id=item.lot_id, title=title, objectives="Écouter les habitants",
                participation_level="involve", commune="region",
                description="Trois ateliers de quartier", target_audiences="Jeunes",
                inclusion_measures="Interprétation en langue des signes",
                lines=[services.LineInput(item.id, 2)]))
            db.session.flush()
            return order.id

        draft = make("Audit : brouillon")
        submitted = make("Audit : soumis")
        services.submit(buyer, submitted)
        history = make("Audit : historique")
        services.submit(buyer, history)
        services.request_changes(staff, history, "Ajoutez les dates")
        services.submit(buyer, history)
        approved = make("Audit : approuvé")
        services.submit(buyer, approved)
        services.approve(staff2, approved)
        db.session.commit()
    yield Orders(draft, submitted, history, approved)


@dataclass(frozen=True)
class Audited:
    user: str
    visit: Callable[[Page, LiveApp, str, Orders], None]


def _goto(page: Page, path: str, status: int = 200) -> None:
    response = page.goto(path)
    assert response is not None and response.status == status, (
        f"GET {path}: {response.status if response else 'no response'}, expected {status}")


def _h1(page: Page, live: LiveApp, lang: str, msgid: str, **variables: Any) -> None:
    expect(page.locator("h1")).to_have_text(live.tr(lang, msgid, **variables))


def _errors_shown(page: Page, live: LiveApp, lang: str) -> None:
    expect(page.locator(".error-summary h2")).to_have_text(live.tr(lang, "There is a problem"))
    expect(page.locator(".error-message").first).to_be_visible()


def buyer_list(page: Page, live: LiveApp, lang: str, o: Orders) -> None:
    _goto(page, "/orders/")
    _h1(page, live, lang, "My orders")
    expect(page.locator("table.orders-table tbody tr").first).to_be_visible()


def choose_lot(page: Page, live: LiveApp, lang: str, o: Orders) -> None:
    _goto(page, "/orders/new")
    _h1(page, live, lang, "New order: choose a lot")


def new_form(page: Page, live: LiveApp, lang: str, o: Orders) -> None:
    _goto(page, f"/orders/new?lot={_catalogue(live)['lot_id']}")
    _h1(page, live, lang, "New order")


def new_form_errors(page: Page, live: LiveApp, lang: str, o: Orders) -> None:
    new_form(page, live, lang, o)
    cat = _catalogue(live)
    page.get_by_label(live.tr(lang, "Quantity: %(item)s", item=cat["item_title"][lang]),
                      exact=True).fill("-2")
    page.locator("main form.order-form button[type=submit]").click()
    _errors_shown(page, live, lang)
    expect(page.locator(f"#quantity-{cat['item_id']}-error")).to_be_visible()


def edit_form(page: Page, live: LiveApp, lang: str, o: Orders) -> None:
    _goto(page, f"/orders/{o.draft}/edit")
    expect(page.locator("#title")).to_have_value("Audit : brouillon")


def order_draft(page: Page, live: LiveApp, lang: str, o: Orders) -> None:
    _goto(page, f"/orders/{o.draft}")
    expect(page.locator(".order-status-line .order-status")).to_have_text(
        live.tr(lang, "Draft"))


def order_submitted(page: Page, live: LiveApp, lang: str, o: Orders) -> None:
    _goto(page, f"/orders/{o.submitted}")
    expect(page.locator(".order-status-line .order-status")).to_have_text(
        live.tr(lang, "Waiting for approval"))


def order_history_staff(page: Page, live: LiveApp, lang: str, o: Orders) -> None:
    _goto(page, f"/orders/{o.history}")
    expect(page.locator(".order-history li")).to_have_count(4)
    expect(page.locator(".order-ceilings")).to_be_visible()


def order_staff_errors(page: Page, live: LiveApp, lang: str, o: Orders) -> None:
    _goto(page, f"/orders/{o.submitted}")
    page.locator("form.order-request-changes button[type=submit]").click()
    _errors_shown(page, live, lang)


def withdraw_confirm(page: Page, live: LiveApp, lang: str, o: Orders) -> None:
    _goto(page, f"/orders/{o.draft}/withdraw")
    expect(page.locator("h1")).to_contain_text("PP-")


def reject_confirm(page: Page, live: LiveApp, lang: str, o: Orders) -> None:
    _goto(page, f"/orders/{o.submitted}/reject")
    expect(page.locator("#reason")).to_be_visible()


def reject_confirm_errors(page: Page, live: LiveApp, lang: str, o: Orders) -> None:
    reject_confirm(page, live, lang, o)
    page.locator("main form button[type=submit]").click()
    _errors_shown(page, live, lang)
    assert _order_status(live, o.submitted) == "submitted"


def cancel_confirm(page: Page, live: LiveApp, lang: str, o: Orders) -> None:
    _goto(page, f"/orders/{o.approved}/cancel")
    expect(page.locator("#reason")).to_be_visible()


def staff_queue(page: Page, live: LiveApp, lang: str, o: Orders) -> None:
    _goto(page, "/orders/")
    _h1(page, live, lang, "Orders to approve")
    expect(page.locator("table.orders-table tbody tr").first).to_be_visible()


def staff_queue_filtered(page: Page, live: LiveApp, lang: str, o: Orders) -> None:
    lot_id = _catalogue(live)["lot_id"]
    _goto(page, f"/orders/?status=&lot={lot_id}&min_amount=100&sort=amount_desc")
    expect(page.locator("table.orders-table tbody tr").first).to_be_visible()


def staff_queue_errors(page: Page, live: LiveApp, lang: str, o: Orders) -> None:
    _goto(page, "/orders/?min_amount=beaucoup&older_than=-1")
    _errors_shown(page, live, lang)


def notifications(page: Page, live: LiveApp, lang: str, o: Orders) -> None:
    _goto(page, "/orders/notifications")
    _h1(page, live, lang, "Notifications")
    expect(page.locator(".notification").first).to_be_visible()


PAGES = {
    "buyer-orders": Audited(BUYER, buyer_list),
    "choose-lot": Audited(BUYER, choose_lot),
    "new-order": Audited(BUYER, new_form),
    "new-order-errors": Audited(BUYER, new_form_errors),
    "edit-order": Audited(BUYER, edit_form),
    "order-draft": Audited(BUYER, order_draft),
    "order-submitted": Audited(BUYER, order_submitted),
    "order-history-staff": Audited(STAFF, order_history_staff),
    "order-staff-errors": Audited(STAFF, order_staff_errors),
    "withdraw-confirm": Audited(BUYER, withdraw_confirm),
    "reject-confirm": Audited(STAFF, reject_confirm),
    "reject-confirm-errors": Audited(STAFF, reject_confirm_errors),
    "cancel-confirm": Audited(STAFF, cancel_confirm),
    "staff-queue": Audited(STAFF, staff_queue),
    "staff-queue-filtered": Audited(STAFF, staff_queue_filtered),
    "staff-queue-errors": Audited(STAFF, staff_queue_errors),
    "notifications-buyer": Audited(BUYER, notifications),
    "notifications-staff": Audited(STAFF, notifications),
}


@pytest.mark.parametrize("name", list(PAGES))
@pytest.mark.parametrize("lang", LANGUAGES)
def test_order_page_has_no_wcag_violation(language_context: ContextFactory,
                                          live_app: LiveApp, orders: Orders, lang: str,
                                          name: str) -> None:
    audited = PAGES[name]
    page = language_context(lang, user=audited.user, audit=True).new_page()
    page.goto("/")
    switch_language(page, lang)
    audited.visit(page, live_app, lang, orders)
    expect(page.locator("html")).to_have_attribute("lang", lang)
    assert_accessible(page, f"{name} [{lang}]")


@pytest.mark.parametrize("path", ["/orders/new?lot={lot}", "/orders/{order}"])
@pytest.mark.parametrize("lang", LANGUAGES)
def test_order_pages_reflow_at_320_css_pixels(language_context: ContextFactory,
                                              live_app: LiveApp, orders: Orders, lang: str,
                                              path: str) -> None:
    """No horizontal page scroll at 320 px (tables scroll inside their own region)."""
    page = language_context(lang, user=BUYER).new_page()
    page.goto("/")
    switch_language(page, lang)
    page.set_viewport_size({"width": 320, "height": 640})
    _goto(page, path.format(lot=_catalogue(live_app)["lot_id"], order=orders.history))
    widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"{path} [{lang}] is {widths[0]} px wide in a 320 px window"
