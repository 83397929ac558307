"""Frameworks: the admin's changes and lookups, and whether one is open for orders."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.auth.models import User
from app.auth.services import require_admin
from app.catalogue.models import (
    Framework,
    FrameworkStatus,
    Lot,
)
from app.catalogue.services.texts import TITLES, text_errors
from app.common import admin_log
from app.common.errors import NotFound, ValidationFailed
from app.common.time import today
from app.extensions import db


def framework_is_active(framework: Framework, on: date | None = None) -> bool:
    on = on or today()
    return (framework.status is FrameworkStatus.ACTIVE
            and framework.start_date <= on <= framework.end_date)


# --- Frameworks and lots (admin) ----------------------------------------------------------

@dataclass
class FrameworkData:
    reference: str
    title_fr: str
    title_nl: str
    title_en: str
    start_date: date
    end_date: date
    max_value_cents: int
    status: str


def _framework_errors(data: FrameworkData, framework_id: int | None) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    reference = data.reference.strip()
    if not reference or len(reference) > 50:
        errors["reference"] = [str(_l("Use 1 to 50 characters."))]
    elif db.session.execute(select(Framework.id).where(
            Framework.reference == reference, Framework.id != (framework_id or 0))).first():
        errors["reference"] = [str(_l("Another framework has this reference."))]
    for name in ("title_fr", "title_nl", "title_en"):
        value = getattr(data, name).strip()
        if not value or len(value) > 300:
            errors[name] = [str(_l("Use 1 to 300 characters."))]
    if data.end_date < data.start_date:
        errors["end_date"] = [str(_l("The end date is before the start date."))]
    if not 0 <= data.max_value_cents <= 10**13:
        errors["max_value_cents"] = [str(_l("Enter an amount between 0 and 100 000 000 000."))]
    if data.status not in {s.value for s in FrameworkStatus}:
        errors["status"] = [str(_l("Choose a status from the list."))]
    return {**text_errors(data, "reference", *TITLES), **errors}


def create_framework(actor: User, data: FrameworkData) -> Framework:
    require_admin(actor)
    errors = _framework_errors(data, None)
    if errors:
        raise ValidationFailed(errors)
    framework = Framework(
        reference=data.reference.strip(), title_fr=data.title_fr.strip(),
        title_nl=data.title_nl.strip(), title_en=data.title_en.strip(),
        start_date=data.start_date, end_date=data.end_date,
        max_value_cents=data.max_value_cents, status=FrameworkStatus(data.status))
    db.session.add(framework)
    admin_log.record(actor, framework, "create", None)
    return framework


def update_framework(actor: User, framework_id: int, data: FrameworkData) -> Framework:
    require_admin(actor)
    framework = db.session.get(Framework, framework_id)
    if framework is None:
        raise NotFound()
    errors = _framework_errors(data, framework_id)
    if errors:
        raise ValidationFailed(errors)
    before = admin_log.snapshot(framework)
    framework.reference = data.reference.strip()
    framework.title_fr, framework.title_nl, framework.title_en = (
        data.title_fr.strip(), data.title_nl.strip(), data.title_en.strip())
    framework.start_date, framework.end_date = data.start_date, data.end_date
    framework.max_value_cents = data.max_value_cents
    framework.status = FrameworkStatus(data.status)
    admin_log.record(actor, framework, "update", before)
    return framework


# --- Admin pages: lists and lookups (admin only) -------------------------------------------

def list_frameworks(actor: User) -> list[Framework]:
    """Every framework with its lots, newest first."""
    require_admin(actor)
    return list(db.session.execute(
        select(Framework)
        .options(selectinload(Framework.lots).selectinload(Lot.memberships))
        .order_by(Framework.start_date.desc(), Framework.reference)
    ).scalars())


def public_frameworks() -> list[tuple[Framework, list[int]]]:
    """Every framework and its lots' ids, newest first (two queries: no login needed, the
    API's ``/frameworks``)."""
    frameworks = list(db.session.execute(
        select(Framework).order_by(Framework.start_date.desc(), Framework.reference)).scalars())
    lot_ids: dict[int, list[int]] = {}
    for lot_id, framework_id in db.session.execute(
            select(Lot.id, Lot.framework_id).order_by(Lot.framework_id, Lot.number)):
        lot_ids.setdefault(framework_id, []).append(lot_id)
    return [(framework, lot_ids.get(framework.id, [])) for framework in frameworks]


def get_framework(actor: User, framework_id: int) -> Framework:
    require_admin(actor)
    framework = db.session.get(Framework, framework_id)
    if framework is None:
        raise NotFound()
    return framework


def framework_by_reference(reference: str) -> Framework:
    framework = db.session.execute(
        select(Framework).where(Framework.reference == reference.strip())
    ).scalar_one_or_none()
    if framework is None:
        raise NotFound()
    return framework


def default_framework() -> Framework | None:
    """The only framework whose status is active; None when there are none or several."""
    active = db.session.execute(
        select(Framework).where(Framework.status == FrameworkStatus.ACTIVE).limit(2)
    ).scalars().all()
    return active[0] if len(active) == 1 else None
