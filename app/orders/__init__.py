"""Orders: the buyer's request, staff approval, the state machine, the audit trail and the
ceilings."""

from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    """Called by ``create_app``: the orders answer the catalogue's question of how much of
    each lot's ceiling is used (the catalogue sits below and cannot import them)."""
    from app.catalogue.services.lots import committed_cents_by_lot
    from app.orders.ceilings import committed_by_lot

    committed_cents_by_lot.answer(committed_by_lot)
