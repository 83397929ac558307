"""Approval → dispatch → offer → accept through real Celery workers, against a no-op task.

Run from the repository root (PostgreSQL must answer; ``redis-server`` must be installed):

    .venv/bin/python bench/workflow.py
    .venv/bin/python bench/workflow.py --orders 50
    .venv/bin/python bench/workflow.py --orders 1000 --workers 2 --concurrency 2

Database handling is the same as ``bench/catalogue.py`` (a fresh ``procure_bench_<random>``
database unless ``DATABASE_URL`` is set; that one keeps the orders and lifted ceilings, so
never point it at a database you care about). Redis is a private ``redis-server`` on a free port
without persistence (broker in database 0, results in database 1), so the shared server is
never touched and nothing from another run sits in the queue. It then:

1. migrates, seeds the demo data, lifts the lot and framework ceilings (the bench measures
   speed, not the ceiling) and starts ``--workers`` Celery worker processes
   (``-c --concurrency -Q procure``) as production runs them, with a result backend so the
   no-op task can answer. No beat runs: the broker stays up, so every message is delivered
   on its first send; a lost one would show as a timeout, not be hidden by the sweeper;
2. creates and submits ``--orders`` one-line orders (below the four-eyes threshold) and
   waits until the workers have sent the e-mails this queued, so the measured phase starts
   on an empty queue;
3. baseline, on the same workers and broker: ``--pings`` sequential round trips of
   ``workers.tasks.health.ping`` (send → worker → result → client), and a burst of as many
   no-op tasks as there are orders (tasks/s with every worker child busy);
4. approves the orders one by one, each in its own transaction, as one staff member, while a
   separate process plays the vendors: it polls for ``offered`` attempts and accepts each as
   a user of that vendor. It runs in its own process so it does not take the GIL from the
   approval loop;
5. waits until every order is ``assigned`` and every outbox row is sent, then checks one
   accepted attempt per order, no failed outbox row and an unbroken audit chain.

Timing: an approval's time is taken when its transaction has committed, before the outbox
hands its messages to the broker (so the latency includes that hand-over); an offer's time is
``VendorAttempt.created_at``, stamped by the worker before its commit; both read the same
machine clock. Latencies are shown as ratios to the no-op round trip, throughputs as ratios
to the no-op burst, both measured in the same run. The approval loop's own rate is printed
too: while the workers keep up, dispatch and end-to-end throughput cannot exceed it, so
those two then measure the whole machine rather than the workers alone. Hence the last
table: CPU time per order of each process (from /proc, Linux only) while the bench, the
workers, Redis and PostgreSQL share the machine.

It is a measurement, not a test: it fails only when the workflow does not complete or a
check above does not hold.
"""

from __future__ import annotations

import argparse
import math
import multiprocessing
import os
import queue
import signal
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from catalogue import ROOT, database, free_port  # bench/catalogue.py

sys.path.insert(0, str(ROOT))
from tests.processes import (
    Process,
    ProcessFailed,
    child_env,
    start_redis_server,
    start_worker,
)

if TYPE_CHECKING:
    from multiprocessing.synchronize import Event

    from celery import Celery
    from flask import Flask

PING = "workers.tasks.health.ping"
BUYER = "buyer1@demo.example"
STAFF = "staff1@demo.example"
ITEM = "L3-WS-HALF"  # a cascade lot; one half-day stays far below the four-eyes threshold



class BenchFailed(SystemExit):
    pass


@dataclass(frozen=True)
class Settings:
    """What the bench's app, the vendor process and the workers share (picklable)."""

    database_url: str
    broker_url: str
    result_url: str
    instance_dir: str


