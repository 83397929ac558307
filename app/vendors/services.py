"""Vendor companies: the admin's records and the public directory's contact form."""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from app.auth.models import Role, User
from app.auth.services import require_admin
from app.common import admin_log, enterprise_number
from app.common.errors import NotFound, ValidationFailed
from app.common.mail import queue_email
from app.common.pagination import Page
from app.common.single_line import text_problems
from app.extensions import db
from app.vendors.models import Vendor
from app.vendors.signals import vendor_deactivated

LANGUAGES = ("fr", "nl", "en")
_EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass
class VendorData:
    name: str
    enterprise_number: str
    contact_email: str
    service_languages: list[str]
    presentation_fr: str
    presentation_nl: str
    presentation_en: str
    active: bool = True


def _errors(data: VendorData, vendor_id: int | None) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    name = data.name.strip()
    if not name or len(name) > 200:
        errors["name"] = [str(_l("Use 1 to 200 characters."))]
    elif db.session.execute(select(Vendor.id).where(
            func.lower(Vendor.name) == name.lower(), Vendor.id != (vendor_id or 0))).first():
        errors["name"] = [str(_l("Another vendor has this name."))]
    number_problem = enterprise_number.problem(data.enterprise_number)
    if number_problem:
        errors["enterprise_number"] = [number_problem]
    email = data.contact_email.strip()
    if email and (not _EMAIL_RE.match(email) or len(email) > 254):
        errors["contact_email"] = [str(_l("Enter a valid e-mail address."))]
    if not data.service_languages or any(lang not in LANGUAGES
                                         for lang in data.service_languages):
        errors["service_languages"] = [str(_l("Choose at least one language."))]
    for name_ in ("presentation_fr", "presentation_nl", "presentation_en"):
        if len(getattr(data, name_)) > 3000:
            errors[name_] = [str(_l("Use at most 3000 characters."))]
    text = text_problems(
        single={"name": data.name, "enterprise_number": data.enterprise_number,
                "contact_email": data.contact_email},
        multi={f"presentation_{lang}": getattr(data, f"presentation_{lang}")
               for lang in ("fr", "nl", "en")})
    return {**text, **errors}


def _apply(vendor: Vendor, data: VendorData) -> None:
    vendor.name = data.name.strip()
    vendor.enterprise_number = enterprise_number.normalise_optional(data.enterprise_number)
    vendor.contact_email = data.contact_email.strip().lower() or None
    vendor.service_languages = ",".join(lang for lang in LANGUAGES
                                        if lang in data.service_languages)
    vendor.presentation_fr = data.presentation_fr.strip()
    vendor.presentation_nl = data.presentation_nl.strip()
    vendor.presentation_en = data.presentation_en.strip()
    vendor.active = data.active


def create_vendor(actor: User, data: VendorData) -> Vendor:
    require_admin(actor)
    errors = _errors(data, None)
    if errors:
        raise ValidationFailed(errors)
    vendor = Vendor()
    _apply(vendor, data)
    db.session.add(vendor)
    admin_log.record(actor, vendor, "create", None)
    return vendor


def update_vendor(actor: User, vendor_id: int, data: VendorData) -> Vendor:
    require_admin(actor)
    vendor = db.session.get(Vendor, vendor_id)
    if vendor is None:
        raise NotFound()
    errors = _errors(data, vendor_id)
    if errors:
        raise ValidationFailed(errors)
    before = admin_log.snapshot(vendor)
    was_active = vendor.active
    _apply(vendor, data)
    admin_log.record(actor, vendor, "update", before)
    if was_active and not vendor.active:
        db.session.flush()
        # Its open offers and invitations are withdrawn in this transaction (by app.assignment).
        vendor_deactivated.send(current_app._get_current_object(),  # type: ignore[attr-defined]
                                vendor_id=vendor.id, actor=actor)
    return vendor


def list_vendors(actor: User) -> list[Vendor]:
    require_admin(actor)
    return list(db.session.execute(select(Vendor).order_by(Vendor.name)).scalars())


def public_vendor(vendor_id: int) -> Vendor:
    """A vendor as the public directory shows it: active ones only, anything else 404."""
    vendor = db.session.get(Vendor, vendor_id)
    if vendor is None or not vendor.active:
        raise NotFound()
    return vendor


@dataclass
class ContactMessage:
    sender_name: str
    sender_email: str
    organisation: str
    message: str


def send_contact_message(vendor_id: int, data: ContactMessage) -> int:
    """Forward a visitor's message to the vendor through the outbox.

    The vendor's address is never shown: the message goes to its contact address, or to its
    active users when it has none, each in their language. Returns the number of e-mails.
    """
    vendor = public_vendor(vendor_id)
    errors: dict[str, list[str]] = {}
    if not data.sender_name.strip() or len(data.sender_name) > 200:
        errors["sender_name"] = [str(_l("Use 1 to 200 characters."))]
    email = data.sender_email.strip()
    if not _EMAIL_RE.match(email) or len(email) > 254:
        errors["sender_email"] = [str(_l("Enter a valid e-mail address."))]
    if len(data.organisation) > 200:
        errors["organisation"] = [str(_l("Use at most 200 characters."))]
    if not 10 <= len(data.message.strip()) <= 5000:
        errors["message"] = [str(_l("Write between 10 and 5000 characters."))]
    errors = {**text_problems(single={"sender_name": data.sender_name,
                                      "organisation": data.organisation},
                              multi={"message": data.message}), **errors}
    if errors:
        raise ValidationFailed(errors)
    recipients: list[tuple[str, str]] = []
    if vendor.contact_email:
        recipients.append((vendor.contact_email, vendor.service_languages.split(",")[0]))
    else:
        users = db.session.execute(select(User).where(
            User.vendor_id == vendor.id, User.role == Role.VENDOR, User.active.is_(True))
        ).scalars()
        recipients.extend((u.email, u.language.value) for u in users)
    for address, language in recipients:
        queue_email(to=address, language=language, template="vendor_contact", vendor=vendor,
                    sender_name=data.sender_name.strip(), sender_email=email,
                    organisation=data.organisation.strip(), message=data.message.strip())
    return len(recipients)


# --- Admin pages ----------------------------------------------------------------------------

ADMIN_PAGE_SIZE = 25


def vendors_page(actor: User, page: int = 1, per_page: int = ADMIN_PAGE_SIZE) -> Page[Vendor]:
    """One page of vendors by name, and the total: two queries (Flask-SQLAlchemy's paginate)."""
    require_admin(actor)
    page = max(page, 1)
    result = db.paginate(select(Vendor).order_by(func.lower(Vendor.name), Vendor.id),
                         page=page, per_page=per_page, error_out=False)
    return Page(list(result.items), int(result.total or 0), page, per_page)


def get_vendor(actor: User, vendor_id: int) -> Vendor:
    require_admin(actor)
    vendor = db.session.get(Vendor, vendor_id)
    if vendor is None:
        raise NotFound()
    return vendor
