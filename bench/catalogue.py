"""Throughput of the catalogue: the public page and the JSON API, against a bare Flask app.

Run from the repository root (PostgreSQL must answer; nothing else is needed):

    .venv/bin/python bench/catalogue.py
    .venv/bin/python bench/catalogue.py --requests 2000 --concurrency 4 --threads 4

Without ``DATABASE_URL`` it creates a database ``procure_bench_<random>`` on
``BENCH_POSTGRES_URL`` (default ``postgresql://postgres@127.0.0.1:5432/postgres``) and drops
it at the end; with ``DATABASE_URL`` it uses that database as it is (migrates it and adds
the demo data and the bench items, both idempotent). It then:

1. migrates (Alembic) and seeds the demo data plus bench items up to 2,000 priced items;
2. starts two gunicorn processes on loopback with the same settings (one worker, gthread,
   ``--threads``): the real app (``wsgi:app``) and a bare Flask app answering ``{"ok": true}``;
3. for each endpoint, warms up, then sends ``--requests`` GETs from ``--concurrency``
   client threads over keep-alive connections, and prints requests/s and the ratio to the
   bare endpoint measured in the same run with the same client loop.

It is a measurement, not a test: it fails only if a response is not 200.
"""

from __future__ import annotations

import argparse
import http.client
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from flask import Flask

ROOT = Path(__file__).resolve().parent.parent
TARGET_ITEMS = 2000


def bare_app() -> Flask:
    """The reference: a minimal Flask app with one JSON endpoint (gunicorn factory)."""
    app = Flask("bare")

    @app.get("/")
    def ok() -> dict[str, bool]:
        return {"ok": True}

    return app


# --- Database -----------------------------------------------------------------------------

@contextmanager
def database() -> Iterator[str]:
    """DATABASE_URL as it is, or a fresh database dropped afterwards."""
    given = os.environ.get("DATABASE_URL")
    if given:
        yield given
        return
    import psycopg
    from psycopg import sql

    server = os.environ.get("BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
    name = f"procure_bench_{secrets.token_hex(4)}"
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    print(f"created database {name}")
    try:
        yield urlunsplit(urlsplit(server)._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(server, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)")
                         .format(sql.Identifier(name)))
        print(f"dropped database {name}")


def prepare(database_url: str, instance_dir: str) -> int:
    """Migrate, seed the demo data, add bench items up to TARGET_ITEMS; return the count."""
    from datetime import date
    from random import Random

    import flask_migrate
    from sqlalchemy import func, select

    from app import create_app
    from app.catalogue.models import CatalogueItem, Lot, Unit
    from app.demo.seed import seed_demo
    from app.extensions import db

    app = create_app("development", SQLALCHEMY_DATABASE_URI=database_url,
                     INSTANCE_DIR=instance_dir, LOG_LEVEL="WARNING")
    with app.app_context():
        flask_migrate.upgrade()
        seed_demo()
        db.session.commit()
        lots = list(db.session.execute(select(Lot).order_by(Lot.number)).scalars())
        have = db.session.execute(select(func.count(CatalogueItem.id))).scalar_one()
        existing = set(db.session.execute(select(CatalogueItem.code)).scalars())
        rng = Random(1)
        words = [("atelier", "workshop", "workshop"), ("animation", "begeleiding", "facilitation"),
                 ("rapport", "verslag", "report"), ("enquête", "enquête", "survey"),
                 ("panel", "panel", "panel"), ("vidéo", "video", "video")]
        units = list(Unit)
        n = 0
        while have < TARGET_ITEMS:
            n += 1
            code = f"BENCH-{n:05d}"
            if code in existing:
                continue
            fr, nl, en = rng.choice(words)
            db.session.add(CatalogueItem(
                lot_id=lots[n % len(lots)].id, code=code, title_fr=f"{fr.capitalize()} {n}",
                title_nl=f"{nl.capitalize()} {n}", title_en=f"{en.capitalize()} {n}",
                description_fr=f"Prestation de référence {n} : {fr}.",
                description_nl=f"Referentieprestatie {n}: {nl}.",
                description_en=f"Reference service {n}: {en}.",
                unit=units[n % len(units)], unit_price_cents=rng.randrange(5_000, 2_500_000),
                vat_rate_bp=2100, valid_from=date(2025, 1, 1)))
            have += 1
        db.session.commit()
        total = db.session.execute(select(func.count(CatalogueItem.id))).scalar_one()
        db.session.remove()
        db.engine.dispose()
    return int(total)


# --- Servers ------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Server:
    name: str
    port: int
    process: subprocess.Popen[bytes]
    log: Path

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(5)


def gunicorn(name: str, target: str, env: dict[str, str], threads: int, log_dir: str,
             extra: list[str]) -> Server:
    port = free_port()
    log = Path(log_dir) / f"{name}.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", "1",
             "--worker-class", "gthread", "--threads", str(threads), "--keep-alive", "30",
             "--log-level", "warning", *extra, target],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    server = Server(name, port, process, log)
    deadline = time.monotonic() + 60
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return server
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                server.stop()
                raise SystemExit(f"{name} did not start:\n{log.read_text()[-3000:]}") from None
            time.sleep(0.1)


