"""The participation procurement centre's ordering platform."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from flask import Flask, g, has_request_context, request
from flask_babel import lazy_gettext as _l

from config import load_config


def create_app(config_name: str | None = None, **overrides: Any) -> Flask:
    """Build the app: configuration, extensions, blueprints, CLI. Runs no query."""
    app = Flask(__name__, instance_relative_config=False)
    app.config.from_mapping(load_config(config_name, **overrides))
    app.instance_path = app.config["INSTANCE_DIR"]
    if int(app.config.get("PROXY_FIX_X_FOR") or 0) > 0:
        from werkzeug.middleware.proxy_fix import ProxyFix

        # Only the addresses appended by our own proxies are believed (rate limits per address).
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=int(app.config["PROXY_FIX_X_FOR"]))
    # Their INFO lines (each step of every PDF drawn, each font subset) drown the worker's log.
    for noisy in ("alembic.runtime.plugins", "weasyprint", "fontTools"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    from app.ops.logs import configure_logging

    configure_logging(app.config["LOG_LEVEL"], app.config["LOG_FORMAT"])

    from app.common.converters import register_converters
    from app.common.errors import register_error_handlers
    from app.common.i18n import select_locale
    from app.common.request_guard import register_request_guard
    from app.common.security import register_security_headers
    from app.extensions import (
        babel,
        celery_init_app,
        csrf,
        db,
        limiter,
        login_manager,
        mail,
        migrate,
    )

    db.init_app(app)
    migrate.init_app(app, db, directory=str(Path(app.root_path).parent / "migrations"),
                     render_as_batch=True, compare_type=True)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale, default_timezone="Europe/Brussels")
    limiter.init_app(app)
    mail.init_app(app)
    login_manager.init_app(app)
    login_manager.session_protection = "strong"
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please log in to see this page.")
    login_manager.login_message_category = "info"
    celery_init_app(app)
    register_converters(app)  # before any blueprint: rules bind their converters when added
    register_request_guard(app)  # after the extensions: its hook goes first

    _import_models()
    from app import catalogue
    from app.api import register_api
    from app.assignment.views import bp as vendor_portal_bp  # its order-page views too
    from app.auth.staff_views import bp as staff_bp
    from app.auth.views import bp as auth_bp
    from app.auth.views import register_user_loaders
    from app.execution.views import bp as execution_bp
    from app.invoicing.views import bp as invoicing_bp
    from app.legal.views import bp as legal_bp
    from app.main.views import bp as main_bp
    from app.notifications.views import bp as notifications_bp
    from app.orders.views import bp as orders_bp

    register_user_loaders(login_manager)
    for blueprint in (main_bp, auth_bp, staff_bp, legal_bp):
        app.register_blueprint(blueprint)
    catalogue.register(app)
    for blueprint in (orders_bp, vendor_portal_bp, execution_bp, invoicing_bp,
                      notifications_bp):
        app.register_blueprint(blueprint)
    register_api(app)
    from app.common import mail as email

    email.register(app)  # the e-mail outbox handler
    from app.vendors import accounts as vendor_accounts

    vendor_accounts.register(app)  # answers app.auth.companies' questions
    from app import orders
    from app.assignment import register as register_assignment

    orders.register(app)  # answers the catalogue's question about the ceilings

    register_assignment(app)  # the orders' hooks, signal receivers, outbox handlers
    from app.execution import register as register_execution

    register_execution(app)  # the order page's delivery section
    from app.invoicing import register as register_invoicing

    register_invoicing(app)  # the order page's invoices, the invoiced and paid amounts

    from app import ops

    ops.register(app)  # /healthz, /readyz, /metrics, request ids, `flask ops`
    register_error_handlers(app)
    register_security_headers(app)
    _register_template_helpers(app)

    from app.cli import register_cli

    register_cli(app)
    return app


def _import_models() -> None:
    """Every model module, so metadata (and Alembic) sees all tables."""
    import app.assignment.models
    import app.auth.models
    import app.catalogue.models
    import app.common.admin_log
    import app.common.outbox
    import app.execution.models
    import app.invoicing.models
    import app.legal.models
    import app.notifications.models
    import app.orders.models
    import app.vendors.models  # noqa: F401


def _register_template_helpers(app: Flask) -> None:
    from flask_babel import format_date, format_datetime, get_locale

    from app.common.i18n import LANGUAGE_NAMES, install_template_gettext

    install_template_gettext(app)

    @app.context_processor
    def inject() -> dict[str, Any]:
        from flask_login import current_user

        from app.notifications.services import unread_count

        def unread_notifications() -> int:
            """Counted once per request and only when a page shows it (an e-mail rendered
            during the request never asks)."""
            if not (has_request_context() and current_user and current_user.is_authenticated):
                return 0
            if "unread_notifications" not in g:
                g.unread_notifications = unread_count(current_user)
            return int(g.unread_notifications)

        locale = get_locale()
        return {
            "unread_notifications": unread_notifications,
            "current_language": str(locale.language) if locale else "fr",
            "language_names": LANGUAGE_NAMES,
            # E-mails are rendered outside requests too (CLI, workers).
            "request_path": request.full_path.rstrip("?") if has_request_context() else "/",
        }

    app.jinja_env.filters["datetime"] = lambda value, fmt="medium": (
        format_datetime(value, fmt) if value else "")
    app.jinja_env.filters["date"] = lambda value, fmt="medium": (
        format_date(value, fmt) if value else "")

    def eur_filter(cents: int) -> str:
        from app.common.money import format_eur

        locale = get_locale()
        return format_eur(cents, str(locale) if locale else "fr_BE")

    app.jinja_env.filters["eur"] = eur_filter
