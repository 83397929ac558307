"""Helpers for the order page tests (the demo catalogue, through the pages)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask.testing import FlaskClient
from flask_babel import gettext
from sqlalchemy import func, select

from app.auth.models import User
from app.catalogue.models import CatalogueItem, Lot
from app.catalogue.services import browse
from app.catalogue.services import lots as lot_services
from app.common.i18n import in_language
from app.common.money import format_eur
from app.extensions import db
from app.orders import services
from app.orders.models import Order, OrderEvent, OrderStatus

S = OrderStatus
Clients = Callable[[User], FlaskClient]


def lot(number: int) -> Lot:
    return next(lot for lot in lot_services.list_lots() if lot.number == number)


def item(code: str) -> CatalogueItem:
    return browse.get_current_item(code)


def form_data(lot_number: int = 3, quantities: dict[str, str] | None = None,
              **changes: str) -> dict[str, str]:
    data = {"lot_id": str(lot(lot_number).id), "title": "Atelier de quartier",
            "objectives": "Recueillir des avis", "participation_level": "consult",
            "commune": "forest", "description": "Deux ateliers",
            "planned_start": "2026-03-01", "planned_end": "2026-04-30"}
    for code, quantity in (quantities if quantities is not None
                           else {"L3-WS-HALF": "2"}).items():
        data[f"quantity-{item(code).id}"] = quantity
    data.update(changes)
    return data



def order_count() -> int:
    return int(db.session.execute(select(func.count(Order.id))).scalar_one())


def draft(buyer: User, lines: list[tuple[str, int]] | None = None,
          **changes: Any) -> Order:
    data = services.OrderInput(
        lot_id=lot(3).id, title="Atelier", objectives="Avis", participation_level="consult",
        commune="forest",
        lines=[services.LineInput(item(code).id, quantity)
               for code, quantity in (lines or [("L3-WS-HALF", 2)])])
    for key, value in changes.items():
        setattr(data, key, value)
    order = services.create_order(buyer, data)
    db.session.commit()
    return order


def submitted(buyer: User, **kw: Any) -> Order:
    order = draft(buyer, **kw)
    services.submit(buyer, order.id)
    db.session.commit()
    return order


def eur(cents: int) -> str:
    return format_eur(cents, "en")


def tr(language: str, msgid: str, **variables: Any) -> str:
    with in_language(language):
        return str(gettext(msgid, **variables))


def event_count(order: Order) -> int:
    return int(db.session.execute(
        select(func.count(OrderEvent.id)).where(OrderEvent.order_id == order.id)).scalar_one())
