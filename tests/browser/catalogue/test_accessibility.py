"""The public catalogue and facilitator directory: no WCAG 2.1 A/AA violation in French and
Dutch (axe-core), including with filters, results and validation errors; reflow at 320 px;
and the contact form works in a real browser under the app's CSP."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from tests.browser.support import ContextFactory, LiveApp, assert_accessible

LANGUAGES = ["fr", "nl"]
AUDITED_LOT = 3
AUDITED_ITEM = "L3-WS-HALF"
AUDITED_VENDOR = "Stad in Gesprek VZW"


# --- Looking things up in the served app's database ------------------------------------------

def _lot(live: LiveApp, number: int = AUDITED_LOT) -> tuple[int, dict[str, str]]:
    from app.catalogue.models import Lot
    from app.extensions import db

    with live.app.app_context():
        lot = db.session.execute(select(Lot).where(Lot.number == number)).scalars().first()
        assert lot is not None
        return lot.id, {"fr": lot.title_fr, "nl": lot.title_nl}


def _vendor_id(live: LiveApp, name: str = AUDITED_VENDOR) -> int:
    from app.extensions import db
    from app.vendors.models import Vendor

    with live.app.app_context():
        return int(db.session.execute(select(Vendor.id).where(Vendor.name == name)).scalar_one())


def _item_title(live: LiveApp, lang: str, code: str = AUDITED_ITEM) -> str:
    from app.catalogue.services.browse import get_current_item

    with live.app.app_context():
        return str(getattr(get_current_item(code), f"title_{lang}"))


def _ntr(live: LiveApp, lang: str, singular: str, plural: str, num: int) -> str:
    """A plural message as the app renders it (``LiveApp.tr`` knows singular ones only)."""
    from flask_babel import ngettext

    from app.common.i18n import in_language

    with live.app.app_context(), in_language(lang):
        return str(ngettext(singular, plural, num))


def _goto(page: Page, path: str, status: int = 200) -> None:
    response = page.goto(path)
    assert response is not None and response.status == status, (
        f"GET {path}: {response.status if response else 'no response'}, expected {status}")


def _h1(page: Page, text: str) -> None:
    expect(page.locator("h1")).to_have_text(text)


# --- The audited pages ----------------------------------------------------------------------

def catalogue(page: Page, live: LiveApp, lang: str) -> None:
    _goto(page, "/catalogue/")
    _h1(page, live.tr(lang, "Catalogue"))
    expect(page.locator("table.items tbody tr")).to_have_count(20)
    expect(page.locator("nav.pagination")).to_be_visible()


def catalogue_filtered(page: Page, live: LiveApp, lang: str) -> None:
    """Filters typed and chosen through their labels, as a person would."""
    lot_id, _titles = _lot(live)
    _goto(page, "/catalogue/")
    page.get_by_label(live.tr(lang, "Search"), exact=True).fill("atelier")
    page.get_by_label(live.tr(lang, "Lot"), exact=True).select_option(str(lot_id))
    page.get_by_label(live.tr(lang, "Maximum price excl. VAT (€)"), exact=True).fill("1 500")
    page.locator("form.catalogue-filters button[type=submit]").click()
    expect(page.locator("[role=status].result-count")).to_have_text(
        _ntr(live, lang, "%(num)s item found.", "%(num)s items found.", 1))
    rows = page.locator("table.items tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first.get_by_role("link")).to_have_text(_item_title(live, lang))
    expect(page.locator("#lot")).to_have_value(str(lot_id))


def catalogue_error(page: Page, live: LiveApp, lang: str) -> None:
    _goto(page, "/catalogue/")
    page.locator("#min_price").fill("beaucoup")
    page.locator("form.catalogue-filters button[type=submit]").click()
    expect(page.locator(".error-summary h2")).to_have_text(live.tr(lang, "There is a problem"))
    expect(page.locator("#min_price")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#min_price-error")).to_be_visible()
    expect(page.locator("table.items")).to_have_count(0)


def lot_page(page: Page, live: LiveApp, lang: str) -> None:
    lot_id, titles = _lot(live)
    _goto(page, f"/catalogue/lots/{lot_id}")
    _h1(page, live.tr(lang, "Lot %(number)s: %(title)s", number=str(AUDITED_LOT),
                      title=titles[lang]))
    expect(page.locator("ol.ranking li").first).to_contain_text(AUDITED_VENDOR)


def mini_competition_lot(page: Page, live: LiveApp, lang: str) -> None:
    lot_id, titles = _lot(live, 5)
    _goto(page, f"/catalogue/lots/{lot_id}")
    _h1(page, live.tr(lang, "Lot %(number)s: %(title)s", number="5", title=titles[lang]))


def item_page(page: Page, live: LiveApp, lang: str) -> None:
    _goto(page, f"/catalogue/items/{AUDITED_ITEM}")
    _h1(page, _item_title(live, lang))
    expected = {"fr": "786,50\xa0€", "nl": "€\xa0786,50"}[lang]
    expect(page.locator("[data-testid=price-incl-vat]")).to_have_text(expected)


def directory(page: Page, live: LiveApp, lang: str) -> None:
    _goto(page, "/facilitators/")
    _h1(page, live.tr(lang, "Facilitators"))
    expect(page.locator("ul.vendor-list > li").first).to_be_visible()


def profile(page: Page, live: LiveApp, lang: str) -> None:
    _goto(page, f"/facilitators/{_vendor_id(live)}")
    _h1(page, AUDITED_VENDOR)
    expect(page.locator("main form[method=post]")).to_be_visible()


def profile_error(page: Page, live: LiveApp, lang: str) -> None:
    profile(page, live, lang)
    page.get_by_label(live.tr(lang, "Your e-mail address"), exact=True).fill("not-an-address")
    page.locator("main form[method=post] button[type=submit]").click()
    expect(page.locator(".error-summary h2")).to_have_text(live.tr(lang, "There is a problem"))
    for name in ("sender_name", "sender_email", "message"):
        expect(page.locator(f"#{name}")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#sender_email")).to_have_value("not-an-address")


PAGES: dict[str, Callable[[Page, LiveApp, str], None]] = {
    "catalogue": catalogue,
    "catalogue-filtered": catalogue_filtered,
    "catalogue-error": catalogue_error,
    "lot": lot_page,
    "lot-mini-competition": mini_competition_lot,
    "item": item_page,
    "directory": directory,
    "profile": profile,
    "profile-error": profile_error,
}


@pytest.mark.parametrize("name", list(PAGES))
@pytest.mark.parametrize("lang", LANGUAGES)
def test_public_catalogue_page_has_no_wcag_violation(language_context: ContextFactory,
                                                     live_app: LiveApp, lang: str,
                                                     name: str) -> None:
    page = language_context(lang, audit=True).new_page()
    PAGES[name](page, live_app, lang)
    expect(page.locator("html")).to_have_attribute("lang", lang)
    assert_accessible(page, f"{name} [{lang}]")


# --- Reflow (WCAG 1.4.10) ---------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/catalogue/", "/catalogue/lots/{lot}",
                                  "/catalogue/items/" + AUDITED_ITEM, "/facilitators/",
                                  "/facilitators/{vendor}"])
@pytest.mark.parametrize("lang", LANGUAGES)
def test_public_catalogue_page_reflows_at_320_css_pixels(
        language_context: ContextFactory, live_app: LiveApp, lang: str, path: str) -> None:
    page = language_context(lang).new_page()
    page.set_viewport_size({"width": 320, "height": 640})
    url = path.format(lot=_lot(live_app)[0], vendor=_vendor_id(live_app))
    _goto(page, url)
    widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"{url} [{lang}] is {widths[0]} px wide in a 320 px window"


# --- The contact form, end to end under the real CSP ------------------------------------------

def test_sending_a_message_to_a_facilitator(language_context: ContextFactory,
                                            live_app: LiveApp) -> None:
    from app.common.outbox import OutboxMessage
    from app.extensions import db

    page = language_context("nl", audit=True).new_page()
    profile(page, live_app, "nl")

    def t(msgid: str, **variables: str) -> str:
        return live_app.tr("nl", msgid, **variables)

    page.get_by_label(t("Your name"), exact=True).fill("Pieter Janssens")
    page.get_by_label(t("Your e-mail address"), exact=True).fill("pieter@ocmw.example")
    page.get_by_label(t("Organisation (optional)"), exact=True).fill("OCMW Sint-Gillis")
    page.get_by_label(t("Message"), exact=True).fill(
        "Goedendag, kunnen jullie in april twee buurtgesprekken begeleiden?")
    page.locator("main form[method=post] button[type=submit]").click()
    expect(page.locator(".flash-success")).to_have_text(
        t("Your message was sent to %(name)s. They will answer you by e-mail.",
          name=AUDITED_VENDOR))
    _h1(page, AUDITED_VENDOR)
    assert_accessible(page, "profile after sending [nl]")
    with live_app.app.app_context():
        mails = db.session.execute(select(OutboxMessage).where(
            OutboxMessage.payload["template"].as_string() == "vendor_contact")).scalars().all()
        assert any("pieter@ocmw.example" in m.payload["body"] for m in mails)
