"""Admin pages for vendor companies: list, create, edit. Admins only; views own the commit.

In the catalogue (not app.vendors) because a vendor's page shows its lot memberships."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.auth.decorators import admin_required
from app.catalogue.admin.blueprint import template_helpers
from app.catalogue.services.memberships import memberships_of_vendor
from app.common.errors import ValidationFailed
from app.common.pagination import page_arg
from app.common.web import ViewResult, apply_errors
from app.extensions import db
from app.vendors import services
from app.vendors.forms import VendorForm

# Templates in app/catalogue/templates/admin/, shared with the catalogue's other blueprints.
bp = Blueprint("vendor_admin", __name__, url_prefix="/admin/vendors",
               template_folder="../templates")
bp.context_processor(template_helpers)


def _data(form: VendorForm) -> services.VendorData:
    return services.VendorData(
        name=form.name.data or "", enterprise_number=form.enterprise_number.data or "",
        contact_email=form.contact_email.data or "",
        service_languages=list(form.service_languages.data or []),
        presentation_fr=form.presentation_fr.data or "",
        presentation_nl=form.presentation_nl.data or "",
        presentation_en=form.presentation_en.data or "", active=bool(form.active.data))


@bp.route("/")
@admin_required
def index() -> ViewResult:
    return render_template("admin/vendors.html",
                           page=services.vendors_page(current_user, page_arg()))


@bp.route("/new", methods=["GET", "POST"])
@admin_required
def new() -> ViewResult:
    form = VendorForm(service_languages=["fr", "nl"])
    if form.validate_on_submit():
        try:
            vendor = services.create_vendor(current_user, _data(form))
        except ValidationFailed as exc:
            db.session.rollback()
            apply_errors(form, exc.errors)
        else:
            db.session.commit()
            flash(_("%(name)s is created.", name=vendor.name), "success")
            return redirect(url_for("vendor_admin.index"))
    return render_template("admin/vendor_form.html", form=form, vendor=None, memberships=[])


@bp.route("/<int:vendor_id>/edit", methods=["GET", "POST"])
@admin_required
def edit(vendor_id: int) -> ViewResult:
    vendor = services.get_vendor(current_user, vendor_id)
    form = VendorForm(data={
        "name": vendor.name, "enterprise_number": vendor.enterprise_number or "",
        "contact_email": vendor.contact_email or "",
        "service_languages": vendor.service_languages.split(","),
        "presentation_fr": vendor.presentation_fr, "presentation_nl": vendor.presentation_nl,
        "presentation_en": vendor.presentation_en, "active": vendor.active})
    if form.validate_on_submit():
        try:
            services.update_vendor(current_user, vendor_id, _data(form))
        except ValidationFailed as exc:
            db.session.rollback()
            apply_errors(form, exc.errors)
        else:
            db.session.commit()
            flash(_("%(name)s is saved.", name=vendor.name), "success")
            return redirect(url_for("vendor_admin.index"))
    return render_template("admin/vendor_form.html", form=form, vendor=vendor,
                           memberships=memberships_of_vendor(current_user, vendor_id))
