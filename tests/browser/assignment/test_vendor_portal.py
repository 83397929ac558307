"""The vendor portal in a browser, under the app's real CSP: the rank-1 vendor declines an offer
with a reason, the next vendor accepts it, the buyer reads the assignment timeline. Then
axe-core audits the inbox, the offer and invitation pages (with errors) and the order page
with its timeline, in French and in Dutch.

Orders are put in their states through the services in the live app's context (the worker's
dispatch is called directly: the browser tier records outbox messages instead of sending).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.support import (
    BUYER,
    STAFF,
    ContextFactory,
    LiveApp,
    assert_accessible,
    switch_language,
)

LANGUAGES = ["fr", "nl"]


@dataclass(frozen=True)
class Attempt:
    id: int
    vendor_email: str
    vendor_name: str


@dataclass(frozen=True)
class Dispatched:
    order_id: int
    reference: str
    attempts: list[Attempt]


def _dispatch(live: LiveApp, lot_number: int, code: str, title: str) -> Dispatched:
    """A buyer's order, submitted, approved by staff and dispatched to the vendors."""
    from sqlalchemy import select

    from app.assignment.services import dispatch as dispatching
    from app.assignment.services import rounds
    from app.auth.models import Role, User
    from app.auth.services import user_by_email
    from app.catalogue.services import browse
    from app.extensions import db
    from app.orders import services

    with live.app.app_context():
        buyer, staff = user_by_email(BUYER), user_by_email(STAFF)
        assert buyer is not None and staff is not None
        item = browse.get_current_item(code)
        assert item.lot.number == lot_number
        order = services.create_order(buyer, services.OrderInput(
            lot_id=item.lot_id, title=title, objectives="Rencontrer les habitants du quartier",
            participation_level="consult", commune="forest",
            description="Deux balades et un atelier", target_audiences="Aînés et jeunes",
            inclusion_measures="Parcours sans marches",
            lines=[services.LineInput(item.id, 1)]))
        db.session.commit()
        services.submit(buyer, order.id)
        services.approve(staff, order.id)
        db.session.commit()
        dispatching.dispatch(order.id)
        db.session.commit()
        attempts = []
        for attempt in rounds.attempts_of(order):
            user = db.session.execute(select(User).where(
                User.vendor_id == attempt.vendor_id, User.role == Role.VENDOR)
                .order_by(User.id)).scalars().first()
            assert user is not None
            attempts.append(Attempt(attempt.id, user.email, attempt.vendor.name))
        return Dispatched(order.id, order.reference, attempts)


def _answer(live: LiveApp, attempt: Attempt, action: str, **kw: Any) -> list[Attempt]:
    """Answer as the attempt's vendor through the service; returns the order's attempts."""
    from app.assignment.services import answers
    from app.auth.services import user_by_email
    from app.extensions import db

    with live.app.app_context():
        user = user_by_email(attempt.vendor_email)
        assert user is not None
        order = getattr(answers, action)(user, attempt.id, **kw)
        db.session.commit()
        order_id = order.id
    return _attempts(live, order_id)


def _deadline(live: LiveApp, attempt_id: int, lang: str, fmt: str) -> str:
    from flask_babel import format_datetime

    from app.assignment.models import VendorAttempt
    from app.common.i18n import in_language
    from app.extensions import db

    with live.app.app_context(), in_language(lang):
        row = db.session.get(VendorAttempt, attempt_id)
        assert row is not None
        return str(format_datetime(row.expires_at, fmt))


def _order_status(live: LiveApp, order_id: int) -> str:
    from app.extensions import db
    from app.orders.models import Order

    with live.app.app_context():
        order = db.session.get(Order, order_id)
        assert order is not None
        return order.status.value


# --- The flow -------------------------------------------------------------------------------

def test_a_vendor_declines_the_next_accepts_and_the_buyer_sees_the_timeline(
        language_context: ContextFactory, live_app: LiveApp) -> None:
    def t(msgid: str, **variables: Any) -> str:
        return live_app.tr("fr", msgid, **variables)

    order = _dispatch(live_app, 3, "L3-WS-HALF", "Balades exploratoires à Forest")
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
    expect(row).to_contain_text(_deadline(live_app, first.id, "fr", "d MMM yyyy HH:mm"))
    row.get_by_role("link").click()
    expect(vendor1).to_have_url(re.compile(rf"/vendor/offers/{first.id}$"))
    expect(vendor1.locator("h1")).to_have_text("Balades exploratoires à Forest")
    expect(vendor1.get_by_test_id("deadline")).to_have_text(
        _deadline(live_app, first.id, "fr", "d MMMM yyyy HH:mm"))

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
    second = _attempts(live_app, order.order_id)[1]
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
    assert _order_status(live_app, order.order_id) == "assigned"
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


PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def test_a_vendor_quotes_with_its_pdf_and_the_buyer_downloads_the_awarded_quote(
        language_context: ContextFactory, live_app: LiveApp) -> None:
    def t(msgid: str, **variables: Any) -> str:
        return live_app.tr("nl", msgid, **variables)

    order = _dispatch(live_app, 5, "L5-YOUTH", "Jongerenworkshop in Vorst")
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
        _answer(live_app, attempt, "decline", reason="Volzet")
    assert _order_status(live_app, order.order_id) == "assigned"

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


def _attempts(live: LiveApp, order_id: int) -> list[Attempt]:
    from sqlalchemy import select

    from app.assignment.models import VendorAttempt
    from app.auth.models import Role, User
    from app.extensions import db

    with live.app.app_context():
        result = []
        for row in db.session.execute(select(VendorAttempt).where(
                VendorAttempt.order_id == order_id).order_by(VendorAttempt.attempt_no)).scalars():
            owner = db.session.execute(select(User).where(
                User.vendor_id == row.vendor_id, User.role == Role.VENDOR)
                .order_by(User.id)).scalars().first()
            assert owner is not None
            result.append(Attempt(row.id, owner.email, row.vendor.name))
        return result


# --- States for the audits ------------------------------------------------------------------

@dataclass(frozen=True)
class States:
    offer: Attempt            # an open offer (cascade)
    invitation: Attempt       # an open invitation (mini-competition)
    timeline: int             # an order assigned after a decline
    escalated: int            # no vendor quoted: staff may redispatch
    awarded: Dispatched       # a mini-competition won by the first quote, with its PDF


@pytest.fixture(scope="module")
def states(live_app: LiveApp) -> Iterator[States]:
    offer = _dispatch(live_app, 3, "L3-MEETING", "Audit : offre ouverte").attempts[0]
    invitation = _dispatch(live_app, 5, "L5-STREET", "Audit : invitation").attempts[0]

    timeline = _dispatch(live_app, 3, "L3-SIGN", "Audit : chronologie")
    attempts = _answer(live_app, timeline.attempts[0], "decline",
                       reason="Pas de disponibilité en juin.")
    _answer(live_app, attempts[1], "accept", conflict_of_interest=False)

    escalated = _dispatch(live_app, 5, "L5-STREET", "Audit : escaladée")
    _answer(live_app, escalated.attempts[0], "quote", price_cents=0, note="",
            conflict_of_interest=True)  # a conflict declared: no quote at all
    for attempt in escalated.attempts[1:]:
        _answer(live_app, attempt, "decline", reason="Complet")
    assert _order_status(live_app, escalated.order_id) == "escalated"
    from app.assignment.quote_documents import QuoteUpload

    awarded = _dispatch(live_app, 5, "L5-YOUTH", "Audit : attribuée")
    _answer(live_app, awarded.attempts[0], "quote", price_cents=30_000, note="Offre",
            document=QuoteUpload("offre.pdf", PDF), conflict_of_interest=False)
    for attempt in awarded.attempts[1:]:
        _answer(live_app, attempt, "decline", reason="Complet")
    assert _order_status(live_app, awarded.order_id) == "assigned"
    # The vendor of the open offer also has a past answer in its inbox.
    yield States(offer, invitation, timeline.order_id, escalated.order_id, awarded)


@dataclass(frozen=True)
class Audited:
    user: Callable[[States], str]
    visit: Callable[[Page, LiveApp, str, States], None]


def _goto(page: Page, path: str, status: int = 200) -> None:
    response = page.goto(path)
    assert response is not None and response.status == status, (
        f"GET {path}: {response.status if response else 'no response'}, expected {status}")


def _errors_shown(page: Page, live: LiveApp, lang: str) -> None:
    expect(page.locator(".error-summary h2")).to_have_text(live.tr(lang, "There is a problem"))
    expect(page.locator(".error-message").first).to_be_visible()


