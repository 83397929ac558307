"""The beat: one active at a time on any number of machines, or the plain one on SQLite.

With a Redis broker, beat runs celery-redbeat's scheduler: the schedule lives in Redis and the
active beat holds a Redis lock (``BEAT_LOCK_TIMEOUT`` seconds, renewed on every tick, at most
``BEAT_MAX_LOOP_INTERVAL`` apart). Every other beat waits for the lock; when the active one
dies its lock expires and a waiting beat takes over within BEAT_LOCK_TIMEOUT +
BEAT_MAX_LOOP_INTERVAL seconds, carrying on from the last run times kept in Redis (no sweep
runs twice because of the change). The embedded default (SQLite broker, ``make run``) has no
Redis: there the ordinary single beat with its schedule file runs, and only one may run.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from celery import Celery
from celery.beat import PersistentScheduler
from redbeat import RedBeatScheduler

from app.ops import heartbeat

log = logging.getLogger(__name__)


class _HeartbeatMixin:
    app: Celery

    def _heartbeat(self) -> None:
        try:
            heartbeat.beat(self.app.conf.procure_config, "beat")
        except Exception as exc:  # noqa: BLE001  (a heartbeat never stops the schedule)
            log.warning("beat heartbeat not written: %s", exc)


class FailoverScheduler(_HeartbeatMixin, RedBeatScheduler):
    """redbeat's scheduler; the active beat writes its heartbeat on every tick."""

    def tick(self, *args: Any, **kwargs: Any) -> float:
        next_tick = float(super().tick(*args, **kwargs))
        self._heartbeat()
        return next_tick


class SingleScheduler(_HeartbeatMixin, PersistentScheduler):
    """Celery's file-backed scheduler (the embedded default), with the heartbeat."""

    # redbeat's beat_init receiver (connected when redbeat is imported) looks for a lock.
    lock_key = None

    def tick(self, *args: Any, **kwargs: Any) -> float:
        next_tick = float(super().tick(*args, **kwargs))
        self._heartbeat()
        return next_tick


def configure_beat(celery: Celery, config: Mapping[str, Any]) -> None:
    """Choose the scheduler for the broker in ``config``."""
    celery.conf.procure_config = {key: config[key] for key in (
        "CELERY_BROKER_URL", "INSTANCE_DIR")}
    celery.conf.beat_max_loop_interval = int(config["BEAT_MAX_LOOP_INTERVAL"])
    if heartbeat.uses_redis(config):
        celery.conf.beat_scheduler = "workers.beat:FailoverScheduler"
        celery.conf.redbeat_redis_url = config["CELERY_BROKER_URL"]
        celery.conf.redbeat_redis_options = {"socket_timeout": 5, "socket_connect_timeout": 5}
        celery.conf.redbeat_key_prefix = config["BEAT_KEY_PREFIX"]
        celery.conf.redbeat_lock_timeout = int(config["BEAT_LOCK_TIMEOUT"])
    else:
        celery.conf.beat_scheduler = "workers.beat:SingleScheduler"
