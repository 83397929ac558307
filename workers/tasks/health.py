"""Health check: a task that does nothing, to prove a worker takes work off the queue.

Ops can send it to see that the broker, a worker and the result backend answer (it is the
one task that stores a result, so it needs ``CELERY_RESULT_BACKEND``); ``bench/workflow.py``
times its round trip as the floor any workflow step is compared with.
"""

from __future__ import annotations

from celery import shared_task


@shared_task(name="workers.tasks.health.ping", ignore_result=False)
def ping() -> str:
    return "pong"
