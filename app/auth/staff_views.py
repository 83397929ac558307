"""Staff pages: organisations' adhesion and the user list; admin: creating accounts."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from app.auth import companies, invoicing_details, services
from app.auth.decorators import admin_required, staff_required
from app.auth.forms import ConfirmForm, CreateUserForm, SuspendForm
from app.auth.labels import template_labels
from app.auth.models import Organisation
from app.auth.views import invoicing_page
from app.common.errors import ValidationFailed
from app.common.pagination import page_arg
from app.common.web import ViewResult, apply_errors
from app.extensions import db

bp = Blueprint("staff", __name__, url_prefix="/staff", template_folder="templates")
bp.context_processor(template_labels)



@bp.route("/organisations")
@staff_required
def organisations() -> ViewResult:
    status = request.args.get("status") or None
    page = page_arg()
    result = services.list_organisations(current_user, status, page)
    if page > result.pages:
        args: dict[str, Any] = {"status": status} if status else {}
        return redirect(url_for("staff.organisations", page=result.pages, **args))
    return render_template("staff/organisations.html", result=result, status=status,
                           form=ConfirmForm())


@bp.route("/organisations/<int:organisation_id>")
@staff_required
def organisation(organisation_id: int) -> ViewResult:
    org = services.get_organisation(current_user, organisation_id)
    return render_template("staff/organisation.html", organisation=org, form=ConfirmForm())


@bp.route("/organisations/<int:organisation_id>/approve", methods=["POST"])
@staff_required
def approve(organisation_id: int) -> ViewResult:
    if not ConfirmForm().validate_on_submit():
        abort(400)
    org = services.approve_organisation(current_user, organisation_id)
    db.session.commit()
    flash(_("%(name)s is approved: its buyers can now order.", name=org.name), "success")
    return redirect(url_for("staff.organisation", organisation_id=organisation_id))


@bp.route("/organisations/<int:organisation_id>/suspend", methods=["GET", "POST"])
@staff_required
def suspend(organisation_id: int) -> ViewResult:
    """Suspending is destructive: a confirmation page with the reason comes first."""
    org = services.get_organisation(current_user, organisation_id)
    form = SuspendForm()
    if form.validate_on_submit():
        try:
            services.suspend_organisation(current_user, organisation_id, form.reason.data or "")
        except ValidationFailed as exc:
            db.session.rollback()
            apply_errors(form, exc.errors)
        else:
            db.session.commit()
            flash(_("%(name)s is suspended.", name=org.name), "success")
            return redirect(url_for("staff.organisation", organisation_id=organisation_id))
    return render_template("staff/suspend.html", organisation=org, form=form)


@bp.route("/organisations/<int:organisation_id>/invoicing", methods=["GET", "POST"])
@staff_required
def invoicing(organisation_id: int) -> ViewResult:
    page = url_for("staff.organisation", organisation_id=organisation_id)
    return invoicing_page(invoicing_details.organisation_for(current_user, organisation_id),
                          saved=page, back=page)


@bp.route("/users")
@staff_required
def users() -> ViewResult:
    role = request.args.get("role") or None
    page = page_arg()
    result = services.list_users(current_user, role, page)
    if page > result.pages:
        args: dict[str, Any] = {"role": role} if role else {}
        return redirect(url_for("staff.users", page=result.pages, **args))
    return render_template("staff/users.html", result=result, role=role)


@bp.route("/users/new", methods=["GET", "POST"])
@admin_required
def new_user() -> ViewResult:
    form = CreateUserForm()
    form.vendor.choices = [(0, "—"), *companies.vendor_choices()]
    form.organisation.choices = [(0, "—")] + [
        (o.id, o.name)
        for o in db.session.execute(select(Organisation).order_by(Organisation.name)).scalars()
    ]
    if form.validate_on_submit():
        try:
            user = services.create_user(
                current_user, email=form.email.data or "", role=form.role.data or "",
                full_name=form.full_name.data or "", language=form.language.data or "fr",
                organisation_id=form.organisation.data or None,
                vendor_id=form.vendor.data or None,
            )
        except ValidationFailed as exc:
            db.session.rollback()
            apply_errors(form, exc.errors)
        else:
            db.session.commit()
            flash(_("The account for %(email)s is created; an invitation e-mail is on its way.",
                    email=user.email), "success")
            return redirect(url_for("staff.users"))
    return render_template("staff/new_user.html", form=form)