def make_app(settings: Settings, results: bool = False) -> Flask:
    """The app as the web processes run it; ``results`` only for the one sending pings.

    A client whose Celery app has a Redis result backend subscribes to the result channel of
    every task it sends (``send_task`` without ``ignore_result``), the outbox's deliveries
    included, and unsubscribes when the result object is dropped: two Redis round trips per
    hand-over that production, without a result backend, does not make. So only the app
    sending pings gets one.
    """
    from app import create_app

    return create_app("development", SQLALCHEMY_DATABASE_URI=settings.database_url,
                      CELERY_BROKER_URL=settings.broker_url,
                      CELERY_RESULT_BACKEND=settings.result_url if results else None,
                      INSTANCE_DIR=settings.instance_dir, LOG_LEVEL="WARNING",
                      MAIL_SERVER=None)


def wait_for(predicate: Callable[[], Any], timeout: float, what: str,
             interval: float = 0.1, on_timeout: Callable[[], str] | None = None) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            detail = on_timeout() if on_timeout else ""
            raise BenchFailed(f"FAILED: timed out after {timeout:.0f} s waiting for {what}"
                              + (f"\n{detail}" if detail else ""))
        time.sleep(interval)


# --- Child processes ----------------------------------------------------------------------

@contextmanager
def redis_server(tmp: str) -> Iterator[tuple[int, Process]]:
    """A private redis-server without persistence; yields its port."""
    port = free_port()
    child = start_redis_server(port, Path(tmp) / "redis.log", Path(tmp))
    try:
        yield port, child
    finally:
        child.stop()


def start_workers(settings: Settings, count: int, concurrency: int) -> list[Process]:
    env = child_env(APP_ENV="development", DATABASE_URL=settings.database_url,
                    CELERY_BROKER_URL=settings.broker_url,
                    CELERY_RESULT_BACKEND=settings.result_url,
                    INSTANCE_DIR=settings.instance_dir, LOG_LEVEL="WARNING")
    return [start_worker(f"bench{number}", Path(settings.instance_dir) / f"worker{number}.log",
                         env, concurrency, timeout=90)
            for number in range(1, count + 1)]


# --- Data ---------------------------------------------------------------------------------

def migrate_and_seed(app: Flask) -> None:
    import flask_migrate
    from sqlalchemy import select

    from app.catalogue.models import Framework, Lot
    from app.catalogue.services import browse
    from app.demo.seed import seed_demo
    from app.extensions import db

    with app.app_context():
        flask_migrate.upgrade()
        seed_demo()
        db.session.flush()
        lot_id = browse.get_current_item(ITEM).lot_id
        lot = db.session.execute(select(Lot).where(Lot.id == lot_id)).scalar_one()
        lot.ceiling_cents = None
        db.session.execute(select(Framework).where(Framework.id == lot.framework_id)
                           ).scalar_one().max_value_cents = 10**15
        db.session.commit()
        db.session.remove()


def submitted_orders(app: Flask, count: int) -> list[int]:
    """``count`` one-line orders, created and submitted by a demo buyer."""
    from app.auth import services as auth
    from app.catalogue.services import browse
    from app.extensions import db
    from app.orders import services

    with app.app_context():
        ids: list[int] = []
        while len(ids) < count:
            buyer = auth.user_by_email(BUYER)
            assert buyer is not None
            item = browse.get_current_item(ITEM)
            for _ in range(min(100, count - len(ids))):
                order = services.create_order(buyer, services.OrderInput(
                    lot_id=item.lot_id, title="Bench workflow", objectives="Measure",
                    participation_level="consult", commune="bruxelles",
                    lines=[services.LineInput(item.id, 1)]))
                db.session.flush()
                services.submit(buyer, order.id)
                ids.append(order.id)
            db.session.commit()  # the staff e-mails go to the broker
        db.session.remove()
    return ids


def outbox_counts(app: Flask) -> tuple[int, int, int]:
    """(all rows, unsent and not failed, failed)."""
    from sqlalchemy import func, select

    from app.common.outbox import OutboxMessage
    from app.extensions import db

    with app.app_context():
        total, pending, failed = db.session.execute(select(
            func.count(OutboxMessage.id),
            func.count(OutboxMessage.id).filter(OutboxMessage.sent_at.is_(None),
                                                OutboxMessage.failed_at.is_(None)),
            func.count(OutboxMessage.id).filter(OutboxMessage.failed_at.is_not(None)),
        )).one()
        db.session.remove()
    return int(total), int(pending), int(failed)


