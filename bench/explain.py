"""EXPLAIN ANALYZE of every query the lists run, on a database filled by ``flask bench-data``.

    DATABASE_URL=postgresql://postgres@127.0.0.1/procure_bench_scale \\
        .venv/bin/python bench/explain.py [--slower-than 5] [--plans]

Each request below runs through the app's test client (staff queue page and its filters,
the orders API for staff, a buyer and a vendor, the vendor inbox, the dashboard pages and the
lots API); every SQL statement it sends is captured with its parameters and then run again
under ``EXPLAIN (ANALYZE, BUFFERS)``. It prints, per request, the statements slower than
``--slower-than`` ms with their time and the plan's top lines (``--plans``: whole plans), so
a missing index shows as a ``Seq Scan`` or a ``Sort`` over the whole table.
Read-only apart from the API token and login it makes; never point it at a real database.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

REQUESTS = [
    ("staff", "/orders/"),
    ("staff", "/orders/?status=submitted"),
    ("staff", "/orders/?status=closed&sort=newest"),
    ("staff", "/orders/?sort=amount_desc"),
    ("staff-api", "/api/v1/orders"),
    ("staff-api", "/api/v1/orders?status=submitted"),
    ("staff-api", "/api/v1/orders?status=awaiting_vendor"),
    ("buyer-api", "/api/v1/orders"),
    ("buyer", "/orders/"),
    ("vendor-api", "/api/v1/orders"),
    ("vendor-api", "/api/v1/offers"),
    ("vendor", "/vendor/"),
    ("anyone", "/api/v1/lots"),
    ("anyone", "/api/v1/frameworks"),
    ("anyone", "/catalogue/"),
]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--slower-than", type=float, default=5.0, help="ms (5)")
    parser.add_argument("--plans", action="store_true", help="print whole plans")
    parser.add_argument("--only", default="", help="only request paths containing this")
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL")
    if not url or not url.startswith("postgres"):
        raise SystemExit("set DATABASE_URL to a PostgreSQL database filled by bench-data")

    from sqlalchemy import event, select

    from app import create_app
    from app.auth import services as auth
    from app.auth.models import Role, User
    from app.demo.seed import demo_password
    from app.extensions import db

    app = create_app("development", SQLALCHEMY_DATABASE_URI=url, WTF_CSRF_ENABLED=False,
                     INSTANCE_DIR=tempfile.mkdtemp(prefix="procure-explain-"),
                     LOG_LEVEL="WARNING")
    captured: list[tuple[str, Any]] = []

    def capture(_conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any,
                executemany: bool) -> None:
        if not executemany and statement.lstrip().upper().startswith("SELECT"):
            captured.append((statement, parameters))

    with app.app_context():
        vendor = db.session.execute(select(User).where(User.email == "vendor1@demo.example")
                                    ).scalar_one()
        buyer = db.session.execute(select(User).where(User.role == Role.BUYER)
                                   .order_by(User.id)).scalars().first()
        staff = auth.user_by_email("staff1@demo.example")
        assert staff is not None and buyer is not None
        tokens = {name: auth.create_api_token(user, "explain")[1]
                  for name, user in (("staff-api", staff), ("buyer-api", buyer),
                                     ("vendor-api", vendor))}
        db.session.commit()
        engine = db.engine
        db.session.remove()
    clients = {}
    for name, email in (("staff", "staff1@demo.example"), ("buyer", "buyer1@demo.example"),
                        ("vendor", "vendor1@demo.example")):
        client = app.test_client()
        response = client.post("/login", data={"email": email,
                                               "password": demo_password()[0]})
        assert response.status_code == 302, (email, response.status_code)
        clients[name] = client
    # Requests outside any app context: each gets its own (and its own ``g``, where
    # Flask-Login keeps the user), as under a real server.
    for who, path in REQUESTS:
        if args.only and args.only not in path:
            continue
        captured.clear()
        client = clients.get(who) or app.test_client()
        headers = {"Authorization": f"Bearer {tokens[who]}"} if who in tokens else {}
        event.listen(engine, "before_cursor_execute", capture)
        try:
            response = client.get(path, headers=headers)
        finally:
            event.remove(engine, "before_cursor_execute", capture)
        statements = list(captured)
        print(f"\n=== {who} GET {path}: HTTP {response.status_code}, "
              f"{len(statements)} SELECTs")
        total = 0.0
        with engine.connect() as conn:
            for statement, parameters in statements:
                cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters)
                plan = [row[0] for row in cursor.fetchall()]
                cursor.close()
                took = float(plan[-1].split(":")[1].split()[0])  # "Execution Time: x ms"
                total += took
                if took < args.slower_than:
                    continue
                print(f"--- {took:.1f} ms: {' '.join(statement.split())[:300]}")
                for line in plan if args.plans else plan[:8]:
                    print("    " + line)
            conn.rollback()
        print(f"=== total execution time of its SELECTs: {total:.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
