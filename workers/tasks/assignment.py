"""Assignment tasks: the deadline sweeper. (Dispatch steps travel as outbox messages.)"""

from __future__ import annotations

import logging

from celery import shared_task

from app.assignment import cli as sweeper

log = logging.getLogger(__name__)


@shared_task(name="workers.tasks.assignment.expire_overdue", ignore_result=True)
def expire_overdue() -> int:
    """Expire every overdue offer and invitation, each in its own transaction."""
    return sweeper.expire_overdue_now()
