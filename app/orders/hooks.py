"""Questions the orders ask a higher package (DESIGN §7, ``app.common.hooks``).

The order page and ``GET /orders/{id}/events`` show what the assignment package shapes for
the reader (the sealed-bid history, the vendors asked): the orders may not import it, so
they ask these hooks, which that package's ``register(app)`` answers at start-up. Unanswered,
they answer nothing to show.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from app.auth.models import User
from app.common.hooks import Hook
from app.orders.models import Order


@dataclass(frozen=True)
class PageSections:
    """Templates included at the end of the order page, and what they read."""

    templates: list[str] = field(default_factory=list)
    context: dict[str, Any] = field(default_factory=dict)


def _no_sections(actor: User, order: Order) -> PageSections:
    return PageSections()


def _no_events(actor: User, order_id: int) -> list[dict[str, Any]]:
    return []


# The order page's sections for ``actor`` (the order is already checked visible to them).
order_page_sections: Hook[[User, Order], PageSections] = Hook(
    "orders.page_sections", _no_sections)

# The order's events as ``actor`` may read them, as ``EventSchema`` dicts (404 when the
# order is not theirs).
order_events: Hook[[User, int], list[dict[str, Any]]] = Hook("orders.events", _no_events)
