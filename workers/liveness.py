"""The worker's heartbeat: a thread in the worker's main process writes it every few seconds."""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping
from typing import Any

from celery.signals import worker_ready, worker_shutdown

from app.ops import heartbeat

log = logging.getLogger(__name__)
_stop = threading.Event()


def install(config: Mapping[str, Any]) -> None:
    """Start the heartbeat when the worker is ready; stop it when the worker shuts down."""
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