def status_counts(app: Flask) -> dict[str, int]:
    from sqlalchemy import func, select

    from app.extensions import db
    from app.orders.models import Order

    with app.app_context():
        rows = db.session.execute(select(Order.status, func.count(Order.id))
                                  .group_by(Order.status)).all()
        db.session.remove()
    return {status.value: int(n) for status, n in rows}


# --- Baseline: the no-op task ------------------------------------------------------------

def ping_round_trips(celery: Celery, count: int, warmup: int = 20) -> list[float]:
    """Sequential send → result round trips of the no-op task, in seconds."""
    for _ in range(warmup):
        celery.send_task(PING).get(timeout=10)
    times = []
    for _ in range(count):
        started = time.perf_counter()
        if celery.send_task(PING).get(timeout=10) != "pong":
            raise BenchFailed("FAILED: the ping task did not answer 'pong'")
        times.append(time.perf_counter() - started)
    return times


def ping_burst(celery: Celery, count: int) -> float:
    """``count`` no-op tasks sent at once; tasks/s until the last result is in."""
    started = time.perf_counter()
    results = [celery.send_task(PING) for _ in range(count)]
    for result in results:
        result.get(timeout=120)
    return count / (time.perf_counter() - started)


# --- The workflow -------------------------------------------------------------------------

def approve_all(app: Flask, ids: list[int]) -> dict[int, float]:
    """Approve each order in its own transaction; order id → commit time (epoch seconds)."""
    from sqlalchemy import event
    from sqlalchemy.orm import Session

    from app.auth import services as auth
    from app.extensions import db
    from app.orders import services

    committed: list[float] = []

    def stamp(_session: Session) -> None:
        committed.append(time.time())

    # insert=True: before the outbox's own after_commit hook hands the messages to Redis.
    event.listen(Session, "after_commit", stamp, insert=True)
    times: dict[int, float] = {}
    try:
        with app.app_context():
            staff = auth.user_by_email(STAFF)
            assert staff is not None
            for order_id in ids:
                committed.clear()
                services.approve(staff, order_id)
                db.session.commit()
                times[order_id] = committed[0]
            db.session.remove()
    finally:
        event.remove(Session, "after_commit", stamp)
    return times


def play_vendors(settings: Settings, expected: int, ready: Event, stop: Event,
                 results: multiprocessing.Queue[Any]) -> None:
    """The vendors (own process): accept every open offer as a user of that vendor."""
    from sqlalchemy import select

    from app.assignment.models import AttemptState, VendorAttempt
    from app.assignment.services import answers
    from app.auth.models import Role, User
    from app.extensions import db

    app = make_app(settings)
    accepted: dict[int, float] = {}
    errors: list[str] = []
    with app.app_context():
        users = {vendor_id: user_id for user_id, vendor_id in db.session.execute(
            select(User.id, User.vendor_id).where(User.role == Role.VENDOR)
            .order_by(User.id.desc()))}  # the lowest id wins
        db.session.rollback()
        ready.set()
        while len(accepted) < expected and not stop.is_set() and len(errors) < 10:
            offered = db.session.execute(
                select(VendorAttempt.id, VendorAttempt.vendor_id)
                .where(VendorAttempt.state == AttemptState.OFFERED)
                .order_by(VendorAttempt.id).limit(200)).all()
            db.session.rollback()
            if not offered:
                time.sleep(0.01)
                continue
            for attempt_id, vendor_id in offered:
                try:
                    user = db.session.get(User, users[vendor_id])
                    assert user is not None
                    order_id = answers.accept(user, attempt_id, False).id
                    db.session.commit()
                    accepted[order_id] = time.time()
                except Exception as exc:  # noqa: BLE001 - reported by the parent
                    db.session.rollback()
                    errors.append(f"accepting attempt {attempt_id}: {type(exc).__name__}: "
                                  f"{exc}")
        db.session.remove()
    results.put({"accepted": accepted, "errors": errors})


