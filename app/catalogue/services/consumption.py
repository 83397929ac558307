"""How much of each lot's and framework agreement's ceiling is used (DESIGN §9): committed
(the orders approved or later, not cancelled; a closed order for what was invoiced), invoiced
(the invoices not rejected) and paid, in cents excluding VAT like the ceilings.

The catalogue sits below the orders and the invoicing (DESIGN §7): it asks these hooks, which
those packages answer at start-up (``app.orders.register``, ``app.invoicing.register``);
unanswered, nothing is used. Each question is one grouped query, whatever the number of lots.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.catalogue.services import lots
from app.common.hooks import Hook

# id → (invoiced, paid), per lot and per framework agreement.
invoiced_cents_by_lot: Hook[[], dict[int, tuple[int, int]]] = Hook(
    "catalogue.invoiced_cents_by_lot", lambda: {})
invoiced_cents_by_framework: Hook[[], dict[int, tuple[int, int]]] = Hook(
    "catalogue.invoiced_cents_by_framework", lambda: {})
# id → committed, per framework agreement (per lot: ``lots.committed_cents_by_lot``).
committed_cents_by_framework: Hook[[], dict[int, int]] = Hook(
    "catalogue.committed_cents_by_framework", lambda: {})


@dataclass(frozen=True)
class Used:
    committed_cents: int = 0
    invoiced_cents: int = 0
    paid_cents: int = 0


def _merge(committed: dict[int, int], invoiced: dict[int, tuple[int, int]]) -> dict[int, Used]:
    return {key: Used(committed.get(key, 0), *invoiced.get(key, (0, 0)))
            for key in committed.keys() | invoiced.keys()}


def by_lot() -> dict[int, Used]:
    """Lot id → what its orders use (two queries); a lot missing uses nothing."""
    return _merge(lots.committed_cents_by_lot(), invoiced_cents_by_lot())


def by_framework() -> dict[int, Used]:
    """Framework id → what the orders of all its lots use (two queries)."""
    return _merge(committed_cents_by_framework(), invoiced_cents_by_framework())
