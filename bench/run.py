"""The benchmark: the project against the bare stack, the workflow, and 1k → 100k orders.

Run from the repository root (PostgreSQL and Redis must answer, ``wrk`` installed):

    .venv/bin/python bench/run.py                         # endpoints + workflow
    .venv/bin/python bench/run.py --scale 100000          # + the scale figures
    .venv/bin/python bench/run.py --duration 2 --only http --only scale --scale 100000

1. **Endpoints.** A fresh PostgreSQL database (``procure_bench_<random>`` on
   ``BENCH_POSTGRES_URL``, dropped at the end) gets the migrations, the demo data and
   ``flask bench-data --orders 1000``. The project runs under gunicorn ``-w 2`` (sync
   workers) in production settings (``APP_ENV=production``, PostgreSQL, Redis database
   ``--redis-db`` for the broker and the next one for the limiter, emptied at the end); the
   bare stack (bench/bare.py: Flask JSON; Flask-SQLAlchemy + 100 rows + Jinja; one INSERT +
   commit) runs on the same database with the same gunicorn settings. Each endpoint is
   driven by ``wrk -t2 -c16 -d<duration>s`` after a short warm-up; the table gives req/s,
   p50, p99 and the ratio to its bare reference (reads to the 100-row page, writes to the
   INSERT).
2. **Workflow.** bench/workflow.py (its own database and private redis-server) with
   ``--workflow-orders`` orders: orders/s end to end against no-op tasks/s, approval commit →
   offer row p50 against a no-op round trip.
3. **Scale** (``--scale N``). A second fresh database with ``bench-data --orders N``; the
   staff queue and ``GET /api/v1/orders`` are driven again and their p95 compared with the
   1k run, one request at a time (``--sequential``) and under wrk. ``--scale-database URL``
   reuses a database already filled (it is not dropped).

It prints; it never fails a build. It exits non-zero only when something could not run.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import io
import json
import os
import re
import secrets
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bare  # bench/bare.py
import wrk  # bench/wrk.py
from catalogue import ROOT, Server, database, free_port  # bench/catalogue.py

sys.path.insert(0, str(ROOT))

SECTIONS = ("http", "workflow", "scale")


@dataclass
class Access:
    """What the endpoints need: tokens, session cookies, ids and the POST body."""

    staff_token: str
    buyer_token: str
    staff_cookie: str
    vendor_cookie: str
    order_id: int
    create_body: str


# --- Data ---------------------------------------------------------------------------------

def fill(url: str, orders: int, instance: str) -> dict[str, object]:
    """Migrate, seed the demo, add the scale data; tokens and the ids the endpoints use."""
    import flask_migrate
    from sqlalchemy import func, select

    from app import create_app
    from app.auth import services as auth
    from app.catalogue.models import CatalogueItem
    from app.demo.bench_data import bench_data
    from app.extensions import db
    from app.orders.models import Order, OrderStatus

    app = create_app("development", SQLALCHEMY_DATABASE_URI=url, INSTANCE_DIR=instance,
                     LOG_LEVEL="WARNING")
    with app.app_context():
        with contextlib.redirect_stderr(io.StringIO()):  # Alembic's INFO lines
            flask_migrate.upgrade()
        if not db.session.execute(select(func.count(Order.id))).scalar_one():
            started = time.perf_counter()
            bench_data(orders=orders, items=2000, organisations=200)
            db.session.commit()
            print(f"  bench-data --orders {orders}: {time.perf_counter() - started:.0f} s")
        buyer = auth.user_by_email("buyer1@demo.example")
        staff = auth.user_by_email("staff1@demo.example")
        assert buyer is not None and staff is not None and buyer.organisation_id
        _row, buyer_token = auth.create_api_token(buyer, "bench")
        _row, staff_token = auth.create_api_token(staff, "bench")
        # The order page with the longest story: a closed order.
        order_id = db.session.execute(select(Order.id).where(Order.status == OrderStatus.CLOSED)
                                      .order_by(Order.audit_count.desc(), Order.id)
                                      .limit(1)).scalar_one()
        items = db.session.execute(select(CatalogueItem).where(CatalogueItem.code.in_(
            ("L3-WS-HALF", "L3-MEETING")))).scalars().all()
        body = {"lot_id": items[0].lot_id, "title": "Bench order", "objectives": "Measure",
                "participation_level": "consult", "commune": "ixelles",
                "lines": [{"item_id": item.id, "quantity": 1 + n}
                          for n, item in enumerate(items)]}
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    bare.prepare(url)
    return {"buyer_token": buyer_token, "staff_token": staff_token, "order_id": order_id,
            "create_body": json.dumps(body)}


# --- Servers ------------------------------------------------------------------------------

def gunicorn(name: str, target: str, env: dict[str, str], log_dir: str,
             extra: tuple[str, ...] = ()) -> Server:
    """``-w 2`` sync workers on loopback, both stacks alike."""
    port = free_port()
    log = Path(log_dir) / f"{name}.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", "2",
             "--worker-class", "sync", "--log-level", "warning", *extra, target],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    server = Server(name, port, process, log)
    deadline = time.monotonic() + 60
    while True:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/json" if name == "bare" else "/api/v1/lots")
            conn.getresponse().read()
            conn.close()
            return server
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                server.stop()
                raise SystemExit(f"{name} did not start:\n{log.read_text()[-3000:]}") from None
            time.sleep(0.2)


def project_env(url: str, instance: str, redis_db: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL",
                        "RATELIMIT_STORAGE_URI", "APP_ENV", "SECRET_KEY")}
    redis = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379")
    env.update({"APP_ENV": "production", "SECRET_KEY": secrets.token_hex(32),
                "DATABASE_URL": url, "REDIS_URL": f"{redis}/{redis_db}",
                "INSTANCE_DIR": instance, "PYTHONPATH": str(ROOT)})
    return env


def login(port: int, email: str) -> str:
    """Log in through the form (CSRF token and all); the Cookie header to send."""
    from app.demo.seed import demo_password

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", "/login")
    response = conn.getresponse()
    page = response.read().decode()
    jar = cookies(response)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or \
        re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token is not None, "no CSRF token on the login page"
    form = f"csrf_token={token.group(1)}&email={email}&password={demo_password()[0]}"
    conn.request("POST", "/login", body=form.replace("@", "%40"), headers={
        "Content-Type": "application/x-www-form-urlencoded", "Cookie": header(jar)})
    response = conn.getresponse()
    response.read()
    conn.close()
    if response.status != 302:
        raise SystemExit(f"could not log in as {email}: HTTP {response.status}")
    jar.update(cookies(response))
    return header(jar)


def cookies(response: http.client.HTTPResponse) -> dict[str, str]:
    found = {}
    for name, value in response.getheaders():
        if name.lower() == "set-cookie":
            pair = value.split(";", 1)[0]
            key, _sep, val = pair.partition("=")
            found[key.strip()] = val
    return found


def header(jar: dict[str, str]) -> str:
    return "; ".join(f"{k}={v}" for k, v in jar.items())


def flush_redis(redis_db: int) -> None:
    import redis

    base = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379")
    for number in (redis_db, redis_db + 1):
        try:
            redis.Redis.from_url(f"{base}/{number}").flushdb()
        except redis.RedisError as exc:
            print(f"could not empty Redis database {number}: {exc}")


@contextmanager
def project(url: str, instance: str, redis_db: int) -> Iterator[Server]:
    server = gunicorn("app", "wsgi:app", project_env(url, instance, redis_db), instance)
    try:
        yield server
    finally:
        server.stop()


# --- Endpoints ----------------------------------------------------------------------------

@dataclass
class Endpoint:
    label: str
    method: str
    path: str
    headers: dict[str, str]
    body: str | None
    reference: str  # the bare endpoint it is compared with: "rows" or "insert"
    expected: int = 200


def endpoints(access: Access) -> list[Endpoint]:
    fr = {"Accept-Language": "fr"}
    staff = {"Authorization": f"Bearer {access.staff_token}", **fr}
    staff_page = {"Cookie": access.staff_cookie, **fr}
    return [
        Endpoint("GET /api/v1/orders (staff)", "GET", "/api/v1/orders", staff, None, "rows"),
        Endpoint("POST /api/v1/orders (buyer)", "POST", "/api/v1/orders",
                 {"Authorization": f"Bearer {access.buyer_token}",
                  "Content-Type": "application/json", **fr},
                 access.create_body, "insert", 201),
        Endpoint("GET /orders/<id> (staff page)", "GET", f"/orders/{access.order_id}",
                 staff_page, None, "rows"),
        Endpoint("GET /catalogue/", "GET", "/catalogue/", fr, None, "rows"),
        Endpoint("GET /orders/ (staff queue)", "GET", "/orders/", staff_page, None, "rows"),
        Endpoint("GET /api/v1/catalogue/items", "GET", "/api/v1/catalogue/items", fr, None,
                 "rows"),
        Endpoint("GET /api/v1/lots", "GET", "/api/v1/lots", fr, None, "rows"),
        Endpoint("GET /vendor/ (vendor inbox)", "GET", "/vendor/",
                 {"Cookie": access.vendor_cookie, **fr}, None, "rows"),
    ]


def probe(port: int, endpoint: Endpoint) -> None:
    """One request first: a wrong answer (a login page, a 404) is not measured as a fast one."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    conn.request(endpoint.method, endpoint.path, body=endpoint.body, headers=endpoint.headers)
    response = conn.getresponse()
    data = response.read()
    conn.close()
    if response.status != endpoint.expected:
        raise SystemExit(f"{endpoint.label}: HTTP {response.status} instead of "
                         f"{endpoint.expected}: {data[:300]!r}")


