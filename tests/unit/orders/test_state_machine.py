"""The order state machine: every state, action and role, and the reasons it needs."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import update

from app.auth.models import AdhesionStatus, Organisation, User
from app.common.errors import Conflict, Forbidden, NotFound, ValidationFailed
from app.extensions import db
from app.orders import services, workflow
from app.orders.models import Order, OrderStatus
from tests.unit.orders.rules_support import draft, order_input, submitted

S = OrderStatus


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
