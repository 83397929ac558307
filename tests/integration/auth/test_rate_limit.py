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


def attempts_in_another_process(processes: ProcessFactory, storage: str, *passwords: str,
                                client_address: str = "127.0.0.1",
                                per_account: str = "50 per hour") -> list[int]:
    """Login attempts with ``passwords`` by a separate app process, from ``client_address``;
    their status codes."""
    env = processes.env(RATELIMIT_STORAGE_URI=storage, LOGIN_LIMIT_PER_ACCOUNT=per_account,
                        LOGIN_LIMIT_PER_ACCOUNT_AND_IP="5 per minute",
                        LOGIN_LIMIT_PER_IP="100 per minute")
    done = subprocess.run(
        [sys.executable, "-m", "tests.integration.login_attempts", "--from", client_address,
         ADDRESS, *passwords],
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


def test_failures_from_one_address_do_not_lock_the_owner_out_from_another(
        app: Flask, processes: ProcessFactory, limiter_db: str) -> None:
    """Five wrong passwords from address A lock A out of the account (in every process),
    while its owner, from address B, still logs in."""
    create_user(app, ADDRESS, password=RIGHT)

    assert attempts_in_another_process(processes, limiter_db, *[WRONG] * 5,
                                       client_address="198.51.100.7") == [200] * 5
    assert attempts_in_another_process(processes, limiter_db, RIGHT,
                                       client_address="198.51.100.7") == [429]
    assert attempts_in_another_process(processes, limiter_db, RIGHT,
                                       client_address="203.0.113.20") == [302]


def test_failures_spread_over_many_addresses_meet_the_ceiling_per_account(
        app: Flask, processes: ProcessFactory, limiter_db: str) -> None:
    create_user(app, ADDRESS, password=RIGHT)
    ceiling = "8 per hour"

    for index in range(2):  # 4 failures each from two addresses: under 5 per address
        assert attempts_in_another_process(processes, limiter_db, *[WRONG] * 4,
                                           client_address=f"198.51.100.{index + 1}",
                                           per_account=ceiling) == [200] * 4
    # The ceiling is reached: a third address is refused, even with the right password.
    assert attempts_in_another_process(processes, limiter_db, RIGHT,
                                       client_address="203.0.113.20",
                                       per_account=ceiling) == [429]
