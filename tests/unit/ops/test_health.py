"""/healthz and /readyz: no login, no rate limit, no write; 503 naming the failing part."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import text

from app import create_app
from app.extensions import db
from app.ops.health import migration_heads
from tests.unit.helpers import count_queries


def stamp_head() -> None:
    db.session.execute(text("CREATE TABLE alembic_version (version_num VARCHAR(32))"))
    for head in migration_heads():
        db.session.execute(text("INSERT INTO alembic_version VALUES (:v)"), {"v": head})
    db.session.commit()


def test_healthz_answers_without_touching_the_database(client: FlaskClient) -> None:
    with count_queries() as queries:
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok"}
    assert queries == []


def test_readyz_is_200_when_the_database_is_at_the_head_and_the_broker_answers(
        app: Flask, client: FlaskClient) -> None:
    stamp_head()
    response = client.get("/readyz")
    assert response.status_code == 200, response.json
    assert response.json["checks"] == {"database": "ok", "broker": "ok", "migrations": "ok"}
    assert response.headers["Cache-Control"] == "no-store"


def test_readyz_names_migrations_when_the_database_is_behind_the_code(
        client: FlaskClient) -> None:
    response = client.get("/readyz")  # create_all, never migrated: no alembic_version
    assert response.status_code == 503
    assert response.json["status"] == "unavailable"
    assert response.json["failing"] == ["migrations"]
    assert "no revision" in response.json["checks"]["migrations"]


def test_readyz_names_the_database_when_it_cannot_be_reached(tmp_path: Path) -> None:
    app = create_app("testing", INSTANCE_DIR=str(tmp_path),
                     SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/missing/dir/db.sqlite")
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.json["failing"] == ["database", "migrations"]
    assert response.json["checks"]["broker"] == "ok"


def test_readyz_names_the_broker_when_its_directory_is_gone(tmp_path: Path) -> None:
    app = create_app("testing", INSTANCE_DIR=str(tmp_path),
                     CELERY_BROKER_URL=f"sqla+sqlite:///{tmp_path}/gone/broker.db")
    with app.app_context():
        db.create_all()
        stamp_head()
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.json["failing"] == ["broker"]


def test_the_probes_are_never_rate_limited(tmp_path: Path) -> None:
    from app.extensions import limiter

    # Flask-Limiter keeps the first default limit it is given on the shared limiter: put
    # back what was there, or every later test would be limited to 2 a minute.
    saved = list(limiter.limit_manager._default_limits)
    try:
        app = create_app("testing", INSTANCE_DIR=str(tmp_path),
                         RATELIMIT_DEFAULT="2 per minute")
        client = app.test_client()
        assert all(client.get("/healthz").status_code == 200 for _ in range(5))
        assert [client.get("/login").status_code for _ in range(3)][-1] == 429  # it bites
    finally:
        limiter.limit_manager.set_default_limits(saved)


def test_a_database_migrated_by_a_newer_release_keeps_this_code_ready(
        app: Flask, client: FlaskClient) -> None:
    """Expand/contract: during a rolling restart the old code runs on the new schema."""
    db.session.execute(text("CREATE TABLE alembic_version (version_num VARCHAR(32))"))
    db.session.execute(text("INSERT INTO alembic_version VALUES ('f00dfeedbeef')"))
    db.session.commit()
    response = client.get("/readyz")
    assert response.status_code == 200, response.json
    assert response.json["checks"]["migrations"].startswith("ok (database ahead")


def test_a_database_behind_the_code_is_not_ready(app: Flask, client: FlaskClient) -> None:
    db.session.execute(text("CREATE TABLE alembic_version (version_num VARCHAR(32))"))
    db.session.execute(text("INSERT INTO alembic_version VALUES ('d0f0a2cea23b')"))  # the first
    db.session.commit()
    response = client.get("/readyz")
    assert response.status_code == 503
    assert "run flask db upgrade" in response.json["checks"]["migrations"]
