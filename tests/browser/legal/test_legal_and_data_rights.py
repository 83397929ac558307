"""The legal pages and the personal data rights flow in a browser, in French and Dutch:
every page reached is axe-core clean (WCAG 2.1 A/AA)."""

from __future__ import annotations

import json
import re
import secrets

import pytest
from playwright.sync_api import expect

from tests.browser.support import (
    STAFF,
    ContextFactory,
    LiveApp,
    assert_accessible,
    log_in,
    switch_language,
)

LANGUAGES = ["fr", "nl"]
PAGES = {"/accessibility": "Accessibility statement", "/privacy": "Privacy notice",
         "/legal-notice": "Legal notice", "/contact": "Contact us"}


@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_legal_pages_are_reached_from_the_footer_and_accessible(
        language_context: ContextFactory, live_app: LiveApp, lang: str, width: int) -> None:
    page = language_context(lang, audit=True).new_page()
    page.set_viewport_size({"width": width, "height": 900})
    page.goto("/")
    footer = page.locator("footer")
    for path, title in PAGES.items():
        footer.get_by_role("link", name=live_app.tr(lang, title), exact=True).click()
        expect(page).to_have_url(live_app.base_url + path)
        expect(page.locator("html")).to_have_attribute("lang", lang)
        expect(page.locator("h1")).to_have_text(live_app.tr(lang, title))
        assert_accessible(page, f"{path} ({lang}, {width} px)")
        footer = page.locator("footer")


def _new_buyer(live: LiveApp, lang: str) -> tuple[str, str, str]:
    from sqlalchemy import select

    from app.auth.models import Language, Organisation, Role, User
    from app.auth.passwords import hash_password
    from app.extensions import db

    suffix = secrets.token_hex(3)
    email, password, name = (f"erase.me.{suffix}@example.org", f"pass-{suffix}-long-enough",
                             f"Personne Aeffacer {suffix}")
    with live.app.app_context():
        org = db.session.execute(select(Organisation).order_by(Organisation.id)).scalars().first()
        db.session.add(User(email=email, full_name=name, role=Role.BUYER, organisation=org,
                            password_hash=hash_password(password), language=Language(lang)))
        db.session.commit()
    return email, password, name


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_person_downloads_their_data_and_asks_for_erasure_and_staff_erase_them(
        language_context: ContextFactory, live_app: LiveApp, lang: str) -> None:
    def t(msgid: str, **variables: str) -> str:
        return live_app.tr(lang, msgid, **variables)

    email, password, name = _new_buyer(live_app, lang)
    person = language_context(lang, audit=True).new_page()
    log_in(person, live_app, email, password)
    person.locator("footer").get_by_role("link", name=t("My data"), exact=True).click()
    expect(person.locator("h1")).to_have_text(t("My data"))
    assert_accessible(person, f"my data ({lang})")

    with person.expect_download() as download_info:
        person.get_by_role("link", name=t("Download my data (JSON)")).click()
    data = json.loads(open(download_info.value.path(), encoding="utf-8").read())
    assert data["account"]["email"] == email

    person.get_by_role("button", name=t("Ask for erasure"), exact=True).click()
    expect(person.locator(".error-summary")).to_be_visible()
    assert_accessible(person, f"my data with an error ({lang})")
    person.get_by_label(t("I understand that my account will be closed and my name and e-mail "
                          "address replaced by a pseudonym in every order and record.")).check()
    person.get_by_role("button", name=t("Ask for erasure"), exact=True).click()
    expect(person.locator(".flash-success")).to_be_visible()
    assert_accessible(person, f"my data, request pending ({lang})")

    staff = language_context(lang, user=STAFF, audit=True).new_page()
    staff.goto("/staff/erasure-requests")
    switch_language(staff, lang)  # the shared staff account reads what an earlier test chose
    expect(staff.locator("h1")).to_have_text(t("Erasure requests"))
    row = staff.locator("tr", has_text=name)
    expect(row).to_have_count(1)
    assert_accessible(staff, f"erasure requests ({lang})")
    row.get_by_role("link", name=re.compile("^" + re.escape(t("Refuse")) + " ")).click()
    staff.get_by_role("button", name=t("Refuse the request"), exact=True).click()
    expect(staff.locator(".error-summary")).to_be_visible()
    assert_accessible(staff, f"refusing, with an error ({lang})")
    staff.goto("/staff/erasure-requests")
    # "Effacer …" and "Refuser Personne Aeffacer": the link's name starts with the verb.
    staff.locator("tr", has_text=name).get_by_role(
        "link", name=re.compile("^" + re.escape(t("Erase")) + " ")).click()
    expect(staff.locator("h1")).to_have_text(t("Erase a person's data"))
    assert_accessible(staff, f"erasure confirmation ({lang})")
    staff.get_by_role("button", name=t("Erase the data"), exact=True).click()
    expect(staff.locator(".flash-success")).to_be_visible()
    expect(staff.locator("tr", has_text=name)).to_have_count(0)
    assert_accessible(staff, f"erasure requests after erasing ({lang})")