@dataclass
class Timings:
    approved: dict[int, float]  # order id → approval commit
    offered: dict[int, float]  # order id → first offer row created
    assigned: dict[int, float]  # order id → accept commit


def offer_times(app: Flask) -> dict[int, float]:
    from sqlalchemy import func, select

    from app.assignment.models import VendorAttempt
    from app.extensions import db

    with app.app_context():
        rows = db.session.execute(select(VendorAttempt.order_id,
                                         func.min(VendorAttempt.created_at))
                                  .group_by(VendorAttempt.order_id)).all()
        db.session.remove()
    return {int(order_id): created.timestamp() for order_id, created in rows}


def check(app: Flask, ids: list[int]) -> None:
    """Cheap correctness checks after the run; raises BenchFailed."""
    from sqlalchemy import func, select

    from app.assignment.models import AttemptState, VendorAttempt
    from app.extensions import db
    from app.orders import audit

    problems = []
    with app.app_context():
        per_order = {int(order_id): int(n) for order_id, n in db.session.execute(
            select(VendorAttempt.order_id, func.count(VendorAttempt.id))
            .where(VendorAttempt.state == AttemptState.ACCEPTED)
            .group_by(VendorAttempt.order_id))}
        wrong = [i for i in ids if per_order.get(i) != 1]
        if wrong:
            problems.append(f"{len(wrong)} orders without exactly one accepted attempt "
                            f"(e.g. order {wrong[0]}: {per_order.get(wrong[0], 0)})")
        checked, broken = audit.verify()
        if broken is not None:
            problems.append(f"audit chain broken: {broken}")
        db.session.remove()
    _total, pending, failed = outbox_counts(app)
    if pending or failed:
        problems.append(f"outbox: {pending} unsent, {failed} failed")
    if problems:
        raise BenchFailed("FAILED checks:\n  " + "\n  ".join(problems))
    print(f"checks: one accepted attempt per order, outbox all sent, none failed, "
          f"audit chain intact ({checked} events)")


# --- Where the CPU goes -------------------------------------------------------------------

class CpuMeter:
    """User + system CPU seconds per role, read from Linux's /proc (absent elsewhere: no
    figures). Every process of this bench, the workers and PostgreSQL share the machine, so
    a throughput can only be read next to what each side burned."""

    def __init__(self, app: Flask, roles: dict[str, Callable[[int, int], bool]]) -> None:
        self.app = app
        self.roles = roles
        self.tick = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
        self.started = self._sample()
        self.wall = time.perf_counter()

    def _backends(self) -> set[int]:
        from sqlalchemy import text

        from app.extensions import db

        with self.app.app_context():
            pids = set(db.session.execute(text(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database()")
            ).scalars())
            db.session.remove()
        return pids

    def _sample(self) -> dict[int, tuple[str, float]]:
        backends = self._backends()
        found: dict[int, tuple[str, float]] = {}
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                raw = stat.read_text()
            except OSError:
                continue
            pid = int(stat.parent.name)
            fields = raw[raw.rindex(")") + 2:].split()  # from field 3 (state) on
            group = int(fields[2])
            role = "postgres" if pid in backends else next(
                (name for name, match in self.roles.items() if match(pid, group)), None)
            if role is not None:
                found[pid] = (role, (int(fields[11]) + int(fields[12])) / self.tick)
        return found

    def stop(self) -> tuple[dict[str, float], float]:
        """CPU seconds per role since the start, and the wall time."""
        wall = time.perf_counter() - self.wall
        spent: dict[str, float] = dict.fromkeys([*self.roles, "postgres"], 0.0)
        for pid, (role, seconds) in self._sample().items():
            spent[role] += seconds - self.started.get(pid, (role, 0.0))[1]
        return spent, wall


# --- Figures ------------------------------------------------------------------------------

def percentile(values: list[float], q: float) -> float:
    """Linear interpolation between closest ranks (numpy's default)."""
    ordered = sorted(values)
    position = (len(ordered) - 1) * q
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:8.1f} ms"


