"""Heartbeats and the beat's scheduler choice: redbeat (failover) on Redis, the single
file-backed beat on the embedded SQLite broker."""

from __future__ import annotations

from pathlib import Path

import pytest
from celery import Celery

from app.ops import heartbeat
from config import ConfigError, load_config
from workers.beat import configure_beat


def test_on_the_embedded_broker_heartbeats_are_files_and_their_age_is_read_back(
        tmp_path: Path) -> None:
    config = {"CELERY_BROKER_URL": f"sqla+sqlite:///{tmp_path}/broker.db",
              "INSTANCE_DIR": str(tmp_path)}
    assert heartbeat.read_all(config) == []
    heartbeat.beat(config, "worker", node="host-a:1", now=1000.0)
    heartbeat.beat(config, "worker", node="host-b:2", now=1040.0)
    heartbeat.beat(config, "beat", node="host-a:3", now=1030.0)

    beats = heartbeat.read_all(config)
    assert [(h.role, h.node) for h in beats] == [
        ("worker", "host-b:2"), ("beat", "host-a:3"), ("worker", "host-a:1")]
    assert heartbeat.youngest_age(beats, "worker", now=1050.0) == 10.0
    assert heartbeat.youngest_age(beats, "beat", now=1050.0) == 20.0
    assert heartbeat.youngest_age(beats, "nobody", now=1050.0) is None


def test_a_redis_broker_gets_the_failover_scheduler_with_the_configured_lock() -> None:
    celery = Celery("t")
    configure_beat(celery, load_config("testing", CELERY_BROKER_URL="redis://h:6379/3",
                                       BEAT_LOCK_TIMEOUT=20, BEAT_MAX_LOOP_INTERVAL=4))
    assert celery.conf.beat_scheduler == "workers.beat:FailoverScheduler"
    assert celery.conf.redbeat_redis_url == "redis://h:6379/3"
    assert celery.conf.redbeat_lock_timeout == 20
    assert celery.conf.beat_max_loop_interval == 4
    assert celery.conf.redbeat_key_prefix == "procure:beat"


def test_the_sqlite_broker_keeps_the_single_beat(tmp_path: Path) -> None:
    celery = Celery("t")
    configure_beat(celery, load_config("testing", INSTANCE_DIR=str(tmp_path)))
    assert celery.conf.beat_scheduler == "workers.beat:SingleScheduler"


def test_a_lock_that_would_expire_between_two_ticks_is_refused() -> None:
    with pytest.raises(ConfigError, match="BEAT_LOCK_TIMEOUT"):
        load_config("testing", BEAT_LOCK_TIMEOUT=10, BEAT_MAX_LOOP_INTERVAL=5)
