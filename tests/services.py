"""Finding the real services the integration and browser tiers need.

Outside CI a tier whose service is missing is skipped with a loud line saying which and
why; with ``CI=true`` the same situation fails the run.
"""

from __future__ import annotations

import os
import socket
import sys

import pytest

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}

POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379")


def port_open(host: str, port: int, timeout: float = 1.0) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def missing_service(tier: str, what: str) -> None:
    """Fail in CI, skip loudly elsewhere."""
    message = f"{tier} tier: {what}"
    banner = "\n" + "!" * 78 + f"\n!! SKIPPING {message}\n" + "!" * 78 + "\n"
    if IN_CI:
        pytest.fail(f"CI=true and {message}: the tier must run in CI", pytrace=False)
    sys.stderr.write(banner)
    pytest.skip(message)
