"""Heartbeats: each worker and the active beat write the time they were last alive.

With a Redis broker a heartbeat is a key ``procure:heartbeat:<role>:<node>`` in the broker's
database holding a UNIX time, set with an expiry (a machine gone for good disappears from the
list after a day); on the embedded default (SQLite broker, one machine) it is a small file in
``INSTANCE_DIR/heartbeats``. Reading never writes: ``flask ops status`` and ``/metrics`` show
each heartbeat's age, so an operator sees a dead worker or a beat that stopped ticking without
``celery inspect``.
"""

from __future__ import annotations

import os
import socket
import time
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import redis

KEY_PREFIX = "procure:heartbeat:"
# The role under which a periodic task records when it last finished (node = task name).
TASK_ROLE = "task"
# A heartbeat key outlives its process by this much, then Redis forgets it.
KEY_TTL_SECONDS = 24 * 3600


@dataclass(frozen=True)
class Heartbeat:
    role: str  # "worker" or "beat"
    node: str  # host name and process id
    at: float  # UNIX time of the last beat

    def age(self, now: float | None = None) -> float:
        return max((time.time() if now is None else now) - self.at, 0.0)


def node_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def uses_redis(config: Mapping[str, Any]) -> bool:
    return str(config["CELERY_BROKER_URL"]).startswith(("redis://", "rediss://"))


@lru_cache(maxsize=8)
def redis_client(url: str) -> redis.Redis:
    """One client (and pool) per URL and process; short timeouts: health checks must not hang."""
    return redis.Redis.from_url(url, socket_timeout=1, socket_connect_timeout=1)


def _directory(config: Mapping[str, Any]) -> Path:
    return Path(config["INSTANCE_DIR"]) / "heartbeats"


def beat(config: Mapping[str, Any], role: str, node: str | None = None,
         now: float | None = None) -> None:
    """Record that ``role`` on ``node`` (this process by default) is alive now."""
    node = node or node_name()
    stamp = f"{time.time() if now is None else now:.3f}"
    if uses_redis(config):
        redis_client(config["CELERY_BROKER_URL"]).set(
            f"{KEY_PREFIX}{role}:{node}", stamp, ex=KEY_TTL_SECONDS)
        return
    directory = _directory(config)
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{role}@{node.replace('/', '_')}"
    temporary = path.with_suffix(".tmp")
    temporary.write_text(stamp)
    temporary.replace(path)


def read_all(config: Mapping[str, Any]) -> list[Heartbeat]:
    """Every heartbeat still kept, newest first."""
    found: list[Heartbeat] = []
    if uses_redis(config):
        client = redis_client(config["CELERY_BROKER_URL"])
        keys = sorted(client.scan_iter(match=f"{KEY_PREFIX}*", count=100))
        values = client.mget(keys) if keys else []
        for key, value in zip(keys, values, strict=True):
            if value is None:
                continue
            role, _, node = key.decode()[len(KEY_PREFIX):].partition(":")
            found.append(Heartbeat(role, node, float(value)))
    else:
        directory = _directory(config)
        if directory.is_dir():
            for path in directory.iterdir():
                if "@" not in path.name or path.suffix == ".tmp":
                    continue
                role, _, node = path.name.partition("@")
                try:
                    found.append(Heartbeat(role, node, float(path.read_text())))
                except (OSError, ValueError):
                    continue
    return sorted(found, key=lambda h: -h.at)


def youngest_age(beats: list[Heartbeat], role: str, now: float | None = None) -> float | None:
    """Seconds since any process of ``role`` was last alive; None if none ever was."""
    ages = [h.age(now) for h in beats if h.role == role]
    return min(ages) if ages else None