def drive(port: int, endpoint: Endpoint, duration: float) -> wrk.Figures:
    probe(port, endpoint)
    url = f"http://127.0.0.1:{port}{endpoint.path}"
    script = wrk.lua(endpoint.method, endpoint.body, endpoint.headers)
    wrk.run(url, script, max(1.0, duration / 3))  # warm-up: both workers, caches, pools
    return wrk.run(url, script, duration)


def row(label: str, f: wrk.Figures, ratio: str) -> str:
    note = f"  ({f.bad_status} non-2xx, {f.socket_errors} socket errors)" \
        if f.bad_status or f.socket_errors else ""
    if not f.requests:
        return f"{label:<34} {'no answer within the run: too slow for --duration':>40}"
    return (f"{label:<34} {f.rate:>8.1f} {f.p50_ms:>8.1f} {f.p99_ms:>8.1f} {ratio:>7} "
            f"{f.requests:>7}{note}")


def measure_http(access: Access, app_port: int, bare_port: int, duration: float,
                 only: set[str]) -> dict[str, wrk.Figures]:
    print(f"\ngunicorn -w 2 sync, both stacks; wrk -t2 -c16 -d{duration:g}s after a warm-up")
    print(f"{'endpoint':<34} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'ratio':>7} "
          f"{'answers':>7}")
    refs = {name: drive(bare_port, Endpoint(name, method, f"/{name}", {}, None, name,
                                            expected), duration)
            for name, method, expected in (("json", "GET", 200), ("rows", "GET", 200),
                                           ("insert", "POST", 201))}
    print(row("bare Flask JSON", refs["json"], ""))
    print(row("bare SQLAlchemy 100 rows + Jinja", refs["rows"], "1.00"))
    print(row("bare INSERT + commit", refs["insert"], "1.00"))
    results: dict[str, wrk.Figures] = {}
    for endpoint in endpoints(access):
        if only and not any(word in endpoint.label for word in only):
            continue
        figures = drive(app_port, endpoint, duration)
        results[endpoint.label] = figures
        ratio = figures.rate / refs[endpoint.reference].rate
        print(row(endpoint.label, figures, f"{ratio:.2f}"), flush=True)
    return results