def report(pings: list[float], pings_after: list[float], burst: float, timings: Timings,
           messages_per_order: float, workers: int, concurrency: int) -> None:
    n = len(timings.approved)
    first = min(timings.approved.values())
    last_approval = max(timings.approved.values())
    latency = [timings.offered[i] - timings.approved[i] for i in timings.approved]
    ping50, ping95 = percentile(pings, 0.5), percentile(pings, 0.95)
    lat50, lat95 = percentile(latency, 0.5), percentile(latency, 0.95)
    approvals = n / (last_approval - first) if n > 1 else float("nan")
    dispatch = n / (max(timings.offered.values()) - first)
    end_to_end = n / (max(timings.assigned.values()) - first)

    print(f"\n{n} orders, {workers} workers x {concurrency} children on {os.cpu_count()} CPUs, "
          f"{messages_per_order:.1f} outbox messages per order in the measured phase")
    print(f"{'measurement':<34} {'p50':>11} {'p95':>11}   {'ratio to no-op p50 / p95'}")
    print(f"{'celery no-op round trip':<34} {ms(ping50):>11} {ms(ping95):>11}   1.00 / 1.00 "
          "(baseline)")
    print(f"{'  same, after the workflow':<34} {ms(percentile(pings_after, 0.5)):>11} "
          f"{ms(percentile(pings_after, 0.95)):>11}   "
          f"{percentile(pings_after, 0.5) / ping50:.2f} / "
          f"{percentile(pings_after, 0.95) / ping95:.2f}")
    print(f"{'approval commit → offer row':<34} {ms(lat50):>11} {ms(lat95):>11}   "
          f"{lat50 / ping50:.2f} / {lat95 / ping95:.2f}   (max {ms(max(latency)).strip()})")
    print(f"\n{'throughput':<34} {'per s':>11}   ratio to the no-op burst")
    print(f"{'celery no-op burst (tasks)':<34} {burst:>11.1f}   1.00 (baseline)")
    print(f"{'approval loop (1 client)':<34} {approvals:>11.1f}   {approvals / burst:.2f}")
    print(f"{'dispatch (approval → offer row)':<34} {dispatch:>11.1f}   {dispatch / burst:.2f}")
    print(f"{'end to end (→ assigned)':<34} {end_to_end:>11.1f}   {end_to_end / burst:.2f}")


def report_cpu(cpu: dict[str, float], wall: float, orders: int) -> None:
    total = sum(cpu.values())
    if not total:
        return
    print(f"\n{'CPU in the measured phase':<34} {'ms/order':>11}   share")
    for role, seconds in cpu.items():
        print(f"{'  ' + role:<34} {seconds * 1000 / orders:>11.1f}   {seconds / total:>5.0%}")
    print(f"{'  total':<34} {total * 1000 / orders:>11.1f}   {total / wall:.2f} of "
          f"{os.cpu_count()} CPUs busy on average over {wall:.1f} s")


# --- Main ---------------------------------------------------------------------------------

