"""Helpers for the order rule tests (services called directly, on the demo catalogue)."""

from __future__ import annotations

from app.auth.models import User
from app.catalogue.models import CatalogueItem, Lot
from app.catalogue.services import browse
from app.catalogue.services import lots as lot_services
from app.extensions import db
from app.orders import services
from app.orders.models import Order, OrderStatus

S = OrderStatus


def lot(number: int) -> Lot:
    return next(lot for lot in lot_services.list_lots() if lot.number == number)


def item(code: str) -> CatalogueItem:
    return browse.get_current_item(code)


def order_input(lot_number: int = 3, lines: list[tuple[str, int]] | None = None,
                **changes: object) -> services.OrderInput:
    lines = lines if lines is not None else [("L3-WS-HALF", 2)]
    data = services.OrderInput(
        lot_id=lot(lot_number).id, title="Atelier de quartier", objectives="Recueillir des avis",
        participation_level="consult", commune="forest", description="Deux ateliers",
        lines=[services.LineInput(item(code).id, quantity) for code, quantity in lines])
    for key, value in changes.items():
        setattr(data, key, value)
    return data


def draft(buyer: User, **kw: object) -> Order:
    order = services.create_order(buyer, order_input(**kw))  # type: ignore[arg-type]
    db.session.commit()
    return order


def submitted(buyer: User, **kw: object) -> Order:
    order = draft(buyer, **kw)
    services.submit(buyer, order.id)
    db.session.commit()
    return order


def big_order(buyer: User) -> Order:
    """Above the EUR 30,000 four-eyes threshold: L1-PROC is EUR 24,500."""
    return submitted(buyer, lot_number=1, lines=[("L1-PROC", 2)])
