"""Browser tier: the real app served over HTTP, driven by Debian's Chromium, audited by axe-core.

The app runs in this process (a werkzeug server in a daemon thread) on a SQLite file built by
the real migrations and seeded with the demo data; CSRF stays on, as for any browser.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext
from werkzeug.serving import make_server

from tests.browser.support import (
    AXE_JS,
    CHROMIUM,
    LOCALES,
    ROOT,
    ContextFactory,
    LiveApp,
    log_in,
)
from tests.services import missing_service

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]


# --- Prerequisites and pytest-playwright's fixtures ------------------------------------------

@pytest.fixture(scope="session", autouse=True)
def _browser_prerequisites() -> None:
    """No Chromium or no axe-core: fail under CI=true, skip loudly elsewhere."""
    if not CHROMIUM.exists():
        missing_service("browser", f"{CHROMIUM} is missing (apt-get install chromium; "
                                   "never 'playwright install')")
    if not AXE_JS.exists():
        missing_service("browser", f"{AXE_JS.relative_to(ROOT)} is missing (run "
                                   "'make browser-deps', i.e. npm ci)")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """pytest-playwright cannot find Debian's Chromium by channel: point at it."""
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM),
            "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    """The plain ``page`` fixture: French-speaking Brussels (Chromium defaults to English)."""
    return {**browser_context_args, "locale": LOCALES["fr"]}


# --- The app, served ------------------------------------------------------------------------

@pytest.fixture(scope="session")
def live_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveApp]:
    import flask_migrate

    from app import create_app
    from app.demo.seed import seed_demo
    from app.extensions import db

    tmp = tmp_path_factory.mktemp("browser")
    app = create_app(
        "development",
        INSTANCE_DIR=str(tmp),
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp}/browser.db",
        OUTBOX_ENQUEUE="record",
        RATELIMIT_STORAGE_URI="memory://",
        LOGIN_LIMIT_PER_IP="1000 per minute",
        LOGIN_LIMIT_PER_ACCOUNT="1000 per minute",
        LOGIN_LIMIT_PER_ACCOUNT_AND_IP="1000 per minute",
        REGISTER_LIMIT_PER_IP="1000 per minute",
        RESET_LIMIT_PER_IP="1000 per minute",
        RESET_LIMIT_PER_ACCOUNT="1000 per minute",
    )
    with app.app_context():
        flask_migrate.upgrade()
        seed_demo()
        db.session.commit()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="browser-tier-app", daemon=True)
    thread.start()
    try:
        yield LiveApp(app=app, base_url=f"http://127.0.0.1:{server.server_port}")
    finally:
        server.shutdown()
        thread.join(timeout=10)


@pytest.fixture(scope="session")
def base_url(live_app: LiveApp) -> str:
    return live_app.base_url


# --- Contexts: one language each, logged in or not -------------------------------------------

@pytest.fixture(scope="session")
def demo_password() -> str:
    from app.demo.seed import demo_password as configured

    return configured()[0]


@pytest.fixture
def language_context(browser: Browser, live_app: LiveApp,
                     demo_password: str) -> Iterator[ContextFactory]:
    """``make(lang, user=None, audit=False)``: a fresh context in fr-BE or nl-BE.

    ``user`` logs in a demo account (once per session; later contexts reuse its cookies).
    ``audit=True`` sets ``bypass_csp``: the app's CSP (``script-src 'self'``) blocks inline
    scripts, and ``page.add_script_tag(path=...)`` inlines axe-core's file, so without the
    bypass axe would never load. Use it for the audit contexts only, so every other test
    runs under the real policy.
    """
    contexts: list[BrowserContext] = []

    def make(lang: str, user: str | None = None, audit: bool = False) -> BrowserContext:
        state = None
        if user is not None:
            if user not in live_app.storage_states:
                login_context = browser.new_context(base_url=live_app.base_url,
                                                    locale=LOCALES[lang])
                try:
                    log_in(login_context.new_page(), live_app, user, demo_password)
                    live_app.storage_states[user] = login_context.storage_state()
                finally:
                    login_context.close()
            state = live_app.storage_states[user]
        context = browser.new_context(base_url=live_app.base_url, locale=LOCALES[lang],
                                      bypass_csp=audit, storage_state=state)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()
