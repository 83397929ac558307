"""gunicorn settings read from the repository root (``gunicorn wsgi:app`` finds this file).

Prometheus multiprocess mode: with ``PROMETHEUS_MULTIPROC_DIR`` set in the environment of the
gunicorn master, every worker process writes its request figures to files there and
``/metrics`` sums them (app.ops.metrics). The directory is emptied when gunicorn starts and a
dead worker's live gauges are dropped.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any


def on_starting(server: Any) -> None:
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if directory:
        shutil.rmtree(directory, ignore_errors=True)
        Path(directory).mkdir(parents=True, exist_ok=True)


def child_exit(server: Any, worker: Any) -> None:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
