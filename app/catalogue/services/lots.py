"""Lots: the public reads, the consumption of their ceilings (a hook the orders answer), and
the admin's changes (acting admin, admin log, flush, never commit)."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from app.auth.models import User
from app.auth.services import require_admin
from app.catalogue.models import (
    AwardMethod,
    Framework,
    FrameworkStatus,
    Lot,
    LotMembership,
    MembershipStatus,
)
from app.catalogue.services.texts import DESCRIPTIONS, TITLES, text_errors
from app.common import admin_log
from app.common.errors import NotFound, ValidationFailed
from app.common.hooks import Hook
from app.extensions import db
from app.vendors.models import Vendor


def list_lots(framework_id: int | None = None, active_only: bool = False) -> list[Lot]:
    """Lots in framework and number order; ``active_only`` for the public pages."""
    query = (select(Lot).join(Framework)
             .options(selectinload(Lot.framework),
                      selectinload(Lot.memberships).selectinload(LotMembership.vendor))
             .order_by(Framework.id, Lot.number))
    if framework_id is not None:
        query = query.where(Lot.framework_id == framework_id)
    if active_only:
        query = query.where(Framework.status == FrameworkStatus.ACTIVE)
    return list(db.session.execute(query).scalars())


def get_lot(lot_id: int) -> Lot:
    lot = db.session.get(Lot, lot_id)
    if lot is None:
        raise NotFound()
    return lot


# Value of the orders approved or later and not cancelled, per lot. The orders package answers
# (app.orders sits above the catalogue); until it does, nothing is committed anywhere.
committed_cents_by_lot: Hook[[], dict[int, int]] = Hook("catalogue.committed_cents_by_lot",
                                                       lambda: {})


def active_members(lot: Lot) -> list[LotMembership]:
    return sorted((m for m in lot.memberships if m.status is MembershipStatus.ACTIVE),
                  key=lambda m: m.rank)


# --- Public lot page ------------------------------------------------------------------------

def get_public_lot(lot_id: int) -> Lot:
    """A lot with its framework and its members' vendors loaded: a fixed number of queries."""
    lot = db.session.execute(
        select(Lot).where(Lot.id == lot_id)
        .options(selectinload(Lot.framework),
                 selectinload(Lot.memberships).selectinload(LotMembership.vendor))
    ).scalar_one_or_none()
    if lot is None:
        raise NotFound()
    return lot


def lots_with_vendor_counts(framework_id: int | None = None) -> list[tuple[Lot, str, int]]:
    """Lots, their framework's reference and how many vendors their cascade has (active
    membership of an active vendor), by framework then number: one query."""
    vendors = (select(func.count(LotMembership.id))
               .join(Vendor, Vendor.id == LotMembership.vendor_id)
               .where(LotMembership.lot_id == Lot.id,
                      LotMembership.status == MembershipStatus.ACTIVE,
                      Vendor.active.is_(True))
               .correlate(Lot).scalar_subquery())
    query = (select(Lot, Framework.reference, vendors).join(Framework)
             .order_by(Framework.id, Lot.number))
    if framework_id is not None:
        query = query.where(Lot.framework_id == framework_id)
    return [(lot, reference, int(count))
            for lot, reference, count in db.session.execute(query).all()]


# --- Lots (admin) -------------------------------------------------------------------------

@dataclass
class LotData:
    framework_id: int
    number: int
    title_fr: str
    title_nl: str
    title_en: str
    description_fr: str
    description_nl: str
    description_en: str
    award_method: str
    ceiling_cents: int | None
    response_working_days: int


def _lot_errors(data: LotData, lot_id: int | None) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if db.session.get(Framework, data.framework_id) is None:
        errors["framework_id"] = [str(_l("Choose an existing framework."))]
    if not 1 <= data.number <= 99:
        errors["number"] = [str(_l("Enter a number between 1 and 99."))]
    elif db.session.execute(select(Lot.id).where(
            Lot.framework_id == data.framework_id, Lot.number == data.number,
            Lot.id != (lot_id or 0))).first():
        errors["number"] = [str(_l("This framework already has a lot with this number."))]
    for name in ("title_fr", "title_nl", "title_en"):
        value = getattr(data, name).strip()
        if not value or len(value) > 300:
            errors[name] = [str(_l("Use 1 to 300 characters."))]
    for name in ("description_fr", "description_nl", "description_en"):
        if len(getattr(data, name)) > 5000:
            errors[name] = [str(_l("Use at most 5000 characters."))]
    if data.award_method not in {m.value for m in AwardMethod}:
        errors["award_method"] = [str(_l("Choose an award method from the list."))]
    if data.ceiling_cents is not None and not 0 <= data.ceiling_cents <= 10**13:
        errors["ceiling_cents"] = [str(_l("Enter an amount between 0 and 100 000 000 000."))]
    if not 1 <= data.response_working_days <= 60:
        errors["response_working_days"] = [str(_l("Enter a number between 1 and 60."))]
    return {**text_errors(data, *TITLES, multi=DESCRIPTIONS), **errors}


def _apply_lot(lot: Lot, data: LotData) -> None:
    lot.framework_id = data.framework_id
    lot.number = data.number
    for name in ("title_fr", "title_nl", "title_en", "description_fr", "description_nl",
                 "description_en"):
        setattr(lot, name, getattr(data, name).strip())
    lot.award_method = AwardMethod(data.award_method)
    lot.ceiling_cents = data.ceiling_cents
    lot.response_working_days = data.response_working_days


def create_lot(actor: User, data: LotData) -> Lot:
    require_admin(actor)
    errors = _lot_errors(data, None)
    if errors:
        raise ValidationFailed(errors)
    lot = Lot()
    _apply_lot(lot, data)
    db.session.add(lot)
    admin_log.record(actor, lot, "create", None)
    return lot


def update_lot(actor: User, lot_id: int, data: LotData) -> Lot:
    require_admin(actor)
    lot = get_lot(lot_id)
    errors = _lot_errors(data, lot_id)
    if errors:
        raise ValidationFailed(errors)
    before = admin_log.snapshot(lot)
    _apply_lot(lot, data)
    admin_log.record(actor, lot, "update", before)
    return lot
