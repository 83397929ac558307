"""The order page's "what happens next" panel passes axe-core, in French and in Dutch, as the
order's buyer and as staff."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from tests.browser.support import (
    BUYER,
    STAFF,
    ContextFactory,
    LiveApp,
    assert_accessible,
    switch_language,
)

ITEM = "L3-WS-HALF"
HEADINGS = {BUYER: "The participation service reviews the order",
            STAFF: "The participation service decides"}


@pytest.fixture(scope="module")
def submitted_order(live_app: LiveApp) -> Iterator[int]:
    from app.auth.services import user_by_email
    from app.catalogue.services import browse
    from app.extensions import db
    from app.orders import services

    with live_app.app.app_context():
        buyer = user_by_email(BUYER)
        assert buyer is not None
        item = browse.get_current_item(ITEM)
        order = services.create_order(buyer, services.OrderInput(
            lot_id=item.lot_id, title="Audit : la suite", objectives="Écouter les habitants",
            participation_level="consult", commune="region",
            lines=[services.LineInput(item.id, 2)]))
        db.session.flush()
        services.submit(buyer, order.id)
        db.session.commit()
        order_id = order.id
    yield order_id


@pytest.mark.parametrize("user", [BUYER, STAFF])
@pytest.mark.parametrize("lang", ["fr", "nl"])
def test_the_next_steps_panel_has_no_wcag_violation(language_context: ContextFactory,
                                                    live_app: LiveApp, submitted_order: int,
                                                    lang: str, user: str) -> None:
    page = language_context(lang, user=user, audit=True).new_page()
    page.goto("/")
    switch_language(page, lang)
    response = page.goto(f"/orders/{submitted_order}")
    assert response is not None and response.status == 200
    panel = page.get_by_role("region", name=live_app.tr(lang, "What happens next"))
    expect(panel).to_be_visible()
    expect(panel.locator("h3")).to_have_text(live_app.tr(lang, HEADINGS[user]))
    assert_accessible(page, f"next steps panel, {user} [{lang}]")
