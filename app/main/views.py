"""Home page and the language switch."""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, request, session
from flask_login import current_user

from app.auth import services
from app.auth.forms import ConfirmForm
from app.common.web import ViewResult, safe_next
from app.extensions import db

bp = Blueprint("main", __name__)


@bp.route("/")
def home() -> ViewResult:
    return render_template("home.html")


@bp.route("/language", methods=["POST"])
def switch_language() -> ViewResult:
    """The switch on every page: remembered in the session, and saved for a logged-in user."""
    form = ConfirmForm()
    language = request.form.get("lang", "")
    if form.validate_on_submit() and language in current_app.config["LANGUAGES"]:
        session["lang"] = language
        if current_user.is_authenticated:
            services.set_language(current_user, language)
            db.session.commit()
    return redirect(safe_next(request.form.get("next")))
