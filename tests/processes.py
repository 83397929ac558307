"""Child processes of the integration tier and of ``bench/workflow.py``: Celery workers and
beat, and private ``redis-server``s, each in its own process group (a worker and its pool
stop, or are killed, together) with its output in a log file."""

from __future__ import annotations

import os
import re
import secrets
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.services import port_open

REPO_ROOT = Path(__file__).resolve().parents[1]
CELERY = str(Path(sys.executable).parent / "celery")
GUNICORN = str(Path(sys.executable).parent / "gunicorn")

# Environment variables a child process must not inherit from the developer's shell.
SCRUBBED_ENV = ("APP_ENV", "DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL",
                "CELERY_RESULT_BACKEND", "MAIL_SERVER", "MAIL_PORT", "INSTANCE_DIR",
                "RATELIMIT_STORAGE_URI", "SECRET_KEY", "OUTBOX_GRACE_SECONDS", "LOG_LEVEL",
                "LOGIN_LIMIT_PER_IP", "LOGIN_LIMIT_PER_ACCOUNT", "PUBLIC_BASE_URL")


class ProcessFailed(AssertionError):
    """A child exited, or what was waited for did not happen in time (a test failure)."""


def wait_until(predicate: Callable[[], Any], timeout: float, what: str,
               interval: float = 0.1) -> Any:
    """Poll ``predicate`` until it returns something truthy; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise ProcessFailed(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(interval)


def child_env(**settings: str) -> dict[str, str]:
    """This process's environment without the app's variables, plus ``settings``."""
    env = {k: v for k, v in os.environ.items() if k not in SCRUBBED_ENV}
    env["PYTHONUNBUFFERED"] = "1"
    env.update(settings)
    return env


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

    @property
    def pid(self) -> int:
        """The leader's pid (also its process group's id)."""
        assert self.popen is not None, f"{self.name} was not started"
        return self.popen.pid

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
                raise ProcessFailed(f"{self.name} exited with {self.popen.returncode} "
                                    f"before {pattern!r} appeared; last lines:\n{self.tail()}")
            if time.monotonic() > deadline:
                raise ProcessFailed(f"{self.name}: {pattern!r} not in its log after "
                                    f"{timeout:.0f} s; last lines:\n{self.tail()}")
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


def start_worker(name: str, log_path: Path, env: dict[str, str], concurrency: int = 2,
                 timeout: float = 60) -> Process:
    """``celery worker -c <concurrency> -Q procure``, started and ready."""
    node = f"{name}-{secrets.token_hex(3)}@%h"
    proc = Process(name, [
        CELERY, "-A", "workers.celery_app", "worker", "-c", str(concurrency),
        "--loglevel", "INFO", "-Q", "procure", "-n", node,
        "--without-heartbeat", "--without-gossip", "--without-mingle",
    ], log_path, env).start()
    proc.wait_for_log(r"@\S+ ready\.", timeout=timeout)
    return proc


BEAT_ACTIVE = r"beat: Acquired lock"


def start_beat(name: str, log_path: Path, schedule: Path, env: dict[str, str], *,
               wait_for_lock: bool = True) -> Process:
    """``celery beat``, started. On a Redis broker (redbeat, workers/beat.py) several may run:
    with ``wait_for_lock`` this waits until this one holds the lock, i.e. is the active one."""
    proc = Process(name, [
        CELERY, "-A", "workers.celery_app", "beat", "--loglevel", "INFO",
        "-s", str(schedule), "--pidfile=",
    ], log_path, env).start()
    proc.wait_for_log(r"beat: Starting", timeout=60)
    if wait_for_lock and env.get("CELERY_BROKER_URL", "").startswith("redis"):
        proc.wait_for_log(BEAT_ACTIVE, timeout=60)
    return proc


def start_web(name: str, log_path: Path, port: int, env: dict[str, str],
              workers: int = 2) -> Process:
    """``gunicorn wsgi:app`` (reading gunicorn.conf.py) on 127.0.0.1:``port``, answering."""
    proc = Process(name, [GUNICORN, "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
                          "wsgi:app"], log_path, env).start()
    wait_until(lambda: port_open("127.0.0.1", port, timeout=0.2), 60,
               f"gunicorn on port {port}")
    return proc


def start_redis_server(port: int, log_path: Path, directory: Path,
                       name: str = "redis-server") -> Process:
    """A private ``redis-server`` (never the shared one) without persistence, answering."""
    proc = Process(name, [
        "redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
        "--appendonly", "no", "--dir", str(directory),
    ], log_path).start()
    wait_until(lambda: port_open("127.0.0.1", port, timeout=0.2), 15,
               f"redis-server on port {port}")
    return proc
