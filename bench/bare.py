"""The bare stack bench/run.py measures the project against (gunicorn factory ``bare:create()``).

Three endpoints, on the same PostgreSQL database as the project and served with the same
gunicorn settings:

- ``GET /json``: Flask answering ``{"ok": true}``;
- ``GET /rows``: Flask-SQLAlchemy reads 100 rows of ``bench_bare`` and Jinja renders them
  as an HTML table (the reference for pages and API reads);
- ``POST /insert``: one INSERT into ``bench_row`` and a commit (the reference for writes).

``prepare(url)`` creates and fills the two tables.
"""

from __future__ import annotations

import os

from flask import Flask, render_template_string
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import create_engine, text

TEMPLATE = """<!doctype html><html lang="en"><head><title>Rows</title></head><body>
<table><thead><tr><th>id</th><th>title</th><th>amount</th></tr></thead><tbody>
{% for row in rows %}<tr><td>{{ row.id }}</td><td>{{ row.title }}</td>
<td>{{ row.amount_cents }}</td></tr>{% endfor %}
</tbody></table></body></html>"""


def prepare(database_url: str) -> None:
    from config.settings import normalise_database_url

    engine = create_engine(normalise_database_url(database_url))
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE IF NOT EXISTS bench_row "
                          "(id serial PRIMARY KEY, payload text NOT NULL)"))
        conn.execute(text("CREATE TABLE IF NOT EXISTS bench_bare (id serial PRIMARY KEY, "
                          "title text NOT NULL, amount_cents bigint NOT NULL)"))
        if not conn.execute(text("SELECT count(*) FROM bench_bare")).scalar_one():
            conn.execute(text("INSERT INTO bench_bare (title, amount_cents) "
                              "SELECT 'Row ' || n, n * 1234 FROM generate_series(1, 100) n"))
    engine.dispose()


def create() -> Flask:
    from config.settings import normalise_database_url

    app = Flask("bare")
    app.config["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(os.environ["DATABASE_URL"])
    db = SQLAlchemy(app)

    @app.get("/json")
    def json_ok() -> dict[str, bool]:
        return {"ok": True}

    @app.get("/rows")
    def rows() -> str:
        found = db.session.execute(text(
            "SELECT id, title, amount_cents FROM bench_bare ORDER BY id LIMIT 100")).all()
        return render_template_string(TEMPLATE, rows=found)

    @app.post("/insert")
    def insert() -> tuple[dict[str, int], int]:
        row = db.session.execute(text("INSERT INTO bench_row (payload) VALUES (:p) RETURNING id"),
                                 {"p": "x" * 200}).scalar_one()
        db.session.commit()
        return {"id": int(row)}, 201

    return app
