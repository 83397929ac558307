"""``flask bench-data`` on PostgreSQL, where its rows go in by COPY: the audit trail verifies,
the types come back as the models read them, and the sequences were moved past the ids it
gave, so the app's own next order does not collide."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import func, select

from app.auth.services import user_by_email
from app.catalogue.services import browse
from app.extensions import db
from app.orders import audit, services
from app.orders.models import Order, OrderEvent, OrderStatus

pytestmark = pytest.mark.integration


def test_bench_data_copies_rows_that_verify_and_leaves_the_sequences_ahead(app: Flask) -> None:
    with app.app_context():
        result = app.test_cli_runner().invoke(args=[
            "bench-data", "--orders", "150", "--items", "200", "--organisations", "20"])
        assert result.exit_code == 0, result.output
        db.session.remove()

    with app.app_context():
        statuses = set(db.session.execute(select(Order.status).distinct()).scalars())
        assert statuses == set(OrderStatus)
        checked, broken = audit.verify()
        assert broken is None
        assert checked == db.session.execute(select(func.count(OrderEvent.id))).scalar_one()
        event = db.session.execute(select(OrderEvent).where(OrderEvent.action == "vendor_asked")
                                   .limit(1)).scalar_one()
        assert isinstance(event.payload, dict) and "attempt_id" in event.payload
        assert event.at.tzinfo is not None

        buyer = user_by_email("buyer1@demo.example")
        assert buyer is not None
        item = browse.get_current_item("L3-WS-HALF")
        order = services.create_order(buyer, services.OrderInput(
            lot_id=item.lot_id, title="After the scale data", objectives="Measure",
            participation_level="consult", commune="ixelles",
            lines=[services.LineInput(item.id, 1)]))
        db.session.commit()
        assert order.id == db.session.execute(select(func.max(Order.id))).scalar_one() > 150
        db.session.remove()
