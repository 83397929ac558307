"""``flask ops status``: readiness and the age of every worker's and the beat's heartbeat."""

from __future__ import annotations

import sys
import time

import click
from flask import current_app
from flask.cli import AppGroup

from app.ops import heartbeat
from app.ops.health import readiness

ops_cli = AppGroup("ops", help="Operations: health of this deployment.")


@ops_cli.command("status")
def status_command() -> None:
    """Database, broker, migrations; then each heartbeat with its age. Exit 1 if not ready."""
    ready, body = readiness()
    for name, answer in body["checks"].items():
        click.echo(f"{name:12} {answer}")
    try:
        beats = heartbeat.read_all(current_app.config)
    except Exception as exc:  # noqa: BLE001
        click.echo(f"heartbeats   not readable: {type(exc).__name__}: {exc}")
        beats = []
    now = time.time()
    if not beats:
        click.echo("heartbeats   none (no worker or beat has run against this broker)")
    for beat in beats:
        click.echo(f"{beat.role:12} {beat.node:40} last seen {beat.age(now):7.1f} s ago")
    sys.exit(0 if ready else 1)
