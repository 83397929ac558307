"""The login limit is counted in Redis, so every web process sees the same count."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator

import pytest
import redis
from flask import Flask

from tests.integration.conftest import INITIAL_PASSWORD, ProcessFactory, create_user
from tests.processes import REPO_ROOT

ADDRESS = "limited@example.be"
WRONG = "not-the-password"
RIGHT = INITIAL_PASSWORD


@pytest.fixture()
def limiter_db(limiter_url: str) -> Iterator[str]:
    client = redis.Redis.from_url(limiter_url)
    client.flushdb()
    yield limiter_url
    client.flushdb()
    client.close()


def attempts_in_another_process(processes: ProcessFactory, storage: str,
                                *passwords: str) -> list[int]:
    """Login attempts with ``passwords`` by a separate app process; their status codes."""
    env = processes.env(RATELIMIT_STORAGE_URI=storage, LOGIN_LIMIT_PER_ACCOUNT="5 per minute",
                        LOGIN_LIMIT_PER_IP="100 per minute")
    done = subprocess.run(
        [sys.executable, "-m", "tests.integration.login_attempts", ADDRESS, *passwords],
        cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    return list(json.loads(done.stdout.strip().splitlines()[-1]))


def test_wrong_passwords_on_one_web_process_lock_the_account_on_another_with_redis_storage(
        app: Flask, processes: ProcessFactory, limiter_db: str) -> None:
    create_user(app, ADDRESS, password=RIGHT)

    assert attempts_in_another_process(processes, limiter_db, *[WRONG] * 5) == [200] * 5
    # The sixth attempt, in another process, is refused; so is the right password now.
    assert attempts_in_another_process(processes, limiter_db, WRONG, RIGHT) == [429, 429]


def test_with_memory_storage_each_web_process_counts_alone(
        app: Flask, processes: ProcessFactory) -> None:
    """The control: the test above would notice counters that are not shared."""
    create_user(app, ADDRESS, password=RIGHT)

    assert attempts_in_another_process(processes, "memory://", *[WRONG] * 5) == [200] * 5
    assert attempts_in_another_process(processes, "memory://", WRONG) == [200]