# --- Client -------------------------------------------------------------------------------

class Failed(Exception):
    pass


def hammer(port: int, path: str, total: int, concurrency: int) -> float:
    """``total`` GETs from ``concurrency`` threads on keep-alive connections; req/s."""
    lock = threading.Lock()
    remaining = [total]
    errors: list[str] = []

    def worker() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            while True:
                with lock:
                    if remaining[0] <= 0 or errors:
                        return
                    remaining[0] -= 1
                conn.request("GET", path, headers={"Accept-Language": "fr"})
                response = conn.getresponse()
                response.read()
                if response.status != 200:
                    with lock:
                        errors.append(f"{path}: HTTP {response.status}")
                    return
                if response.will_close:
                    conn.close()
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        except (OSError, http.client.HTTPException) as exc:
            with lock:
                errors.append(f"{path}: {type(exc).__name__}: {exc}")
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
        raise Failed(errors[0])
    return total / elapsed


def status_of(port: int, path: str) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


# --- Main ---------------------------------------------------------------------------------

def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000, help="per endpoint (2000)")
    parser.add_argument("--warmup", type=int, default=200, help="per endpoint (200)")
    parser.add_argument("--concurrency", type=int, default=4, help="client threads (4)")
    parser.add_argument("--threads", type=int, default=4, help="gunicorn threads (4)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="procure-bench-") as tmp, database() as url:
        items = prepare(url, tmp)
        print(f"{items} priced items; gunicorn: 1 worker, gthread x {args.threads}; client: "
              f"{args.concurrency} threads, {args.requests} requests per endpoint after "
              f"{args.warmup} warm-up, loopback")
        env = {k: v for k, v in os.environ.items()
               if k not in ("DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL")}
        env.update({"APP_ENV": "development", "DATABASE_URL": url, "INSTANCE_DIR": tmp,
                    "LOG_LEVEL": "WARNING", "PYTHONPATH": str(ROOT)})
        app_server = gunicorn("app", "wsgi:app", env, args.threads, tmp, [])
        bare_server = gunicorn("bare", "catalogue:bare_app()", env, args.threads, tmp,
                               ["--pythonpath", str(ROOT / "bench")])
        try:
            endpoints = [
                ("bare Flask GET / {\"ok\": true}", bare_server.port, "/"),
                ("GET /api/v1/catalogue/items", app_server.port, "/api/v1/catalogue/items"),
                ("GET /api/v1/lots", app_server.port, "/api/v1/lots"),
                ("GET /catalogue/ (public page)", app_server.port, "/catalogue/"),
            ]
            results: list[tuple[str, float | None, str]] = []
            for label, port, path in endpoints:
                status = status_of(port, path)
                if status != 200:
                    results.append((label, None, f"skipped: HTTP {status} (page not there yet?)"))
                    continue
                hammer(port, path, args.warmup, args.concurrency)
                results.append((label, hammer(port, path, args.requests, args.concurrency), ""))
        finally:
            app_server.stop()
            bare_server.stop()

    bare = results[0][1] or 1.0
    print(f"\n{'endpoint':<36} {'req/s':>9} {'vs bare':>8}")
    for label, rate, note in results:
        if rate is None:
            print(f"{label:<36} {note}")
        else:
            print(f"{label:<36} {rate:>9.0f} {rate / bare:>8.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
