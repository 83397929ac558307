"""Items and their prices as admins change them (the admin form and the CSV import), and the
admin list of item codes with every priced version. Changes take the acting admin, write the
admin log, flush and never commit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from app.auth.models import User
from app.auth.services import require_admin
from app.catalogue.models import (
    CatalogueItem,
    Framework,
    Lot,
    Unit,
)
from app.catalogue.services.browse import MAX_PER_PAGE, price_history
from app.catalogue.services.texts import DESCRIPTIONS, TEXT_FIELDS, TITLES, text_errors
from app.common import admin_log
from app.common.errors import Conflict, NotFound, ValidationFailed
from app.common.pagination import Page
from app.common.time import today
from app.extensions import db

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
    return {**text_errors(data, "code", *TITLES, multi=DESCRIPTIONS), **errors}


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
