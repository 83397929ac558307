"""Lot memberships: the cascade's ranks and the vendors' status in a lot (admin), and the
public directory's reads. Changes take the acting admin, write the admin log, flush and never
commit."""

from __future__ import annotations

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from app.auth.models import User
from app.auth.services import require_admin
from app.catalogue.models import (
    Framework,
    Lot,
    LotMembership,
    MembershipStatus,
)
from app.catalogue.services.lots import active_members
from app.catalogue.signals import membership_withdrawn
from app.common import admin_log
from app.common.errors import Conflict, NotFound, ValidationFailed
from app.extensions import db
from app.vendors.models import Vendor


def public_vendors() -> list[Vendor]:
    """Active vendors with at least one active lot membership, by name."""
    has_lot = select(LotMembership.id).where(
        LotMembership.vendor_id == Vendor.id,
        LotMembership.status == MembershipStatus.ACTIVE).exists()
    return list(db.session.execute(
        select(Vendor).where(Vendor.active.is_(True), has_lot).order_by(Vendor.name)
    ).scalars())


def memberships_by_vendor(vendor_ids: list[int]) -> dict[int, list[LotMembership]]:
    """Active memberships per vendor, with their lots loaded: one query for any number."""
    rows = db.session.execute(
        select(LotMembership)
        .where(LotMembership.vendor_id.in_(vendor_ids),
               LotMembership.status == MembershipStatus.ACTIVE)
        .join(Lot).order_by(Lot.number)
        .options(selectinload(LotMembership.lot))
    ).scalars()
    result: dict[int, list[LotMembership]] = {vendor_id: [] for vendor_id in vendor_ids}
    for row in rows:
        result[row.vendor_id].append(row)
    return result


# --- Lot rankings (admin) -----------------------------------------------------------------

def _lock_lot(lot_id: int) -> Lot:
    """Serialise ranking changes of one lot (a no-op on SQLite, which has one writer)."""
    lot = db.session.execute(
        select(Lot).where(Lot.id == lot_id).with_for_update()).scalar_one_or_none()
    if lot is None:
        raise NotFound()
    return lot


def _membership(membership_id: int) -> LotMembership:
    membership = db.session.get(LotMembership, membership_id)
    if membership is None:
        raise NotFound()
    _lock_lot(membership.lot_id)
    db.session.refresh(membership)
    return membership


def _next_rank(lot_id: int) -> int:
    highest = db.session.execute(
        select(func.max(LotMembership.rank)).where(
            LotMembership.lot_id == lot_id,
            LotMembership.status == MembershipStatus.ACTIVE)).scalar_one()
    return int(highest or 0) + 1


def add_member(actor: User, lot_id: int, vendor_id: int) -> LotMembership:
    """The vendor joins the lot at the end of the cascade."""
    require_admin(actor)
    _lock_lot(lot_id)
    vendor = db.session.get(Vendor, vendor_id)
    if vendor is None:
        raise ValidationFailed({"vendor_id": [str(_l("Choose an existing vendor."))]})
    existing = db.session.execute(
        select(LotMembership).where(LotMembership.lot_id == lot_id,
                                    LotMembership.vendor_id == vendor_id)
    ).scalar_one_or_none()
    if existing is not None:
        raise ValidationFailed({"vendor_id": [str(_l("This vendor is already in this lot."))]})
    membership = LotMembership(lot_id=lot_id, vendor_id=vendor_id, rank=_next_rank(lot_id),
                               status=MembershipStatus.ACTIVE)
    db.session.add(membership)
    admin_log.record(actor, membership, "create", None)
    return membership


def set_ranking(actor: User, lot_id: int, membership_ids: list[int]) -> list[LotMembership]:
    """Give the lot's active members ranks 1..n in the order given (all of them, once)."""
    require_admin(actor)
    lot = _lock_lot(lot_id)
    db.session.refresh(lot)
    active = active_members(lot)
    if sorted(membership_ids) != sorted(m.id for m in active):
        raise Conflict(str(_l("The list of vendors changed meanwhile. Reload and try again.")))
    by_id = {m.id: m for m in active}
    befores = {m.id: admin_log.snapshot(m) for m in active}
    # Two steps, so the unique (lot, rank) index never sees two members on one rank.
    offset = max((m.rank for m in active), default=0) + len(active) + 1
    for position, membership_id in enumerate(membership_ids, start=1):
        by_id[membership_id].rank = offset + position
    db.session.flush()
    for position, membership_id in enumerate(membership_ids, start=1):
        by_id[membership_id].rank = position
    db.session.flush()
    for membership_id in membership_ids:
        membership = by_id[membership_id]
        if befores[membership_id]["rank"] != membership.rank:
            admin_log.record(actor, membership, "rank", befores[membership_id])
    return [by_id[i] for i in membership_ids]


