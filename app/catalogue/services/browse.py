"""Reading the catalogue (no actor): the search, an item's current price, the price on a day,
an item's history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import selectinload

from app.catalogue.models import (
    CatalogueItem,
    Framework,
    FrameworkStatus,
    Lot,
    Unit,
)
from app.common.errors import NotFound, ValidationFailed
from app.common.pagination import Page
from app.common.text import search_words
from app.common.time import today
from app.extensions import db

MAX_PER_PAGE = 100
# The search's limits and their words, stated once: the API's query schema declares the same
# (it documents them in the OpenAPI document), the pages' filter form shows these messages.
MAX_QUERY_LENGTH = 200
MAX_PRICE_CENTS = 10**12
UNIT_ERROR = _l("Choose a unit from the list.")
AMOUNT_ERROR = _l("Enter an amount between 0 and 10 000 000 000.")
QUERY_ERROR = _l("Use at most 200 characters.")


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
        errors["unit"] = [str(UNIT_ERROR)]
    for name in ("min_price_cents", "max_price_cents"):
        value = getattr(filters, name)
        if value is not None and not 0 <= value <= MAX_PRICE_CENTS:
            errors[name] = [str(AMOUNT_ERROR)]
    if (filters.min_price_cents is not None and filters.max_price_cents is not None
            and filters.min_price_cents > filters.max_price_cents):
        errors["max_price_cents"] = [str(_l("The maximum is below the minimum."))]
    if len(filters.q) > MAX_QUERY_LENGTH:
        errors["q"] = [str(QUERY_ERROR)]
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
