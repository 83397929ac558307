"""Fixtures of the integration tier.

Every test here runs against the real services: a fresh PostgreSQL database migrated with
Alembic, Redis (its own database numbers on the shared server, or a private ``redis-server``),
an aiosmtpd sink and Celery worker/beat processes started as separate OS processes.
"""

from __future__ import annotations

import email
import email.policy
import os
import secrets
import threading
from collections.abc import Callable, Iterator
from email.message import EmailMessage
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
import redis
from aiosmtpd.controller import Controller
from flask import Flask
from psycopg import sql

from config.settings import redis_db_url
from tests.processes import (
    RUNNING,
    Process,
    child_env,
    start_beat,
    start_redis_server,
    start_web,
    start_worker,
    wait_until,
)
from tests.services import POSTGRES_URL, REDIS_URL, free_port, missing_service, port_open

HERE = Path(__file__).resolve().parent

# Database numbers of their own on the shared Redis server; only these are ever flushed.
BROKER_DB = int(os.environ.get("TEST_IT_BROKER_DB", "7"))
LIMITER_DB = int(os.environ.get("TEST_IT_LIMITER_DB", "8"))
PUBLIC_BASE_URL = "http://testserver"
INITIAL_PASSWORD = "initial-password-1"



def _host_port(url: str, default_port: int) -> tuple[str, int]:
    parts = urlsplit(url)
    return parts.hostname or "127.0.0.1", parts.port or default_port


# --- Services -----------------------------------------------------------------------------

def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if HERE in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.integration)


@pytest.fixture(scope="session", autouse=True)
def required_services() -> None:
    """PostgreSQL and Redis must answer: fail under CI=true, skip loudly elsewhere."""
    pg_host, pg_port = _host_port(POSTGRES_URL, 5432)
    if not port_open(pg_host, pg_port):
        missing_service("integration", f"PostgreSQL not reachable on {pg_host}:{pg_port} "
                                       "(set TEST_POSTGRES_URL or start it)")
    redis_host, redis_port = _host_port(REDIS_URL, 6379)
    if not port_open(redis_host, redis_port):
        missing_service("integration", f"Redis not reachable on {redis_host}:{redis_port} "
                                       "(set TEST_REDIS_URL or start it)")
    try:
        with psycopg.connect(POSTGRES_URL, connect_timeout=5) as conn:
            conn.execute("SELECT 1")
        redis.Redis.from_url(REDIS_URL, socket_timeout=5).ping()
    except Exception as exc:
        missing_service("integration", f"a service answers on its port but not to a client: "
                                       f"{type(exc).__name__}: {exc}")


@pytest.fixture(scope="session")
def instance_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("instance")


@pytest.fixture(scope="session")
def database_url(required_services: None) -> Iterator[str]:
    """A fresh database for this session, dropped at the end."""
    name = f"procure_it_{secrets.token_hex(6)}"
    with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    url = urlunsplit(urlsplit(POSTGRES_URL)._replace(scheme="postgresql+psycopg",
                                                     path=f"/{name}"))
    try:
        yield url
    finally:
        with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
            conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                         "WHERE datname = %s AND pid <> pg_backend_pid()", [name])
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)")
                         .format(sql.Identifier(name)))


def psycopg_url(database_url: str) -> str:
    return urlunsplit(urlsplit(database_url)._replace(scheme="postgresql"))


@pytest.fixture(scope="session")
def broker_url(required_services: None) -> Iterator[str]:
    url = redis_db_url(REDIS_URL, BROKER_DB)
    client = redis.Redis.from_url(url)
    client.flushdb()
    yield url
    client.flushdb()
    client.close()


@pytest.fixture(scope="session")
def limiter_url(required_services: None) -> str:
    return redis_db_url(REDIS_URL, LIMITER_DB)


# --- SMTP sink ----------------------------------------------------------------------------

