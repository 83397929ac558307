"""The public facilitator directory: contracted vendors, their profile and a contact form.

A vendor's e-mail address is never shown: the contact form forwards the message through the
outbox.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, Optional

from app.catalogue.labels import template_helpers
from app.catalogue.models import LotMembership
from app.catalogue.services import memberships as membership_services
from app.common.errors import NotFound, ValidationFailed
from app.common.i18n import reader_language
from app.common.single_line import MultiLine, SingleLine
from app.common.web import ViewResult, apply_errors
from app.extensions import db, limiter
from app.vendors import services as vendor_services
from app.vendors.models import Vendor

# Templates in app/catalogue/templates/directory/, shared with the catalogue's other blueprints.
bp = Blueprint("directory", __name__, url_prefix="/facilitators", template_folder="../templates")

DEFAULT_CONTACT_LIMIT = "5 per minute"


@bp.context_processor
def _helpers() -> dict[str, Any]:
    return template_helpers()


class ContactForm(FlaskForm):
    sender_name = StringField(_l("Your name"),
                              validators=[DataRequired(), Length(max=200), SingleLine()],
                              render_kw={"autocomplete": "name"})
    sender_email = EmailField(_l("Your e-mail address"),
                              validators=[DataRequired(), Email(), Length(max=254)],
                              description=_l("The facilitator answers you at this address."),
                              render_kw={"autocomplete": "email"})
    organisation = StringField(_l("Organisation (optional)"),
                               validators=[Optional(), Length(max=200), SingleLine()],
                               render_kw={"autocomplete": "organization"})
    message = TextAreaField(_l("Message"),
                            validators=[DataRequired(), Length(min=10, max=5000), MultiLine()],
                            description=_l("Between 10 and 5000 characters."),
                            render_kw={"rows": "8"})


def _contact_limit() -> str:
    """Messages per minute from one address (``CONTACT_LIMIT_PER_IP`` overrides it)."""
    return str(current_app.config.get("CONTACT_LIMIT_PER_IP") or DEFAULT_CONTACT_LIMIT)


def presentation(vendor: Vendor, language: str) -> tuple[str, str]:
    """The presentation in ``language``, else in French, Dutch or English: (text, its language)."""
    for code in (language, "fr", "nl", "en"):
        text = getattr(vendor, f"presentation_{code}", "") or ""
        if text.strip():
            return text.strip(), code
    return "", language


@bp.route("/")
def index() -> ViewResult:
    vendors = membership_services.public_vendors()
    memberships = membership_services.memberships_by_vendor([v.id for v in vendors])
    language = reader_language()
    return render_template("directory/index.html", vendors=vendors, memberships=memberships,
                           presentations={v.id: presentation(v, language) for v in vendors})


def _render_profile(vendor: Vendor, memberships: list[LotMembership],
                    form: ContactForm) -> ViewResult:
    text, text_language = presentation(vendor, reader_language())
    return render_template("directory/vendor.html", vendor=vendor, memberships=memberships,
                           presentation=text, presentation_language=text_language, form=form)


@bp.route("/<int:vendor_id>", methods=["GET", "POST"])
@limiter.limit(_contact_limit, methods=["POST"])
def vendor(vendor_id: int) -> ViewResult:
    vendor = vendor_services.public_vendor(vendor_id)
    memberships = membership_services.memberships_by_vendor([vendor.id]).get(vendor.id, [])
    if not memberships:
        raise NotFound()  # not in the directory: no lot under the framework agreement
    form = ContactForm()
    if form.validate_on_submit():
        data = vendor_services.ContactMessage(
            sender_name=form.sender_name.data or "",
            sender_email=form.sender_email.data or "",
            organisation=form.organisation.data or "",
            message=form.message.data or "",
        )
        try:
            sent = vendor_services.send_contact_message(vendor.id, data)
        except ValidationFailed as exc:
            db.session.rollback()
            apply_errors(form, exc.errors)
        else:
            if sent:
                db.session.commit()
                flash(_("Your message was sent to %(name)s. They will answer you by e-mail.",
                        name=vendor.name), "success")
            else:
                db.session.rollback()
                flash(_("%(name)s cannot be reached through this form at the moment. "
                        "Contact the participation service.", name=vendor.name), "error")
            return redirect(url_for("directory.vendor", vendor_id=vendor.id))
    return _render_profile(vendor, memberships, form)
