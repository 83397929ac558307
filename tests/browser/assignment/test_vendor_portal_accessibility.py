"""axe-core audits the vendor portal, in French and in Dutch: the inbox, the offer and
invitation pages (with their errors), the order page with its timeline, an escalated and an
awarded order, and the page after a quote."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
from playwright.sync_api import Page, expect

from tests.browser.assignment.portal import (
    LANGUAGES,
    PDF,
    Attempt,
    Dispatched,
    answer,
    dispatch,
    order_status,
)
from tests.browser.support import (
    BUYER,
    STAFF,
    ContextFactory,
    LiveApp,
    assert_accessible,
    switch_language,
)

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
    offer = dispatch(live_app, 3, "L3-MEETING", "Audit : offre ouverte").attempts[0]
    invitation = dispatch(live_app, 5, "L5-STREET", "Audit : invitation").attempts[0]

    timeline = dispatch(live_app, 3, "L3-SIGN", "Audit : chronologie")
    attempts = answer(live_app, timeline.attempts[0], "decline",
                       reason="Pas de disponibilité en juin.")
    answer(live_app, attempts[1], "accept", conflict_of_interest=False)

    escalated = dispatch(live_app, 5, "L5-STREET", "Audit : escaladée")
    answer(live_app, escalated.attempts[0], "quote", price_cents=0, note="",
            conflict_of_interest=True)  # a conflict declared: no quote at all
    for attempt in escalated.attempts[1:]:
        answer(live_app, attempt, "decline", reason="Complet")
    assert order_status(live_app, escalated.order_id) == "escalated"
    from app.assignment.quote_documents import QuoteUpload

    awarded = dispatch(live_app, 5, "L5-YOUTH", "Audit : attribuée")
    answer(live_app, awarded.attempts[0], "quote", price_cents=30_000, note="Offre",
            document=QuoteUpload("offre.pdf", PDF), conflict_of_interest=False)
    for attempt in awarded.attempts[1:]:
        answer(live_app, attempt, "decline", reason="Complet")
    assert order_status(live_app, awarded.order_id) == "assigned"
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
