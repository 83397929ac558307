"""Dispatching an approved order, and staff redispatching an escalated one.

Approving an order queues an ``order.dispatch`` outbox message (``app.orders.signals``) in
the same transaction; a worker performs it (:func:`dispatch`) and the outbox marks it sent in
the same commit, so a step runs again only if it did not commit. :func:`register` puts the
handlers on the outbox.
"""

from __future__ import annotations

import logging
from typing import Any

from app.assignment.services.rounds import escalate, lock_order, start_round
from app.auth.models import User
from app.auth.services import require_staff
from app.common import outbox
from app.common.errors import NotFound
from app.orders import workflow as order_workflow
from app.orders.models import Order, OrderStatus
from app.orders.signals import DISPATCH

log = logging.getLogger(__name__)
DISPATCH_FAILED = "dispatch failed"  # why, in the escalation's audit payload


def _dispatch_message(payload: dict[str, Any]) -> None:
    dispatch(int(payload["order_id"]))


def dispatch(order_id: int) -> str:
    """approved → awaiting_vendor, and the first offer or the invitations. Idempotent."""
    order = lock_order(order_id)
    if order is None or order.status is not OrderStatus.APPROVED:
        log.info("dispatch of order %s: nothing to do (%s)", order_id,
                 order.status if order else "no such order")
        return "skipped"
    order_workflow.transition(order, "dispatch", None)
    return start_round(order)


def redispatch(actor: User, order_id: int) -> Order:
    """Staff start a new round for an escalated order (ranks may have changed meanwhile)."""
    require_staff(actor)
    order = lock_order(order_id)
    if order is None:
        raise NotFound()
    order_workflow.transition(order, "redispatch", actor)
    start_round(order)
    return order


def _dispatch_failed(payload: dict[str, Any]) -> None:
    """The dispatch step failed for good (``OUTBOX_MAX_ATTEMPTS``): the order is escalated,
    so staff are told and may redispatch or cancel it, instead of it waiting as approved
    with nothing left to move it on."""
    order = lock_order(int(payload["order_id"]))
    if order is not None and order.status is OrderStatus.APPROVED:
        escalate(order, DISPATCH_FAILED, "order_dispatch_failed")


def register() -> None:
    """The outbox's handlers of ``order.dispatch`` (called by ``app.assignment.register``)."""
    outbox.HANDLERS[DISPATCH] = _dispatch_message
    outbox.FAILURE_HANDLERS[DISPATCH] = _dispatch_failed
