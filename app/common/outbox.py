"""Transactional outbox: side effects are rows committed with the change that causes them.

A service calls :func:`queue` inside its transaction. When the transaction commits, the new
rows' ids are sent to Celery by task name (``workers.tasks.outbox.deliver``); if the broker is
unreachable the request still succeeds and the beat sweeper (:func:`due_for_sweep`) sends the
row again later. Delivery (:func:`deliver`) claims the row with a conditional UPDATE, so two
workers receiving the same message perform it once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import JSON, Integer, String, Text, event, or_, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from app.common.time import UTCDateTime, utcnow
from app.extensions import Model, db

log = logging.getLogger(__name__)

DELIVER_TASK = "workers.tasks.outbox.deliver"
_PENDING_KEY = "outbox_pending_ids"

# kind -> function performing the side effect; registered by the packages that own them.
HANDLERS: dict[str, Callable[[dict[str, Any]], None]] = {}
# kind -> what to do once a message has failed for good (e.g. hand an order to staff).
FAILURE_HANDLERS: dict[str, Callable[[dict[str, Any]], None]] = {}


class OutboxMessage(Model):
    __tablename__ = "outbox_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(50))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    # A worker holding the row until this time; another delivery waits until it passes.
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    failed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str] = mapped_column(Text, default="")
    # Drop the payload once performed (it may hold a one-time link).
    scrub_after_send: Mapped[bool] = mapped_column(default=False)


def handler(kind: str) -> Callable[[Callable[[dict[str, Any]], None]],
                                   Callable[[dict[str, Any]], None]]:
    def register(fn: Callable[[dict[str, Any]], None]) -> Callable[[dict[str, Any]], None]:
        HANDLERS[kind] = fn
        return fn

    return register


def queue(kind: str, payload: dict[str, Any], *, scrub_after_send: bool = False) -> OutboxMessage:
    """Add a side effect to the current transaction; it is enqueued only if that commits."""
    if kind not in HANDLERS:
        raise ValueError(f"no outbox handler for {kind!r}")
    message = OutboxMessage(kind=kind, payload=payload, scrub_after_send=scrub_after_send)
    db.session.add(message)
    db.session.flush()
    db.session.info.setdefault(_PENDING_KEY, []).append((kind == "email", message.id))
    return message


def enqueue(ids: list[int]) -> list[int]:
    """Hand message ids to the broker, one task each; returns the ids it could not hand over.

    Each message stays a task of its own: its time limit, its redelivery when a worker dies
    and its retry are what the outbox lock is sized for, and a short task is acknowledged
    before a broker outage can catch it (the fault tier showed a worker stuck acknowledging a
    long task of batched e-mails across a Redis restart)."""
    mode = current_app.config["OUTBOX_ENQUEUE"]
    if mode == "record":
        current_app.extensions.setdefault("outbox_enqueued", []).extend(ids)
        return []
    celery = current_app.extensions["celery"]
    failed: list[int] = []
    for message_id in ids:
        try:
            celery.send_task(DELIVER_TASK, args=[message_id], retry=False)
        except Exception as exc:  # noqa: BLE001 - any broker failure leaves it to the sweeper
            log.warning("outbox message %s not enqueued (%s); the sweeper will retry",
                        message_id, exc)
            failed.append(message_id)
    return failed


@event.listens_for(Session, "after_commit")
def _enqueue_after_commit(session: Session) -> None:
    pending = session.info.pop(_PENDING_KEY, None)
    if pending:
        # The workflow's next step (a dispatch, say) before the e-mails that tell about it.
        enqueue([message_id for _email, message_id in sorted(pending)])


@event.listens_for(Session, "after_soft_rollback")
def _forget_after_rollback(session: Session, previous_transaction: Any) -> None:
    session.info.pop(_PENDING_KEY, None)


def claim(message_id: int) -> OutboxMessage | None:
    """Take the row for delivery, or ``None`` if it is sent, failed or held by another worker."""
    now = utcnow()
    lock_until = now + timedelta(seconds=current_app.config["OUTBOX_LOCK_SECONDS"])
    result = db.session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.id == message_id,
            OutboxMessage.sent_at.is_(None),
            OutboxMessage.failed_at.is_(None),
            or_(OutboxMessage.locked_until.is_(None), OutboxMessage.locked_until < now),
        )
        .values(attempts=OutboxMessage.attempts + 1, locked_until=lock_until)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    if result.rowcount != 1:  # type: ignore[attr-defined]
        return None
    return db.session.get(OutboxMessage, message_id, populate_existing=True)


def deliver(message_id: int) -> str:
    """Perform one outbox message. Idempotent: returns what happened, for logs and tests.

    Owns its commits (it is the body of a task): the claim is committed before the side
    effect, the outcome after it.
    """
    message = claim(message_id)
    if message is None:
        log.info("outbox message %s already handled or in progress: nothing to do", message_id)
        return "skipped"
    try:
        HANDLERS[message.kind](message.payload)
    except Exception as exc:  # noqa: BLE001 - recorded on the row, retried by the sweeper
        db.session.rollback()
        _record_failure(message_id, f"{type(exc).__name__}: {exc}")
        return "failed"
    message.sent_at = utcnow()
    message.locked_until = None
    message.last_error = ""
    if message.scrub_after_send:
        message.payload = {"scrubbed": True}
    db.session.commit()
    return "sent"


def _record_failure(message_id: int, error: str) -> None:
    """After a failed attempt: the row is released for a retry, or, once the attempts are
    spent, marked failed and its failure handler run in the same commit. A failure handler
    that raises does not undo the mark: the row is marked failed in a transaction of its
    own (and the handler's error kept on it), so it is never retried forever."""
    message = db.session.get(OutboxMessage, message_id, populate_existing=True)
    assert message is not None
    message.last_error = error[:2000]
    message.locked_until = None
    if message.attempts < current_app.config["OUTBOX_MAX_ATTEMPTS"]:
        log.warning("outbox message %s (%s) failed (attempt %s): %s",
                    message.id, message.kind, message.attempts, error)
        db.session.commit()
        return
    message.failed_at = utcnow()
    log.error("outbox message %s (%s) failed for good after %s attempts: %s",
              message.id, message.kind, message.attempts, error)
    on_failure = FAILURE_HANDLERS.get(message.kind)
    try:
        if on_failure is not None:
            on_failure(message.payload)
        db.session.commit()
    except Exception as exc:
        db.session.rollback()
        log.exception("the failure handler of outbox message %s (%s) raised", message_id,
                      message.kind)
        db.session.execute(
            update(OutboxMessage).where(OutboxMessage.id == message_id)
            .values(failed_at=utcnow(), locked_until=None,
                    last_error=f"{error}; failure handler: {type(exc).__name__}: {exc}"[:2000])
            .execution_options(synchronize_session=False))
        db.session.commit()


def due_for_sweep(now: datetime | None = None, limit: int = 500) -> list[int]:
    """Unsent, unfailed, unlocked rows older than the grace period."""
    now = now or utcnow()
    grace = timedelta(seconds=current_app.config["OUTBOX_GRACE_SECONDS"])
    rows = db.session.execute(
        select(OutboxMessage.id)
        .where(
            OutboxMessage.sent_at.is_(None),
            OutboxMessage.failed_at.is_(None),
            OutboxMessage.created_at <= now - grace,
            or_(OutboxMessage.locked_until.is_(None), OutboxMessage.locked_until < now),
        )
        .order_by(OutboxMessage.id)
        .limit(limit)
    ).scalars()
    return list(rows)


def sweep() -> dict[str, int]:
    """Re-enqueue what is due; returns counts for the log and the CLI."""
    ids = due_for_sweep()
    db.session.rollback()
    failed = enqueue(ids)
    return {"due": len(ids), "enqueued": len(ids) - len(failed), "not_enqueued": len(failed)}