# --- Main ---------------------------------------------------------------------------------

def access_for(fill_result: dict[str, object], port: int) -> Access:
    return Access(staff_token=str(fill_result["staff_token"]),
                  buyer_token=str(fill_result["buyer_token"]),
                  staff_cookie=login(port, "staff1@demo.example"),
                  vendor_cookie=login(port, "vendor1@demo.example"),
                  order_id=int(str(fill_result["order_id"])),
                  create_body=str(fill_result["create_body"]))


SCALED = ("GET /orders/ (staff queue)", "GET /api/v1/orders (staff)")


@dataclass
class ScaleFigures:
    loaded: wrk.Figures  # under wrk -c16: includes the queueing
    alone_p50_ms: float  # one request at a time: the request's own latency
    alone_p95_ms: float


def one_at_a_time(port: int, endpoint: Endpoint, count: int) -> tuple[float, float]:
    """p50 and p95 (ms) of ``count`` sequential requests, after a warm-up."""
    times = []
    for n in range(count + 3):
        started = time.perf_counter()
        probe(port, endpoint)
        if n >= 3:
            times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return times[len(times) // 2], times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]


def scale_figures(access: Access, port: int, duration: float,
                  sequential: int) -> dict[str, ScaleFigures]:
    found = {}
    for endpoint in endpoints(access):
        if endpoint.label in SCALED:
            p50, p95 = one_at_a_time(port, endpoint, sequential)
            found[endpoint.label] = ScaleFigures(drive(port, endpoint, duration), p50, p95)
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=6, help="seconds per wrk run (6)")
    parser.add_argument("--only", action="append", choices=SECTIONS,
                        help="run only this section (repeatable): http, workflow, scale")
    parser.add_argument("--endpoint", action="append", default=[],
                        help="only endpoints whose label contains this text (repeatable)")
    parser.add_argument("--orders", type=int, default=1000, help="orders of the 1k run")
    parser.add_argument("--scale", type=int, default=0,
                        help="orders of the scale run (e.g. 100000; 0: no scale run)")
    parser.add_argument("--scale-database", help="an already filled database for --scale")
    parser.add_argument("--workflow-orders", type=int, default=300,
                        help="orders pushed through bench/workflow.py (300)")
    parser.add_argument("--sequential", type=int, default=40,
                        help="one-at-a-time requests per endpoint in the scale runs (40)")
    parser.add_argument("--redis-db", type=int, default=13,
                        help="Redis database of the broker (the limiter takes the next; 13)")
    args = parser.parse_args()
    sections = set(args.only or SECTIONS)
    if "scale" in sections and not (args.scale or args.scale_database):
        sections.discard("scale")
    wrk.require_wrk()

    small: dict[str, ScaleFigures] = {}
    with ExitStack() as stack:
        tmp = stack.enter_context(tempfile.TemporaryDirectory(prefix="procure-bench-"))
        stack.callback(flush_redis, args.redis_db)
        if sections & {"http", "scale"}:
            url = stack.enter_context(database())
            print(f"1k run: demo data + bench-data --orders {args.orders}")
            filled = fill(url, args.orders, tmp)
            bare_env = {**project_env(url, tmp, args.redis_db), "APP_ENV": "development"}
            with project(url, tmp, args.redis_db) as app_server:
                access = access_for(filled, app_server.port)
                if "http" in sections:
                    bare_server = gunicorn("bare", "bare:create()", bare_env, tmp,
                                           ("--pythonpath", str(ROOT / "bench")))
                    stack.callback(bare_server.stop)
                    measure_http(access, app_server.port, bare_server.port, args.duration,
                                 set(args.endpoint))
                if "scale" in sections:
                    small = scale_figures(access, app_server.port, args.duration,
                                          args.sequential)
        if "workflow" in sections:
            print(f"\nworkflow: bench/workflow.py --orders {args.workflow_orders}", flush=True)
            subprocess.run([sys.executable, str(ROOT / "bench" / "workflow.py"), "--orders",
                            str(args.workflow_orders)], cwd=ROOT, check=False)
        if "scale" in sections:
            run_scale(stack, args, tmp, small)
    return 0


