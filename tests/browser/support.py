"""Helpers of the browser tier: the served app, logging in, the language switch, axe-core."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask import Flask
from flask_babel import gettext
from playwright.sync_api import BrowserContext, Page, expect
from playwright.sync_api import Error as PlaywrightError

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
LOCALES = {"fr": "fr-BE", "nl": "nl-BE"}

STAFF = "staff1@demo.example"
ADMIN = "admin@demo.example"
BUYER = "buyer1@demo.example"

# make(lang, user=None, audit=False) -> a new context (the ``language_context`` fixture)
ContextFactory = Callable[..., BrowserContext]


@dataclass
class LiveApp:
    app: Flask
    base_url: str
    storage_states: dict[str, Any] = field(default_factory=dict)

    def tr(self, language: str, msgid: str, **variables: Any) -> str:
        """``msgid`` as the app itself renders it in ``language`` (the catalogues are being
        written: tests compare with them instead of hard-coding words)."""
        from app.common.i18n import in_language

        with self.app.app_context(), in_language(language):
            return str(gettext(msgid, **variables))


def log_in(page: Page, live: LiveApp, email: str, password: str) -> None:
    """Log in through the form, as a person would (labels in the page's language)."""
    page.goto("/login")
    lang = page.locator("html").get_attribute("lang") or "fr"
    page.get_by_label(live.tr(lang, "E-mail address"), exact=True).fill(email)
    page.get_by_label(live.tr(lang, "Password"), exact=True).fill(password)
    page.locator("main").get_by_role("button", name=live.tr(lang, "Log in"), exact=True).click()
    # The next page speaks the account's own language, whatever the login page spoke.
    expect(page.locator("form[action='/logout']")).to_have_count(1)
    expect(page.locator(".flash-success")).to_be_visible()


def switch_language(page: Page, language: str) -> None:
    """Use the switch in the header if the page is not already in ``language``."""
    html = page.locator("html")
    if html.get_attribute("lang") != language:
        from app.common.i18n import LANGUAGE_NAMES

        page.locator(".language-switch").get_by_role(
            "button", name=LANGUAGE_NAMES[language], exact=True).click()
    expect(html).to_have_attribute("lang", language)


# --- axe-core -------------------------------------------------------------------------------

def axe_violations(page: Page) -> list[dict[str, Any]]:
    """Inject axe-core into the current document and return its WCAG 2.1 A/AA violations."""
    try:
        page.add_script_tag(path=str(AXE_JS))  # inlined: needs a bypass_csp context
    except PlaywrightError as exc:
        raise AssertionError("axe-core could not be injected; the app's CSP blocks inline "
                             "scripts, so audit contexts need bypass_csp=True. "
                             f"Playwright said: {exc.message}") from exc
    if not page.evaluate("() => typeof window.axe === 'object'"):
        raise AssertionError("axe-core did not load into the page")
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags},"
        " resultTypes: ['violations']})",
        WCAG_TAGS,
    )
    return list(result["violations"])


def format_violations(violations: list[dict[str, Any]]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation.get('impact')}): {violation['help']}")
        for node in violation["nodes"][:10]:
            lines.append(f"    at {node['target']}: {node['html'][:160]}")
            summary = (node.get("failureSummary") or "").replace("\n", " | ")
            if summary:
                lines.append(f"       {summary[:300]}")
    return "\n".join(lines)


def assert_accessible(page: Page, what: str) -> None:
    violations = axe_violations(page)
    assert not violations, (f"axe-core: {len(violations)} WCAG 2.1 AA violation(s) on {what} "
                            f"({page.url}):\n{format_violations(violations)}")
