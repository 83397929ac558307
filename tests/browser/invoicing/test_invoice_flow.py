"""Invoices in a browser, under the app's real CSP: the vendor registers an invoice from the
order page (a refused one first), the buyer accepts it and records its payment, staff close
the order; axe-core audits every new page, with its errors, in French and in Dutch."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.assignment.portal import LANGUAGES, answer, dispatch, order_status
from tests.browser.support import (
    BUYER,
    STAFF,
    ContextFactory,
    LiveApp,
    assert_accessible,
    switch_language,
)


def completed(live: LiveApp, title: str, *, confirmed: bool = True) -> tuple[int, str, str]:
    """An order of the cascade lot 3, accepted by its first vendor, delivered and (unless
    ``confirmed`` is false) received: (id, reference, vendor's e-mail address)."""
    from app.auth.services import user_by_email
    from app.execution import services
    from app.extensions import db

    order = dispatch(live, 3, "L3-MEETING", title)
    answer(live, order.attempts[0], "accept", conflict_of_interest=False)
    with live.app.app_context():
        vendor, buyer = user_by_email(order.attempts[0].vendor_email), user_by_email(BUYER)
        assert vendor is not None and buyer is not None
        services.deliver(vendor, order.order_id, "Réunion tenue.")
        if confirmed:
            services.confirm_receipt(buyer, order.order_id)
        db.session.commit()
    return order.order_id, order.reference, order.attempts[0].vendor_email


def _open(page: Page, path: str) -> None:
    response = page.goto(path)
    assert response is not None and response.status == 200, path


def test_vendor_invoices_buyer_pays_staff_close(language_context: ContextFactory,
                                                live_app: LiveApp) -> None:
    def t(msgid: str, **variables: object) -> str:
        return live_app.tr("nl", msgid, **variables)

    order_id, reference, vendor_email = completed(live_app, "Facturatie: buurtvergadering")
    vendor = language_context("nl", user=vendor_email).new_page()
    _open(vendor, f"/orders/{order_id}")
    switch_language(vendor, "nl")
    vendor.get_by_role("link", name=t("Register an invoice…"), exact=True).click()
    expect(vendor.locator("h1")).to_have_text(
        t("Register an invoice for the order %(reference)s", reference=reference))
    vendor.get_by_label(t("Invoice number"), exact=True).fill("2026/117")
    vendor.get_by_label(t("Issue date"), exact=True).fill("2026-12-01")
    vendor.get_by_label(t("Amount excl. VAT (EUR)"), exact=True).fill("100,00")
    vendor.get_by_label(t("VAT (EUR)"), exact=True).fill("veel")
    register = vendor.get_by_role("button", name=t("Register the invoice"), exact=True)
    register.click()
    expect(vendor.locator("#vat-error")).to_be_visible()
    vendor.get_by_label(t("VAT (EUR)"), exact=True).fill("21,00")
    register.click()
    expect(vendor.locator(".flash-success")).to_have_text(
        t("The invoice is registered: the buyer is asked to handle it."))
    expect(vendor.get_by_test_id("invoice-row")).to_have_attribute("data-state", "registered")

    buyer = language_context("nl", user=BUYER).new_page()
    _open(buyer, "/invoices")
    switch_language(buyer, "nl")
    expect(buyer.get_by_test_id("invoice-row")).to_contain_text("2026/117")
    buyer.get_by_role("link", name=f"{t('Accept…')} 2026/117", exact=True).click()
    buyer.get_by_role("button", name=t("Yes, accept the invoice"), exact=True).click()
    expect(buyer.locator(".flash-success")).to_have_text(
        t("The invoice is accepted: record the payment once it is made."))
    buyer.get_by_role("link", name=f"{t('Record the payment…')} 2026/117", exact=True).click()
    buyer.get_by_label(t("Payment date"), exact=True).fill("2026-12-02")
    buyer.get_by_role("button", name=t("Record the payment"), exact=True).click()
    expect(buyer.get_by_test_id("invoice-row")).to_have_attribute("data-state", "paid")

    staff = language_context("nl", user=STAFF).new_page()
    _open(staff, f"/orders/{order_id}")
    switch_language(staff, "nl")
    staff.get_by_role("link", name=t("Close the order…"), exact=True).click()
    staff.get_by_role("button", name=t("Yes, close the order"), exact=True).click()
    expect(staff.locator(".flash-success")).to_have_text(
        t("The order is closed: the rest of its commitment is released."))
    assert order_status(live_app, order_id) == "closed"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_invoice_pages_pass_axe(language_context: ContextFactory, live_app: LiveApp,
                                    lang: str) -> None:
    order_id, _reference, vendor_email = completed(live_app, f"Audit facture {lang}")
    vendor = language_context(lang, user=vendor_email, audit=True).new_page()
    _open(vendor, f"/orders/{order_id}/invoices/new")
    switch_language(vendor, lang)
    assert_accessible(vendor, f"the invoice form ({lang})")
    vendor.get_by_role("button", name=live_app.tr(lang, "Register the invoice"),
                       exact=True).click()
    expect(vendor.locator(".error-summary")).to_be_visible()
    assert_accessible(vendor, f"the invoice form with its errors ({lang})")
    vendor.get_by_label(live_app.tr(lang, "Invoice number"), exact=True).fill(f"A-{lang}")
    vendor.get_by_label(live_app.tr(lang, "Issue date"), exact=True).fill("2026-10-01")
    vendor.get_by_label(live_app.tr(lang, "Due date (optional)"), exact=True).fill(
        "2026-10-31")
    vendor.get_by_label(live_app.tr(lang, "Amount excl. VAT (EUR)"), exact=True).fill("50")
    vendor.get_by_label(live_app.tr(lang, "VAT (EUR)"), exact=True).fill("10,50")
    vendor.get_by_role("button", name=live_app.tr(lang, "Register the invoice"),
                       exact=True).click()
    expect(vendor.locator(".flash-success")).to_be_visible()
    assert_accessible(vendor, f"the order page with an invoice, for its vendor ({lang})")

    buyer = language_context(lang, user=BUYER, audit=True).new_page()
    _open(buyer, "/invoices?overdue=1")
    switch_language(buyer, lang)
    expect(buyer.get_by_test_id("overdue").first).to_be_visible()
    assert_accessible(buyer, f"the overdue invoices ({lang})")
    _open(buyer, "/invoices")
    invoice = buyer.get_by_test_id("invoice-row").filter(has_text=f"A-{lang}")
    href = invoice.get_by_role("link", name=f"{live_app.tr(lang, 'Dispute…')} A-{lang}",
                               exact=True).get_attribute("href")
    assert href is not None
    _open(buyer, href)
    buyer.get_by_role("button", name=live_app.tr(lang, "Dispute the invoice"),
                      exact=True).click()
    expect(buyer.locator("#reason-error")).to_be_visible()
    assert_accessible(buyer, f"the dispute page with its error ({lang})")
    _open(buyer, href.replace("/dispute", "/accept"))
    assert_accessible(buyer, f"the accept page ({lang})")
    _open(buyer, f"/orders/{order_id}")
    assert_accessible(buyer, f"the order page with its invoices, for the buyer ({lang})")

    staff = language_context(lang, user=STAFF, audit=True).new_page()
    _open(staff, f"/orders/{order_id}/close")
    switch_language(staff, lang)
    assert_accessible(staff, f"the close page while an invoice waits ({lang})")
