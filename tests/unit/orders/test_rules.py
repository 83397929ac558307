"""Order rules: drafting, the state machine, approvals, ceilings, audit trail, scoping."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import delete, select, text, update

from app.assignment import history
from app.auth.models import AdhesionStatus, Organisation, Role, User
from app.catalogue.models import CatalogueItem, Lot
from app.catalogue.services import browse
from app.catalogue.services import items as item_services
from app.catalogue.services import lots as lot_services
from app.common.errors import Conflict, Forbidden, NotFound, ValidationFailed
from app.common.outbox import OutboxMessage
from app.common.time import today
from app.demo.seed import seed_demo
from app.extensions import db
from app.notifications import services as notification_services
from app.notifications.models import Notification
from app.orders import audit, ceilings, services, workflow
from app.orders.models import Order, OrderEvent, OrderStatus

S = OrderStatus


@pytest.fixture
def world(app: Flask, make_user: Callable[..., User]) -> dict[str, User]:
    seed_demo()
    db.session.commit()
    org = db.session.execute(select(Organisation).order_by(Organisation.id)).scalars().first()
    other_org = db.session.execute(
        select(Organisation).order_by(Organisation.id.desc())).scalars().first()
    return {
        "buyer": make_user(organisation=org, language="nl"),
        "colleague": make_user(organisation=org),
        "stranger": make_user(organisation=other_org),
        "staff": make_user(Role.STAFF),
        "staff2": make_user(Role.STAFF),
        "admin": make_user(Role.ADMIN),
        "vendor": make_user(Role.VENDOR),
    }


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


# --- Drafting ------------------------------------------------------------------------------

def test_totals_are_computed_on_the_server_from_the_price_snapshot(world: dict[str, User]
                                                                   ) -> None:
    order = draft(world["buyer"], lines=[("L3-WS-HALF", 2), ("L3-MEETING", 1)])
    assert order.total_excl_vat_cents == 2 * 65000 + 120000
    assert order.total_vat_cents == 27300 + 25200
    assert order.total_incl_vat_cents == order.total_excl_vat_cents + order.total_vat_cents
    assert [line.unit_price_cents for line in order.lines] == [65000, 120000]


def test_a_later_price_revision_does_not_change_the_order(world: dict[str, User]) -> None:
    order = draft(world["buyer"])
    item_services.revise_price(world["admin"], "L3-WS-HALF", 99000, 2100, today())
    db.session.commit()
    db.session.refresh(order)
    assert order.lines[0].unit_price_cents == 65000
    assert order.total_excl_vat_cents == 130000


@pytest.mark.parametrize(("change", "field"), [
    ({"title": ""}, "title"),
    ({"title": "x" * 201}, "title"),
    ({"objectives": "  "}, "objectives"),
    ({"participation_level": "decide"}, "participation_level"),
    ({"commune": "paris"}, "commune"),
    ({"lines": []}, "lines"),
])
def test_bad_fields_are_refused_by_name_and_nothing_is_saved(world: dict[str, User],
                                                             change: dict[str, object],
                                                             field: str) -> None:
    data = order_input()
    for key, value in change.items():
        setattr(data, key, value)
    with pytest.raises(ValidationFailed) as exc:
        services.create_order(world["buyer"], data)
    assert field in exc.value.errors
    db.session.rollback()
    assert db.session.execute(select(Order)).first() is None


@pytest.mark.parametrize(("quantity", "ok"), [
    (0, False), (-3, False), (1.5, False), (10**9, False), ("2", False), (True, False),
    (1, True), (10_000, True)])
def test_quantities_are_whole_numbers_in_range(world: dict[str, User], quantity: object,
                                               ok: bool) -> None:
    data = order_input()
    data.lines[0].quantity = quantity
    if ok:
        assert services.create_order(world["buyer"], data).lines[0].quantity == quantity
    else:
        with pytest.raises(ValidationFailed) as exc:
            services.create_order(world["buyer"], data)
        assert "lines.0.quantity" in exc.value.errors


def test_items_of_another_lot_unknown_items_and_duplicates_are_refused(
        world: dict[str, User]) -> None:
    data = order_input(lines=[("L3-WS-HALF", 1), ("L4-KIT", 1), ("L3-WS-HALF", 2)])
    data.lines.append(services.LineInput(999_999, 1))
    with pytest.raises(ValidationFailed) as exc:
        services.create_order(world["buyer"], data)
    assert set(exc.value.errors) == {"lines.1.item_id", "lines.2.item_id", "lines.3.item_id"}


def test_only_buyers_create_orders(world: dict[str, User]) -> None:
    for role in ("staff", "vendor", "admin"):
        with pytest.raises(Forbidden):
            services.create_order(world[role], order_input())


def test_a_draft_can_be_edited_but_a_submitted_order_cannot(world: dict[str, User]) -> None:
    order = draft(world["buyer"])
    services.update_order(world["buyer"], order.id, order_input(lines=[("L3-MEETING", 3)]))
    db.session.commit()
    assert order.total_excl_vat_cents == 360000
    services.submit(world["buyer"], order.id)
    with pytest.raises(Conflict):
        services.update_order(world["buyer"], order.id, order_input())


# --- The state machine ----------------------------------------------------------------------

ACTIONS = {
    "submit": lambda u, o: services.submit(u, o),
    "withdraw": lambda u, o: services.withdraw(u, o),
    "approve": lambda u, o: services.approve(u, o),
    "reject": lambda u, o: services.reject(u, o, "Not eligible"),
    "request_changes": lambda u, o: services.request_changes(u, o, "Add dates"),
    "cancel": lambda u, o: services.cancel(u, o, "Project stopped"),
}
EXPECTED = {  # (state, action, role) → new state; anything else is refused
    (S.DRAFT, "submit", "buyer"): S.SUBMITTED,
    (S.CHANGES_REQUESTED, "submit", "buyer"): S.SUBMITTED,
    (S.DRAFT, "withdraw", "buyer"): S.CANCELLED,
    (S.SUBMITTED, "withdraw", "buyer"): S.CANCELLED,
    (S.CHANGES_REQUESTED, "withdraw", "buyer"): S.CANCELLED,
    **{(S.SUBMITTED, "approve", r): S.APPROVED for r in ("staff", "admin")},
    **{(S.SUBMITTED, "reject", r): S.REJECTED for r in ("staff", "admin")},
    **{(S.SUBMITTED, "request_changes", r): S.CHANGES_REQUESTED for r in ("staff", "admin")},
    **{(s, "cancel", r): S.CANCELLED for r in ("staff", "admin")
       for s in (S.APPROVED, S.AWAITING_VENDOR, S.ASSIGNED, S.ESCALATED)},
}


def _put_in_state(order: Order, state: OrderStatus) -> None:
    db.session.execute(update(Order).where(Order.id == order.id).values(
        status=state, submission_round=1))
    db.session.commit()
    db.session.expire_all()


ROLES = ["buyer", "stranger", "staff", "admin", "vendor"]


@pytest.mark.parametrize("state", list(OrderStatus))
def test_every_state_action_and_role_moves_as_documented_or_is_refused(
        world: dict[str, User], state: OrderStatus) -> None:
    """Each (action, role) from ``state``: the documented move, or a refusal that changes
    nothing (409 Conflict, 403 Forbidden or 404 NotFound — never anything in between)."""
    for action in ACTIONS:
        for role in ROLES:
            order = draft(world["buyer"])
            _put_in_state(order, state)
            expected = EXPECTED.get((state, action, role))
            if expected is not None:
                ACTIONS[action](world[role], order.id)
                db.session.commit()
                db.session.refresh(order)
                assert order.status is expected, (action, role)
                continue
            with pytest.raises((Conflict, Forbidden, NotFound)) as exc:
                ACTIONS[action](world[role], order.id)
            db.session.rollback()
            db.session.refresh(order)
            assert order.status is state, (action, role)
            if role in ("stranger", "vendor"):
                assert isinstance(exc.value, (NotFound, Forbidden)), (action, role)


def test_the_transition_table_matches_the_design() -> None:
    assert workflow.MOVES["cancel"].sources == (S.APPROVED, S.AWAITING_VENDOR, S.ASSIGNED,
                                                S.ESCALATED)
    assert workflow.MOVES["escalate"].target is S.ESCALATED
    assert workflow.MOVES["confirm_receipt"].sources == (S.DELIVERED,)


def test_reasons_are_required_for_rejecting_and_requesting_changes(world: dict[str, User]
                                                                   ) -> None:
    order = submitted(world["buyer"])
    for call in (services.reject, services.request_changes):
        with pytest.raises(ValidationFailed) as exc:
            call(world["staff"], order.id, "   ")
        assert "reason" in exc.value.errors


def test_a_pending_organisation_may_draft_but_not_submit(world: dict[str, User],
                                                        make_user: Callable[..., User],
                                                        make_org: Callable[..., Organisation]
                                                        ) -> None:
    buyer = make_user(organisation=make_org(AdhesionStatus.PENDING))
    order = draft(buyer)
    with pytest.raises(Conflict):
        services.submit(buyer, order.id)


def test_changes_requested_then_resubmitted_needs_a_fresh_approval(world: dict[str, User]
                                                                   ) -> None:
    order = submitted(world["buyer"])
    services.request_changes(world["staff"], order.id, "Please add the dates")
    db.session.commit()
    services.update_order(world["buyer"], order.id, order_input(planned_start=None))
    services.submit(world["buyer"], order.id)
    db.session.commit()
    assert order.status is S.SUBMITTED and order.submission_round == 2
    assert order.approvals_count == 0


# --- Approval rules -------------------------------------------------------------------------

def big_order(buyer: User) -> Order:
    """Above the EUR 30,000 four-eyes threshold: L1-PROC is EUR 24,500."""
    return submitted(buyer, lot_number=1, lines=[("L1-PROC", 2)])


def test_above_the_threshold_two_different_staff_must_approve(world: dict[str, User]) -> None:
    order = big_order(world["buyer"])
    assert order.approvals_required == 2
    services.approve(world["staff"], order.id)
    db.session.commit()
    assert order.status is S.SUBMITTED and order.approvals_count == 1
    with pytest.raises(Conflict):
        services.approve(world["staff"], order.id)
    db.session.rollback()
    services.approve(world["staff2"], order.id)
    db.session.commit()
    assert order.status is S.APPROVED and order.approvals_count == 2


def test_below_the_threshold_one_approval_is_enough(world: dict[str, User]) -> None:
    order = submitted(world["buyer"])
    assert order.approvals_required == 1
    services.approve(world["staff"], order.id)
    assert order.status is S.APPROVED


def test_the_threshold_is_configurable(app: Flask, world: dict[str, User]) -> None:
    app.config["FOUR_EYES_THRESHOLD_CENTS"] = 100_000
    assert submitted(world["buyer"]).approvals_required == 2


def test_an_order_must_fit_in_what_remains_of_the_lot_ceiling(world: dict[str, User]) -> None:
    the_lot = lot(3)
    the_lot.ceiling_cents = 200_000
    db.session.commit()
    first = submitted(world["buyer"])  # 130,000
    second = submitted(world["colleague"])  # 130,000
    services.approve(world["staff"], first.id)
    db.session.commit()
    assert ceilings.headroom(the_lot).lot_left_cents == 70_000
    with pytest.raises(Conflict, match="lot"):
        services.approve(world["staff"], second.id)
    db.session.rollback()
    assert second.status is S.SUBMITTED and second.approvals_count == 0
    services.cancel(world["staff"], first.id, "Project stopped")
    db.session.commit()
    services.approve(world["staff"], second.id)  # the cancelled order released the ceiling
    assert second.status is S.APPROVED


def test_an_order_must_fit_in_what_remains_of_the_framework_ceiling(world: dict[str, User]
                                                                    ) -> None:
    framework = lot(3).framework
    framework.max_value_cents = 100_000
    db.session.commit()
    order = submitted(world["buyer"])
    with pytest.raises(Conflict, match="framework"):
        services.approve(world["staff"], order.id)


def test_an_inactive_framework_or_dates_outside_it_block_approval(world: dict[str, User]
                                                                  ) -> None:
    order = submitted(world["buyer"], planned_start=lot(3).framework.end_date +
                      timedelta(days=1))
    with pytest.raises(Conflict, match="planned dates"):
        services.approve(world["staff"], order.id)
    db.session.rollback()
    other = submitted(world["colleague"])
    framework = lot(3).framework
    framework.status = framework.status.__class__("expired")
    db.session.commit()
    with pytest.raises(Conflict, match="not active"):
        services.approve(world["staff"], other.id)


def test_a_suspended_organisation_cannot_be_approved(world: dict[str, User]) -> None:
    order = submitted(world["buyer"])
    world["buyer"].organisation.status = AdhesionStatus.SUSPENDED  # type: ignore[union-attr]
    db.session.commit()
    with pytest.raises(Conflict):
        services.approve(world["staff"], order.id)


def test_committed_amounts_per_lot(world: dict[str, User]) -> None:
    order = submitted(world["buyer"])
    assert lot_services.committed_cents_by_lot() == {}
    services.approve(world["staff"], order.id)
    db.session.commit()
    assert lot_services.committed_cents_by_lot() == {lot(3).id: 130000}


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
