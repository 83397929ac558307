"""Frameworks, lots, memberships and ranks, items, prices, CSV; the public catalogue and
facilitator directory, and the admin pages that manage them (DESIGN §7)."""

from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    """The catalogue's page blueprints (its API blueprints are registered by app.api)."""
    from app.catalogue.admin import (  # noqa: F401  (their routes, on the admin blueprint)
        frameworks,
        import_export,
        items,
        lots,
        overview,
    )
    from app.catalogue.admin.blueprint import bp as admin_bp
    from app.catalogue.admin.vendors import bp as vendor_admin_bp
    from app.catalogue.directory.views import bp as directory_bp
    from app.catalogue.views import bp as catalogue_bp

    for blueprint in (catalogue_bp, directory_bp, admin_bp, vendor_admin_bp):
        app.register_blueprint(blueprint)
