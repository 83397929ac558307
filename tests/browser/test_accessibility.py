"""axe-core finds no WCAG 2.1 A/AA violation on any page, in French and in Dutch; the skip link
works from the keyboard; and the audit itself is shown to catch violations."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from tests.browser.support import (
    ADMIN,
    BUYER,
    STAFF,
    ContextFactory,
    LiveApp,
    assert_accessible,
    axe_violations,
    format_violations,
    log_in,
    switch_language,
)

LANGUAGES = ["fr", "nl"]
AUDITED_ORGANISATION = "Commune d'Ixelles / Gemeente Elsene"


def test_axe_flags_a_page_with_known_violations(page: Page) -> None:
    """Negative control: if injection or the run were broken, this would find nothing."""
    page.set_content(
        '<!doctype html><html lang="fr"><head><title>Contrôle</title></head><body><main>'
        '<h1>Contrôle négatif</h1>'
        '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">'
        '<input type="text" name="unlabelled">'
        '<p style="color:#bbbbbb;background:#ffffff">Texte trop pâle</p>'
        '</main></body></html>')
    violations = axe_violations(page)
    found = {v["id"] for v in violations}
    assert {"image-alt", "label", "color-contrast"} <= found, format_violations(violations)


# --- The pages ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Audited:
    """How to reach one page: ``user`` None is anonymous; ``visit`` navigates and checks it."""

    user: str | None
    visit: Callable[[Page, LiveApp, str], None]


def _goto(page: Page, path: str, status: int = 200) -> None:
    response = page.goto(path)
    assert response is not None and response.status == status, (
        f"GET {path}: {response.status if response else 'no response'}, expected {status}")


def _h1(page: Page, live: LiveApp, lang: str, msgid: str, **variables: str) -> None:
    expect(page.locator("h1")).to_have_text(live.tr(lang, msgid, **variables))


def _organisation_id(live: LiveApp, name: str = AUDITED_ORGANISATION) -> int:
    from app.auth.models import Organisation
    from app.extensions import db

    with live.app.app_context():
        return int(db.session.execute(
            select(Organisation.id).where(Organisation.name == name)).scalar_one())


def _reset_token(live: LiveApp, email: str = "buyer2@demo.example") -> str:
    from app.auth.models import OneTimeTokenPurpose
    from app.auth.services import _new_one_time_token, user_by_email
    from app.extensions import db

    with live.app.app_context():
        user = user_by_email(email)
        assert user is not None
        token = _new_one_time_token(user, OneTimeTokenPurpose.PASSWORD_RESET, hours=2)
        db.session.commit()
        return token


def _main_submit(page: Page) -> None:
    page.locator("main form button[type=submit]").click()


def home(page: Page, live: LiveApp, lang: str) -> None:
    _goto(page, "/")
    _h1(page, live, lang, "Order participation services without running your own tender")


def home_buyer(page: Page, live: LiveApp, lang: str) -> None:
    home(page, live, lang)
    expect(page.locator("main h2")).to_have_text(AUDITED_ORGANISATION)


def home_after_logout(page: Page, live: LiveApp, lang: str) -> None:
    """With the flash message: a fresh login (not the shared one), then the log-out button."""
    from app.demo.seed import demo_password

    log_in(page, live, "buyer2@demo.example", demo_password()[0])
    page.locator("form[action='/logout'] button").click()
    expect(page.locator(".flash-success")).to_have_text(live.tr(lang, "You are logged out."))


def login(page: Page, live: LiveApp, lang: str) -> None:
    _goto(page, "/login")
    _h1(page, live, lang, "Log in")


def register(page: Page, live: LiveApp, lang: str) -> None:
    _goto(page, "/register")
    _h1(page, live, lang, "Register your organisation")


def register_errors(page: Page, live: LiveApp, lang: str) -> None:
    register(page, live, lang)
    _main_submit(page)
    expect(page.locator(".error-summary h2")).to_have_text(live.tr(lang, "There is a problem"))
    expect(page.locator(".error-message").first).to_be_visible()


def register_done(page: Page, live: LiveApp, lang: str) -> None:
    _goto(page, "/register/done")
    _h1(page, live, lang, "Check your e-mail")


def forgot(page: Page, live: LiveApp, lang: str) -> None:
    _goto(page, "/password/forgot")
    _h1(page, live, lang, "Forgot your password?")


def forgot_sent(page: Page, live: LiveApp, lang: str) -> None:
    forgot(page, live, lang)
    page.locator("#email").fill("buyer2@demo.example")
    _main_submit(page)
    _h1(page, live, lang, "Check your e-mail")


def reset_valid(page: Page, live: LiveApp, lang: str) -> None:
    _goto(page, f"/password/reset/{_reset_token(live)}")
    _h1(page, live, lang, "Choose a new password")


def reset_invalid(page: Page, live: LiveApp, lang: str) -> None:
    _goto(page, "/password/reset/this-link-is-not-valid", status=404)
    _h1(page, live, lang, "Link expired")


def not_found(page: Page, live: LiveApp, lang: str) -> None:
    _goto(page, "/no/such/page", status=404)
    _h1(page, live, lang, "Page not found")


def settings(page: Page, live: LiveApp, lang: str) -> None:
    _goto(page, "/settings")
    _h1(page, live, lang, "My settings")


def settings_new_token(page: Page, live: LiveApp, lang: str) -> None:
    settings(page, live, lang)
    page.locator("#name").fill(f"audit {lang}")
    page.locator("form", has=page.locator("#name")).locator("button[type=submit]").click()
    expect(page.locator(".new-token code")).to_be_visible()
    expect(page.locator("table tbody tr").first).to_be_visible()


def staff_organisations(page: Page, live: LiveApp, lang: str) -> None:
    _goto(page, "/staff/organisations")
    _h1(page, live, lang, "Organisations")


def staff_organisation(page: Page, live: LiveApp, lang: str) -> None:
    _goto(page, f"/staff/organisations/{_organisation_id(live)}")
    expect(page.locator("h1")).to_have_text(AUDITED_ORGANISATION)


def staff_suspend(page: Page, live: LiveApp, lang: str) -> None:
    _goto(page, f"/staff/organisations/{_organisation_id(live)}/suspend")
    _h1(page, live, lang, "Suspend %(name)s?", name=AUDITED_ORGANISATION)


def staff_users(page: Page, live: LiveApp, lang: str) -> None:
    _goto(page, "/staff/users")
    _h1(page, live, lang, "Users")


def staff_new_user(page: Page, live: LiveApp, lang: str) -> None:
    _goto(page, "/staff/users/new")
    _h1(page, live, lang, "Create an account")


PAGES = {
    "home": Audited(None, home),
    "home-buyer": Audited(BUYER, home_buyer),
    "home-staff": Audited(STAFF, home),
    "home-after-logout": Audited(None, home_after_logout),
    "login": Audited(None, login),
    "register": Audited(None, register),
    "register-errors": Audited(None, register_errors),
    "register-done": Audited(None, register_done),
    "password-forgot": Audited(None, forgot),
    "password-forgot-sent": Audited(None, forgot_sent),
    "password-reset": Audited(None, reset_valid),
    "password-reset-invalid": Audited(None, reset_invalid),
    "not-found": Audited(None, not_found),
    "settings": Audited(BUYER, settings),
    "settings-new-token": Audited(BUYER, settings_new_token),
    "staff-organisations": Audited(STAFF, staff_organisations),
    "staff-organisation": Audited(STAFF, staff_organisation),
    "staff-suspend": Audited(STAFF, staff_suspend),
    "staff-users": Audited(STAFF, staff_users),
    "staff-new-user": Audited(ADMIN, staff_new_user),
}


@pytest.mark.parametrize("name", list(PAGES))
@pytest.mark.parametrize("lang", LANGUAGES)
def test_page_has_no_wcag_violation(language_context: ContextFactory, live_app: LiveApp,
                                    lang: str, name: str) -> None:
    audited = PAGES[name]
    page = language_context(lang, user=audited.user, audit=True).new_page()
    if audited.user is not None:
        # A logged-in page speaks the account's language: set it with the header's switch.
        page.goto("/")
        switch_language(page, lang)
    audited.visit(page, live_app, lang)
    expect(page.locator("html")).to_have_attribute("lang", lang)
    assert_accessible(page, f"{name} [{lang}]")


# --- Keyboard -------------------------------------------------------------------------------

@pytest.mark.parametrize("lang", LANGUAGES)
def test_first_tab_reaches_skip_link_which_moves_focus_to_main(
        language_context: ContextFactory, live_app: LiveApp, lang: str) -> None:
    page = language_context(lang).new_page()
    _goto(page, "/")
    skip = page.locator("a.skip-link")
    expect(skip).not_to_be_in_viewport()

    page.keyboard.press("Tab")
    expect(skip).to_be_focused()
    expect(skip).to_have_text(live_app.tr(lang, "Skip to main content"))
    expect(skip).to_be_in_viewport()  # visible when focused, not only to screen readers

    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()
    assert page.url.endswith("#main")
    # The next Tab continues inside the main content, past the header.
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.querySelector('main').contains(document.activeElement)")


# --- Reflow (WCAG 1.4.10, which axe does not check) -------------------------------------------

@pytest.mark.parametrize("path", ["/", "/login", "/register", "/password/forgot"])
@pytest.mark.parametrize("lang", LANGUAGES)
def test_page_reflows_at_320_css_pixels(language_context: ContextFactory, lang: str,
                                        path: str) -> None:
    """No horizontal scrolling at 320 px wide (400 % zoom of a 1280 px window), in either
    language: long Dutch compounds in the headings must wrap."""
    page = language_context(lang).new_page()
    page.set_viewport_size({"width": 320, "height": 640})
    _goto(page, path)
    widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"{path} [{lang}] is {widths[0]} px wide in a 320 px window"
