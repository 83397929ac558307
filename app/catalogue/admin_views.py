"""Admin pages: frameworks, lots, rankings, items, prices, catalogue import and export."""

from __future__ import annotations

from flask import Blueprint, render_template

from app.auth.decorators import admin_required
from app.auth.views import ViewResult

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.route("/")
@admin_required
def index() -> ViewResult:
    return render_template("error.html", status=200, title="Administration", message="")
