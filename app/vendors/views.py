"""The public facilitator directory."""

from __future__ import annotations

from flask import Blueprint, render_template

from app.auth.views import ViewResult

bp = Blueprint("directory", __name__, url_prefix="/facilitators")


@bp.route("/")
def index() -> ViewResult:
    return render_template("error.html", status=200, title="Facilitators", message="")
