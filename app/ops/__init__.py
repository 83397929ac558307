"""Operations: health and readiness, metrics, request ids and JSON logs, heartbeats.

It sits at the top of the layers (DESIGN §7) because its metrics read every domain's figures;
nothing below imports it.
"""

from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    """Request ids and logs, the health endpoints, /metrics and the ``flask ops`` commands."""
    from app.extensions import limiter
    from app.ops import health, logs, metrics
    from app.ops.cli import ops_cli

    logs.register(app)
    health.register(app, limiter.exempt)
    metrics.register(app, limiter.exempt)
    app.cli.add_command(ops_cli)