def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=1000, help="orders pushed through (1000)")
    parser.add_argument("--workers", type=int, default=2, help="worker processes (2)")
    parser.add_argument("--concurrency", type=int, default=2,
                        help="pool children per worker (2)")
    parser.add_argument("--pings", type=int, default=200, help="no-op round trips (200)")
    parser.add_argument("--timeout", type=float, default=300,
                        help="seconds allowed for each waiting phase (300)")
    args = parser.parse_args()
    if args.orders < 2 or args.pings < 2:
        parser.error("--orders and --pings must be at least 2")
    # Killed by SIGTERM, still stop the workers and drop the database on the way out.
    signal.signal(signal.SIGTERM, lambda _sig, _frame: sys.exit(143))

    with ExitStack() as stack:
        tmp = stack.enter_context(tempfile.TemporaryDirectory(prefix="procure-bench-"))
        url = stack.enter_context(database())
        port, redis_child = stack.enter_context(redis_server(tmp))
        settings = Settings(database_url=url, broker_url=f"redis://127.0.0.1:{port}/0",
                            result_url=f"redis://127.0.0.1:{port}/1", instance_dir=tmp)
        celery: Celery = make_app(settings, results=True).extensions["celery"]
        app = make_app(settings)
        migrate_and_seed(app)

        started = time.perf_counter()
        workers = start_workers(settings, args.workers, args.concurrency)
        for worker in workers:
            stack.callback(worker.stop)
        print(f"{len(workers)} workers ready in {time.perf_counter() - started:.1f} s "
              f"(logs in {tmp}, removed at the end)")

        def tails() -> str:
            return "\n".join(f"--- {w.name}, last lines:\n{w.tail()}" for w in workers)

        started = time.perf_counter()
        ids = submitted_orders(app, args.orders)
        wait_for(lambda: outbox_counts(app)[1] == 0, args.timeout,
                 "the e-mails of the submissions to be sent", on_timeout=tails)
        before_total, _pending, _failed = outbox_counts(app)
        print(f"{len(ids)} orders submitted and their {before_total} e-mails sent in "
              f"{time.perf_counter() - started:.1f} s")

        pings = ping_round_trips(celery, args.pings)
        burst = ping_burst(celery, args.orders)

        context = multiprocessing.get_context("spawn")
        ready, stop = context.Event(), context.Event()
        results: multiprocessing.Queue[Any] = context.Queue()
        vendors = context.Process(target=play_vendors, name="vendors",
                                  args=(settings, len(ids), ready, stop, results))
        vendors.start()

        def stop_vendors() -> None:
            stop.set()
            vendors.join(15)
            if vendors.is_alive():
                vendors.kill()
                vendors.join(5)

        stack.callback(stop_vendors)
        wait_for(lambda: ready.is_set() or not vendors.is_alive(), 60, "the vendor process")
        if not ready.is_set():
            raise BenchFailed(f"FAILED: the vendor process exited with {vendors.exitcode}")

        worker_groups = {w.pid for w in workers}
        meter = CpuMeter(app, {
            "approval loop (this process)": lambda pid, _g: pid == os.getpid(),
            "vendors (accepting)": lambda pid, _g: pid == vendors.pid,
            "celery workers": lambda _p, group: group in worker_groups,
            "redis": lambda pid, _g: pid == redis_child.pid,
        })
        approved = approve_all(app, ids)

        def done() -> bool:
            counts = status_counts(app)
            return counts.get("assigned", 0) == len(ids) and outbox_counts(app)[1] == 0

        wait_for(done, args.timeout, "every order assigned and every outbox row sent",
                 interval=0.2,
                 on_timeout=lambda: f"orders by status: {status_counts(app)}; outbox (all, "
                                    f"unsent, failed): {outbox_counts(app)}\n{tails()}")
        cpu, wall = meter.stop()
        try:
            outcome = results.get(timeout=30)
        except queue.Empty:
            raise BenchFailed("FAILED: the vendor process did not report") from None
        if outcome["errors"]:
            raise BenchFailed("FAILED: the vendors could not accept:\n  "
                              + "\n  ".join(outcome["errors"]))
        after_total, _pending, _failed = outbox_counts(app)
        pings_after = ping_round_trips(celery, args.pings, warmup=0)
        check(app, ids)

        timings = Timings(approved, offer_times(app), outcome["accepted"])
        report(pings, pings_after, burst, timings, (after_total - before_total) / len(ids),
               args.workers, args.concurrency)
        report_cpu(cpu, wall, len(ids))
        with app.app_context():
            from app.extensions import db

            db.engine.dispose()
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except ProcessFailed as exc:  # a worker or redis-server died or did not start
        sys.exit(f"FAILED: {exc}")
