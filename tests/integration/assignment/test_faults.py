"""Crashes and broker loss during vendor assignment lose nothing and duplicate nothing.

Each test runs its workers on a private ``redis-server`` and ends with the invariants of
``faults.check_invariants``. A step is caught mid-way by holding, from another connection,
the row it needs (``SELECT … FOR UPDATE``): the worker child waits inside the step, where it
is then killed or raced.
"""

from __future__ import annotations

import os
import signal
import time
import uuid
from datetime import timedelta

import redis
from flask import Flask
from sqlalchemy import update

from app.assignment.models import AttemptState
from app.common import outbox
from app.common.outbox import OutboxMessage
from app.common.time import utcnow
from app.extensions import db
from app.orders.models import OrderStatus
from tests.integration.conftest import AppFactory, ProcessFactory
from tests.integration.faults import (
    SHORT_LOCK,
    accept_every_offer,
    all_in,
    approve_each,
    attempts_of,
    check_invariants,
    dispatch_rows,
    lock_waiters,
    outbox_settled,
    process_of_client_port,
    rank_one_vendor,
    rows_locked,
    submitted_orders,
)
from tests.processes import wait_until
from tests.services import free_port

SWEEP_INTERVAL = 15.0  # workers/schedule.py: sweep-outbox


def _private_broker(processes: ProcessFactory) -> tuple[int, str]:
    port = free_port()
    processes.redis_server(port)
    return port, f"redis://127.0.0.1:{port}/0"


def _sweep(app: Flask) -> None:
    """What the beat task (or ``flask sweep``) does: unsent rows back onto the queue."""
    with app.app_context():
        outbox.sweep()


def test_a_worker_child_killed_during_a_dispatch_step_runs_it_again_once(
        app: Flask, make_app: AppFactory, processes: ProcessFactory, database_url: str) -> None:
    _port, broker = _private_broker(processes)
    worker = processes.worker("worker-kill-child", CELERY_BROKER_URL=broker, **SHORT_LOCK)
    web = make_app(CELERY_BROKER_URL=broker)
    (order_id,), staff_id = submitted_orders(web, 1)

    with rows_locked(database_url, "vendor", [rank_one_vendor(web, order_id)]):
        approve_each(web, [order_id], staff_id)  # the commit sends the dispatch step
        waiter = wait_until(lambda: lock_waiters(database_url), 30,
                            "the dispatch step waiting on the order row")[0]
        children = worker.children()
        child = process_of_client_port(waiter.client_port, children)
        os.kill(child, signal.SIGKILL)
        worker.wait_for_log(r"(WorkerLostError|signal 9)", timeout=30)

    # The killed step committed nothing; its row stays claimed until the lock expires, then
    # the sweeper sends it again and a live child performs it.
    def dispatched() -> bool:
        _sweep(web)
        return all_in(web, [order_id], OrderStatus.AWAITING_VENDOR)

    wait_until(dispatched, 60, "the killed dispatch step run again", interval=1)
    assert attempts_of(web, order_id) == [(1, AttemptState.OFFERED)]
    row = dispatch_rows(web)[order_id]
    assert row.sent_at is not None
    assert row.attempts == 2, "claimed by the killed child, then by the re-run"
    wait_until(lambda: outbox_settled(web), 30, "the offer e-mail sent")
    check_invariants(web)


def test_the_whole_worker_killed_and_restarted_completes_every_order_in_flight(
        app: Flask, make_app: AppFactory, processes: ProcessFactory, database_url: str) -> None:
    _port, broker = _private_broker(processes)
    first = processes.worker("worker-killed", CELERY_BROKER_URL=broker, **SHORT_LOCK)
    processes.beat("beat-kill-worker", CELERY_BROKER_URL=broker)
    web = make_app(CELERY_BROKER_URL=broker)
    order_ids, staff_id = submitted_orders(web, 20)

    with rows_locked(database_url, "vendor", [rank_one_vendor(web, order_ids[0])]):
        approve_each(web, order_ids, staff_id)
        wait_until(lambda: len(lock_waiters(database_url)) == 2, 30,
                   "both worker children mid-step")
        first.kill()  # kill -9 of the main process and its children
    assert all_in(web, order_ids, OrderStatus.APPROVED), "nothing was dispatched"

    processes.worker("worker-restarted", CELERY_BROKER_URL=broker, **SHORT_LOCK)
    wait_until(lambda: all_in(web, order_ids, OrderStatus.AWAITING_VENDOR),
               SWEEP_INTERVAL + 12 + 30, "every order in flight dispatched", interval=0.5)
    check_invariants(web)
    accept_every_offer(web, order_ids)
    wait_until(lambda: outbox_settled(web), 60, "every e-mail sent")
    assert all_in(web, order_ids, OrderStatus.ASSIGNED)
    for order_id in order_ids:
        assert attempts_of(web, order_id) == [(1, AttemptState.ACCEPTED)]
    check_invariants(web)


