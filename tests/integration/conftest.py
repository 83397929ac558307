"""Fixtures of the integration tier.

Every test here runs against the real services: a fresh PostgreSQL database migrated with
Alembic, Redis (its own database numbers on the shared server, or a private ``redis-server``),
an aiosmtpd sink and Celery worker/beat processes started as separate OS processes.
"""

from __future__ import annotations

import email
import email.policy
import os
import re
import secrets
import signal
import subprocess
import sys
import threading
import time
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
from tests.services import POSTGRES_URL, REDIS_URL, free_port, missing_service, port_open

REPO_ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent
CELERY = str(BIN / "celery")

# Database numbers of their own on the shared Redis server; only these are ever flushed.
BROKER_DB = int(os.environ.get("TEST_IT_BROKER_DB", "7"))
LIMITER_DB = int(os.environ.get("TEST_IT_LIMITER_DB", "8"))
PUBLIC_BASE_URL = "http://testserver"
INITIAL_PASSWORD = "initial-password-1"

# Environment variables a child process must not inherit from the developer's shell.
_SCRUBBED_ENV = ("APP_ENV", "DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "MAIL_SERVER",
                 "MAIL_PORT", "INSTANCE_DIR", "RATELIMIT_STORAGE_URI", "SECRET_KEY",
                 "OUTBOX_GRACE_SECONDS", "LOGIN_LIMIT_PER_IP", "LOGIN_LIMIT_PER_ACCOUNT",
                 "PUBLIC_BASE_URL")


def wait_until(predicate: Callable[[], Any], timeout: float, what: str,
               interval: float = 0.1) -> Any:
    """Poll ``predicate`` until it returns something truthy; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(interval)


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

RUNNING: list[Process] = []


class Process:
    """A child process in its own process group, its output in a log file."""

    def __init__(self, name: str, args: list[str], log_path: Path,
                 env: dict[str, str] | None = None) -> None:
        self.name = name
        self.args = args
        self.log_path = log_path
        self.env = env
        self.popen: subprocess.Popen[bytes] | None = None

    def start(self) -> Process:
        with open(self.log_path, "ab") as log:
            self.popen = subprocess.Popen(self.args, cwd=REPO_ROOT, env=self.env, stdout=log,
                                          stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                          start_new_session=True)
        RUNNING.append(self)
        return self

    def log_text(self, since: int = 0) -> str:
        """The log from byte offset ``since`` (see :meth:`log_mark`)."""
        try:
            with open(self.log_path, "rb") as log:
                log.seek(since)
                return log.read().decode(errors="replace")
        except FileNotFoundError:
            return ""

    def log_mark(self) -> int:
        """The current end of the log, to look only at what comes after it."""
        try:
            return self.log_path.stat().st_size
        except FileNotFoundError:
            return 0

    def tail(self, lines: int = 40) -> str:
        return "\n".join(self.log_text().splitlines()[-lines:])

    def wait_for_log(self, pattern: str, timeout: float = 30,
                     since: int = 0) -> re.Match[str]:
        """Wait until the log (from ``since``) matches ``pattern``; fail if the process died.

        Ids restart in every test (TRUNCATE … RESTART IDENTITY): a test looking for
        ``outbox message 1`` in a shared worker's log passes a mark taken at its start.
        """
        regex = re.compile(pattern, re.MULTILINE)
        deadline = time.monotonic() + timeout
        while True:
            found = regex.search(self.log_text(since))
            if found:
                return found
            if self.popen is not None and self.popen.poll() is not None:
                pytest.fail(f"{self.name} exited with {self.popen.returncode} before "
                            f"{pattern!r} appeared; last lines:\n{self.tail()}")
            if time.monotonic() > deadline:
                pytest.fail(f"{self.name}: {pattern!r} not in its log after {timeout:.0f} s; "
                            f"last lines:\n{self.tail()}")
            time.sleep(0.1)

    def kill(self) -> None:
        """``kill -9`` of the whole process group (a worker's main process and its children),
        without any chance to clean up; waits until the leader is gone."""
        if self in RUNNING:
            RUNNING.remove(self)
        assert self.popen is not None
        try:
            os.killpg(self.popen.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.popen.wait(10)

    def children(self) -> list[int]:
        """Pids of the leader's direct children (a Celery worker's pool processes)."""
        assert self.popen is not None
        found: list[int] = []
        for task in Path(f"/proc/{self.popen.pid}/task").iterdir():
            text = (task / "children").read_text().split()
            found.extend(int(pid) for pid in text)
        return found

    def stop(self) -> None:
        """SIGTERM to the whole process group, SIGKILL if it lingers."""
        if self in RUNNING:
            RUNNING.remove(self)
        if self.popen is None or self.popen.poll() is not None:
            return
        pgid = self.popen.pid  # start_new_session: the child leads its own group
        for sig, grace in ((signal.SIGTERM, 10), (signal.SIGKILL, 5)):
            try:
                os.killpg(pgid, sig)
            except ProcessLookupError:
                return
            try:
                self.popen.wait(grace)
                break
            except subprocess.TimeoutExpired:
                continue
        # The group may still hold forked children after the leader exited.
        try:
            os.killpg(pgid, signal.SIGKILL)
        except ProcessLookupError:
            pass


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

    def env(self, **overrides: str) -> dict[str, str]:
        """What ``.ci/run`` or a deployment would set, pointed at the test services."""
        env = {k: v for k, v in os.environ.items() if k not in _SCRUBBED_ENV}
        env.update({
            "APP_ENV": "development",
            "DATABASE_URL": self.database_url,
            "CELERY_BROKER_URL": self.broker_url,
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": str(self.smtp_port),
            "INSTANCE_DIR": str(self.instance_dir),
            "OUTBOX_GRACE_SECONDS": "0",
            "PUBLIC_BASE_URL": PUBLIC_BASE_URL,
            "PYTHONUNBUFFERED": "1",
        })
        env.update(overrides)
        return env

    def _log(self, name: str) -> Path:
        return self.instance_dir / f"{name}-{secrets.token_hex(3)}.log"

    def worker(self, name: str = "worker", concurrency: int = 2, **env: str) -> Process:
        """``celery worker -c <concurrency> -Q procure``, started and ready."""
        node = f"{name}-{secrets.token_hex(3)}@%h"
        proc = Process(name, [
            CELERY, "-A", "workers.celery_app", "worker", "-c", str(concurrency),
            "--loglevel", "INFO",
            "-Q", "procure", "-n", node,
            "--without-heartbeat", "--without-gossip", "--without-mingle",
        ], self._log(name), self.env(**env)).start()
        self.started.append(proc)
        proc.wait_for_log(r"@\S+ ready\.", timeout=60)
        return proc

    def beat(self, name: str = "beat", **env: str) -> Process:
        schedule = self.instance_dir / f"celerybeat-schedule-{secrets.token_hex(3)}"
        proc = Process(name, [
            CELERY, "-A", "workers.celery_app", "beat", "--loglevel", "INFO",
            "-s", str(schedule), "--pidfile=",
        ], self._log(name), self.env(**env)).start()
        self.started.append(proc)
        proc.wait_for_log(r"beat: Starting", timeout=60)
        return proc

    def redis_server(self, port: int, name: str = "redis-server") -> Process:
        """A private ``redis-server`` (never the shared one), without persistence."""
        proc = Process(name, [
            "redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
            "--appendonly", "no", "--dir", str(self.instance_dir),
        ], self._log(name)).start()
        self.started.append(proc)
        wait_until(lambda: port_open("127.0.0.1", port, timeout=0.2), 15,
                   f"redis-server on port {port}")
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
