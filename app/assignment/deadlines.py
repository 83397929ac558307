"""Deadlines are data: the sweeper expires overdue offers and invitations and moves their
orders on (DESIGN §4), with the order locked as in ``app.assignment.services``. An attempt
whose expiry keeps failing is counted on its row and, after ``SWEEP_MAX_FAILURES``, handed to
staff instead of failing every 30 s forever. These steps flush and never commit: the sweep
(``app.assignment.cli.expire_overdue_now``, run by the beat task and ``flask sweep``) owns
one transaction per attempt."""

from __future__ import annotations

import logging

from sqlalchemy import select, update

from app.assignment import workflow
from app.assignment.models import OPEN_ATTEMPT_STATES, VendorAttempt
from app.assignment.services.rounds import after_answer, escalate, lock_order
from app.common.time import utcnow
from app.extensions import db
from app.orders import workflow as order_workflow
from app.orders.models import OrderStatus

log = logging.getLogger(__name__)

# After this many failed sweeps of one overdue attempt, staff take its order over.
SWEEP_MAX_FAILURES = 5
EXPIRY_FAILED = "expiry failed"  # why, in the escalation's audit payload


def overdue_attempt_ids(limit: int = 500) -> list[int]:
    return list(db.session.execute(
        select(VendorAttempt.id).where(VendorAttempt.state.in_(OPEN_ATTEMPT_STATES),
                                       VendorAttempt.expires_at <= utcnow(),
                                       VendorAttempt.sweep_failures < SWEEP_MAX_FAILURES)
        .order_by(VendorAttempt.expires_at).limit(limit)).scalars())


def expire(attempt_id: int) -> bool:
    """Expire one overdue attempt and move on; False if someone else handled it first."""
    attempt = db.session.get(VendorAttempt, attempt_id)
    if attempt is None:
        return False
    order = lock_order(attempt.order_id)
    assert order is not None
    db.session.refresh(attempt)
    if attempt.state not in OPEN_ATTEMPT_STATES or attempt.expires_at > utcnow():
        return False
    if not workflow.move(attempt.id, "expire", responded_at=utcnow()):
        return False
    order_workflow.note(order, "vendor_expired", None, payload={"attempt_id": attempt.id})
    after_answer(order, attempt)
    return True


def count_sweep_failure(attempt_id: int) -> int:
    """One more failed sweep of the attempt (flushed); returns how many there were."""
    db.session.execute(update(VendorAttempt).where(VendorAttempt.id == attempt_id)
                       .values(sweep_failures=VendorAttempt.sweep_failures + 1)
                       .execution_options(synchronize_session=False))
    return int(db.session.execute(select(VendorAttempt.sweep_failures).where(
        VendorAttempt.id == attempt_id)).scalar_one())


def give_up(attempt_id: int) -> None:
    """The attempt expires without the step that kept failing (the next offer, or closing
    the competition): its order is escalated, and staff are told, as when a dispatch step
    fails for good. The sweeper no longer picks the attempt up either way."""
    attempt = db.session.get(VendorAttempt, attempt_id)
    assert attempt is not None
    order = lock_order(attempt.order_id)
    assert order is not None
    db.session.refresh(attempt)
    if not workflow.move(attempt.id, "expire", responded_at=utcnow()):
        return
    order_workflow.note(order, "vendor_expired", None,
                        payload={"attempt_id": attempt.id, "why": EXPIRY_FAILED})
    log.error("vendor attempt %s failed to expire %s times: order %s goes to staff",
              attempt_id, SWEEP_MAX_FAILURES, order.id)
    if order.status is OrderStatus.AWAITING_VENDOR and attempt.round == order.dispatch_round:
        escalate(order, EXPIRY_FAILED, "order_dispatch_failed")
