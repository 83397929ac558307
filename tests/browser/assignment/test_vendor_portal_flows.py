"""The vendor portal in a browser, under the app's real CSP: the rank-1 vendor declines an offer
with a reason, the next vendor accepts it, the buyer reads the assignment timeline; a vendor
quotes with its PDF and the buyer downloads the awarded quote."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

from tests.browser.assignment.portal import (
    PDF,
    answer,
    attempts_of,
    deadline,
    dispatch,
    order_status,
)
from tests.browser.support import BUYER, ContextFactory, LiveApp, switch_language

# --- The flow -------------------------------------------------------------------------------

def test_a_vendor_declines_the_next_accepts_and_the_buyer_sees_the_timeline(
        language_context: ContextFactory, live_app: LiveApp) -> None:
    def t(msgid: str, **variables: Any) -> str:
        return live_app.tr("fr", msgid, **variables)

    order = dispatch(live_app, 3, "L3-WS-HALF", "Balades exploratoires à Forest")
    [first] = order.attempts

    # 1. The rank-1 vendor opens "My offers" and finds the offer with its deadline.
    vendor1 = language_context("fr", user=first.vendor_email).new_page()
    vendor1.goto("/")
    switch_language(vendor1, "fr")
    vendor1.get_by_role("navigation", name=t("Main menu")).get_by_role(
        "link", name=t("My offers"), exact=True).click()
    expect(vendor1.locator("h1")).to_have_text(t("My offers"))
    row = vendor1.locator("table.vendor-open tbody tr").filter(has_text=order.reference)
    expect(row).to_contain_text(t("Offer (cascade)"))
    expect(row).to_contain_text(deadline(live_app, first.id, "fr", "d MMM yyyy HH:mm"))
    row.get_by_role("link").click()
    expect(vendor1).to_have_url(re.compile(rf"/vendor/offers/{first.id}$"))
    expect(vendor1.locator("h1")).to_have_text("Balades exploratoires à Forest")
    expect(vendor1.get_by_test_id("deadline")).to_have_text(
        deadline(live_app, first.id, "fr", "d MMMM yyyy HH:mm"))

    # 2. One form, one button: no answer chosen, or a decline without a reason, names the
    # problem (the choice is kept); with a reason, the offer moves on.
    send = vendor1.get_by_role("button", name=t("Send my answer"), exact=True)
    send.click()
    expect(vendor1.locator("#answer-error")).to_have_text(t("Choose one of the three answers."))
    decline = vendor1.get_by_label(t("I decline the offer"), exact=True)
    decline.check()
    send.click()
    expect(vendor1.locator("#reason-error")).to_have_text(t("Give a reason."))
    expect(decline).to_be_checked()
    vendor1.get_by_label(t("Reason for declining"), exact=True).fill("Aucun animateur libre.")
    send.click()
    expect(vendor1.locator(".flash-success")).to_have_text(
        t("You declined the offer: it goes to the next vendor."))
    expect(vendor1.locator("table.vendor-past")).to_contain_text(order.reference)

    # 3. The next vendor accepts, declaring no conflict of interest.
    second = attempts_of(live_app, order.order_id)[1]
    vendor2 = language_context("fr", user=second.vendor_email).new_page()
    vendor2.goto("/")
    switch_language(vendor2, "fr")
    vendor2.goto("/vendor/")
    vendor2.locator("table.vendor-open tbody tr").filter(
        has_text=order.reference).get_by_role("link").click()
    vendor2.get_by_label(t("I accept the offer and declare I have no conflict of interest "
                           "for this assignment"), exact=True).check()
    vendor2.get_by_role("button", name=t("Send my answer"), exact=True).click()
    expect(vendor2.locator(".flash-success")).to_have_text(t(
        "You accepted the offer: the order %(reference)s is assigned to your company.",
        reference=order.reference))
    assert order_status(live_app, order.order_id) == "assigned"
    vendor2.goto("/vendor/")
    expect(vendor2.locator("table.orders-table")).to_contain_text(order.reference)

    # 4. The buyer reads the timeline on the order page.
    buyer = language_context("fr", user=BUYER).new_page()
    buyer.goto("/")
    switch_language(buyer, "fr")
    buyer.goto(f"/orders/{order.order_id}")
    expect(buyer.locator(".order-status-line .order-status")).to_have_text(
        t("Assigned to a vendor"))
    timeline = buyer.locator("table.order-assignment tbody tr")
    expect(timeline).to_have_count(2)
    # Bids are sealed (DESIGN §1): who declined, and why, is not the buyer's to know.
    expect(timeline.nth(0)).to_contain_text(t("A vendor"))
    expect(timeline.nth(0)).not_to_contain_text(first.vendor_name)
    expect(timeline.nth(0)).to_contain_text(t("Declined"))
    expect(timeline.nth(0)).not_to_contain_text("Aucun animateur libre.")
    expect(timeline.nth(1)).to_contain_text(second.vendor_name)
    expect(timeline.nth(1)).to_contain_text(t("Accepted"))


def test_a_vendor_quotes_with_its_pdf_and_the_buyer_downloads_the_awarded_quote(
        language_context: ContextFactory, live_app: LiveApp) -> None:
    def t(msgid: str, **variables: Any) -> str:
        return live_app.tr("nl", msgid, **variables)

    order = dispatch(live_app, 5, "L5-YOUTH", "Jongerenworkshop in Vorst")
    first, *others = order.attempts

    # 1. The rank-1 vendor answers the invitation with a price, a note and its PDF.
    vendor = language_context("nl", user=first.vendor_email).new_page()
    vendor.goto("/")
    switch_language(vendor, "nl")
    vendor.goto(f"/vendor/offers/{first.id}")
    vendor.get_by_label(t("I send a quote and declare I have no conflict of interest for "
                          "this assignment"), exact=True).check()
    vendor.get_by_label(t("Price excl. VAT (€)"), exact=True).fill("400,00")
    vendor.get_by_label(t("Written quote (optional)"), exact=True).set_input_files(
        {"name": "offerte jongeren.pdf", "mimeType": "application/pdf", "buffer": PDF})
    vendor.get_by_role("button", name=t("Send my answer"), exact=True).click()
    expect(vendor.locator(".flash-success")).to_have_text(
        t("Your quote is sent. You will be told the result once the competition closes."))
    expect(vendor.get_by_test_id("quote-document")).to_be_visible()

    # 2. The others decline: the competition closes and the quote is awarded.
    for attempt in others:
        answer(live_app, attempt, "decline", reason="Volzet")
    assert order_status(live_app, order.order_id) == "assigned"

    # 3. The buyer finds the written quote on the timeline and downloads it.
    buyer = language_context("nl", user=BUYER).new_page()
    buyer.goto("/")
    switch_language(buyer, "nl")
    buyer.goto(f"/orders/{order.order_id}")
    link = buyer.locator("table.order-assignment").get_by_test_id("quote-document")
    expect(link).to_have_count(1)
    with buyer.expect_download() as download_info:
        link.click()
    download = download_info.value
    assert download.suggested_filename == "offerte jongeren.pdf"
    path = download.path()
    assert path is not None
    with open(path, "rb") as saved:
        assert saved.read() == PDF