class SmtpSink:
    """An aiosmtpd handler keeping every message it receives, parsed."""

    def __init__(self) -> None:
        self.port = 0
        self._messages: list[EmailMessage] = []
        self._lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        raw = envelope.original_content or envelope.content
        message = email.message_from_bytes(raw, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        with self._lock:
            self._messages.append(message)
        return "250 Message accepted for delivery"

    def messages(self, to: str | None = None) -> list[EmailMessage]:
        with self._lock:
            found = list(self._messages)
        if to is not None:
            found = [m for m in found if to.lower() in str(m["To"]).lower()]
        return found

    def wait_for(self, count: int, *, to: str | None = None,
                 timeout: float = 30) -> list[EmailMessage]:
        """At least ``count`` messages (to ``to``), polling until ``timeout``."""
        who = f" to {to}" if to else ""
        return wait_until(lambda: (found := self.messages(to)) and len(found) >= count
                          and found, timeout, f"{count} e-mail(s){who} in the SMTP sink")

    def clear(self) -> None:
        with self._lock:
            self._messages.clear()


@pytest.fixture(scope="session")
def smtp_sink() -> Iterator[SmtpSink]:
    sink = SmtpSink()
    sink.port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=sink.port)
    controller.start()
    try:
        yield sink
    finally:
        controller.stop()


# --- The app under test -------------------------------------------------------------------

AppFactory = Callable[..., Flask]


@pytest.fixture(scope="session")
def make_app(database_url: str, broker_url: str, instance_dir: Path,
             smtp_sink: SmtpSink) -> AppFactory:
    """``create_app("development", ...)`` on the test database, broker and SMTP sink."""

    def make(**overrides: Any) -> Flask:
        from app import create_app

        settings: dict[str, Any] = {
            "INSTANCE_DIR": str(instance_dir),
            "SQLALCHEMY_DATABASE_URI": database_url,
            "CELERY_BROKER_URL": broker_url,
            "RATELIMIT_STORAGE_URI": "memory://",
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": smtp_sink.port,
            "WTF_CSRF_ENABLED": False,
            "OUTBOX_GRACE_SECONDS": 0,
            "PUBLIC_BASE_URL": PUBLIC_BASE_URL,
        }
        settings.update(overrides)
        return create_app("development", **settings)

    return make


@pytest.fixture(scope="session")
def app(make_app: AppFactory) -> Flask:
    """The app, after ``alembic upgrade head`` on the fresh database (never create_all)."""
    import flask_migrate

    flask_app = make_app()
    with flask_app.app_context():
        flask_migrate.upgrade()
    return flask_app


@pytest.fixture(scope="session")
def record_app(app: Flask, make_app: AppFactory) -> Flask:
    """The same app except that committed outbox rows are not handed to the broker."""
    return make_app(OUTBOX_ENQUEUE="record")


@pytest.fixture(autouse=True)
def clean_state(app: Flask, database_url: str, smtp_sink: SmtpSink) -> None:
    """Every table but ``alembic_version`` emptied; the sink forgets earlier messages."""
    with psycopg.connect(psycopg_url(database_url), autocommit=True) as conn:
        conn.execute("SET lock_timeout = '10s'")
        tables = [row[0] for row in conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
            "AND tablename <> 'alembic_version' ORDER BY tablename")]
        if tables:
            conn.execute(sql.SQL("TRUNCATE {} RESTART IDENTITY CASCADE").format(
                sql.SQL(", ").join(sql.Identifier(t) for t in tables)))
    smtp_sink.clear()


# --- Processes ----------------------------------------------------------------------------

@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """When a test fails, show the end of every running process's log under it."""
    outcome = yield
    report = outcome.get_result()  # type: ignore[attr-defined]
    if report.failed and report.when in ("setup", "call"):
        for proc in RUNNING:
            report.sections.append((f"{proc.name} log ({proc.log_path}), last lines",
                                    proc.tail()))


