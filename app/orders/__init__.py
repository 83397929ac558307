"""Orders: the buyer's request, staff approval, the state machine, the audit trail and the
ceilings."""

from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    """Called by ``create_app``: the orders answer the catalogue's questions of how much of
    each lot's and framework's ceiling is committed (the catalogue sits below and cannot
    import them)."""
    from app.catalogue.services.consumption import committed_cents_by_framework
    from app.catalogue.services.lots import committed_cents_by_lot
    from app.orders.ceilings import committed_by_framework, committed_by_lot

    committed_cents_by_lot.answer(committed_by_lot)
    committed_cents_by_framework.answer(committed_by_framework)
