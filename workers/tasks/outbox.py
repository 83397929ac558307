"""Outbox tasks: deliver one message; sweep unsent ones back onto the queue."""

from __future__ import annotations

import logging

from celery import shared_task

from app.common import outbox

log = logging.getLogger(__name__)


@shared_task(name="workers.tasks.outbox.deliver", ignore_result=True)
def deliver(message_id: int) -> str:
    """Idempotent: the row is claimed with a conditional UPDATE before the side effect."""
    outcome = outbox.deliver(int(message_id))
    log.info("outbox message %s: %s", message_id, outcome)
    return outcome


@shared_task(name="workers.tasks.outbox.sweep", ignore_result=True)
def sweep() -> dict[str, int]:
    counts = outbox.sweep()
    if counts["due"]:
        log.info("outbox sweep: %s", counts)
    return counts
