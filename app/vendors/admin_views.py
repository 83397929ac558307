"""Admin pages for vendor companies."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("vendor_admin", __name__, url_prefix="/admin/vendors")