def inbox(page: Page, live: LiveApp, lang: str, s: States) -> None:
    _goto(page, "/vendor/")
    expect(page.locator("h1")).to_have_text(live.tr(lang, "My offers"))
    expect(page.locator("table.vendor-open tbody tr").first).to_be_visible()


def offer(page: Page, live: LiveApp, lang: str, s: States) -> None:
    _goto(page, f"/vendor/offers/{s.offer.id}")
    expect(page.locator("#answer")).to_be_visible()


def offer_errors(page: Page, live: LiveApp, lang: str, s: States) -> None:
    offer(page, live, lang, s)
    page.get_by_role("button", name=live.tr(lang, "Send my answer"), exact=True).click()
    _errors_shown(page, live, lang)
    expect(page.locator("#answer-error")).to_be_visible()


def offer_decline_errors(page: Page, live: LiveApp, lang: str, s: States) -> None:
    offer(page, live, lang, s)
    page.get_by_label(live.tr(lang, "I decline the offer"), exact=True).check()
    page.get_by_role("button", name=live.tr(lang, "Send my answer"), exact=True).click()
    _errors_shown(page, live, lang)
    expect(page.locator("#reason-error")).to_be_visible()


def invitation(page: Page, live: LiveApp, lang: str, s: States) -> None:
    _goto(page, f"/vendor/offers/{s.invitation.id}")
    expect(page.locator("#price")).to_be_visible()


def invitation_errors(page: Page, live: LiveApp, lang: str, s: States) -> None:
    invitation(page, live, lang, s)
    page.get_by_label(live.tr(lang, "I send a quote and declare I have no conflict of interest "
                              "for this assignment"), exact=True).check()
    page.locator("#price").fill("abc")
    page.get_by_role("button", name=live.tr(lang, "Send my answer"), exact=True).click()
    _errors_shown(page, live, lang)
    expect(page.locator("#price-error")).to_be_visible()


def order_timeline(page: Page, live: LiveApp, lang: str, s: States) -> None:
    _goto(page, f"/orders/{s.timeline}")
    expect(page.locator("table.order-assignment tbody tr")).to_have_count(2)


def order_escalated(page: Page, live: LiveApp, lang: str, s: States) -> None:
    _goto(page, f"/orders/{s.escalated}")
    expect(page.get_by_role("button", name=live.tr(lang, "Redispatch to the vendors"),
                            exact=True)).to_be_visible()


def order_awarded(page: Page, live: LiveApp, lang: str, s: States) -> None:
    _goto(page, f"/orders/{s.awarded.order_id}")
    expect(page.locator("table.order-assignment").get_by_test_id("quote-document")
           ).to_have_count(1)


def quote_sent(page: Page, live: LiveApp, lang: str, s: States) -> None:
    _goto(page, f"/vendor/offers/{s.awarded.attempts[0].id}")
    expect(page.get_by_test_id("quote-document")).to_be_visible()


PAGES = {
    "inbox": Audited(lambda s: s.offer.vendor_email, inbox),
    "offer": Audited(lambda s: s.offer.vendor_email, offer),
    "offer-accept-errors": Audited(lambda s: s.offer.vendor_email, offer_errors),
    "offer-decline-errors": Audited(lambda s: s.offer.vendor_email, offer_decline_errors),
    "invitation": Audited(lambda s: s.invitation.vendor_email, invitation),
    "invitation-errors": Audited(lambda s: s.invitation.vendor_email, invitation_errors),
    "order-timeline-buyer": Audited(lambda s: BUYER, order_timeline),
    "order-timeline-staff": Audited(lambda s: STAFF, order_timeline),
    "order-escalated-staff": Audited(lambda s: STAFF, order_escalated),
    "order-awarded-quote-buyer": Audited(lambda s: BUYER, order_awarded),
    "quote-sent-vendor": Audited(lambda s: s.awarded.attempts[0].vendor_email, quote_sent),
}


@pytest.mark.parametrize("name", list(PAGES))
@pytest.mark.parametrize("lang", LANGUAGES)
def test_vendor_page_has_no_wcag_violation(language_context: ContextFactory,
                                           live_app: LiveApp, states: States, lang: str,
                                           name: str) -> None:
    audited = PAGES[name]
    page = language_context(lang, user=audited.user(states), audit=True).new_page()
    page.goto("/")
    switch_language(page, lang)
    audited.visit(page, live_app, lang, states)
    expect(page.locator("html")).to_have_attribute("lang", lang)
    assert_accessible(page, f"{name} [{lang}]")
