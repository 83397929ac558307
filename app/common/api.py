"""The JSON API under /api/v1: flask-smorest, OpenAPI 3.1, problem+json errors."""

from __future__ import annotations

from flask import Flask


def register_api(app: Flask) -> None:
    from app.auth.api import bp as auth_api_bp
    from app.extensions import csrf

    app.register_blueprint(auth_api_bp)
    csrf.exempt(auth_api_bp)  # bearer tokens only, never cookies: no CSRF exposure