def run_scale(stack: ExitStack, args: argparse.Namespace, tmp: str,
              small: dict[str, ScaleFigures]) -> None:
    if args.scale_database:
        big_url = args.scale_database
    else:
        big_url = stack.enter_context(database())
    print(f"\nscale run: bench-data --orders {args.scale or '(given database)'}", flush=True)
    filled = fill(big_url, args.scale, tmp)
    with project(big_url, tmp, args.redis_db) as server:
        big = scale_figures(access_for(filled, server.port), server.port, args.duration,
                            args.sequential)
    print("\np95 at 1k orders and at the scale run (target: ratio ≤ 2); 'alone': "
          f"{args.sequential} requests one at a time, 'loaded': under wrk -c16")
    print(f"{'endpoint':<30} {'alone 1k':>9} {'alone big':>10} {'ratio':>6}   "
          f"{'loaded 1k':>10} {'loaded big':>11} {'ratio':>6}")
    for label, after in big.items():
        before = small[label]
        loaded = (f"{before.loaded.p95_ms:>8.1f}ms {after.loaded.p95_ms:>9.1f}ms "
                  f"{after.loaded.p95_ms / before.loaded.p95_ms:>6.2f}"
                  if before.loaded.requests and after.loaded.requests
                  else f"{'(no answer within --duration)':>30}")
        print(f"{label:<30} {before.alone_p95_ms:>7.1f}ms {after.alone_p95_ms:>8.1f}ms "
              f"{after.alone_p95_ms / before.alone_p95_ms:>6.2f}   {loaded}")


if __name__ == "__main__":
    sys.exit(main())
