"""Who sees which orders, the verifiable audit chain, and the notifications of each move."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import delete, select, text, update

from app.assignment import history
from app.auth.models import User
from app.common.errors import NotFound, ValidationFailed
from app.common.outbox import OutboxMessage
from app.extensions import db
from app.notifications import services as notification_services
from app.notifications.models import Notification
from app.orders import audit, services
from app.orders.models import OrderEvent, OrderStatus
from tests.unit.orders.rules_support import big_order, draft, lot, submitted

S = OrderStatus


# --- Scoping ----------------------------------------------------------------------------------

def test_buyers_see_their_organisations_orders_only(world: dict[str, User]) -> None:
    mine = draft(world["buyer"])
    assert services.get_order(world["colleague"], mine.id).id == mine.id
    for outsider in ("stranger", "vendor"):
        with pytest.raises(NotFound):
            services.get_order(world[outsider], mine.id)
        with pytest.raises(NotFound):
            history.order_history(world[outsider], mine.id)
        assert services.list_orders(world[outsider], services.OrderFilters()).total == 0
    assert services.list_orders(world["staff"], services.OrderFilters()).total == 1


def test_a_vendor_sees_an_order_once_it_is_assigned_to_its_company(world: dict[str, User]
                                                                    ) -> None:
    order = draft(world["buyer"])
    order.vendor_id = world["vendor"].vendor_id
    db.session.commit()
    assert services.get_order(world["vendor"], order.id).id == order.id


def test_the_queue_filters_and_sorts(world: dict[str, User]) -> None:
    small = submitted(world["buyer"])
    big = big_order(world["colleague"])
    draft(world["buyer"])
    page = services.list_orders(world["staff"], services.OrderFilters(
        status="submitted", sort="amount_desc"))
    assert [o.id for o in page.items] == [big.id, small.id]
    by_lot = services.list_orders(world["staff"], services.OrderFilters(lot_id=lot(1).id))
    assert [o.id for o in by_lot.items] == [big.id]
    cheap = services.list_orders(world["staff"], services.OrderFilters(max_total_cents=200000))
    assert small.id in [o.id for o in cheap.items] and big.id not in [o.id for o in cheap.items]
    with pytest.raises(ValidationFailed):
        services.list_orders(world["staff"], services.OrderFilters(status="lost"))


# --- Audit trail and notifications --------------------------------------------------------

def test_every_move_is_in_a_verifiable_hash_chain(world: dict[str, User]) -> None:
    order = submitted(world["buyer"])
    services.request_changes(world["staff"], order.id, "Dates please")
    db.session.commit()
    actions = [e.action for e in history.order_history(world["buyer"], order.id)]
    assert actions == ["create", "submit", "request_changes"]
    checked, broken = audit.verify()
    assert broken is None and checked == 3


def test_changing_an_event_is_detected_and_named(world: dict[str, User]) -> None:
    order = submitted(world["buyer"])
    event = history.order_history(world["buyer"], order.id)[0]
    db.session.execute(update(OrderEvent).where(OrderEvent.id == event.id)
                       .values(reason="edited afterwards"))
    db.session.commit()
    _checked, broken = audit.verify()
    assert broken is not None and broken.event_id == event.id
    assert "changed" in str(broken)


def test_deleting_an_event_is_detected(world: dict[str, User]) -> None:
    order = submitted(world["buyer"])
    first, second = history.order_history(world["buyer"], order.id)
    db.session.execute(delete(OrderEvent).where(OrderEvent.id == first.id))
    db.session.commit()
    _checked, broken = audit.verify()
    assert broken is not None and broken.event_id == second.id


def test_deleting_the_last_event_is_detected(world: dict[str, User]) -> None:
    order = submitted(world["buyer"])
    last = history.order_history(world["buyer"], order.id)[-1]
    db.session.execute(delete(OrderEvent).where(OrderEvent.id == last.id))
    db.session.commit()
    _checked, broken = audit.verify()
    assert broken is not None and broken.order_id == order.id and "deleted" in str(broken)


def test_the_cli_names_the_first_broken_row(app: Flask, world: dict[str, User]) -> None:
    order = submitted(world["buyer"])
    runner = app.test_cli_runner()
    ok = runner.invoke(args=["audit", "verify"])
    assert ok.exit_code == 0 and "2 events verified" in ok.output
    db.session.execute(text('UPDATE order_event SET action = :a WHERE seq = 2'), {"a": "x"})
    db.session.commit()
    bad = runner.invoke(args=["audit", "verify"])
    assert bad.exit_code == 1 and f"order {order.id}" in bad.output


def test_staff_are_told_of_a_submission_and_the_buyer_of_each_decision(
        world: dict[str, User]) -> None:
    order = submitted(world["buyer"])
    staff_notes = db.session.execute(select(Notification).where(
        Notification.user_id == world["staff"].id)).scalars().all()
    assert [n.kind for n in staff_notes] == ["order_submitted"]
    services.request_changes(world["staff"], order.id, "Dates please")
    db.session.commit()
    assert notification_services.unread_count(world["buyer"]) == 1
    mails = db.session.execute(select(OutboxMessage)).scalars().all()
    to_buyer = [m for m in mails if m.payload["to"] == world["buyer"].email]
    assert len(to_buyer) == 1 and to_buyer[0].payload["language"] == "nl"
    assert "Dates please" in to_buyer[0].payload["body"]
    assert notification_services.mark_read(world["buyer"]) == 1
    assert notification_services.unread_count(world["buyer"]) == 0


def test_nobody_marks_someone_elses_notification_read(world: dict[str, User]) -> None:
    submitted(world["buyer"])
    note = db.session.execute(select(Notification)).scalars().first()
    assert note is not None
    other = world["buyer"] if note.user_id != world["buyer"].id else world["colleague"]
    with pytest.raises(NotFound):
        notification_services.mark_read(other, note.id)