class ProcessFactory:
    """Starts Celery workers, beat and private redis-servers for one test or the session."""

    def __init__(self, *, database_url: str, broker_url: str, instance_dir: Path,
                 smtp_port: int) -> None:
        self.database_url = database_url
        self.broker_url = broker_url
        self.instance_dir = instance_dir
        self.smtp_port = smtp_port
        self.started: list[Process] = []
        # Each test's beats share a schedule and lock of their own in Redis: a beat killed by an
        # earlier test leaves its lock behind, which would hold the next test's beat back.
        self.beat_key_prefix = f"procure-test-{secrets.token_hex(4)}:beat"

    def env(self, **overrides: str) -> dict[str, str]:
        """What ``.ci/run`` or a deployment would set, pointed at the test services."""
        return child_env(**{
            "APP_ENV": "development",
            "DATABASE_URL": self.database_url,
            "CELERY_BROKER_URL": self.broker_url,
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": str(self.smtp_port),
            "INSTANCE_DIR": str(self.instance_dir),
            "OUTBOX_GRACE_SECONDS": "0",
            "PUBLIC_BASE_URL": PUBLIC_BASE_URL,
            "BEAT_KEY_PREFIX": self.beat_key_prefix,
            **overrides,
        })

    def _log(self, name: str) -> Path:
        return self.instance_dir / f"{name}-{secrets.token_hex(3)}.log"

    def worker(self, name: str = "worker", concurrency: int = 2, **env: str) -> Process:
        """``celery worker -c <concurrency> -Q procure``, started and ready."""
        proc = start_worker(name, self._log(name), self.env(**env), concurrency)
        self.started.append(proc)
        return proc

    def beat(self, name: str = "beat", *, wait_for_lock: bool = True, **env: str) -> Process:
        """A beat; with a Redis broker, by default waited for until it holds the lock (is
        active). ``wait_for_lock=False`` starts a standby beat beside an active one."""
        schedule = self.instance_dir / f"celerybeat-schedule-{secrets.token_hex(3)}"
        proc = start_beat(name, self._log(name), schedule, self.env(**env),
                          wait_for_lock=wait_for_lock)
        self.started.append(proc)
        return proc

    def web(self, port: int, name: str = "web", workers: int = 2, **env: str) -> Process:
        """``gunicorn wsgi:app`` with ``workers`` processes, answering on ``port``."""
        proc = start_web(name, self._log(name), port, self.env(**env), workers)
        self.started.append(proc)
        return proc

    def redis_server(self, port: int, name: str = "redis-server") -> Process:
        """A private ``redis-server`` (never the shared one), without persistence."""
        proc = start_redis_server(port, self._log(name), self.instance_dir, name)
        self.started.append(proc)
        return proc

    def stop_all(self) -> None:
        """Celery processes first, then the redis-servers they talk to."""
        celery_first = sorted(reversed(self.started), key=lambda p: p.args[0] == "redis-server")
        for proc in celery_first:
            proc.stop()
        self.started.clear()


def _factory(database_url: str, broker_url: str, instance_dir: Path,
             smtp_sink: SmtpSink) -> ProcessFactory:
    return ProcessFactory(database_url=psycopg_url(database_url), broker_url=broker_url,
                          instance_dir=instance_dir, smtp_port=smtp_sink.port)


@pytest.fixture(scope="session")
def session_processes(app: Flask, database_url: str, broker_url: str, instance_dir: Path,
                      smtp_sink: SmtpSink) -> Iterator[ProcessFactory]:
    factory = _factory(database_url, broker_url, instance_dir, smtp_sink)
    yield factory
    factory.stop_all()


@pytest.fixture()
def processes(app: Flask, database_url: str, broker_url: str, instance_dir: Path,
              smtp_sink: SmtpSink) -> Iterator[ProcessFactory]:
    """Processes stopped when the test ends (e.g. a worker on a private redis-server)."""
    factory = _factory(database_url, broker_url, instance_dir, smtp_sink)
    yield factory
    factory.stop_all()


@pytest.fixture(scope="session")
def worker(session_processes: ProcessFactory) -> Process:
    """One real Celery worker process on the session's broker, shared by the tests."""
    return session_processes.worker("worker")


# --- Helpers for the tests ----------------------------------------------------------------

def create_user(app: Flask, email_address: str, *, language: str = "fr",
                password: str = INITIAL_PASSWORD) -> int:
    """A staff account with a password (so no invitation e-mail is queued)."""
    from app.auth import services
    from app.extensions import db

    with app.app_context():
        user = services.create_user(None, email=email_address, role="staff",
                                    full_name="Test Person", language=language,
                                    password=password)
        db.session.commit()
        return user.id


def outbox_rows(app: Flask) -> list[Any]:
    """Every outbox row, freshly read (detached, with its attributes loaded)."""
    from sqlalchemy import select

    from app.common.outbox import OutboxMessage
    from app.extensions import db

    with app.app_context():
        rows = list(db.session.execute(
            select(OutboxMessage).order_by(OutboxMessage.id)).scalars())
        db.session.expunge_all()
        return rows


def wait_until_sent(app: Flask, message_id: int, timeout: float = 30) -> Any:
    def sent() -> Any:
        rows = [r for r in outbox_rows(app) if r.id == message_id]
        return rows[0] if rows and rows[0].sent_at is not None else None

    return wait_until(sent, timeout, f"outbox message {message_id} marked sent")
