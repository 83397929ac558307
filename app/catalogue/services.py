"""Catalogue use cases: browsing and search, price history, lot rankings.

Public reads need no actor. Changes take the acting admin, write the admin log, flush and
never commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import selectinload

from app.auth.models import User
from app.auth.services import require_admin
from app.catalogue.models import (
    CatalogueItem,
    Framework,
    FrameworkStatus,
    Lot,
    LotMembership,
    MembershipStatus,
    Unit,
)
from app.catalogue.signals import membership_withdrawn
from app.common import admin_log
from app.common.errors import Conflict, NotFound, ValidationFailed
from app.common.pagination import Page
from app.common.single_line import text_problems
from app.common.text import search_words
from app.common.time import today
from app.extensions import db
from app.vendors.models import Vendor

MAX_PER_PAGE = 100


# --- Reading the catalogue -----------------------------------------------------------------

def valid_on(day: date) -> Any:
    return (CatalogueItem.valid_from <= day) & (
        or_(CatalogueItem.valid_to.is_(None), CatalogueItem.valid_to >= day))


@dataclass
class ItemFilters:
    q: str = ""
    lot_id: int | None = None
    unit: str | None = None
    min_price_cents: int | None = None
    max_price_cents: int | None = None


def _filtered(filters: ItemFilters, on: date) -> Select[Any]:
    # The public catalogue offers the items of active frameworks only (not drafts).
    query = (select(CatalogueItem).join(Lot).join(Framework)
             .where(valid_on(on), Framework.status == FrameworkStatus.ACTIVE))
    if filters.lot_id is not None:
        query = query.where(CatalogueItem.lot_id == filters.lot_id)
    if filters.unit:
        query = query.where(CatalogueItem.unit == Unit(filters.unit))
    if filters.min_price_cents is not None:
        query = query.where(CatalogueItem.unit_price_cents >= filters.min_price_cents)
    if filters.max_price_cents is not None:
        query = query.where(CatalogueItem.unit_price_cents <= filters.max_price_cents)
    for word in search_words(filters.q):
        # Word-prefix match on accent- and case-free text ("facilit" finds "facilitation").
        query = query.where(CatalogueItem.search_text.like(f"% {word}%"))
    return query


def validate_filters(filters: ItemFilters) -> None:
    errors: dict[str, list[str]] = {}
    if filters.unit and filters.unit not in {u.value for u in Unit}:
        errors["unit"] = [str(_l("Choose a unit from the list."))]
    for name in ("min_price_cents", "max_price_cents"):
        value = getattr(filters, name)
        if value is not None and not 0 <= value <= 10**12:
            errors[name] = [str(_l("Enter an amount between 0 and 10 000 000 000."))]
    if (filters.min_price_cents is not None and filters.max_price_cents is not None
            and filters.min_price_cents > filters.max_price_cents):
        errors["max_price_cents"] = [str(_l("The maximum is below the minimum."))]
    if len(filters.q) > 200:
        errors["q"] = [str(_l("Use at most 200 characters."))]
    if errors:
        raise ValidationFailed(errors)


def search_items(filters: ItemFilters, page: int = 1, per_page: int = 20,
                 on: date | None = None) -> Page[CatalogueItem]:
    """Items priced on ``on`` (today by default), in lot and code order.

    Three queries whatever the number of rows: the count, the page, and the page's lots.
    """
    validate_filters(filters)
    on = on or today()
    per_page = min(max(per_page, 1), MAX_PER_PAGE)
    page = max(page, 1)
    query = _filtered(filters, on)
    total = db.session.execute(
        select(func.count()).select_from(query.order_by(None).subquery())).scalar_one()
    rows = db.session.execute(
        query.options(selectinload(CatalogueItem.lot))
        .order_by(Lot.number, CatalogueItem.code)
        .limit(per_page).offset((page - 1) * per_page)
    ).scalars().all()
    return Page(list(rows), total, page, per_page)


def get_current_item(code: str, on: date | None = None) -> CatalogueItem:
    # Should versions ever overlap, the one that started last applies (never a 500).
    item = db.session.execute(
        select(CatalogueItem).where(CatalogueItem.code == code, valid_on(on or today()))
        .options(selectinload(CatalogueItem.lot))
        .order_by(CatalogueItem.valid_from.desc(), CatalogueItem.id.desc()).limit(1)
    ).scalar_one_or_none()
    if item is None:
        raise NotFound()
    return item


def get_item(item_id: int) -> CatalogueItem:
    """One priced version of an item, current or not (orders refer to versions)."""
    item = db.session.get(CatalogueItem, item_id)
    if item is None:
        raise NotFound()
    return item


def price_on(code: str, day: date) -> CatalogueItem:
    """The version of ``code`` that applied on ``day``: an old order resolves its old price."""
    item = db.session.execute(
        select(CatalogueItem).where(CatalogueItem.code == code, valid_on(day))
        .order_by(CatalogueItem.valid_from.desc(), CatalogueItem.id.desc()).limit(1)
    ).scalar_one_or_none()
    if item is None:
        raise NotFound()
    return item


def price_history(code: str) -> list[CatalogueItem]:
    return list(db.session.execute(
        select(CatalogueItem).where(CatalogueItem.code == code)
        .order_by(CatalogueItem.valid_from)
    ).scalars())


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


def committed_cents_by_lot() -> dict[int, int]:
    """Value of the orders approved or later and not cancelled, per lot."""
    from app.orders.ceilings import committed_by_lot

    return committed_by_lot()


def active_members(lot: Lot) -> list[LotMembership]:
    return sorted((m for m in lot.memberships if m.status is MembershipStatus.ACTIVE),
                  key=lambda m: m.rank)


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


# --- Items and prices (admin) --------------------------------------------------------------

@dataclass
class ItemData:
    lot_id: int
    code: str
    title_fr: str
    title_nl: str
    title_en: str
    description_fr: str
    description_nl: str
    description_en: str
    unit: str
    unit_price_cents: int
    vat_rate_bp: int
    valid_from: date


TEXT_FIELDS = ("title_fr", "title_nl", "title_en", "description_fr", "description_nl",
               "description_en")


def item_errors(data: ItemData) -> dict[str, list[str]]:
    """Every problem with ``data``, by field (shared by the admin form and the CSV import)."""
    errors: dict[str, list[str]] = {}
    code = data.code.strip()
    if not code or len(code) > 40 or not all(ch.isalnum() or ch in "-_." for ch in code):
        errors["code"] = [str(_l("Use 1 to 40 letters, digits, dots, dashes or underscores."))]
    for name in ("title_fr", "title_nl", "title_en"):
        value = getattr(data, name).strip()
        if not value:
            errors[name] = [str(_l("This field is required."))]
        elif len(value) > 300:
            errors[name] = [str(_l("Use at most 300 characters."))]
    for name in ("description_fr", "description_nl", "description_en"):
        if len(getattr(data, name)) > 5000:
            errors[name] = [str(_l("Use at most 5000 characters."))]
    if data.unit not in {u.value for u in Unit}:
        errors["unit"] = [str(_l("Choose a unit from the list."))]
    if not isinstance(data.unit_price_cents, int) or not 0 <= data.unit_price_cents <= 10**11:
        errors["unit_price_cents"] = [str(_l("Enter a price between 0 and 1 000 000 000."))]
    if not isinstance(data.vat_rate_bp, int) or not 0 <= data.vat_rate_bp <= 10000:
        errors["vat_rate_bp"] = [str(_l("Enter a VAT rate between 0 and 100 %."))]
    if db.session.get(Lot, data.lot_id) is None:
        errors["lot_id"] = [str(_l("Choose an existing lot."))]
    return {**_text_errors(data, "code", *_TITLES, multi=_DESCRIPTIONS), **errors}


_TITLES = ("title_fr", "title_nl", "title_en")
_DESCRIPTIONS = ("description_fr", "description_nl", "description_en")


def _text_errors(data: Any, *single: str, multi: tuple[str, ...] = ()) -> dict[str, list[str]]:
    """Titles and codes on one line, descriptions without control characters (common rule)."""
    return text_problems(single={name: getattr(data, name) for name in single},
                         multi={name: getattr(data, name) for name in multi})


def _item_data(item: CatalogueItem, **changes: Any) -> ItemData:
    values: dict[str, Any] = {
        "lot_id": item.lot_id, "code": item.code, "unit": item.unit.value,
        "unit_price_cents": item.unit_price_cents, "vat_rate_bp": item.vat_rate_bp,
        "valid_from": item.valid_from, **{n: getattr(item, n) for n in TEXT_FIELDS}}
    values.update(changes)
    return ItemData(**values)


def create_item(actor: User, data: ItemData) -> CatalogueItem:
    require_admin(actor)
    errors = item_errors(data)
    code = data.code.strip()
    if "code" not in errors and db.session.execute(
            select(CatalogueItem.id).where(CatalogueItem.code == code)).first():
        errors["code"] = [str(_l("An item with this code already exists."))]
    if errors:
        raise ValidationFailed(errors)
    item = CatalogueItem(
        lot_id=data.lot_id, code=code, unit=Unit(data.unit),
        unit_price_cents=data.unit_price_cents, vat_rate_bp=data.vat_rate_bp,
        valid_from=data.valid_from,
        **{name: getattr(data, name).strip() for name in TEXT_FIELDS},
    )
    db.session.add(item)
    admin_log.record(actor, item, "create", None)
    return item


def update_item_texts(actor: User, code: str, texts: dict[str, str], unit: str) -> None:
    """Texts and unit describe the item, not a price: every version of the code changes."""
    require_admin(actor)
    versions = price_history(code)
    if not versions:
        raise NotFound()
    latest = versions[-1]
    data = _item_data(latest, unit=unit, **{n: texts.get(n, "") for n in TEXT_FIELDS})
    errors = item_errors(data)
    if errors:
        raise ValidationFailed(errors)
    for version in versions:
        before = admin_log.snapshot(version)
        for name in TEXT_FIELDS:
            setattr(version, name, texts[name].strip())
        version.unit = Unit(unit)
        admin_log.record(actor, version, "update", before)


def _locked_versions(code: str) -> list[CatalogueItem]:
    """Every version of ``code``, oldest first, read after locking them (``FOR UPDATE``).

    Concurrent revisions of one item queue here: the second reads the versions again once the
    first has committed, including the one it added (a fresh statement sees it; the locking
    statement itself would not), so two revisions never produce overlapping prices.
    SQLite has one writer at a time and ignores the lock.
    """
    db.session.execute(select(CatalogueItem.id).where(CatalogueItem.code == code)
                       .order_by(CatalogueItem.id).with_for_update())
    return list(db.session.execute(
        select(CatalogueItem).where(CatalogueItem.code == code)
        .order_by(CatalogueItem.valid_from).execution_options(populate_existing=True)
    ).scalars())


def revise_price(actor: User, code: str, unit_price_cents: int, vat_rate_bp: int,
                 valid_from: date) -> CatalogueItem:
    """Add a price from ``valid_from`` on; the previous price ends the day before.

    A revision never rewrites a past price: it must start today or later, and after the
    latest price's start.
    """
    require_admin(actor)
    versions = _locked_versions(code)
    if not versions:
        raise NotFound()
    latest = versions[-1]
    errors: dict[str, list[str]] = {}
    if valid_from < today():
        errors["valid_from"] = [str(_l("A new price cannot start in the past."))]
    elif valid_from <= latest.valid_from:
        errors["valid_from"] = [str(_l("A new price must start after %(day)s.",
                                       day=latest.valid_from.isoformat()))]
    data = _item_data(latest, unit_price_cents=unit_price_cents, vat_rate_bp=vat_rate_bp,
                      valid_from=valid_from)
    errors.update({k: v for k, v in item_errors(data).items()
                   if k in ("unit_price_cents", "vat_rate_bp")})
    if errors:
        raise ValidationFailed(errors)
    if latest.valid_to is not None and latest.valid_to < valid_from - timedelta(days=1):
        raise Conflict(str(_l("This item was withdrawn; add it again instead.")))
    before = admin_log.snapshot(latest)
    latest.valid_to = valid_from - timedelta(days=1)
    admin_log.record(actor, latest, "close_price", before)
    new = CatalogueItem(
        lot_id=latest.lot_id, code=code, unit=latest.unit, unit_price_cents=unit_price_cents,
        vat_rate_bp=vat_rate_bp, valid_from=valid_from,
        **{name: getattr(latest, name) for name in TEXT_FIELDS},
    )
    db.session.add(new)
    admin_log.record(actor, new, "revise_price", None)
    return new


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
    """Its open offers and invitations are withdrawn, in this transaction (app.orders)."""
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
    return {**_text_errors(data, "reference", *_TITLES), **errors}


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
    from app.catalogue.models import AwardMethod

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
    return {**_text_errors(data, *_TITLES, multi=_DESCRIPTIONS), **errors}


def _apply_lot(lot: Lot, data: LotData) -> None:
    from app.catalogue.models import AwardMethod

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


# --- Admin pages: lists and lookups (admin only) -------------------------------------------

def list_frameworks(actor: User) -> list[Framework]:
    """Every framework with its lots, newest first."""
    require_admin(actor)
    return list(db.session.execute(
        select(Framework)
        .options(selectinload(Framework.lots).selectinload(Lot.memberships))
        .order_by(Framework.start_date.desc(), Framework.reference)
    ).scalars())


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


@dataclass
class AdminItemRow:
    """One item code with all its priced versions (oldest first)."""

    code: str
    versions: list[CatalogueItem]
    on: date

    @property
    def latest(self) -> CatalogueItem:
        return self.versions[-1]

    @property
    def lot(self) -> Lot:
        return self.latest.lot

    @property
    def current(self) -> CatalogueItem | None:
        """The version priced on ``on`` (None before the first price or after withdrawal)."""
        return next((v for v in self.versions if v.valid_on(self.on)), None)

    @property
    def upcoming(self) -> CatalogueItem | None:
        """The next version that starts after ``on``, if one is scheduled."""
        return next((v for v in self.versions if v.valid_from > self.on), None)


def admin_items(actor: User, lot_id: int | None = None, page: int = 1, per_page: int = 25,
                on: date | None = None) -> Page[AdminItemRow]:
    """Item codes in framework, lot and code order, with every version of each.

    Three queries whatever the number of items or versions: the count, the page's codes, and
    the page's versions with their lots and frameworks.
    """
    from sqlalchemy.orm import joinedload

    require_admin(actor)
    on = on or today()
    per_page = min(max(per_page, 1), MAX_PER_PAGE)
    page = max(page, 1)
    codes = (select(CatalogueItem.code, func.min(Framework.reference).label("framework"),
                    func.min(Lot.number).label("lot_number"))
             .join(Lot, CatalogueItem.lot_id == Lot.id).join(Framework)
             .group_by(CatalogueItem.code))
    if lot_id is not None:
        codes = codes.where(CatalogueItem.lot_id == lot_id)
    total = db.session.execute(
        select(func.count()).select_from(codes.subquery())).scalar_one()
    page_codes = [row.code for row in db.session.execute(
        codes.order_by("framework", "lot_number", CatalogueItem.code)
        .limit(per_page).offset((page - 1) * per_page))]
    versions: dict[str, list[CatalogueItem]] = {code: [] for code in page_codes}
    if page_codes:
        rows = db.session.execute(
            select(CatalogueItem).where(CatalogueItem.code.in_(page_codes))
            .options(joinedload(CatalogueItem.lot).joinedload(Lot.framework))
            .order_by(CatalogueItem.code, CatalogueItem.valid_from)
        ).scalars().unique()
        for row in rows:
            versions[row.code].append(row)
    return Page([AdminItemRow(code, versions[code], on) for code in page_codes],
                total, page, per_page)


def admin_item(actor: User, code: str, on: date | None = None) -> AdminItemRow:
    require_admin(actor)
    versions = price_history(code)
    if not versions:
        raise NotFound()
    return AdminItemRow(code, versions, on or today())


def admin_log_page(actor: User, page: int = 1,
                   per_page: int = 50) -> Page[admin_log.AdminLogEntry]:
    """The admin log, newest first, with the actors loaded (three queries)."""
    require_admin(actor)
    per_page = min(max(per_page, 1), MAX_PER_PAGE)
    page = max(page, 1)
    Entry = admin_log.AdminLogEntry
    total = db.session.execute(select(func.count(Entry.id))).scalar_one()
    rows = db.session.execute(
        select(Entry).options(selectinload(Entry.actor))
        .order_by(Entry.at.desc(), Entry.id.desc())
        .limit(per_page).offset((page - 1) * per_page)
    ).scalars().all()
    return Page(list(rows), total, page, per_page)


def get_membership(actor: User, membership_id: int) -> LotMembership:
    """One membership with its lot and vendor, for the admin's confirmation pages."""
    require_admin(actor)
    membership = db.session.get(LotMembership, membership_id)
    if membership is None:
        raise NotFound()
    return membership


