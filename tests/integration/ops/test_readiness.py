"""/readyz against the real services: 200, then 503 naming the broker when a private
redis-server is stopped, and naming the database when PostgreSQL cannot be reached;
``flask ops status`` shows the worker's heartbeat."""

from __future__ import annotations

import re

from flask import Flask

from tests.integration.conftest import AppFactory, ProcessFactory
from tests.processes import Process
from tests.services import free_port


def test_readyz_answers_503_naming_the_broker_when_redis_stops_and_200_when_it_is_back(
        app: Flask, make_app: AppFactory, processes: ProcessFactory) -> None:
    port = free_port()
    server = processes.redis_server(port)
    web = make_app(CELERY_BROKER_URL=f"redis://127.0.0.1:{port}/0")
    client = web.test_client()
    ready = client.get("/readyz")
    assert ready.status_code == 200, ready.json
    assert ready.json["checks"] == {"database": "ok", "broker": "ok", "migrations": "ok"}

    server.stop()
    down = client.get("/readyz")
    assert down.status_code == 503
    assert down.json["failing"] == ["broker"]
    assert "ConnectionError" in down.json["checks"]["broker"]
    assert client.get("/healthz").status_code == 200, "the process itself is still up"

    processes.redis_server(port, name="redis-server-again")
    assert client.get("/readyz").status_code == 200


def test_readyz_answers_503_naming_the_database_when_postgresql_is_unreachable(
        app: Flask, make_app: AppFactory) -> None:
    nowhere = f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/procure"
    response = make_app(SQLALCHEMY_DATABASE_URI=nowhere).test_client().get("/readyz")
    assert response.status_code == 503
    assert response.json["failing"] == ["database", "migrations"]
    assert response.json["checks"]["broker"] == "ok"


def test_ops_status_shows_the_age_of_the_workers_heartbeat(app: Flask, worker: Process) -> None:
    result = app.test_cli_runner().invoke(args=["ops", "status"])
    assert result.exit_code == 0, result.output
    assert "database     ok" in result.output
    found = re.search(r"^worker\s+\S+\s+last seen\s+([\d.]+) s ago", result.output, re.M)
    assert found, result.output
    assert float(found.group(1)) < 15  # written every HEARTBEAT_INTERVAL_SECONDS (10)
