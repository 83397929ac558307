"""The beat schedule (one active beat at a time: workers/beat.py)."""

from __future__ import annotations

from typing import Any

# Deadlines and retries are data swept by these periodic tasks: no long countdown or ETA.
BEAT_SCHEDULE: dict[str, dict[str, Any]] = {
    "sweep-outbox": {
        "task": "workers.tasks.outbox.sweep",
        "schedule": 15.0,
        "options": {"expires": 14},
    },
    "expire-overdue-offers": {
        "task": "workers.tasks.assignment.expire_overdue",
        "schedule": 30.0,
        "options": {"expires": 29},
    },
}