# --- JSON API reads (one round trip each) ----------------------------------------------------

def search_items_counted(filters: ItemFilters, page: int = 1, per_page: int = 20,
                         on: date | None = None) -> Page[CatalogueItem]:
    """:func:`search_items` in one query, for readers that need no lot object (the API).

    The total rides along on each row as a window count, computed over narrow rows (id and
    sort keys) before the page's full rows are joined back; only a page past the end, which
    has no row to carry it, costs a second query.
    """
    validate_filters(filters)
    on = on or today()
    per_page = min(max(per_page, 1), MAX_PER_PAGE)
    page = max(page, 1)
    query = _filtered(filters, on)
    window = (query.with_only_columns(CatalogueItem.id, Lot.number, CatalogueItem.code,
                                      func.count().over().label("total"))
              .order_by(Lot.number, CatalogueItem.code)
              .limit(per_page).offset((page - 1) * per_page)
              .subquery("page"))
    rows = db.session.execute(
        select(CatalogueItem, window.c.total).join(window, window.c.id == CatalogueItem.id)
        .order_by(window.c.number, window.c.code)
    ).all()
    if rows:
        total = int(rows[0].total)
    elif page == 1:
        total = 0
    else:
        total = db.session.execute(
            select(func.count()).select_from(query.order_by(None).subquery())).scalar_one()
    return Page([row[0] for row in rows], total, page, per_page)


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
