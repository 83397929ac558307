"""Throughput of order creation and approval, against a bare single-row insert endpoint.

Run from the repository root (PostgreSQL must answer; nothing else is needed):

    .venv/bin/python bench/orders.py
    .venv/bin/python bench/orders.py --requests 1000 --concurrency 4 --threads 4

Database handling is the same as ``bench/catalogue.py`` (a fresh ``procure_bench_<random>``
database unless ``DATABASE_URL`` is set). It then:

1. migrates, seeds the demo data, creates API tokens for a buyer and two staff members;
2. starts two gunicorn processes on loopback with the same settings: the real app and a bare
   Flask + SQLAlchemy app whose ``POST /`` inserts one row in the same database;
3. measures, with the same client loop, requests/s of the bare insert,
   ``POST /api/v1/orders`` (a two-line draft: validation, price snapshot, totals, audit
   event), and ``POST /api/v1/orders/{id}/approve`` on as many submitted orders (row locks,
   ceilings, audit event, notification and e-mail rows in the outbox), each as a ratio to
   the bare insert.

It is a measurement, not a test: it fails only if a response is not the expected status.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

from flask import Flask

sys.path.insert(0, str(Path(__file__).resolve().parent))

from catalogue import ROOT, database, gunicorn  # bench/catalogue.py


def bare_app() -> Flask:
    """The reference: Flask + Flask-SQLAlchemy inserting one row per POST (gunicorn factory)."""
    from flask_sqlalchemy import SQLAlchemy
    from sqlalchemy import text

    from config.settings import normalise_database_url

    app = Flask("bare")
    app.config["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(os.environ["DATABASE_URL"])
    db = SQLAlchemy(app)

    @app.post("/")
    def insert() -> tuple[dict[str, int], int]:
        row = db.session.execute(text("INSERT INTO bench_row (payload) VALUES (:p) RETURNING id"),
                                 {"p": "x" * 200}).scalar_one()
        db.session.commit()
        return {"id": int(row)}, 201

    return app


def prepare(database_url: str, instance_dir: str, orders: int) -> tuple[str, str, list[int],
                                                                         dict[str, int]]:
    """Migrate, seed, make tokens and ``orders`` submitted orders to approve."""
    import flask_migrate
    from sqlalchemy import text

    from app import create_app
    from app.auth import services as auth
    from app.catalogue.services import browse
    from app.catalogue.services import lots as lot_services
    from app.demo.seed import seed_demo
    from app.extensions import db
    from app.orders import services

    app = create_app("development", SQLALCHEMY_DATABASE_URI=database_url,
                     INSTANCE_DIR=instance_dir, LOG_LEVEL="WARNING", OUTBOX_ENQUEUE="record")
    with app.app_context():
        flask_migrate.upgrade()
        seed_demo()
        db.session.execute(text("CREATE TABLE IF NOT EXISTS bench_row "
                                "(id serial PRIMARY KEY, payload text NOT NULL)"))
        db.session.commit()
        buyer = auth.user_by_email("buyer1@demo.example")
        staff = auth.user_by_email("staff1@demo.example")
        assert buyer is not None and staff is not None
        _row, buyer_token = auth.create_api_token(buyer, "bench")
        _row, staff_token = auth.create_api_token(staff, "bench")
        first = browse.get_current_item("L3-WS-HALF")
        second = browse.get_current_item("L3-MEETING")
        lot = lot_services.get_lot(first.lot_id)
        lot.ceiling_cents = None  # the bench measures speed, not the ceiling
        ids = []
        for _ in range(orders):
            order = services.create_order(buyer, services.OrderInput(
                lot_id=first.lot_id, title="Bench", objectives="Measure",
                participation_level="consult", commune="bruxelles",
                lines=[services.LineInput(first.id, 1)]))
            db.session.flush()
            services.submit(buyer, order.id)
            ids.append(order.id)
        db.session.commit()
        body = {"lot_id": first.lot_id, "title": "Bench order", "objectives": "Measure",
                "participation_level": "consult", "commune": "ixelles",
                "lines": [{"item_id": first.id, "quantity": 2},
                          {"item_id": second.id, "quantity": 1}]}
        db.session.remove()
        db.engine.dispose()
    return buyer_token, staff_token, ids, body  # type: ignore[return-value]


BROKER = os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/12")


def _flush_broker() -> None:
    import redis

    try:
        redis.Redis.from_url(BROKER).flushdb()
    except redis.RedisError as exc:
        print(f"could not empty the bench broker {BROKER}: {exc}")


def hammer_post(port: int, paths: list[str], body: dict[str, object] | None, token: str | None,
                concurrency: int, expected: int) -> float:
    """One POST per path, from ``concurrency`` keep-alive threads; requests/s."""
    lock = threading.Lock()
    queue = list(reversed(paths))
    errors: list[str] = []
    payload = json.dumps(body or {})
    headers = {"Content-Type": "application/json", "Accept-Language": "fr"}
    if token:
        headers["Authorization"] = f"Bearer {token}"

    def worker() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        try:
            while True:
                with lock:
                    if not queue or errors:
                        return
                    path = queue.pop()
                conn.request("POST", path, body=payload, headers=headers)
                response = conn.getresponse()
                data = response.read()
                if response.status != expected:
                    with lock:
                        errors.append(f"{path}: HTTP {response.status} {data[:300]!r}")
                    return
        finally:
            conn.close()

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    if errors:
        raise SystemExit(errors[0])
    return len(paths) / elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=1000, help="per measurement (1000)")
    parser.add_argument("--warmup", type=int, default=100, help="per measurement (100)")
    parser.add_argument("--concurrency", type=int, default=4, help="client threads (4)")
    parser.add_argument("--threads", type=int, default=4, help="gunicorn threads (4)")
    args = parser.parse_args()
    total = args.requests + args.warmup

    with tempfile.TemporaryDirectory(prefix="procure-bench-") as tmp, database() as url:
        buyer_token, staff_token, order_ids, body = prepare(url, tmp, total)
        print(f"gunicorn: 1 worker, gthread x {args.threads}; client: {args.concurrency} "
              f"threads, {args.requests} requests per measurement after {args.warmup} "
              "warm-up, loopback")
        env = {k: v for k, v in os.environ.items()
               if k not in ("DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL")}
        env.update({"APP_ENV": "development", "DATABASE_URL": url, "INSTANCE_DIR": tmp,
                    "LOG_LEVEL": "WARNING", "PYTHONPATH": str(ROOT),
                    # A real Redis broker (its own database, emptied afterwards): approvals
                    # enqueue their e-mails after commit as in production; no worker runs.
                    "CELERY_BROKER_URL": BROKER})
        app_server = gunicorn("app", "wsgi:app", env, args.threads, tmp, [])
        bare_server = gunicorn("bare", "orders:bare_app()", env, args.threads, tmp,
                               ["--pythonpath", str(ROOT / "bench")])
        try:
            def measure(port: int, paths: list[str], payload: dict[str, object] | None,
                        token: str | None, expected: int) -> float:
                hammer_post(port, paths[:args.warmup], payload, token, args.concurrency,
                            expected)
                return hammer_post(port, paths[args.warmup:], payload, token,
                                   args.concurrency, expected)

            bare = measure(bare_server.port, ["/"] * total, None, None, 201)
            create = measure(app_server.port, ["/api/v1/orders"] * total, body, buyer_token,
                             201)
            approve = measure(app_server.port,
                              [f"/api/v1/orders/{i}/approve" for i in order_ids], None,
                              staff_token, 200)
        finally:
            app_server.stop()
            bare_server.stop()
            _flush_broker()

    print(f"\n{'measurement':<40} {'req/s':>9} {'vs bare':>8}")
    for label, rate in (("bare Flask single-row INSERT", bare),
                        ("POST /api/v1/orders (create draft)", create),
                        ("POST /api/v1/orders/{id}/approve", approve)):
        print(f"{label:<40} {rate:>9.0f} {rate / bare:>8.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
