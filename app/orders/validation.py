"""The rules an order's content must follow, checked once for every client (the order form,
the API): lengths, counts, ranges, the lot, the services and their prices, with one wording.
``ValidationFailed`` names each refused field (``lines.<n>.quantity``…); the API schemas
check types only and document these limits from here."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

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


def validate(data: OrderInput, on: date) -> tuple[dict[str, list[str]], Lot | None,
                                                    list[tuple[CatalogueItem, int]]]:
    errors: dict[str, list[str]] = {}
    # parse_id: an id no column can hold (or a bool) is unknown, never a query that fails
    lot = db.session.get(Lot, data.lot_id) if parse_id(data.lot_id) else None
    if lot is None:
        errors["lot_id"] = [str(_l("Choose a lot of the framework."))]
    elif lots.orderable_lot(lot.id, on) is None:
        errors["lot_id"] = [str(_l("This lot cannot be ordered from: its framework agreement "
                                   "is not active."))]
    for name, limit in TEXT_LIMITS.items():
        value = getattr(data, name)
        if not isinstance(value, str):
            errors[name] = [str(_l("Enter text."))]
        elif len(value) > limit:
            errors[name] = [str(_l("Use at most %(n)s characters.", n=limit))]
        elif problem := (single_line_problem if name == "title" else multi_line_problem)(value):
            errors[name] = [problem]
    for name in ("title", "objectives"):
        if name not in errors and not getattr(data, name).strip():
            errors[name] = [str(_l("This field is required."))]
    if data.participation_level not in {p.value for p in ParticipationLevel}:
        errors["participation_level"] = [str(_l("Choose a level of citizen involvement."))]
    if resolve_commune(data.commune) is None:
        errors["commune"] = [str(_l("Choose a commune of the Brussels-Capital Region."))]
    if data.planned_start and data.planned_end and data.planned_end < data.planned_start:
        errors["planned_end"] = [str(_l("The end date is before the start date."))]

    lines: list[tuple[CatalogueItem, int]] = []
    if not data.lines:
        errors["lines"] = [str(_l("Add at least one service."))]
    elif len(data.lines) > MAX_LINES:
        errors["lines"] = [str(_l("Use at most %(n)s lines.", n=MAX_LINES))]
    else:
        ids = [line.item_id for line in data.lines if parse_id(line.item_id)]
        items = {i.id: i for i in db.session.execute(
            select(CatalogueItem).where(CatalogueItem.id.in_(ids))).scalars()}
        seen: set[int] = set()
        for index, line in enumerate(data.lines):
            item = items.get(line.item_id) if parse_id(line.item_id) else None
            prefix = f"lines.{index}"
            if item is None:
                errors[f"{prefix}.item_id"] = [str(_l("This service is not in the catalogue."))]
            elif lot is not None and item.lot_id != lot.id:
                errors[f"{prefix}.item_id"] = [str(_l("This service belongs to another lot."))]
            elif not item.valid_on(on):
                errors[f"{prefix}.item_id"] = [str(_l(
                    "This price is no longer valid: choose the service again."))]
            elif item.id in seen:
                errors[f"{prefix}.item_id"] = [str(_l("This service is already in the order."))]
            quantity = line.quantity
            if (not isinstance(quantity, int) or isinstance(quantity, bool)
                    or not 1 <= quantity <= MAX_QUANTITY):
                errors[f"{prefix}.quantity"] = [str(_l(
                    "Enter a whole number from 1 to %(n)s.", n=MAX_QUANTITY))]
            if item is not None and f"{prefix}.item_id" not in errors \
                    and f"{prefix}.quantity" not in errors:
                seen.add(item.id)
                lines.append((item, quantity))
    return errors, lot, lines
