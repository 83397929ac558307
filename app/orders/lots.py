"""Which lots may be ordered from: the one rule the API, the order form and the services share.

A lot can be ordered from while its framework agreement is active on the day (status
``active`` and the day within its start and end dates).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from app.catalogue.models import Lot
from app.catalogue.services import frameworks as framework_services
from app.catalogue.services import lots as lot_services
from app.common.time import today
from app.extensions import db


def is_orderable(lot: Lot, on: date | None = None) -> bool:
    return framework_services.framework_is_active(lot.framework, on or today())


def orderable_lots(on: date | None = None) -> list[Lot]:
    """The lots a buyer may order from on ``on`` (today by default), in framework order."""
    on = on or today()
    return [lot for lot in lot_services.list_lots() if is_orderable(lot, on)]


def orderable_lot(lot_id: Any, on: date | None = None) -> Lot | None:
    """The lot with this id if it may be ordered from, else None (unknown id included)."""
    if isinstance(lot_id, bool) or not isinstance(lot_id, int):
        return None
    lot = db.session.get(Lot, lot_id)
    return lot if lot is not None and is_orderable(lot, on) else None
