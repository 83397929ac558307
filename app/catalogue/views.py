"""Public catalogue pages (no login)."""

from __future__ import annotations

from flask import Blueprint, render_template

from app.auth.views import ViewResult

bp = Blueprint("catalogue", __name__, url_prefix="/catalogue")


@bp.route("/")
def index() -> ViewResult:
    return render_template("error.html", status=200, title="Catalogue", message="")