def move_member(actor: User, membership_id: int, direction: str) -> None:
    """Swap with the neighbour above (``up``) or below (``down``) in the cascade."""
    require_admin(actor)
    membership = _membership(membership_id)
    if membership.status is not MembershipStatus.ACTIVE:
        raise Conflict(str(_l("Only active vendors have a rank.")))
    order = [m.id for m in active_members(membership.lot)]
    index = order.index(membership.id)
    other = index - 1 if direction == "up" else index + 1
    if direction not in ("up", "down") or not 0 <= other < len(order):
        raise Conflict(str(_l("This vendor cannot move further.")))
    order[index], order[other] = order[other], order[index]
    set_ranking(actor, membership.lot_id, order)


def _compact(actor: User, lot_id: int) -> None:
    lot = db.session.get(Lot, lot_id)
    assert lot is not None
    db.session.refresh(lot)
    set_ranking(actor, lot_id, [m.id for m in active_members(lot)])


def _withdrawn(actor: User, membership: LotMembership) -> None:
    """Its open offers and invitations are withdrawn in this transaction (by app.assignment)."""
    membership_withdrawn.send(current_app._get_current_object(),  # type: ignore[attr-defined]
                              lot_id=membership.lot_id, vendor_id=membership.vendor_id,
                              actor=actor)


def suspend_member(actor: User, membership_id: int, reason: str) -> LotMembership:
    """Out of the cascade for now; the others move up."""
    require_admin(actor)
    reason = reason.strip()
    if not reason:
        raise ValidationFailed({"reason": [str(_l("Give a reason."))]})
    membership = _membership(membership_id)
    if membership.status is not MembershipStatus.ACTIVE:
        raise Conflict(str(_l("Only an active vendor can be suspended.")))
    before = admin_log.snapshot(membership)
    membership.status = MembershipStatus.SUSPENDED
    membership.status_reason = reason[:2000]
    db.session.flush()
    admin_log.record(actor, membership, "suspend", before)
    _compact(actor, membership.lot_id)
    _withdrawn(actor, membership)
    return membership


def reactivate_member(actor: User, membership_id: int) -> LotMembership:
    """Back in the cascade, at the end."""
    require_admin(actor)
    membership = _membership(membership_id)
    if membership.status is not MembershipStatus.SUSPENDED:
        raise Conflict(str(_l("Only a suspended vendor can be reactivated.")))
    before = admin_log.snapshot(membership)
    membership.rank = _next_rank(membership.lot_id)
    membership.status = MembershipStatus.ACTIVE
    membership.status_reason = ""
    admin_log.record(actor, membership, "reactivate", before)
    return membership


def terminate_member(actor: User, membership_id: int, reason: str) -> LotMembership:
    """Final: the vendor leaves the lot (its past offers and orders stay)."""
    require_admin(actor)
    reason = reason.strip()
    if not reason:
        raise ValidationFailed({"reason": [str(_l("Give a reason."))]})
    membership = _membership(membership_id)
    if membership.status is MembershipStatus.TERMINATED:
        raise Conflict(str(_l("This membership is already terminated.")))
    was_active = membership.status is MembershipStatus.ACTIVE
    before = admin_log.snapshot(membership)
    membership.status = MembershipStatus.TERMINATED
    membership.status_reason = reason[:2000]
    db.session.flush()
    admin_log.record(actor, membership, "terminate", before)
    if was_active:
        _compact(actor, membership.lot_id)
    _withdrawn(actor, membership)
    return membership


def lot_ranking(actor: User, lot_id: int) -> list[LotMembership]:
    """The lot's memberships: active in rank order, then suspended, then terminated."""
    require_admin(actor)
    order = {MembershipStatus.ACTIVE: 0, MembershipStatus.SUSPENDED: 1,
             MembershipStatus.TERMINATED: 2}
    rows = db.session.execute(
        select(LotMembership).where(LotMembership.lot_id == lot_id)
        .options(selectinload(LotMembership.vendor))
    ).scalars().all()
    return sorted(rows, key=lambda m: (order[m.status], m.rank, m.vendor.name.lower()))


def memberships_of_vendor(actor: User, vendor_id: int) -> list[LotMembership]:
    """Every membership of a vendor, whatever its status, with lots and frameworks loaded."""
    require_admin(actor)
    return list(db.session.execute(
        select(LotMembership).where(LotMembership.vendor_id == vendor_id)
        .join(Lot).join(Framework).order_by(Framework.reference, Lot.number)
        .options(selectinload(LotMembership.lot).selectinload(Lot.framework))
    ).scalars())


def get_membership(actor: User, membership_id: int) -> LotMembership:
    """One membership with its lot and vendor, for the admin's confirmation pages."""
    require_admin(actor)
    membership = db.session.get(LotMembership, membership_id)
    if membership is None:
        raise NotFound()
    return membership
