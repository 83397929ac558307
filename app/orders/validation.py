"""The rules an order's content must follow, checked once for every client (the order form,
the API): lengths, counts, ranges, the lot, the services and their prices, with one wording.
``ValidationFailed`` names each refused field (``lines.<n>.quantity``…); the API schemas
check types only and document these limits from here."""

from __future__ import annotations

from collections.abc import Sized
from datetime import date
from typing import TYPE_CHECKING, Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.catalogue.models import CatalogueItem, Lot
from app.common.communes import resolve_commune
from app.common.numbers import parse_id
from app.common.single_line import multi_line_problem, single_line_problem
from app.extensions import db
from app.orders import lots
from app.orders.models import ParticipationLevel

if TYPE_CHECKING:
    from app.orders.services import OrderInput

MAX_LINES = 50
MAX_QUANTITY = 10_000
TEXT_LIMITS = {"title": 200, "description": 5000, "objectives": 5000,
               "target_audiences": 2000, "inclusion_measures": 5000}


REQUIRED_TEXT = ("title", "objectives")


# --- One value at a time: the API's schema applies these at the door too ---------------------

def text_problems(name: str, value: Any) -> list[str]:
    """What is wrong with the text field ``name`` (empty when it is fine)."""
    limit = TEXT_LIMITS[name]
    if not isinstance(value, str):
        return [str(_l("Enter text."))]
    if len(value) > limit:
        return [str(_l("Use at most %(n)s characters.", n=limit))]
    if problem := (single_line_problem if name == "title" else multi_line_problem)(value):
        return [problem]
    if name in REQUIRED_TEXT and not value.strip():
        return [str(_l("This field is required."))]
    return []


def level_problems(value: Any) -> list[str]:
    if value not in {p.value for p in ParticipationLevel}:
        return [str(_l("Choose a level of citizen involvement."))]
    return []


def lot_id_problems(value: Any) -> list[str]:
    """An id no lot can have; the lot itself is looked up by :func:`validate`."""
    return [] if parse_id(value) else [str(_l("Choose a lot of the framework."))]


def item_id_problems(value: Any) -> list[str]:
    """An id no item can have; the item itself is looked up by :func:`validate`."""
    return [] if parse_id(value) else [str(_l("This service is not in the catalogue."))]


def quantity_problems(value: Any) -> list[str]:
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= MAX_QUANTITY:
        return [str(_l("Enter a whole number from 1 to %(n)s.", n=MAX_QUANTITY))]
    return []


def line_count_problems(lines: Sized) -> list[str]:
    if not lines:
        return [str(_l("Add at least one service."))]
    if len(lines) > MAX_LINES:
        return [str(_l("Use at most %(n)s lines.", n=MAX_LINES))]
    return []


# --- The whole order ---------------------------------------------------------------------------

def validate(data: OrderInput, on: date) -> tuple[dict[str, list[str]], Lot | None,
                                                    list[tuple[CatalogueItem, int]]]:
    errors: dict[str, list[str]] = {}
    # parse_id: an id no column can hold (or a bool) is unknown, never a query that fails
    lot = db.session.get(Lot, data.lot_id) if parse_id(data.lot_id) else None
    if lot is None:
        errors["lot_id"] = lot_id_problems(None)
    elif lots.orderable_lot(lot.id, on) is None:
        errors["lot_id"] = [str(_l("This lot cannot be ordered from: its framework agreement "
                                   "is not active."))]
    for name in TEXT_LIMITS:
        if problems := text_problems(name, getattr(data, name)):
            errors[name] = problems
    if problems := level_problems(data.participation_level):
        errors["participation_level"] = problems
    if resolve_commune(data.commune) is None:
        errors["commune"] = [str(_l("Choose a commune of the Brussels-Capital Region."))]
    if data.planned_start and data.planned_end and data.planned_end < data.planned_start:
        errors["planned_end"] = [str(_l("The end date is before the start date."))]

    lines: list[tuple[CatalogueItem, int]] = []
    if problems := line_count_problems(data.lines):
        errors["lines"] = problems
    else:
        ids = [line.item_id for line in data.lines if parse_id(line.item_id)]
        items = {i.id: i for i in db.session.execute(
            select(CatalogueItem).where(CatalogueItem.id.in_(ids))).scalars()}
        seen: set[int] = set()
        for index, line in enumerate(data.lines):
            item = items.get(line.item_id) if parse_id(line.item_id) else None
            prefix = f"lines.{index}"
            if item is None:
                errors[f"{prefix}.item_id"] = item_id_problems(None)
            elif lot is not None and item.lot_id != lot.id:
                errors[f"{prefix}.item_id"] = [str(_l("This service belongs to another lot."))]
            elif not item.valid_on(on):
                errors[f"{prefix}.item_id"] = [str(_l(
                    "This price is no longer valid: choose the service again."))]
            elif item.id in seen:
                errors[f"{prefix}.item_id"] = [str(_l("This service is already in the order."))]
            quantity = line.quantity
            if problems := quantity_problems(quantity):
                errors[f"{prefix}.quantity"] = problems
            if item is not None and f"{prefix}.item_id" not in errors \
                    and f"{prefix}.quantity" not in errors:
                seen.add(item.id)
                lines.append((item, quantity))
    return errors, lot, lines
