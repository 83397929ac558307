"""Worker entry: ``celery -A workers.celery_app worker`` (and ``beat``: with a Redis broker
one per machine, exactly one active at a time; on the SQLite broker exactly one, see
workers/beat.py)."""

from __future__ import annotations

from typing import Any

from celery.signals import worker_process_init

from app import create_app
from app.extensions import db
from workers import liveness
from workers.beat import configure_beat
from workers.schedule import BEAT_SCHEDULE

flask_app = create_app()
celery_app = flask_app.extensions["celery"]
celery_app.conf.beat_schedule = BEAT_SCHEDULE
configure_beat(celery_app, flask_app.config)
liveness.install(flask_app.config, {entry["task"] for entry in BEAT_SCHEDULE.values()})
import workers.tasks.assignment  # noqa: E402  (registers the tasks)
import workers.tasks.health  # noqa: E402
import workers.tasks.outbox  # noqa: E402,F401

app = celery_app


@worker_process_init.connect
def _fresh_connections(**_kwargs: Any) -> None:
    """A forked child must not reuse the parent's pooled database connections."""
    with flask_app.app_context():
        db.engine.dispose(close=False)
