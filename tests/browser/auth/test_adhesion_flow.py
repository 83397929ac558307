"""The adhesion flow end to end, as people do it in a browser, under the app's real CSP:
a public body registers, staff approve it, its buyer logs in and switches language."""

from __future__ import annotations

import re
import secrets

from playwright.sync_api import ConsoleMessage, Page, expect

from tests.browser.support import (
    STAFF,
    ContextFactory,
    LiveApp,
    log_in,
    switch_language,
)


def _watch_console(page: Page, errors: list[str]) -> None:
    """Collect console errors (a CSP violation, a failed asset) to fail the test on them."""

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            errors.append(f"{page.url}: {message.text}")

    page.on("console", on_console)


def test_register_approve_log_in_and_switch_language(
        language_context: ContextFactory, live_app: LiveApp, demo_password: str) -> None:
    def t(msgid: str, lang: str = "fr", **variables: str) -> str:
        return live_app.tr(lang, msgid, **variables)

    suffix = secrets.token_hex(3)
    org_name = f"Commune de test {suffix}"
    email = f"lea.martin.{suffix}@commune-test.example"
    password = f"motdepasse-{suffix}-long"
    console_errors: list[str] = []

    # 1. Someone from a commune registers it, filling the form by its labels.
    visitor = language_context("fr").new_page()
    _watch_console(visitor, console_errors)
    visitor.goto("/")
    visitor.get_by_role("navigation", name=t("Main menu")).get_by_role(
        "link", name=t("Register your organisation"), exact=True).click()
    expect(visitor.locator("h1")).to_have_text(t("Register your organisation"))
    visitor.get_by_label(t("Name of the organisation"), exact=True).fill(org_name)
    visitor.get_by_label(t("Type of organisation"), exact=True).select_option(label=t("Commune"))
    visitor.get_by_label(t("Enterprise number (optional)"), exact=True).fill("0207.373.429")
    visitor.get_by_label(t("Address (optional)"), exact=True).fill("Rue de la Loi 1, Bruxelles")
    visitor.get_by_label(t("Your full name"), exact=True).fill("Léa Martin")
    visitor.get_by_label(t("Your professional e-mail address"), exact=True).fill(email)
    visitor.get_by_label(t("Choose a password"), exact=True).fill(password)
    visitor.get_by_label(t("Repeat the password"), exact=True).fill(password)
    visitor.get_by_label(t("Language for e-mails and pages"), exact=True).select_option(
        label="Français")
    visitor.get_by_role("button", name=t("Send the request"), exact=True).click()
    expect(visitor).to_have_url(re.compile(r"/register/done$"))
    expect(visitor.locator("h1")).to_have_text(t("Check your e-mail"))

    # 2. Staff find it among the pending organisations and approve it.
    staff = language_context("fr").new_page()
    _watch_console(staff, console_errors)
    log_in(staff, live_app, STAFF, demo_password)
    switch_language(staff, "fr")
    staff.get_by_role("navigation", name=t("Main menu")).get_by_role(
        "link", name=t("Organisations"), exact=True).click()
    expect(staff.locator("h1")).to_have_text(t("Organisations"))
    staff.get_by_label(t("Adhesion status"), exact=True).select_option(
        label=t("Waiting for approval"))
    staff.get_by_role("button", name=t("Filter"), exact=True).click()
    expect(staff).to_have_url(re.compile(r"[?&]status=pending\b"))
    row = staff.get_by_role("row").filter(has=staff.get_by_role("link", name=org_name))
    expect(row).to_have_count(1)
    expect(row.locator(".badge")).to_have_text(t("Waiting for approval"))
    row.get_by_role("link", name=org_name).click()
    expect(staff.locator("h1")).to_have_text(org_name)
    expect(staff.locator("main")).to_contain_text(email)
    staff.get_by_role("button", name=t("Approve the adhesion"), exact=True).click()
    expect(staff.locator(".flash-success")).to_have_text(
        t("%(name)s is approved: its buyers can now order.", name=org_name))
    expect(staff.locator(".facts .badge")).to_have_text(t("Approved"))
    expect(staff.get_by_role("button", name=t("Approve the adhesion"))).to_have_count(0)

    # 3. The new buyer logs in and sees the adhesion is approved.
    buyer = language_context("fr").new_page()
    _watch_console(buyer, console_errors)
    log_in(buyer, live_app, email, password)
    html = buyer.locator("html")
    expect(html).to_have_attribute("lang", "fr")
    expect(buyer.locator("main h2")).to_have_text(org_name)
    expect(buyer.locator(".status-ok")).to_have_text(
        t("Your organisation's adhesion is approved: you can order."))

    # 4. The buyer switches to Dutch and back with the header's switch.
    heading = buyer.locator("h1")
    french_heading = heading.inner_text()
    switch = buyer.locator(".language-switch")
    switch.get_by_role("button", name="Nederlands", exact=True).click()
    expect(html).to_have_attribute("lang", "nl")
    expect(switch.locator("button[aria-current=true]")).to_have_text("Nederlands")
    expect(buyer.locator(".status-ok")).to_have_text(
        t("Your organisation's adhesion is approved: you can order.", "nl"))
    dutch_heading = heading.inner_text()
    assert dutch_heading != french_heading, (
        f"the home page's h1 reads {dutch_heading!r} in both fr and nl: "
        "are the catalogues translated and compiled?")

    # The choice is the account's: it holds on the next page too.
    buyer.goto("/settings")
    expect(html).to_have_attribute("lang", "nl")
    buyer.goto("/")
    switch.get_by_role("button", name="Français", exact=True).click()
    expect(html).to_have_attribute("lang", "fr")
    expect(heading).to_have_text(french_heading)
    expect(switch.locator("button[aria-current=true]")).to_have_text("Français")

    assert not console_errors, "console errors:\n" + "\n".join(console_errors)
