"""The worker's heartbeat: a thread in the worker's main process writes it every few seconds."""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping
from typing import Any

from celery.signals import task_postrun, worker_ready, worker_shutdown

from app.ops import heartbeat

log = logging.getLogger(__name__)
_stop = threading.Event()


def install(config: Mapping[str, Any], periodic_tasks: set[str]) -> None:
    """Start the heartbeat when the worker is ready; stop it when the worker shuts down;
    record when each of ``periodic_tasks`` (the beat's) last finished."""
    settings = {key: config[key] for key in ("CELERY_BROKER_URL", "INSTANCE_DIR")}
    interval = float(config["HEARTBEAT_INTERVAL_SECONDS"])

    def loop() -> None:
        while not _stop.is_set():
            try:
                heartbeat.beat(settings, "worker")
            except Exception as exc:  # noqa: BLE001  (Redis down: try again next time)
                log.warning("worker heartbeat not written: %s", exc)
            _stop.wait(interval)

    @worker_ready.connect(weak=False)
    def _start(**_kwargs: Any) -> None:
        _stop.clear()
        threading.Thread(target=loop, name="heartbeat", daemon=True).start()

    @worker_shutdown.connect(weak=False)
    def _end(**_kwargs: Any) -> None:
        _stop.set()

    @task_postrun.connect(weak=False)
    def _periodic_done(sender: Any = None, **_kwargs: Any) -> None:
        name = getattr(sender, "name", None)
        if name in periodic_tasks:
            try:
                heartbeat.beat(settings, heartbeat.TASK_ROLE, node=name)
            except Exception as exc:  # noqa: BLE001
                log.warning("last run of %s not recorded: %s", name, exc)
