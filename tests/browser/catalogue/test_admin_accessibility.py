"""axe-core finds no WCAG 2.1 A/AA violation on the admin pages, in French and in Dutch.

Each page is audited in the state that shows the most: forms with their error summary, the
import page with an error report, the admin log with real changes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from tests.browser.support import (
    ADMIN,
    ContextFactory,
    LiveApp,
    assert_accessible,
    switch_language,
)

LANGUAGES = ["fr", "nl"]
AUDITED_LOT = 3
AUDITED_ITEM = "L1-DAY"


@dataclass(frozen=True)
class Ids:
    lot: int
    membership: int
    vendor: int
    vendor_name: str
    lot_number: int


@pytest.fixture(scope="module")
def ids(live_app: LiveApp) -> Ids:
    """Records of the demo data the pages show; and two logged changes that cancel out, so
    the admin log has a diff to show while the data stays as seeded."""
    from app.auth.models import Role, User
    from app.catalogue.models import Lot
    from app.catalogue.services import lots as lot_services
    from app.extensions import db
    from app.vendors import services as vendor_services

    with live_app.app.app_context():
        lot = db.session.execute(select(Lot).where(Lot.number == AUDITED_LOT)).scalar_one()
        first = lot_services.active_members(lot)[0]
        vendor = first.vendor
        admin = db.session.execute(select(User).where(User.role == Role.ADMIN)).scalars().first()
        assert admin is not None
        original = vendor.presentation_en

        def save(presentation_en: str) -> None:
            vendor_services.update_vendor(admin, vendor.id, vendor_services.VendorData(
                name=vendor.name, enterprise_number=vendor.enterprise_number or "",
                contact_email=vendor.contact_email or "",
                service_languages=vendor.service_languages.split(","),
                presentation_fr=vendor.presentation_fr, presentation_nl=vendor.presentation_nl,
                presentation_en=presentation_en, active=vendor.active))
            db.session.commit()

        save("Audit of the admin log")
        save(original)
        return Ids(lot=lot.id, membership=first.id, vendor=vendor.id, vendor_name=vendor.name,
                   lot_number=lot.number)


def _goto(page: Page, path: str) -> None:
    response = page.goto(path)
    assert response is not None and response.status == 200, (
        f"GET {path}: {response.status if response else 'no response'}")


def _h1(page: Page, live: LiveApp, lang: str, msgid: str, **variables: object) -> None:
    expect(page.locator("h1")).to_have_text(live.tr(lang, msgid, **variables))


def overview(page: Page, live: LiveApp, lang: str, ids: Ids) -> None:
    _goto(page, "/admin/")
    _h1(page, live, lang, "Administration")
    expect(page.locator("main table").first).to_be_visible()


def framework_form_errors(page: Page, live: LiveApp, lang: str, ids: Ids) -> None:
    _goto(page, "/admin/frameworks/new")
    _h1(page, live, lang, "Add a framework")
    page.locator("#max_value").fill("douze")
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".error-summary h2")).to_have_text(live.tr(lang, "There is a problem"))
    expect(page.locator("#max_value-error")).to_be_visible()


def lot_ranking(page: Page, live: LiveApp, lang: str, ids: Ids) -> None:
    _goto(page, f"/admin/lots/{ids.lot}")
    expect(page.locator("#ranking")).to_have_text(live.tr(lang, "Ranked vendors"))
    expect(page.locator(f"#rank_{ids.membership}")).to_be_visible()


def suspend_confirmation(page: Page, live: LiveApp, lang: str, ids: Ids) -> None:
    _goto(page, f"/admin/memberships/{ids.membership}/suspend")
    _h1(page, live, lang, "Suspend %(name)s in lot %(number)s?", name=ids.vendor_name,
        number=ids.lot_number)
    expect(page.locator("#reason")).to_be_visible()


def vendor_form(page: Page, live: LiveApp, lang: str, ids: Ids) -> None:
    _goto(page, f"/admin/vendors/{ids.vendor}/edit")
    _h1(page, live, lang, "Edit %(name)s", name=ids.vendor_name)
    expect(page.locator("#service_languages-0")).to_be_visible()


def item_list(page: Page, live: LiveApp, lang: str, ids: Ids) -> None:
    _goto(page, "/admin/items")
    _h1(page, live, lang, "Items and prices")
    expect(page.locator(f"main a[href='/admin/items/{AUDITED_ITEM}']")).to_be_visible()


def item_form(page: Page, live: LiveApp, lang: str, ids: Ids) -> None:
    _goto(page, f"/admin/items/{AUDITED_ITEM}")
    _h1(page, live, lang, "Item %(code)s", code=AUDITED_ITEM)
    expect(page.locator("#history")).to_have_text(live.tr(lang, "Price history"))
    expect(page.locator("main table tbody tr").first).to_be_visible()


def import_report(page: Page, live: LiveApp, lang: str, ids: Ids) -> None:
    from app.catalogue.csv_io import HEADER_LINE

    _goto(page, "/admin/catalogue/import")
    _h1(page, live, lang, "Import and export the catalogue")
    bad = (HEADER_LINE + "\r\n42,BAD-1,a,b,c,,,,day,12,21,2025-01-01\r\n"
           "3,BAD 2,a,b,c,,,,hour,x,21,31/12/2025\r\n").encode()
    page.locator("#file").set_input_files(
        files=[{"name": "catalogue.csv", "mimeType": "text/csv", "buffer": bad}])
    page.locator("main form[enctype] button[type=submit]").click()
    expect(page.locator("#report-title")).to_have_text(
        live.tr(lang, "The file was not imported"))
    expect(page.locator("#import-problems tbody tr")).to_have_count(5)


def admin_log(page: Page, live: LiveApp, lang: str, ids: Ids) -> None:
    _goto(page, "/admin/log")
    _h1(page, live, lang, "Admin log")
    expect(page.locator("main ul.changes li").first).to_be_visible()


PAGES: dict[str, Callable[[Page, LiveApp, str, Ids], None]] = {
    "overview": overview,
    "framework-form-errors": framework_form_errors,
    "lot-ranking": lot_ranking,
    "suspend-confirmation": suspend_confirmation,
    "vendor-form": vendor_form,
    "item-list": item_list,
    "item-form-history": item_form,
    "import-error-report": import_report,
    "admin-log": admin_log,
}


@pytest.mark.parametrize("name", list(PAGES))
@pytest.mark.parametrize("lang", LANGUAGES)
def test_admin_page_has_no_wcag_violation(language_context: ContextFactory, live_app: LiveApp,
                                          ids: Ids, lang: str, name: str) -> None:
    page = language_context(lang, user=ADMIN, audit=True).new_page()
    page.goto("/")
    switch_language(page, lang)  # a logged-in page speaks the account's language
    PAGES[name](page, live_app, lang, ids)
    expect(page.locator("html")).to_have_attribute("lang", lang)
    assert_accessible(page, f"admin {name} [{lang}]")


def test_the_import_form_works_with_csrf_on_and_changes_nothing_on_errors(
        language_context: ContextFactory, live_app: LiveApp, ids: Ids) -> None:
    """The browser tier runs with CSRF on: the multipart form carries its token."""
    from app.catalogue.models import CatalogueItem
    from app.extensions import db

    page = language_context("fr", user=ADMIN).new_page()
    with live_app.app.app_context():
        before = db.session.execute(select(CatalogueItem.id)).scalars().all()
    # The admin's saved language (other tests switch it) decides the page language.
    page.goto("/admin/")
    import_report(page, live_app, page.locator("html").get_attribute("lang") or "fr", ids)
    with live_app.app.app_context():
        assert db.session.execute(select(CatalogueItem.id)).scalars().all() == before
