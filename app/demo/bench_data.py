"""``flask bench-data``: scale data for the benchmark (bench/run.py) and for EXPLAIN.

The demo seed, then organisations, items and vendors up to the given counts
(app.demo.bench_parties), then orders in every state with their lines, audit trail,
approvals, vendor attempts, deliveries and invoices (app.demo.bench_orders). Only into a
database without orders: it is for measuring, never for a database anyone works in.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from random import Random

from sqlalchemy import func, select, text

from app.common.time import utcnow
from app.demo import bench_orders
from app.demo.bench_parties import ensure_parties
from app.extensions import db
from app.orders.models import Order

CHUNK = 10_000  # orders per progress line (and per flush of the session's memory)


class AlreadyHasOrders(Exception):
    pass


@dataclass
class BenchDataReport:
    orders: int
    per_state: dict[str, int]
    seconds: float


def bench_data(*, orders: int, items: int, organisations: int, seed: int = 13,
               progress: Callable[[str], None] | None = None) -> BenchDataReport:
    """Write the scale data; the caller commits."""
    started = time.perf_counter()
    existing = db.session.execute(select(func.count(Order.id))).scalar_one()
    if existing:
        raise AlreadyHasOrders(f"The database already has {existing} orders: bench-data "
                               "only fills a database without any (a fresh one).")
    rng = Random(seed)  # noqa: S311 - made-up data, reproducible on purpose
    parties = ensure_parties(rng, organisations, items)
    db.session.commit()  # the parties, so a long order run does not hold them in one
    now = utcnow()
    per_state: dict[str, int] = {}
    done = 0
    while done < orders:
        chunk = min(CHUNK, orders - done)
        for state, n in bench_orders.generate(parties, chunk, rng, now, first=done == 0).items():
            per_state[state] = per_state.get(state, 0) + n
        done += chunk
        db.session.commit()
        if progress is not None and orders > CHUNK:
            progress(f"  {done} orders ({time.perf_counter() - started:.0f} s)")
    _analyse()
    return BenchDataReport(orders=done, per_state=per_state,
                           seconds=time.perf_counter() - started)


def _analyse() -> None:
    """On PostgreSQL, VACUUM ANALYZE: fresh statistics (else the planner guesses the new rows
    from an empty table's) and the visibility map index-only scans need, as autovacuum would
    give a database that grew over years."""
    if db.engine.dialect.name != "postgresql":
        return
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE"))
