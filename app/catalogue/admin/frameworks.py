"""Admin pages of frameworks: list, create, edit."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.auth.decorators import admin_required
from app.catalogue.admin.blueprint import bp, show_errors
from app.catalogue.forms import (
    FrameworkForm,
)
from app.catalogue.services import consumption
from app.catalogue.services import frameworks as framework_services
from app.common.errors import ValidationFailed
from app.common.web import ViewResult
from app.extensions import db

# --- Frameworks ------------------------------------------------------------------------------

def _framework_data(form: FrameworkForm) -> framework_services.FrameworkData:
    return framework_services.FrameworkData(
        reference=form.reference.data or "", title_fr=form.title_fr.data or "",
        title_nl=form.title_nl.data or "", title_en=form.title_en.data or "",
        start_date=form.start_date.data, end_date=form.end_date.data,
        max_value_cents=form.max_value.data or 0, status=form.status.data or "")


FRAMEWORK_FIELDS = {"max_value_cents": "max_value"}


@bp.route("/frameworks")
@admin_required
def frameworks() -> ViewResult:
    return render_template("admin/frameworks.html",
                           frameworks=framework_services.list_frameworks(current_user),
                           used=consumption.by_framework(), nothing_used=consumption.Used())


@bp.route("/frameworks/new", methods=["GET", "POST"])
@admin_required
def new_framework() -> ViewResult:
    form = FrameworkForm()
    if form.validate_on_submit():
        try:
            framework = framework_services.create_framework(current_user, _framework_data(form))
        except ValidationFailed as exc:
            show_errors(form, exc.errors, FRAMEWORK_FIELDS)
        else:
            db.session.commit()
            flash(_("Framework %(reference)s is created.", reference=framework.reference),
                  "success")
            return redirect(url_for("admin.frameworks"))
    return render_template("admin/framework_form.html", form=form, framework=None)


@bp.route("/frameworks/<int:framework_id>/edit", methods=["GET", "POST"])
@admin_required
def edit_framework(framework_id: int) -> ViewResult:
    framework = framework_services.get_framework(current_user, framework_id)
    form = FrameworkForm(obj=framework, max_value=framework.max_value_cents,
                         status=framework.status.value)
    if form.validate_on_submit():
        try:
            framework_services.update_framework(current_user, framework_id, _framework_data(form))
        except ValidationFailed as exc:
            show_errors(form, exc.errors, FRAMEWORK_FIELDS)
        else:
            db.session.commit()
            flash(_("Framework %(reference)s is saved.", reference=framework.reference),
                  "success")
            return redirect(url_for("admin.frameworks"))
    return render_template("admin/framework_form.html", form=form, framework=framework)
