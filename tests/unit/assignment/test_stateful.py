"""A hypothesis state machine drives orders through approval and vendor assignment in random
order — duplicate deliveries, expiries and sweeps included — and checks the invariants after
every step."""

from __future__ import annotations

import tempfile
from datetime import timedelta
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule
from sqlalchemy import func, select, update

from app import create_app
from app.assignment import cli as sweeper
from app.assignment.models import OPEN_ATTEMPT_STATES, AttemptState, VendorAttempt
from app.assignment.services import answers
from app.assignment.services import dispatch as dispatching
from app.auth.models import Organisation, Role, User
from app.catalogue.services import browse
from app.common import outbox
from app.common.errors import DomainError
from app.common.i18n import in_language
from app.common.outbox import OutboxMessage
from app.common.time import utcnow
from app.demo.seed import seed_demo
from app.extensions import db
from app.orders import audit, services
from app.orders.models import Order, OrderStatus
from app.orders.signals import DISPATCH


class Assignment(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.tmp = tempfile.TemporaryDirectory()
        self.app = create_app("testing", INSTANCE_DIR=self.tmp.name)
        self.ctx = self.app.app_context()
        self.ctx.push()
        self.lang = in_language("en")
        self.lang.__enter__()
        db.create_all()
        seed_demo()
        org = db.session.execute(select(Organisation).order_by(Organisation.id)
                                 ).scalars().first()
        self.buyer = User(email="sm-buyer@example.org", role=Role.BUYER, organisation=org)
        self.staff = User(email="sm-staff@example.org", role=Role.STAFF)
        db.session.add_all([self.buyer, self.staff])
        db.session.commit()
        self.items = [browse.get_current_item(code) for code in ("L3-WS-HALF", "L5-CAMPAIGN")]

    def teardown(self) -> None:
        db.session.remove()
        db.engine.dispose()
        self.lang.__exit__(None, None, None)
        self.ctx.pop()
        self.tmp.cleanup()

    # --- helpers --------------------------------------------------------------------------

    def _try(self, call: Any) -> None:
        try:
            call()
            db.session.commit()
        except DomainError:
            db.session.rollback()

    def _orders(self, status: OrderStatus) -> list[int]:
        return list(db.session.execute(select(Order.id).where(Order.status == status)
                                       .order_by(Order.id)).scalars())

    def _open_attempts(self) -> list[VendorAttempt]:
        return list(db.session.execute(select(VendorAttempt).where(
            VendorAttempt.state.in_(OPEN_ATTEMPT_STATES)).order_by(VendorAttempt.id)).scalars())

    def _vendor(self, attempt: VendorAttempt) -> User:
        user = db.session.execute(select(User).where(User.vendor_id == attempt.vendor_id)
                                  .order_by(User.id)).scalars().first()
        assert user is not None
        return user

    # --- rules ---------------------------------------------------------------------------------

    @rule(which=st.integers(0, 1), quantity=st.integers(1, 3))
    def submit_an_order(self, which: int, quantity: int) -> None:
        item = self.items[which]
        order = services.create_order(self.buyer, services.OrderInput(
            lot_id=item.lot_id, title="Machine", objectives="Machine",
            participation_level="involve", commune="schaerbeek",
            lines=[services.LineInput(item.id, quantity)]))
        db.session.flush()
        services.submit(self.buyer, order.id)
        db.session.commit()

    @precondition(lambda self: bool(self._orders(OrderStatus.SUBMITTED)))
    @rule(pick=st.integers(0, 100))
    def approve(self, pick: int) -> None:
        ids = self._orders(OrderStatus.SUBMITTED)
        self._try(lambda: services.approve(self.staff, ids[pick % len(ids)]))

    @rule(duplicate=st.booleans())
    def deliver_the_outbox(self, duplicate: bool) -> None:
        """What the worker does, possibly twice for the same message."""
        messages = db.session.execute(select(OutboxMessage.id).where(
            OutboxMessage.kind == DISPATCH)).scalars().all()
        for message_id in messages:
            outbox.deliver(message_id)
            if duplicate:
                assert outbox.deliver(message_id) == "skipped"

    def _any_attempts(self) -> list[VendorAttempt]:
        return list(db.session.execute(select(VendorAttempt).order_by(VendorAttempt.id))
                    .scalars())

    @precondition(lambda self: bool(self._any_attempts()))
    @rule(pick=st.integers(0, 100), conflict=st.booleans())
    def vendor_accepts(self, pick: int, conflict: bool) -> None:
        """Any attempt, answered or not: late and repeated clicks must be refused."""
        attempts = self._any_attempts()
        attempt = attempts[pick % len(attempts)]
        self._try(lambda: answers.accept(self._vendor(attempt), attempt.id, conflict))

    @precondition(lambda self: bool(self._open_attempts()))
    @rule(pick=st.integers(0, 100))
    def vendor_declines(self, pick: int) -> None:
        attempts = self._open_attempts()
        attempt = attempts[pick % len(attempts)]
        self._try(lambda: answers.decline(self._vendor(attempt), attempt.id, "Busy"))

    @precondition(lambda self: bool(self._open_attempts()))
    @rule(pick=st.integers(0, 100), price=st.integers(1, 2_000_000))
    def vendor_quotes(self, pick: int, price: int) -> None:
        attempts = self._open_attempts()
        attempt = attempts[pick % len(attempts)]
        self._try(lambda: answers.quote(self._vendor(attempt), attempt.id, price, "",
                                           conflict_of_interest=False))

    @precondition(lambda self: bool(self._open_attempts()))
    @rule(pick=st.integers(0, 100))
    def a_deadline_passes(self, pick: int) -> None:
        attempts = self._open_attempts()
        attempt = attempts[pick % len(attempts)]
        db.session.execute(update(VendorAttempt).where(VendorAttempt.id == attempt.id)
                           .values(expires_at=utcnow() - timedelta(seconds=1)))
        db.session.commit()

    @rule(twice=st.booleans())
    def sweep(self, twice: bool) -> None:
        sweeper.expire_overdue_now()
        if twice:
            assert sweeper.expire_overdue_now() == 0

    @precondition(lambda self: bool(self._orders(OrderStatus.ESCALATED)))
    @rule()
    def staff_redispatch(self) -> None:
        self._try(lambda: dispatching.redispatch(self.staff,
                                                self._orders(OrderStatus.ESCALATED)[0]))

    @precondition(lambda self: bool(self._orders(OrderStatus.AWAITING_VENDOR)))
    @rule()
    def staff_cancel(self) -> None:
        self._try(lambda: services.cancel(self.staff, self._orders(
            OrderStatus.AWAITING_VENDOR)[-1], "Stopped"))

    # --- invariants ----------------------------------------------------------------------------

    @invariant()
    def at_most_one_winner_per_order(self) -> None:
        winners = db.session.execute(
            select(VendorAttempt.order_id, func.count()).where(
                VendorAttempt.state.in_([AttemptState.ACCEPTED, AttemptState.AWARDED]))
            .group_by(VendorAttempt.order_id)).all()
        assert all(count == 1 for _order, count in winners)

    @invariant()
    def nobody_answered_after_the_deadline(self) -> None:
        late = db.session.execute(select(func.count()).select_from(VendorAttempt).where(
            VendorAttempt.state.in_([AttemptState.ACCEPTED, AttemptState.QUOTED,
                                     AttemptState.DECLINED]),
            VendorAttempt.responded_at > VendorAttempt.expires_at)).scalar_one()
        assert late == 0

    @invariant()
    def assigned_orders_have_their_winner(self) -> None:
        for order in db.session.execute(select(Order).where(
                Order.status == OrderStatus.ASSIGNED)).scalars():
            winner = db.session.execute(select(VendorAttempt.vendor_id).where(
                VendorAttempt.order_id == order.id,
                VendorAttempt.state.in_([AttemptState.ACCEPTED, AttemptState.AWARDED]))
            ).scalar_one()
            assert order.vendor_id == winner

    @invariant()
    def every_open_order_has_a_deadline_or_pending_work(self) -> None:
        """Awaiting a vendor: an open attempt exists (its deadline may have just passed,
        for the sweeper to handle). Approved: its dispatch waits in the outbox."""
        for order_id in self._orders(OrderStatus.AWAITING_VENDOR):
            open_ones = db.session.execute(select(func.count()).select_from(VendorAttempt)
                                           .where(VendorAttempt.order_id == order_id,
                                                  VendorAttempt.state.in_(OPEN_ATTEMPT_STATES))
                                           ).scalar_one()
            assert open_ones >= 1
        pending = [m.payload["order_id"] for m in db.session.execute(select(OutboxMessage).where(
            OutboxMessage.kind == DISPATCH,
            OutboxMessage.sent_at.is_(None))).scalars()]
        for order_id in self._orders(OrderStatus.APPROVED):
            assert order_id in pending

    @invariant()
    def no_open_attempt_on_a_closed_order(self) -> None:
        for attempt in self._open_attempts():
            order = db.session.get(Order, attempt.order_id)
            assert order is not None and order.status is OrderStatus.AWAITING_VENDOR

    @invariant()
    def the_audit_chain_verifies(self) -> None:
        assert audit.verify()[1] is None


Assignment.TestCase.settings = settings(
    max_examples=40, stateful_step_count=30, deadline=None,
    suppress_health_check=[HealthCheck.too_slow])
test_assignment_state_machine = Assignment.TestCase
