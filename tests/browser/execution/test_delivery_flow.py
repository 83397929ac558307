"""Delivery and receipt in a browser, under the app's real CSP: the vendor marks an order
delivered with a document, the buyer contests it (a reason is asked for), the vendor
delivers again and the buyer confirms receipt; axe-core audits every new page, with its
errors, in French and in Dutch."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.assignment.portal import LANGUAGES, PDF, answer, dispatch, order_status
from tests.browser.support import (
    BUYER,
    STAFF,
    ContextFactory,
    LiveApp,
    assert_accessible,
    switch_language,
)


def assigned(live: LiveApp, title: str) -> tuple[int, str, str]:
    """An order of the cascade lot 3 accepted by its first vendor: (id, reference, vendor's
    e-mail address)."""
    order = dispatch(live, 3, "L3-MEETING", title)
    answer(live, order.attempts[0], "accept", conflict_of_interest=False)
    assert order_status(live, order.order_id) == "assigned"
    return order.order_id, order.reference, order.attempts[0].vendor_email


def _open(page: Page, path: str) -> None:
    response = page.goto(path)
    assert response is not None and response.status == 200, path


def test_vendor_delivers_buyer_contests_then_confirms(
        language_context: ContextFactory, live_app: LiveApp, tmp_path) -> None:  # type: ignore[no-untyped-def]
    def t(msgid: str, **variables: object) -> str:
        return live_app.tr("fr", msgid, **variables)

    order_id, reference, vendor_email = assigned(live_app, "Livraison : ateliers d'Etterbeek")
    report = tmp_path / "rapport.pdf"
    report.write_bytes(PDF)

    vendor = language_context("fr", user=vendor_email).new_page()
    _open(vendor, f"/orders/{order_id}")
    switch_language(vendor, "fr")
    vendor.get_by_role("link", name=t("Mark the order delivered…"), exact=True).click()
    expect(vendor.locator("h1")).to_have_text(t("Mark the order %(reference)s delivered",
                                                reference=reference))
    vendor.get_by_label(t("Delivery note"), exact=True).fill("Trois ateliers tenus.")
    vendor.locator("#documents").set_input_files(str(report))
    vendor.get_by_role("button", name=t("Mark delivered"), exact=True).click()
    expect(vendor.locator(".flash-success")).to_have_text(
        t("The order is marked delivered: the buyer is asked to confirm receipt."))
    expect(vendor.get_by_test_id("delivery-document")).to_have_text("rapport.pdf")
    assert order_status(live_app, order_id) == "delivered"

    buyer = language_context("fr", user=BUYER).new_page()
    _open(buyer, f"/orders/{order_id}")
    switch_language(buyer, "fr")
    buyer.get_by_role("link", name=t("Contest the delivery…"), exact=True).click()
    send = buyer.get_by_role("button", name=t("Contest the delivery"), exact=True)
    send.click()
    expect(buyer.locator("#reason-error")).to_be_visible()
    buyer.get_by_label(t("What is missing or wrong"), exact=True).fill(
        "La liste des présences manque.")
    send.click()
    expect(buyer.locator(".flash-success")).to_have_text(
        t("The delivery is contested: the vendor is told what to complete."))
    assert order_status(live_app, order_id) == "assigned"

    vendor.reload()
    expect(vendor.locator("main")).to_contain_text("La liste des présences manque.")
    vendor.get_by_role("link", name=t("Mark the order delivered…"), exact=True).click()
    vendor.get_by_label(t("Delivery note"), exact=True).fill("Liste ajoutée.")
    vendor.get_by_role("button", name=t("Mark delivered"), exact=True).click()
    expect(vendor.locator("article.delivery")).to_have_count(2)

    buyer.reload()
    buyer.get_by_role("link", name=t("Confirm receipt…"), exact=True).click()
    expect(buyer.locator("main")).to_contain_text("Liste ajoutée.")
    buyer.get_by_role("button", name=t("Yes, confirm receipt"), exact=True).click()
    expect(buyer.locator(".flash-success")).to_have_text(
        t("Receipt is confirmed: the order is completed and the vendor may invoice it."))
    assert order_status(live_app, order_id) == "completed"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_delivery_pages_pass_axe(language_context: ContextFactory, live_app: LiveApp,
                                     lang: str) -> None:
    order_id, _reference, vendor_email = assigned(live_app, f"Audit livraison {lang}")
    vendor = language_context(lang, user=vendor_email, audit=True).new_page()
    _open(vendor, f"/orders/{order_id}")
    switch_language(vendor, lang)
    assert_accessible(vendor, f"the assigned order's page for its vendor ({lang})")
    _open(vendor, f"/orders/{order_id}/deliver")
    assert_accessible(vendor, f"the delivery form ({lang})")
    vendor.locator("#documents").set_input_files(
        files=[{"name": "plan.svg", "mimeType": "image/svg+xml", "buffer": b"<svg/>"}])
    vendor.get_by_role("button", name=live_app.tr(lang, "Mark delivered"), exact=True).click()
    expect(vendor.locator("#documents-error")).to_be_visible()
    assert_accessible(vendor, f"the delivery form with its errors ({lang})")
    vendor.locator("#documents").set_input_files(
        files=[{"name": "rapport.pdf", "mimeType": "application/pdf", "buffer": PDF}])
    vendor.get_by_role("button", name=live_app.tr(lang, "Mark delivered"), exact=True).click()
    expect(vendor.locator(".flash-success")).to_be_visible()

    for who in (BUYER, STAFF):
        page = language_context(lang, user=who, audit=True).new_page()
        _open(page, f"/orders/{order_id}")
        switch_language(page, lang)
        expect(page.get_by_test_id("delivery-document")).to_be_visible()
        assert_accessible(page, f"the delivered order's page for {who} ({lang})")
    buyer = language_context(lang, user=BUYER, audit=True).new_page()
    _open(buyer, f"/orders/{order_id}/confirm-receipt")
    assert_accessible(buyer, f"the confirm-receipt page ({lang})")
    _open(buyer, f"/orders/{order_id}/contest-delivery")
    buyer.get_by_role("button", name=live_app.tr(lang, "Contest the delivery"),
                      exact=True).click()
    expect(buyer.locator("#reason-error")).to_be_visible()
    assert_accessible(buyer, f"the contest page with its error ({lang})")
