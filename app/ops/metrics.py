"""``/metrics`` in the Prometheus text format.

Request count and latency per endpoint and status cost two in-memory updates per request (no
query). Under gunicorn the values live in files in ``PROMETHEUS_MULTIPROC_DIR`` (set before
the processes start, emptied at start: ``gunicorn.conf.py``), so a scrape answered by any worker
process sums all of them. The domain figures (app.ops.figures) are computed at scrape time.

Who may scrape: a caller whose address is in ``METRICS_ALLOWED_NETWORKS`` (loopback by default),
or anyone sending ``Authorization: Bearer <METRICS_TOKEN>`` when a token is set. Anyone else
gets 403.
"""

from __future__ import annotations

import hmac
import ipaddress
import os
import time
from collections.abc import Callable
from typing import Any

from flask import Blueprint, Flask, Response, current_app, g, request
from flask.typing import ResponseReturnValue
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)

bp = Blueprint("ops_metrics", __name__)

REQUESTS = Counter("procure_http_requests", "HTTP requests answered",
                   ["method", "endpoint", "status"])
LATENCY = Histogram("procure_http_request_duration_seconds", "Time to answer a request",
                    ["method", "endpoint"],
                    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10))


def _started() -> None:
    g._metrics_started = time.perf_counter()


def _answered(response: Response) -> Response:
    started = g.pop("_metrics_started", None)
    if started is not None:
        # The endpoint's name (a bounded set), never the path (ids would explode the labels).
        endpoint = request.endpoint or "unmatched"
        LATENCY.labels(request.method, endpoint).observe(time.perf_counter() - started)
        REQUESTS.labels(request.method, endpoint, str(response.status_code)).inc()
    return response


def networks(setting: str) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(part.strip(), strict=False)
                 for part in setting.split(",") if part.strip())


def allowed(remote_addr: str | None, authorization: str, config: dict[str, Any]) -> bool:
    token = config.get("METRICS_TOKEN") or ""
    if token and hmac.compare_digest(authorization.encode(), f"Bearer {token}".encode()):
        return True
    try:
        address = ipaddress.ip_address(remote_addr or "")
    except ValueError:
        return False
    return any(address in network for network in networks(config["METRICS_ALLOWED_NETWORKS"]))


@bp.get("/metrics")
def metrics() -> ResponseReturnValue:
    if not allowed(request.remote_addr, request.headers.get("Authorization", ""),
                   current_app.config):
        return Response("forbidden\n", status=403, mimetype="text/plain")
    from app.ops.figures import DomainCollector

    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        requests_registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(requests_registry)
    else:
        requests_registry = REGISTRY
    figures = CollectorRegistry()
    figures.register(DomainCollector(current_app.config))
    body = generate_latest(requests_registry) + generate_latest(figures)
    return Response(body, mimetype=CONTENT_TYPE_LATEST.split(";")[0],
                    headers={"Cache-Control": "no-store"})


def register(app: Flask, exempt: Callable[[Blueprint], Any]) -> None:
    app.before_request_funcs.setdefault(None, []).insert(0, _started)
    app.after_request(_answered)
    exempt(bp)
    app.register_blueprint(bp)
