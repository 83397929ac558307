"""The assignment's sweep of deadlines, an entry point like a task or a command: it owns the
transactions (one per attempt), the steps it runs (``app.assignment.deadlines``) never
commit. The beat task (``workers.tasks.assignment.expire_overdue``) and ``flask sweep`` run
it."""

from __future__ import annotations

import logging

from app.assignment import deadlines
from app.extensions import db

log = logging.getLogger(__name__)


def expire_overdue_now() -> int:
    """Expire every overdue offer and invitation, one commit per attempt, so two sweepers at
    once each expire a given attempt at most once between them. An attempt whose expiry keeps
    failing is counted, and after ``SWEEP_MAX_FAILURES`` its order goes to staff
    (``deadlines.give_up``) instead of failing every 30 s forever."""
    expired = 0
    for attempt_id in deadlines.overdue_attempt_ids():
        try:
            if deadlines.expire(attempt_id):
                expired += 1
            db.session.commit()
        except Exception:
            db.session.rollback()
            log.exception("could not expire vendor attempt %s", attempt_id)
            _count_sweep_failure(attempt_id)
    if expired:
        log.info("expired %s overdue offers/invitations", expired)
    return expired


def _count_sweep_failure(attempt_id: int) -> None:
    try:
        failures = deadlines.count_sweep_failure(attempt_id)
        db.session.commit()
        if failures >= deadlines.SWEEP_MAX_FAILURES:
            deadlines.give_up(attempt_id)
            db.session.commit()
    except Exception:
        db.session.rollback()
        log.exception("vendor attempt %s: could not record the failed expiry", attempt_id)
