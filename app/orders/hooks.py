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
from app.common.hooks import Contributions, Hook
from app.orders.models import Order


@dataclass(frozen=True)
class PageSections:
    """Templates included at the end of the order page, and what they read. Sections with a
    lower ``position`` come first (the execution's, 50, before the assignment's history).
    ``facts`` are what the package knows for the page's "what happens next" (the keys of
    ``app.orders.next_steps``)."""

    templates: list[str] = field(default_factory=list)
    context: dict[str, Any] = field(default_factory=dict)
    position: int = 100
    facts: dict[str, Any] = field(default_factory=dict)


def _no_events(actor: User, order_id: int) -> list[dict[str, Any]]:
    return []


# The order page's sections for ``actor`` (the order is already checked visible to them):
# every higher package may contribute some.
order_page_sections: Contributions[[User, Order], PageSections] = Contributions(
    "orders.page_sections")


def page_sections(actor: User, order: Order) -> PageSections:
    """Every package's sections for the order page, in their places, as one."""
    templates: list[str] = []
    context: dict[str, Any] = {}
    facts: dict[str, Any] = {}
    for part in sorted(order_page_sections(actor, order), key=lambda part: part.position):
        templates.extend(part.templates)
        context.update(part.context)
        facts.update(part.facts)
    return PageSections(templates=templates, context=context, facts=facts)

# The order's events as ``actor`` may read them, as ``EventSchema`` dicts (404 when the
# order is not theirs).
order_events: Hook[[User, int], list[dict[str, Any]]] = Hook("orders.events", _no_events)

# When an order becomes ``assigned`` (in that transaction, the order locked): each higher
# package may make what the assignment forms (the execution freezes the order form) and
# answers the attachments the assignment e-mails carry (``app.common.mail`` references).
order_assigned: Contributions[[Order], list[dict[str, Any]]] = Contributions(
    "orders.order_assigned")