def test_fifty_orders_are_re_driven_after_redis_restarts_without_persistence(
        app: Flask, make_app: AppFactory, processes: ProcessFactory) -> None:
    port, broker = _private_broker(processes)
    web = make_app(CELERY_BROKER_URL=broker)
    order_ids, staff_id = submitted_orders(web, 50)
    approve_each(web, order_ids, staff_id)  # no worker yet: the steps wait in Redis
    queue = redis.Redis(port=port)
    assert queue.llen("procure") >= 50

    for proc in [p for p in processes.started if p.args[0] == "redis-server"]:
        proc.stop()
    processes.redis_server(port, name="redis-server-restarted")
    assert queue.llen("procure") == 0, "nothing persisted: every queued step is gone"
    queue.close()

    processes.worker("worker-after-restart", CELERY_BROKER_URL=broker)
    processes.beat("beat-after-restart", CELERY_BROKER_URL=broker)
    started = time.monotonic()
    wait_until(lambda: all_in(web, order_ids, OrderStatus.AWAITING_VENDOR),
               SWEEP_INTERVAL + 30, "all 50 orders re-driven from the database", interval=0.5)
    elapsed = time.monotonic() - started
    print(f"50 orders re-driven {elapsed:.1f} s after beat started "
          f"(sweep interval {SWEEP_INTERVAL:.0f} s)")
    assert elapsed < SWEEP_INTERVAL + 10, f"took {elapsed:.1f} s"
    for order_id in order_ids:
        assert attempts_of(web, order_id) == [(1, AttemptState.OFFERED)]
    wait_until(lambda: outbox_settled(web), 60, "every e-mail sent")
    check_invariants(web)


def test_the_same_message_delivered_to_two_workers_changes_state_once(
        app: Flask, make_app: AppFactory, processes: ProcessFactory, database_url: str) -> None:
    _port, broker = _private_broker(processes)
    workers = [processes.worker(f"worker-twin-{n}", concurrency=1, CELERY_BROKER_URL=broker)
               for n in (1, 2)]
    marks = [w.log_mark() for w in workers]
    recorder = make_app(CELERY_BROKER_URL=broker, OUTBOX_ENQUEUE="record")
    web = make_app(CELERY_BROKER_URL=broker)
    (order_id,), staff_id = submitted_orders(recorder, 1)
    approve_each(recorder, [order_id], staff_id)
    message_id = dispatch_rows(recorder)[order_id].id

    with rows_locked(database_url, "outbox_message", [message_id]):
        task_id = str(uuid.uuid4())  # one message, delivered twice
        with web.app_context():
            for _ in range(2):
                web.extensions["celery"].send_task(outbox.DELIVER_TASK, args=[message_id],
                                                   task_id=task_id)
        wait_until(lambda: len(lock_waiters(database_url)) == 2, 30,
                   "each worker claiming the message")

    outcomes = sorted(
        w.wait_for_log(rf"outbox message {message_id}: (sent|skipped)", since=mark).group(1)
        for w, mark in zip(workers, marks, strict=True))
    assert outcomes == ["sent", "skipped"]
    assert attempts_of(web, order_id) == [(1, AttemptState.OFFERED)]
    assert dispatch_rows(web)[order_id].attempts == 1
    _sweep(web)
    wait_until(lambda: outbox_settled(web), 30, "the offer e-mail sent")
    check_invariants(web)


def test_a_step_stuck_past_its_lock_is_run_again_and_the_state_changes_once(
        app: Flask, make_app: AppFactory, processes: ProcessFactory, database_url: str) -> None:
    """The sweeper takes a step held past OUTBOX_LOCK_SECONDS for dead and sends it again; if
    the first worker was only slow, both perform it — the order's lock and state check make
    the second a no-op."""
    _port, broker = _private_broker(processes)
    workers = [processes.worker(f"worker-slow-{n}", concurrency=1, CELERY_BROKER_URL=broker)
               for n in (1, 2)]
    web = make_app(CELERY_BROKER_URL=broker)
    (order_id,), staff_id = submitted_orders(web, 1)

    with rows_locked(database_url, "vendor", [rank_one_vendor(web, order_id)]):
        approve_each(web, [order_id], staff_id)
        wait_until(lambda: len(lock_waiters(database_url)) == 1, 30,
                   "the first delivery mid-step")
        with web.app_context():  # the clock passes the claim's lock
            db.session.execute(update(OutboxMessage).where(
                OutboxMessage.kind == "order.dispatch")
                .values(locked_until=utcnow() - timedelta(seconds=1)))
            db.session.commit()
        _sweep(web)
        wait_until(lambda: len(lock_waiters(database_url)) == 2, 30,
                   "the second delivery mid-step on the other worker")

    message_id = dispatch_rows(web)[order_id].id
    for w in workers:
        w.wait_for_log(rf"outbox message {message_id}: sent", timeout=30)
    assert attempts_of(web, order_id) == [(1, AttemptState.OFFERED)]
    row = dispatch_rows(web)[order_id]
    assert row.attempts == 2 and row.sent_at is not None
    wait_until(lambda: outbox_settled(web), 30, "the offer e-mail sent")
    check_invariants(web)
